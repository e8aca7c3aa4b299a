"""Steps and checks shared by the browser tests."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
# axe-core comes from the npm registry (`make axe`, run by .ci/run); NKR_AXE_JS points elsewhere.
AXE_JS = Path(os.getenv("NKR_AXE_JS") or ROOT / ".ci/node/node_modules/axe-core/axe.min.js")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
AXE_BLOCKING = ("serious", "critical")

EDITOR_PASSWORD = "correct horse 42"  # noqa: S105 (a test user's)


def require_or_skip(reason: str) -> None:
    """Skip with the reason, or fail where CI requires the browser tests (NKR_REQUIRE_BROWSER=1)."""
    if os.getenv("NKR_REQUIRE_BROWSER") == "1":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def axe_require() -> None:
    """Skip (fail in CI) unless axe-core is there to inject."""
    if not AXE_JS.exists():
        require_or_skip(f"axe-core not found at {AXE_JS}: run `make axe` (needs npm)")


def axe_check(page: Page, *, exclude: list[str] | None = None) -> list[dict]:
    """Run axe-core on the page; fail on serious or critical WCAG 2.1 A/AA violations.

    Also runs axe's best-practice rules (heading order, landmarks). Returns the violations of
    lesser impact, so a test may report them.
    """
    axe_require()
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async ([tags, exclude]) => await axe.run(
            exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document,
            {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        [AXE_TAGS, exclude or []],
    )
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in AXE_BLOCKING]
    assert not blocking, f"axe on {page.url}:\n" + axe_summary(blocking)
    return [v for v in violations if v["impact"] not in AXE_BLOCKING]


def axe_summary(violations: list[dict]) -> str:
    """Return one readable paragraph per violated rule, with the first few offending elements."""
    lines = []
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({len(violation['nodes'])} element(s); {violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", " ")
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


def editor_create(username: str = "alice"):
    """Create a staff user in the editors' group ("Redaktører"), as an administrator would."""
    from django.contrib.auth.models import User

    from recommendations.permissions import editors_group_sync

    user = User.objects.create_user(username, password=EDITOR_PASSWORD, is_staff=True)
    user.groups.add(editors_group_sync())
    return user


def admin_log_in(page: Page, next_path: str, *, username: str = "alice") -> None:
    """Open an admin page and sign in on the login form it redirects to (Danish admin)."""
    page.goto(page.base_url + next_path)
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_label("Brugernavn")).to_have_count(0)
    # Measured layouts need the page's style sheets: under CI's load the admin's own sheet
    # (nkr/admin.css, which makes wide tables scroll in their box) came after the first
    # measurement, and the page measured 772 px wide on a phone.
    page.wait_for_load_state("load")


def fill_oxycodone_plan(page: Page) -> None:
    page.locator("#drug").select_option("oxycodone")
    page.get_by_label("Nuværende døgndosis").fill("60")
    page.get_by_label("Varighed af opioidbehandling (måneder)").fill("24")
    page.get_by_label("Startdato").fill("2026-01-05")


def intake_open(page: Page, *, age: str, site: str, weeks: str) -> None:
    """Open the intake form and fill in its three required fields (`site`: the choice's label)."""
    page.goto(page.base_url + "/intake/")
    page.get_by_label("Alder (år)").fill(age)
    page.get_by_label(site).check()
    page.get_by_label("Varighed (uger)").fill(weeks)


def first_dose_typed_then(page: Page, dose: str, key: str) -> None:
    """Type the first medication row's dose and leave it with `key`, as a keyboard user does.

    Tab moves the focus to the row's "Fjern" while the live update (the dose's change) goes out;
    Enter "clicks" the form's first submit button.
    """
    page.locator("#med-0-dose").click()
    page.keyboard.type(dose)
    page.keyboard.press(key)
    if key == "Tab":
        expect(page.get_by_role("button", name="Fjern lægemiddel 1")).to_be_focused()


def scroll_width(page: Page) -> tuple[int, list[str]]:
    """Return the page's scroll width and the first elements that stick out of a phone screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => {
            const limit = document.documentElement.clientWidth + 1;
            return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit)
                .map(e => e.tagName + '.' + e.className).slice(0, 12);
        }"""
    )
    return width, wide
