"""A live update that fails must not leave the previous results on screen (docs/safety.md, H3)."""

from playwright.sync_api import expect

from .helpers import fill_oxycodone_plan

UPDATE_FAILED = "Resultatet kunne ikke opdateres, fordi serveren ikke svarede."


def unavailable(route):
    # What DatabaseUnavailableMiddleware answers while the database is down.
    route.fulfill(status=503, content_type="text/html", body="<h1>Midlertidigt utilgængelig</h1>")


def test_a_red_flag_ticked_while_the_server_is_down_leaves_no_results_without_its_alert(page):
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Lænderyg").check()
    page.get_by_label("Varighed (uger)").fill("2")
    expect(page.locator("#results .result-guideline h2")).to_contain_text(
        "lænderygsmerter", ignore_case=True
    )

    page.route("**/intake/", unavailable)
    page.get_by_label("Cauda equina syndrom - saddel anæstesi").check()
    expect(page.get_by_role("alert")).to_contain_text(UPDATE_FAILED)
    expect(page.locator("#results .result-guideline")).to_have_count(0)

    page.unroute("**/intake/")
    page.get_by_label("Varighed (uger)").fill("3")
    expect(page.locator("#results .alert--critical")).to_contain_text("AKUT")


def test_on_a_phone_a_failed_live_update_leaves_no_stale_summary_above_the_form(new_page):
    page = new_page(viewport={"width": 375, "height": 812})
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Lænderyg").check()
    page.get_by_label("Varighed (uger)").fill("2")
    expect(page.locator("#result-peek .peek-rec")).to_be_visible()

    page.route("**/intake/", unavailable)
    flag = page.get_by_label("Cauda equina syndrom - saddel anæstesi")
    flag.check()
    peek = page.locator("#result-peek")
    expect(peek).to_contain_text(UPDATE_FAILED)  # where the clinician looks, on screen
    expect(peek).to_be_in_viewport()
    expect(peek.locator(".peek-rec")).to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(1)  # announced once, from the result
    expect(flag).to_be_focused()

    page.unroute("**/intake/")
    page.get_by_label("Varighed (uger)").fill("3")
    expect(peek.locator(".alert--critical")).to_contain_text("AKUT")


def test_a_taper_plan_is_not_left_under_a_changed_pace_when_the_server_does_not_answer(page):
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    expect(page.locator("#plan .taper-table tbody tr")).to_have_count(11)

    page.route("**/opioids/taper-plan/", lambda route: route.abort())  # no answer at all
    page.get_by_label("Reduktion pr. trin (%)").fill("20")
    expect(page.locator("#plan")).to_contain_text(UPDATE_FAILED)
    expect(page.locator("#plan .taper-table")).to_have_count(0)
