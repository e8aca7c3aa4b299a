"""The clinician's journeys at the point of care, on a phone (375x812) and a desktop (1280x800):
what is on screen, and how many actions it takes (issue 13)."""

import pytest
from playwright.sync_api import Page, expect

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
SCREENS = [pytest.param(PHONE, id="phone"), pytest.param(DESKTOP, id="desktop")]


def on_screen(page: Page, selector: str) -> None:
    """Fail unless the element is wholly inside the viewport, with no scrolling (retried while
    a live update may still be replacing it)."""
    expect(page.locator(selector).first).to_be_in_viewport(ratio=1)


def fill_generalised_pain_on_tramadol(page: Page) -> None:
    page.get_by_label("Alder (år)").fill("60")
    page.get_by_label("Generaliserede smerter i bevægeapparatet").check()
    page.get_by_label("Varighed (uger)").fill("30")
    page.get_by_label("Ikke-medicinsk behandling har ikke hjulpet tilstrækkeligt").check()
    page.locator("#med-0-drug").select_option("tramadol")
    page.locator("#med-0-dose").fill("200")


@pytest.mark.parametrize("screen", SCREENS)
def test_an_intake_reaches_its_alerts_and_first_recommendation_in_one_action(new_page, screen):
    page = new_page(viewport=screen)
    page.goto(page.base_url + "/intake/")
    fill_generalised_pain_on_tramadol(page)

    # The one action after the last field. The button stays on screen at the bottom of a phone.
    on_screen(page, "#intake-form .actions button[type=submit]")
    page.get_by_role("button", name="Vis anbefalinger").click()
    page.wait_for_load_state()

    expect(page.locator("#results .alerts li").first).to_contain_text("Patienten får tramadol")
    on_screen(page, "#results .alerts li")
    on_screen(page, "#results .rec .grade")
    on_screen(page, "#results .rec .rec__title")
    # Nothing typed is lost.
    expect(page.get_by_label("Alder (år)")).to_have_value("60")
    expect(page.locator("#med-0-drug")).to_have_value("tramadol")
    expect(page.locator("#med-0-dose")).to_have_value("200")
    expect(
        page.get_by_label("Ikke-medicinsk behandling har ikke hjulpet tilstrækkeligt")
    ).to_be_checked()

    form, results = (
        page.locator("#intake-form").bounding_box(),
        page.locator("#results").bounding_box(),
    )
    if screen is DESKTOP:
        # Side by side, as before.
        assert results["x"] >= form["x"] + form["width"]
    else:
        # The form is one tap away.
        assert results["y"] < form["y"]
        page.get_by_role("link", name="Ret patientoplysningerne").click()
        on_screen(page, "#age")


def test_on_a_phone_what_is_not_shown_and_the_journal_note_are_in_the_result(new_page):
    page = new_page(viewport=PHONE)
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("50")
    page.get_by_label("Generaliserede smerter i bevægeapparatet").check()
    page.get_by_label("Varighed (uger)").fill("20")
    page.get_by_role("button", name="Vis anbefalinger").click()

    summary = page.get_by_text("Ikke vist for denne patient (10)")
    summary.click()
    expect(page.locator("#not-shown-generalised-pain")).to_contain_text(
        "Vises, hvis: Komplekse problemstillinger som følge af smerterne"
    )
    note = page.locator("#journal-note")
    expect(note).to_contain_text("Oplyst: 50 år; generaliserede smerter i 20 uger;")
    copy = page.get_by_role("button", name="Kopiér til journal")
    expect(copy).to_be_visible()  # revealed by nkr.js
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy.click()
    expect(page.locator(".copy-status")).to_have_text("Kopieret. Sæt ind i journalen.")
    # The printout carries the note.
    page.emulate_media(media="print")
    expect(note).to_be_visible()
    expect(copy).to_be_hidden()


def test_without_javascript_the_journal_note_is_selectable_and_the_result_opens_first(new_page):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(page.base_url + "/intake/")
    fill_generalised_pain_on_tramadol(page)
    page.get_by_role("button", name="Vis anbefalinger").click()

    on_screen(page, "#results .alerts li")
    on_screen(page, "#results .rec .rec__title")
    expect(page.locator("#journal-note")).to_contain_text("Patienten får tramadol")
    expect(page.get_by_role("button", name="Kopiér til journal")).to_be_hidden()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_gp_question_is_answered_in_two_actions_from_the_home_page(new_page, screen):
    page = new_page(viewport=screen)
    page.goto(page.base_url + "/")

    page.get_by_label("Søg i anbefalingerne").fill("tramadol")  # action 1
    page.get_by_label("Søg i anbefalingerne").press("Enter")  # action 2

    first = page.locator("#search-results .rec, main .recs .rec").first
    expect(first).to_contain_text("Svag anbefaling imod")
    expect(first).to_contain_text("tramadol")
    on_screen(page, "main .rec .grade")
    on_screen(page, "main .rec .rec__title")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_opioid_tools_are_one_tap_from_the_home_page_and_the_menu(new_page, screen):
    page = new_page(viewport=screen)
    page.goto(page.base_url + "/")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="MME-beregner"
    ).click()
    expect(page).to_have_url(page.base_url + "/opioids/mme/")
    page.goto(page.base_url + "/guidelines/opioid-tapering/")
    page.get_by_role("link", name="Nedtrapningsplan for opioider").click()
    expect(page).to_have_url(page.base_url + "/opioids/taper-plan/")


def fill_two_opioids(page: Page) -> None:
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Generaliserede smerter i bevægeapparatet").check()
    page.get_by_label("Varighed (uger)").fill("30")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("40")
    page.locator("#med-1-drug").select_option("morphine")
    page.locator("#med-1-dose").fill("30")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    page.get_by_role("button", name="Vis anbefalinger").click()


def expect_both_opioids_in_the_planner(page: Page) -> None:
    # Found auditing the pages on a phone (2026-12-06): the intake's and the MME page's
    # buttons opened the planner at its form, the plan 2.5 screens below: they land on the plan.
    expect(page).to_have_url(page.base_url + "/opioids/taper-plan/#plan")
    expect(page.locator("#plan")).to_be_in_viewport()
    expect(page.locator("#drug")).to_have_value("oxycodone")
    expect(page.locator("#daily_dose")).to_have_value("40")
    expect(page.locator("#med-1-drug")).to_have_value("morphine")
    expect(page.locator("#med-1-dose")).to_have_value("30")


@pytest.mark.parametrize("screen", SCREENS)
def test_the_intake_carries_every_current_opioid_through_the_mme_page_to_the_planner(
    new_page, screen
):
    page = new_page(viewport=screen)
    page.goto(page.base_url + "/intake/")
    fill_two_opioids(page)

    page.get_by_role("button", name="Beregn morfinækvivalent (MME)").click()
    expect(page).to_have_url(page.base_url + "/opioids/mme/#mme-results")
    expect(page.locator(".mme-total-summary")).to_be_in_viewport()
    table = page.locator(".mme-table")
    expect(table).to_contain_text("Oxycodon")
    expect(table).to_contain_text("Morfin")
    expect(page.locator("#med-0-dose")).to_have_value("40")
    expect(page.locator("#med-1-dose")).to_have_value("30")

    page.get_by_role("button", name="Lav en nedtrapningsplan med disse 2 opioider").click()
    expect_both_opioids_in_the_planner(page)


def test_the_intake_carries_every_current_opioid_straight_to_the_planner(new_page):
    page = new_page(viewport=PHONE)
    page.goto(page.base_url + "/intake/")
    fill_two_opioids(page)

    page.get_by_role("button", name="Lav nedtrapningsplan for alle 2 opioider").click()
    expect_both_opioids_in_the_planner(page)
    expect(page.locator("#treatment_months")).to_have_value("24")


def below_the_summary(page: Page, selector: str) -> None:
    """Fail unless the element is on screen and not covered by the sticky result summary."""
    on_screen(page, selector)
    peek = page.locator("#result-peek").bounding_box()
    field = page.locator(selector).bounding_box()
    assert peek is not None and field is not None
    assert field["y"] >= peek["y"] + peek["height"] - 1, (peek, field)


def test_on_a_phone_a_live_update_shows_the_alerts_and_first_recommendation_while_typing(
    new_page,
):
    page = new_page(viewport=PHONE)
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Cauda equina syndrom - saddel anæstesi").check()
    fill_generalised_pain_on_tramadol(page)  # the last action types the dose: no submit
    dose = page.locator("#med-0-dose")
    expect(dose).to_be_focused()

    # The live update refreshes a short summary that sticks to the top of the screen: the
    # alerts, red flags first with their level, and the first applying recommendation.
    peek = page.locator("#result-peek")
    first = page.locator("#results .rec").first  # the first applying recommendation
    expect(peek.locator(".peek-rec__title")).to_have_text(first.locator(".rec__title").inner_text())
    expect(peek.locator(".alert").first).to_contain_text("AKUT")
    expect(peek.locator(".alert").nth(1)).to_contain_text("Patienten får tramadol")
    on_screen(page, "#result-peek .alert")
    on_screen(page, "#result-peek .alert >> nth=1")
    on_screen(page, "#result-peek .peek-rec .grade")
    on_screen(page, "#result-peek .peek-rec__title")
    expect(peek.locator(".peek-rec .grade")).to_have_text(first.locator(".grade").inner_text())
    # The clinician keeps typing where they were: focus and the field stay, not under the bar.
    expect(dose).to_be_focused()
    below_the_summary(page, "#med-0-dose")
    dose.press("End")
    dose.type("0")  # 2000 mg: still the same alerts; typing goes on in the same field
    expect(dose).to_have_value("2000")
    expect(dose).to_be_focused()

    # One tap to the whole result, one tap back to the form; nothing typed is lost.
    page.get_by_role("link", name="Se hele resultatet").click()
    on_screen(page, "#results .alerts li")
    page.get_by_role("link", name="Ret patientoplysningerne").click()
    on_screen(page, "#age")
    expect(page.get_by_label("Alder (år)")).to_have_value("60")
    expect(dose).to_have_value("2000")


def test_on_a_desktop_a_live_update_fills_the_result_beside_the_form(new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(page.base_url + "/intake/")
    fill_generalised_pain_on_tramadol(page)
    expect(page.locator("#results .alerts li").first).to_contain_text("Patienten får tramadol")
    expect(page.locator("#result-peek")).to_be_hidden()  # side by side: no summary needed
    on_screen(page, "#results .alerts li")
    on_screen(page, "#results .rec .grade")
    form, results = (
        page.locator("#intake-form").bounding_box(),
        page.locator("#results").bounding_box(),
    )
    assert results["x"] >= form["x"] + form["width"]
    expect(page.locator("#med-0-dose")).to_be_focused()
