"""The three users' journeys, with the mouse and with the keyboard only.

1. A GP searches, reads a recommendation (strength, rationale) and goes back to its guideline.
2. A clinician describes a patient, opens a rationale, prints the result and a taper plan.
3. An editor revises and publishes a recommendation; a reader sees the new version and what
   changed. (With the mouse, including drafts, in test_editing.py; here with the keyboard.)

Keyboard journeys press only Tab, Shift+Tab, Enter, Space, arrow keys and type; every element
that gets focus on our pages must show a visible focus ring.
"""

import re

from playwright.sync_api import Page, expect

from .helpers import EDITOR_PASSWORD, editor_create, scroll_width

GRADE_SYMBOLS = {"↑↑", "↑", "√", "↓", "↓↓", "◇"}


def focused(page: Page) -> dict:
    """Describe the focused element: tag, id, text and whether its focus ring is visible."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "",
                name: (el.getAttribute("aria-label") || el.textContent || el.value || "")
                    .trim().replace(/\\s+/g, " ").slice(0, 300),
                ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                outline: `${style.outlineStyle} ${style.outlineWidth} ${el.matches(":focus")}`,
                onScreen: box.width > 0 && box.height > 0 && box.right > 0 && box.left <
                    window.innerWidth,
            };
        }"""
    )


def tab_to(page: Page, matches: str, *, back: bool = False, ring: bool = True, limit=150):
    """Press Tab (Shift+Tab if back) until the focused element matches the JS test on `el`.

    Every element passed on the way must show a visible focus ring (unless ring=False, for
    Django's admin, whose styles are not ours) and be on screen.
    """
    test = f"(el => {matches})(document.activeElement)"
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = focused(page)
        if now["tag"] == "body":
            continue  # between the page and the browser's own controls
        assert now["onScreen"], f"focus went to something not on screen: {now}"
        if ring:
            assert now["ring"], f"no visible focus ring on {now}"
        if page.evaluate(test):
            return now
    raise AssertionError(f"never reached an element where {matches}; last: {focused(page)}")


# --- 1. The GP ---------------------------------------------------------------------------


def _reads_the_recommendation(page: Page) -> str:
    """Check the recommendation page a GP lands on; return the guideline's short title."""
    grade = page.locator("main .grade").first
    expect(grade).to_be_visible()
    assert grade.locator(".grade__symbol").inner_text().strip() in GRADE_SYMBOLS
    expect(grade).to_contain_text(re.compile(r"anbefaling (for|imod)"))  # words, not colour only
    expect(page.locator(".facts")).to_contain_text("Styrke")
    # The text under the sentence: its rationale, or (low back pain) its PICO question's
    # background under its own heading, with where the words and grade come from beside them.
    heading = re.compile(r"^(Begrundelse|Baggrund for det fokuserede spørgsmål \(PICO\))$")
    expect(page.get_by_role("heading", name=heading, level=2)).to_be_visible()
    expect(page.locator(".rationale")).not_to_be_empty()
    expect(page.locator("main .provenance").first).to_contain_text("Oprindelse")
    return page.locator(".crumbs a").nth(1).inner_text()


def test_a_gp_searches_live_reads_a_recommendation_and_goes_back_to_its_guideline(page):
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("træning")
    first = page.locator("#search-results .rec__title a").first
    expect(first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/search/\?q=tr%C3%A6ning$"))
    expect(page.locator("#search-status")).to_contain_text("matcher")  # said by screen readers
    title = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    guideline = _reads_the_recommendation(page)
    page.get_by_role("link", name=f"← Tilbage til {guideline}").click()
    # A guideline with the source's own chapters has a list per chapter: one of them holds it.
    expect(page.locator(".recs").filter(has_text=title)).to_have_count(1)


def test_a_gp_does_the_same_with_the_keyboard_only(page):
    page.goto(page.base_url + "/")
    # The first Tab reaches the skip link, which shows itself and jumps past the header.
    skip = tab_to(page, "el.classList.contains('skip-link')")
    assert skip["name"] == "Spring til indhold"
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.base_url + "/#main")
    tab_to(page, "el.id === 'search-q'", limit=1)  # the next Tab lands in <main>, not the header
    page.keyboard.type("træning")
    expect(page.locator("#search-results .rec").first).to_be_visible()
    result = tab_to(page, "el.matches('#search-results .rec__title a')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(result["name"])
    guideline = _reads_the_recommendation(page)
    tab_to(page, "el.textContent.trim().startsWith('← Tilbage til')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(result["name"])
    expect(page.locator(".crumbs + h1")).to_be_visible()
    expect(page).to_have_title(re.compile(re.escape(guideline)))


# --- 2. The clinician --------------------------------------------------------------------


def test_a_clinician_fills_the_intake_with_the_keyboard_and_prints_the_result(page):
    page.goto(page.base_url + "/intake/")
    tab_to(page, "el.id === 'age'")
    page.keyboard.type("52")
    # Into the radio group; the arrow keys move the choice.
    tab_to(page, "el.name === 'pain_site'", limit=1)
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Generaliserede smerter i bevægeapparatet")).to_be_checked()
    expect(page.get_by_label("Lænderyg")).not_to_be_checked()
    tab_to(page, "el.id === 'pain_duration_weeks'", limit=1)
    page.keyboard.type("30")
    tab_to(page, "el.name === 'sleep_problems'")
    page.keyboard.press("Space")
    expect(page.get_by_label("Søvnproblemer")).to_be_checked()

    # A third medication row: the new row's first field gets the focus.
    tab_to(page, "el.name === 'add_medication'")
    page.keyboard.press("Enter")
    expect(page.locator("#med-2-drug")).to_be_focused()
    page.keyboard.type("Oxycodon")  # type-ahead picks the option
    expect(page.locator("#med-2-drug")).to_have_value("oxycodone")
    tab_to(page, "el.id === 'med-2-dose'", limit=1)
    page.keyboard.type("60")
    tab_to(page, "el.id === 'opioid_treatment_months'")
    page.keyboard.type("24")

    # The results follow, live: the guidelines in scope and, for the opioid, tapering.
    results = page.locator("#results")
    expect(results.locator(".result-guideline h2").first).to_contain_text("Generaliserede")
    expect(results.locator(".result-guideline h2", has_text="opioid")).to_be_visible()
    expect(results.locator(".alert").first).to_be_visible()

    # A rationale, opened with the keyboard.
    summary = tab_to(page, "el.matches('#results details[id^=\"why-\"] > summary')")
    assert summary["name"] == "Begrundelse"
    page.keyboard.press("Enter")
    rationale = results.locator("details[open] .rationale")
    expect(rationale).to_be_visible()
    expect(rationale).not_to_be_empty()

    # Printed: the form goes, the result and its alerts stay, the rationales fold away.
    page.emulate_media(media="print")
    expect(page.locator("#intake-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(results.get_by_role("heading", name="Resultat af patientvurdering")).to_be_visible()
    expect(results.locator(".alert").first).to_be_visible()
    expect(results.locator(".result-guideline").first).to_be_visible()
    expect(results.locator(".rec .grade").first).to_be_visible()
    expect(results.locator("details").first).to_be_hidden()
    page.emulate_media(media="screen")

    # A critical red flag (Space again): the alert replaces the recommendations, in print too.
    tab_to(page, "el.value === 'cauda_equina_saddle_anaesthesia'", back=True, limit=250)
    page.keyboard.press("Space")
    critical = results.locator(".alert--critical")
    expect(critical).to_contain_text("AKUT")
    page.emulate_media(media="print")
    expect(critical).to_be_visible()
    expect(page.locator("#intake-form")).to_be_hidden()


def test_a_clinician_goes_from_the_intake_to_a_taper_plan_and_prints_it_with_the_keyboard(page):
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Generaliserede smerter i bevægeapparatet").check()
    page.get_by_label("Varighed (uger)").fill("30")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("60")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    expect(page.locator("#results .taper-links button").first).to_be_visible()
    page.locator("#opioid_treatment_months").focus()

    tab_to(page, "el.matches('.taper-links button')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nedtrapningsplan for opioid")
    expect(page.locator("#daily_dose")).to_have_value("60")
    tab_to(page, "el.textContent.trim() === 'Lav nedtrapningsplan'")
    page.keyboard.press("Enter")
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()

    # The clinician's own print: the plan without the form or the buttons.
    page.emulate_media(media="print")
    expect(page.locator("#taper-form")).to_be_hidden()
    expect(page.locator("#plan .taper-table")).to_be_visible()
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()
    expect(page.get_by_role("button", name="Udskriv plan til patienten")).to_be_hidden()
    page.emulate_media(media="screen")

    # The patient's print-out opens in a new tab.
    with page.context.expect_page() as popup:
        tab_to(page, "el.textContent.trim() === 'Udskriv plan til patienten'")
        page.keyboard.press("Enter")
    patient = popup.value
    expect(patient.get_by_role("heading", level=1)).to_have_text(
        "Din plan for nedtrapning af oxycodon"
    )
    patient.emulate_media(media="print")
    expect(patient.get_by_role("button", name="Udskriv")).to_be_hidden()
    expect(patient.locator(".site-header")).to_be_hidden()
    expect(patient.locator(".patient-schedule")).to_be_visible()
    expect(patient.locator("svg.taper-chart__svg")).to_be_visible()
    expect(patient.get_by_role("heading", name="Hvis du får abstinenser")).to_be_visible()


def test_the_intake_and_the_taper_plan_fit_a_phone_screen(new_page):
    page = new_page(viewport={"width": 375, "height": 740})
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Generaliserede smerter i bevægeapparatet").check()
    page.get_by_label("Varighed (uger)").fill("30")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("60")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    page.get_by_text("Udfyld STarT Back Screening Tool").click()
    expect(page.locator("#results .taper-links button").first).to_be_visible()
    width, wide = scroll_width(page)
    assert width <= 375, f"the intake scrolls sideways on a phone ({width}px): {wide}"

    page.locator("#results .taper-links button").first.click()
    page.get_by_role("button", name="Lav nedtrapningsplan").click()
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()
    width, wide = scroll_width(page)
    assert width <= 375, f"the taper plan scrolls sideways on a phone ({width}px): {wide}"


# --- 3. The editor -----------------------------------------------------------------------


def test_an_editor_publishes_a_revision_with_the_keyboard_and_a_reader_sees_the_diff(
    page, new_page
):
    from recommendations.models import Recommendation

    editor_create("alice")
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="supervised-exercise")
    added = "Tilføjet efter høringen: træningen tilpasses patientens dagsform."

    page.goto(f"{page.base_url}/admin/recommendations/recommendation/{rec.pk}/change/")
    tab_to(page, "el.id === 'id_username'", ring=False)
    page.keyboard.type("alice")
    tab_to(page, "el.id === 'id_password'", ring=False, limit=1)
    page.keyboard.type(EDITOR_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("#id_rationale")).to_be_visible()

    tab_to(page, "el.id === 'id_rationale'", ring=False, limit=300)
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\n" + added)
    tab_to(page, "el.id === 'id_change_reason'", ring=False)
    page.keyboard.type("Høringssvar: træningen skal kunne tilpasses.")
    tab_to(page, "el.name === '_publish'", ring=False, limit=300)
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"Version {rec.version + 1} er udgivet")).to_be_visible()

    # An anonymous reader: the new version number, and the added words on the history page.
    reader = new_page()
    reader.goto(page.base_url + rec.get_absolute_url())
    expect(reader.locator(".facts")).to_contain_text(f"{rec.version + 1} · Udgivet")
    tab_to(reader, "el.textContent.trim() === 'Versionshistorik'")
    reader.keyboard.press("Enter")
    expect(
        reader.get_by_role(
            "heading", name=f"Forskelle fra version {rec.version} til version {rec.version + 1}"
        )
    ).to_be_visible()
    expect(reader.locator(".diff ins").last).to_contain_text("træningen tilpasses")
    expect(reader.get_by_text("Høringssvar: træningen skal kunne tilpasses.")).to_be_visible()
