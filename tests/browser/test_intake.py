from playwright.sync_api import expect

from recommendations.intake_input import AGE_ERROR


def test_clinician_fills_the_form_sees_results_live_and_a_critical_alert(page):
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Lænderyg").check()
    page.get_by_label("Varighed (uger)").fill("2")
    # Results appear without pressing the submit button (htmx, debounced).
    expect(page.locator("#results .result-guideline h2")).to_contain_text(
        "lænderygsmerter", ignore_case=True
    )
    page.get_by_label("Cauda equina syndrom - saddel anæstesi").check()
    critical = page.locator("#results .alert--critical")
    expect(critical).to_be_visible()
    expect(critical).to_contain_text("AKUT")
    expect(page.locator("#results .result-guideline")).to_have_count(0)


def test_a_bad_age_is_flagged_next_to_the_field_while_typing(page):
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("130")
    page.get_by_label("Lænderyg").check()
    page.get_by_label("Varighed (uger)").fill("2")
    expect(page.locator("#error-age")).to_contain_text("Alder skal være et helt tal fra 0 til 120")
    # Screen readers hear it too: the field is invalid and described by its error.
    age = page.get_by_label("Alder (år)")
    expect(age).to_have_attribute("aria-invalid", "true")
    expect(age).to_have_accessible_description(AGE_ERROR)
    page.get_by_label("Alder (år)").fill("40")
    expect(page.locator("#error-age")).to_be_empty()
    expect(age).not_to_have_attribute("aria-invalid", "true")
