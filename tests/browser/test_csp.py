"""The strict Content Security Policy in a real browser: every page works and nothing is refused.

Chromium reports each refused script, style or resource as a `securitypolicyviolation` event
and a console error. The test walks the main pages, the admin (signing in and saving a
recommendation) and Swagger UI, and collects both.
"""

import pytest
from playwright.sync_api import expect

from tests.content_security_policy import CSP

from .helpers import admin_log_in, editor_create, fill_oxycodone_plan

# Runs in every page before its own scripts: keeps the page's violations for the test to read.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber}) ${event.sample}`
  );
});
"""


def _console_error(message) -> str | None:
    # A failed request shows as a console error without its address; failed responses are
    # collected with their address instead (see `failed`).
    if message.type != "error" or message.text.startswith("Failed to load resource"):
        return None
    return message.text


@pytest.fixture
def csp_page(new_page):
    """Return a page that records CSP violations and console errors, and a function to read them.

    Pages the first one opens (a print view in a new tab) are recorded too.
    """
    page = new_page()
    context = page.context
    context.add_init_script(RECORD_VIOLATIONS)
    console: list[str] = []
    failed: list[str] = []
    context.on("console", lambda message: console.append(_console_error(message)))
    context.on("weberror", lambda error: console.append(f"page error: {error.error}"))
    context.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}")
            # Browsers ask for /favicon.ico on their own; the site has none.
            if response.status >= 400 and not response.url.endswith("/favicon.ico")
            else None
        ),
    )
    found: list[str] = []

    def problems(step: str) -> list[str]:
        """Return what went wrong so far, each with the step it went wrong in."""
        for open_page in context.pages:
            found.extend(f"{step}: {v}" for v in open_page.evaluate("window.__cspViolations || []"))
            open_page.evaluate("window.__cspViolations = []")
        found.extend(f"{step}: console: {line}" for line in console if line)
        found.extend(f"{step}: {line}" for line in failed)
        console.clear()
        failed.clear()
        return found

    return page, problems


def visit(page, path: str) -> None:
    response = page.goto(page.base_url + path)
    assert response.status == 200, path
    assert response.headers["content-security-policy"] == CSP


def test_the_reader_pages_run_under_the_policy_without_a_violation(csp_page):
    page, problems = csp_page

    for path in [
        "/",
        "/guidelines/generalised-pain/",
        "/guidelines/generalised-pain/cbt/",
        "/guidelines/generalised-pain/cbt/history/",
        "/guidelines/generalised-pain/changes/",
        "/search/?q=tr%C3%A6ning",
    ]:
        visit(page, path)
        expect(page.locator("h1")).to_be_visible()
        problems(path)

    assert problems("end") == []


def test_the_intake_and_opioid_tools_work_with_htmx_under_the_policy(csp_page):
    page, problems = csp_page

    visit(page, "/intake/")
    page.get_by_label("Alder (år)").fill("52")
    page.get_by_label("Lænderyg").check()
    page.get_by_label("Varighed (uger)").fill("2")
    # Live results come from htmx: its script ran, and it injected no inline style.
    expect(page.locator("#results .result-guideline h2").first).to_contain_text(
        "lænderygsmerter", ignore_case=True
    )
    problems("intake with results")

    visit(page, "/opioids/mme/")
    page.locator("#med-0-drug").select_option("morphine")
    page.locator("#med-0-dose").fill("60")
    expect(page.locator("#mme-results")).to_contain_text("60 MME")
    problems("MME calculator")

    visit(page, "/opioids/taper-plan/")
    fill_oxycodone_plan(page)
    # The SVG chart is drawn with classes and presentation attributes, no style="".
    expect(page.locator("#plan svg.taper-chart__svg")).to_be_visible()
    problems("taper plan with chart")
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Udskriv plan til patienten").click()
    expect(popup.value.locator("svg.taper-chart__svg")).to_be_visible()
    problems("taper plan printed")

    assert problems("end") == []


def test_an_editor_signs_in_and_saves_a_recommendation_in_the_admin_under_the_policy(csp_page):
    from recommendations.models import Recommendation, RecommendationDraft

    page, problems = csp_page
    editor_create("alice")
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")

    visit(page, "/admin/login/")
    problems("admin login")
    admin_log_in(page, f"/admin/recommendations/recommendation/{cbt.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(cbt.title)
    problems("admin change form")

    page.locator("#id_title").fill(cbt.title + " (kladde)")
    page.get_by_role("button", name="Gem kladde").first.click()
    expect(page.get_by_text("Kladden er gemt")).to_be_visible()
    problems("admin save")

    assert RecommendationDraft.objects.get(recommendation=cbt).title.endswith("(kladde)")
    visit(page, "/admin/")
    problems("admin index")
    assert problems("end") == []


def test_swagger_ui_renders_the_api_under_the_policy(csp_page):
    page, problems = csp_page

    visit(page, "/api/docs/")
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/evaluate/")
    expect(operation).to_be_visible()
    operation.click()
    expect(page.get_by_role("button", name="Try it out")).to_be_visible()

    assert problems("/api/docs/") == []
