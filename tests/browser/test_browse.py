from playwright.sync_api import expect

from .helpers import scroll_width


def test_gp_searches_opens_a_result_and_sees_its_strength(page):
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("opioid")
    # Results arrive live via htmx, without submitting the form.
    results = page.locator("#search-results .rec__title a")
    expect(results.first).to_be_visible()
    expect(page).to_have_url(page.base_url + "/search/?q=opioid")
    page.get_by_role("link", name="Det er god praksis at undlade brug af opioider").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("undlade brug af opioider")
    expect(page.locator(".grade").first).to_contain_text("God praksis anbefaling imod")


def test_search_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("træning")
    page.get_by_role("button", name="Søg").click()
    expect(page.locator(".rec__title a").first).to_be_visible()
    assert "/search/?q=tr" in page.url


def test_pages_fit_a_phone_screen(new_page):
    page = new_page(viewport={"width": 375, "height": 740})
    for path in ["/", "/guidelines/generalised-pain/", "/guidelines/generalised-pain/cbt/"]:
        page.goto(page.base_url + path)
        width, wide = scroll_width(page)
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px): {wide}"


def test_live_search_finds_a_word_the_gp_is_still_typing(page):
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("paraceta")
    first = page.locator("#search-results .rec__title a").first
    expect(first).to_be_visible()
    expect(first).to_contain_text("paracetamol")


def test_on_a_phone_the_first_childrens_recommendation_is_on_the_first_screen(new_page):
    page = new_page(viewport={"width": 375, "height": 900})
    page.goto(page.base_url + "/guidelines/child-msk-pain/")
    top = page.locator(".recs .rec").first.bounding_box()["y"]
    assert top < 900, f"the first recommendation starts {top:.0f}px down"


def test_the_trace_is_collapsed_until_asked_for(page):
    page.goto(page.base_url + "/guidelines/generalised-pain/cbt/")
    trace = page.locator("details.trace")
    expect(trace.locator("code")).to_be_hidden()
    trace.locator("summary").click()
    expect(trace.locator("code")).to_contain_text("seeds/001_")


# Found auditing the pages on a phone (2026-12-06): each pause while typing pushed a history
# entry, so after "amitriptylin" leaving the search took 13 presses of Back.
def test_live_search_keeps_one_history_entry_for_what_is_typed(page):
    page.goto(page.base_url + "/")
    box = page.get_by_label("Søg i anbefalingerne")
    box.press_sequentially("amitrip", delay=400)  # slower than the live search's 250 ms
    expect(page).to_have_url(page.base_url + "/search/?q=amitrip")
    expect(page.locator("#search-results")).to_contain_text("amitriptylin", ignore_case=True)
    box.press_sequentially("tylin", delay=400)
    expect(page).to_have_url(page.base_url + "/search/?q=amitriptylin")

    page.go_back()
    expect(page).to_have_url(page.base_url + "/")


# Found auditing the pages on a phone (2026-12-06): for "opioider lænderygsmerter" the named
# guidelines' cards, with their population paragraphs, filled the screen; the first
# recommendation's sentence ended below it, and far below the on-screen keyboard.
def test_on_a_phone_the_first_answer_is_on_screen_when_guidelines_are_named(new_page):
    page = new_page(viewport={"width": 375, "height": 812})
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("opioider lænderygsmerter")
    expect(page.locator("#search-results .search__guideline").first).to_be_visible()
    grade = page.locator("#search-results .recs .grade").first.bounding_box()
    sentence = page.locator("#search-results .recs .rec__title").first.bounding_box()
    # A phone's keyboard takes about the lower 40 % of the screen while the GP types: the
    # strength and direction are above it, and the whole sentence on the first screen.
    assert grade["y"] + grade["height"] <= 812 * 0.6, grade
    assert sentence["y"] + sentence["height"] <= 812, sentence


# Found auditing the pages on a phone (2026-12-06): switching language after a live search
# went back to the address the page was loaded with, so the query and its answer were gone.
def test_switching_language_keeps_the_live_search(page):
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("amitriptylin")
    expect(page).to_have_url(page.base_url + "/search/?q=amitriptylin")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(page.base_url + "/search/?q=amitriptylin")
    expect(page.get_by_label("Search the recommendations")).to_have_value("amitriptylin")
