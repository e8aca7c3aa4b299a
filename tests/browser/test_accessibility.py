"""axe-core on every page, in each state a user meets it: no serious or critical violations.

axe-core runs the WCAG 2.0/2.1 A and AA rules and its best-practice rules (heading order,
landmarks); a serious or critical violation fails the test with a readable summary, lesser ones
are printed (pytest -rP). axe-core comes from the npm registry: `make axe` puts it in .ci/node/,
or NKR_AXE_JS names the file. Without it these tests skip, except in CI (NKR_REQUIRE_BROWSER=1),
where they fail. The pages' Content Security Policy allows no injected script, so these
contexts, and only these, bypass it.
"""

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    admin_log_in,
    axe_check,
    axe_require,
    axe_summary,
    editor_create,
    fill_oxycodone_plan,
)


@pytest.fixture
def axe_core():
    axe_require()  # before any page is opened


def _intake_with_results(page: Page) -> None:
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Lænderyg").check()
    page.get_by_label("Varighed (uger)").fill("2")
    page.get_by_label("Søvnproblemer").check()
    expect(page.locator("#results .result-guideline").first).to_be_visible()
    # A critical red flag: the alert replaces the recommendations.
    page.get_by_label("Cauda equina syndrom - saddel anæstesi").check()
    expect(page.locator("#results .alert--critical")).to_be_visible()


def _intake_with_recommendations(page: Page) -> None:
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Generaliserede smerter").check()
    page.get_by_label("Varighed (uger)").fill("30")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("60")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    expect(page.locator("#results .result-guideline").first).to_be_visible()
    expect(page.locator("#results .alert").first).to_be_visible()
    page.locator("#results details summary").first.click()


def _intake_on_a_phone_with_the_result_summary(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 812})
    _intake_with_recommendations(page)
    page.get_by_label("Cauda equina syndrom - saddel anæstesi").check()
    expect(page.locator("#result-peek .alert--critical")).to_be_visible()
    expect(page.locator("#result-peek .peek-rec")).to_be_visible()


def _intake_with_errors(page: Page) -> None:
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill("130")
    page.get_by_label("Varighed (uger)").fill("x")
    # Submitted in full (not live): every error is shown, next to its field and in a summary.
    page.evaluate("document.getElementById('intake-form').requestSubmit()")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#error-age")).not_to_be_empty()


def _mme_with_result(page: Page) -> None:
    page.goto(page.base_url + "/opioids/mme/")
    page.locator("#med-0-drug").select_option("oxycodone")
    page.locator("#med-0-dose").fill("40")
    page.locator("#med-1-drug").select_option("buprenorphine_patch")
    page.locator("#med-1-dose").fill("10")
    expect(page.locator(".mme-total")).to_have_text("60 MME")


def _taper_with_plan(page: Page) -> None:
    page.goto(page.base_url + "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()


def _taper_print_view(page: Page) -> Page:
    _taper_with_plan(page)
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Udskriv plan til patienten").click()
    patient = popup.value
    expect(patient.locator("svg.taper-chart__svg")).to_be_visible()
    return patient


def _hearing_round(page: Page) -> None:
    from recommendations.models import HearingRound

    page.goto(page.base_url + HearingRound.objects.get().get_absolute_url())
    page.locator(".response details summary").first.click()


def _recommendation_with_hearing_responses(page: Page) -> None:
    page.goto(page.base_url + "/guidelines/generalised-pain/cbt/")
    page.locator(".response details summary").first.click()


def _search_live(page: Page) -> None:
    page.goto(page.base_url + "/")
    page.get_by_label("Søg i anbefalingerne").fill("træning")
    expect(page.locator("#search-results .rec").first).to_be_visible()


def _admin_recommendation(page: Page) -> None:
    from recommendations.models import Recommendation

    editor_create()
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    admin_log_in(page, f"/admin/recommendations/recommendation/{cbt.pk}/change/")
    expect(page.locator("#id_title")).to_be_visible()


def _admin_recommendation_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 812})  # the tables scroll in their boxes
    _admin_recommendation(page)


def _admin_provenance_overview_on_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 375, "height": 812})  # the table scrolls in its box
    editor_create()
    admin_log_in(page, "/admin/recommendations/recommendation/provenance/")
    expect(page.locator("table.provenance-overview")).to_be_visible()


def _admin_draft_saved(page: Page) -> None:
    _admin_recommendation(page)
    page.locator("#id_rationale").fill("En ny begrundelse.")
    page.get_by_role("button", name="Gem kladde").first.click()
    expect(page.locator(".nkr-draft")).to_be_visible()


def _admin_unsaved_preview(title: str):
    def visit(page: Page) -> Page:
        _admin_recommendation(page)
        page.locator("#id_title").fill(title)
        with page.context.expect_page() as popup:
            page.get_by_role("button", name="Forhåndsvis").first.click()
        popup.value.wait_for_load_state()
        return popup.value

    return visit


def _in_english(path: str):
    def visit(page: Page) -> None:
        page.goto(page.base_url + "/")
        page.get_by_role("button", name="English").click()  # POST /i18n/setlang/
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto(page.base_url + path)
        expect(page.locator("html")).to_have_attribute("lang", "en")

    return visit


def _path(path: str):
    def visit(page: Page) -> None:
        page.goto(page.base_url + path)

    return visit


PAGES = {
    "home": _path("/"),
    "guideline": _path("/guidelines/generalised-pain/"),
    "recommendation with a checklist": _path(
        "/guidelines/generalised-pain/diagnostic-clarification/"
    ),
    "recommendation with hearing responses": _recommendation_with_hearing_responses,
    "search results": _path("/search/?q=tr%C3%A6ning"),
    "search results, live on the home page": _search_live,
    "search with nothing found": _path("/search/?q=xyzzy"),
    "search with red flags": _path("/search/?q=cauda+equina"),
    "search quoting a population": _path("/search/?q=diskusprolaps"),
    "intake, empty": _path("/intake/"),
    "intake with results and a critical alert": _intake_with_results,
    "intake with recommendations and an opioid": _intake_with_recommendations,
    "intake on a phone, with the result summary": _intake_on_a_phone_with_the_result_summary,
    "intake with field errors": _intake_with_errors,
    "MME calculator with a result": _mme_with_result,
    "taper planner with a plan": _taper_with_plan,
    "taper plan, patient print view": _taper_print_view,
    "recommendation history with a diff": _path("/guidelines/generalised-pain/cbt/history/"),
    "guideline changes": _path("/guidelines/generalised-pain/changes/"),
    "hearing round": _hearing_round,
    "admin login": _path("/admin/login/"),
    "admin recommendation, editor": _admin_recommendation,
    "admin recommendation on a phone": _admin_recommendation_on_a_phone,
    "admin recommendation with a draft": _admin_draft_saved,
    "admin provenance overview on a phone": _admin_provenance_overview_on_a_phone,
    "admin preview of unsaved text": _admin_unsaved_preview("En ny titel, ikke gemt."),
    "admin preview of unsaved text with an error": _admin_unsaved_preview(""),
    "404": _path("/guidelines/no-such-guideline/"),
    "home, English": _in_english("/"),
    "intake, English": _in_english("/intake/"),
    "recommendation, English": _in_english("/guidelines/generalised-pain/cbt/"),
}


@pytest.mark.usefixtures("axe_core")
@pytest.mark.parametrize("visit", PAGES.values(), ids=PAGES.keys())
def test_the_page_has_no_serious_accessibility_violations(new_page, visit):
    page = new_page(bypass_csp=True)
    page = visit(page) or page
    minor = axe_check(page)
    if minor:  # reported, not failed: shown with pytest -rP or -s
        print(f"axe, moderate and minor, on {page.url}:\n{axe_summary(minor)}")


# Swagger UI draws everything inside #swagger-ui itself, and fails axe there for its own reasons:
# white on light green/blue method badges ("GET", "POST", 2-3:1) and buttons nested in the
# operation headers (upstream: swagger-api/swagger-ui). We check our page around it (its lang,
# title) and leave Swagger UI's DOM out; the API itself is described in ../shared/API.md.
SWAGGER_UI_OWN_DOM = "#swagger-ui"


@pytest.mark.usefixtures("axe_core")
def test_the_api_documentation_page_has_no_serious_accessibility_violations(new_page):
    page = new_page(bypass_csp=True)
    page.goto(page.base_url + "/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    axe_check(page, exclude=[SWAGGER_UI_OWN_DOM])


def test_in_english_the_danish_guideline_texts_are_marked_as_danish(page):
    # The interface is translated, the guideline texts are not: screen readers must switch voice.
    _in_english("/guidelines/generalised-pain/cbt/")(page)
    expect(page.get_by_role("heading", name="Rationale", level=2)).to_be_visible()
    expect(page.locator("h1")).to_have_attribute("lang", "da")
    expect(page.locator(".rationale")).to_have_attribute("lang", "da")
    untagged = page.evaluate(
        """() => [...document.querySelectorAll('main :is(p, li, h1, h2, h3, dd)')]
            .filter(e => e.closest('[lang]').lang === 'en' && /\\b(og|af|til|ikke|med)\\b/.test(
                [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join(' ')))
            .map(e => e.outerHTML.slice(0, 120))"""
    )
    assert not untagged, f"Danish text marked as English: {untagged}"


@pytest.mark.usefixtures("axe_core")
def test_the_admin_login_with_a_second_factor_has_no_serious_accessibility_violations(
    new_page, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True
    page = new_page(bypass_csp=True)
    page.goto(page.base_url + "/admin/login/")
    expect(page.get_by_label("Kode fra godkendelsesapp")).to_be_visible()
    axe_check(page)
