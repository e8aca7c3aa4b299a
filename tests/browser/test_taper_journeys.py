"""MME calculator -> taper planner with two opioids, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from .helpers import scroll_width

SCREENS = [{"width": 375, "height": 812}, {"width": 1280, "height": 800}]


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_two_opioids_go_from_the_mme_page_into_a_taper_plan_without_retyping(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto(page.base_url + "/opioids/mme/")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("20")
    page.locator("#med-1-drug").select_option("fentanyl_patch")
    page.locator("#med-1-dose").fill("25")
    total = page.locator(".mme-total-summary")
    expect(total).to_contain_text("90 MME/døgn")
    # The total is on screen, not behind a sideways scroll (30 + 60 MME, CDC 2022 factors).
    total.scroll_into_view_if_needed()
    box = total.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    width, wide = scroll_width(page)
    assert width <= viewport["width"], f"the MME page scrolls sideways: {wide}"

    # One action carries both opioids; the only thing typed is what the MME page cannot know.
    page.get_by_role("button", name="Lav en nedtrapningsplan med disse 2 opioider").click()
    expect(page.locator("#drug")).to_have_value("oxycodone")
    expect(page.locator("#daily_dose")).to_have_value("20")
    expect(page.locator("#med-1-drug")).to_have_value("fentanyl_patch")
    expect(page.locator("#med-1-dose")).to_have_value("25")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    plan = page.locator("#plan")
    expect(
        plan.get_by_role("heading", name="Forslag til nedtrapning af flere opioider")
    ).to_be_visible()
    rows = plan.locator(".taper-table tbody tr")
    expect(rows.first).to_contain_text("90")
    expect(rows.last.locator(".mme-total")).to_have_text("0")
    expect(plan.locator(".chart-legend li")).to_have_count(3)  # oxycodon, fentanyl, i alt
    expect(plan.locator(".chart-line--total").first).to_be_visible()
    width, wide = scroll_width(page)
    assert width <= viewport["width"], f"the plan scrolls sideways: {wide}"
    total_cell = rows.first.locator(".mme-total")
    total_cell.scroll_into_view_if_needed()
    box = total_cell.bounding_box()
    assert box and box["x"] + box["width"] <= viewport["width"], box


WEEKDAY = re.compile(r"(mandag|tirsdag|onsdag|torsdag|fredag)")


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_a_plan_started_on_a_sunday_has_every_date_on_a_working_day(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto(page.base_url + "/opioids/taper-plan/")
    page.locator("#drug").select_option("oxycodone")
    page.get_by_label("Nuværende døgndosis").fill("60")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    page.get_by_label("Startdato").fill("2027-01-03")  # a Sunday
    plan = page.locator("#plan")
    expect(plan.locator(".taper-table tbody tr").first).to_contain_text("4. januar 2027")
    expect(plan.locator(".notes")).to_contain_text("er en søndag; planen starter derfor mandag")
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Udskriv plan til patienten").click()
    handout = popup.value
    dates = handout.locator(".patient-schedule tbody td:first-child, .follow-ups li")
    expect(dates.first).to_be_visible()
    for text in dates.all_inner_texts():
        assert WEEKDAY.match(text), f"a date in the handout is not a working day: {text}"
