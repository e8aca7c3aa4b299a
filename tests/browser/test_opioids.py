import pytest
from playwright.sync_api import expect

from .helpers import fill_oxycodone_plan, first_dose_typed_then, scroll_width


def test_clinician_builds_a_plan_sees_the_chart_and_prints_it_for_the_patient(page):
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    # The plan appears live (htmx) without pressing the button.
    chart = page.locator("#plan svg.taper-chart__svg")
    expect(chart).to_be_visible()
    expect(page.locator("#plan .chart-point")).to_have_count(11)
    expect(page.locator("#plan .taper-table tbody tr")).to_have_count(11)
    expect(page.locator("#plan .taper-table tbody tr").last).to_contain_text("12. oktober 2026")
    expect(page.locator(".taper-guideline .grade").first).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 80

    page.get_by_label("Reduktion pr. trin (%)").fill("20")
    expect(page.locator("#plan .taper-table tbody tr")).to_have_count(6)

    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Udskriv plan til patienten").click()
    patient = popup.value
    expect(patient.get_by_role("heading", level=1)).to_have_text(
        "Din plan for nedtrapning af oxycodon"
    )
    expect(patient.get_by_role("heading", name="Hvis du får abstinenser")).to_be_visible()
    expect(patient.locator("svg.taper-chart__svg")).to_be_visible()
    # No patient data in the URL (the form's action opens the clinician's page at the plan).
    assert patient.url == page.base_url + "/opioids/taper-plan/#plan"


def test_a_bad_reduction_is_flagged_next_to_the_field_while_typing(page):
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    page.get_by_label("Reduktion pr. trin (%)").fill("75")
    expect(page.locator("#error-reduction_percent")).to_contain_text("fra 1 til 50 %")
    page.get_by_label("Reduktion pr. trin (%)").fill("10")
    expect(page.locator("#error-reduction_percent")).to_be_empty()
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()


def test_the_taper_planner_works_without_javascript(new_page):
    page = new_page(java_script_enabled=False)
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    page.get_by_role("button", name="Lav nedtrapningsplan").click()
    expect(page.locator("svg.taper-chart__svg")).to_be_visible()
    page.get_by_role("button", name="Hold pause efter trin 3").click()
    expect(page.locator(".pause-mark")).to_have_text("Pause: 1 ekstra interval")
    assert page.url == page.base_url + "/opioids/taper-plan/#plan"


def test_the_mme_calculator_totals_live(page):
    page.goto(page.base_url + "/opioids/mme/")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("40")
    page.locator("#med-1-drug").select_option("buprenorphine_patch")
    page.locator("#med-1-dose").fill("10")
    expect(page.locator(".mme-total")).to_have_text("60 MME")
    expect(page.locator("#mme-results")).to_contain_text("ikke omregnet")
    # 60 MME reaches the 50 marker: its alert says it is American (CDC 2022, USA).
    expect(page.locator("#mme-results")).to_contain_text("en amerikansk retningslinje")


@pytest.mark.parametrize("key", ["Tab", "Enter"])
def test_tab_or_enter_after_a_dose_totals_and_removes_no_row(page, key):
    page.goto(page.base_url + "/opioids/mme/")
    page.locator("#med-0-drug").select_option("oxycodone")
    # Neither reaching the row's "Fjern" (Tab) nor Enter, which "clicked" the form's first
    # submit button (that same "Fjern"), removes the row.
    first_dose_typed_then(page, "40", key)
    expect(page.locator(".mme-total")).to_have_text("60 MME")
    expect(page.locator("#med-0-drug")).to_have_value("oxycodone")


def test_enter_in_the_taper_planner_makes_the_plan_and_adds_no_opioid_row(page):
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    # Enter "clicks" the form's first submit button; that was "Tilføj opioid", whose request
    # swaps the form in place. Now Enter sends the form, as "Lav nedtrapningsplan" does.
    with page.expect_navigation():
        page.get_by_label("Nuværende døgndosis").press("Enter")
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()
    expect(page.locator(".opioid-row")).to_have_count(0)


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_plan_and_the_mme_total_are_on_screen_after_their_button(
    new_page, javascript
):
    # Below the form on a phone: the page used to open at its top again, the answer out of sight.
    page = new_page(viewport={"width": 375, "height": 667}, java_script_enabled=javascript)
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    page.get_by_role("button", name="Lav nedtrapningsplan").click()
    expect(page.locator("#plan h2").first).to_be_in_viewport()
    page.goto(page.base_url + "/opioids/mme/")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("40")
    page.get_by_role("button", name="Beregn MME").click()
    expect(page.locator(".mme-total-summary")).to_be_in_viewport()


def test_the_taper_page_fits_a_phone_screen(new_page):
    page = new_page(viewport={"width": 375, "height": 740})
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    page.get_by_role("button", name="Lav nedtrapningsplan").click()
    expect(page.locator("svg.taper-chart__svg")).to_be_visible()
    width, wide = scroll_width(page)
    assert width <= 375, f"page scrolls sideways on a phone ({width}px): {wide}"


def test_on_a_phone_every_column_of_the_plan_is_on_screen_and_the_chart_text_is_readable(
    new_page,
):
    page = new_page(viewport={"width": 375, "height": 900})
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    page.get_by_role("button", name="Lav nedtrapningsplan").click()
    table = page.locator(".taper-table")
    expect(table).to_be_visible()
    # The table fits its box: no sideways scroll hiding the MME, patch or pause columns.
    overflow = page.evaluate(
        """() => { const box = document.querySelector('#plan');
                   return [box.scrollWidth, box.clientWidth]; }"""
    )
    assert overflow[0] <= overflow[1], f"the plan scrolls sideways on a phone: {overflow}"
    row = table.locator("tbody tr").nth(1)
    for cell in (
        row.locator("td").nth(3),
        row.get_by_role("button", name="Hold pause efter trin 2"),
    ):
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    # Each value is labelled from its column heading when the rows are stacked.
    label = row.locator("td").nth(3).evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"MME/døgn"'
    tick = page.locator(".chart-tick").first.bounding_box()
    assert tick and tick["height"] >= 10, f"chart text is {tick and tick['height']:.1f} px tall"


def test_on_a_wide_screen_the_plan_is_still_a_table(new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    page.get_by_role("button", name="Lav nedtrapningsplan").click()
    expect(page.locator(".taper-table thead")).to_be_visible()
    display = page.locator(".taper-table tbody tr").first.evaluate(
        "row => getComputedStyle(row).display"
    )
    assert display == "table-row"


# Found auditing the pages on a phone (2026-12-06): the first date under the chart was drawn
# over the dose axis's "0".
def test_on_a_phone_the_charts_first_date_clears_the_dose_axis_labels(new_page):
    page = new_page(viewport={"width": 375, "height": 812})
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    expect(page.locator("#plan .chart-point")).to_have_count(11)
    first_date = page.locator("#plan .chart-tick--x").first.bounding_box()
    for label in page.locator("#plan .chart-tick--y").all():
        box = label.bounding_box()
        apart = (
            box["x"] + box["width"] <= first_date["x"]
            or box["y"] + box["height"] <= first_date["y"]
        )
        assert apart, (label.text_content(), box, first_date)
