"""Headless Chromium (Debian's package) driven by Playwright, against Django's live server.

Playwright's own browser download cannot work here, so we launch /usr/bin/chromium. Without it
the tests skip, unless NKR_REQUIRE_BROWSER=1 (set by CI), where a missing browser is a failure.
"""

import os
import shutil

import pytest

CHROMIUM = os.getenv("NKR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
# itself (seeding) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.getenv("NKR_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
        pytest.skip("Chromium not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, transactional_db):
    """Return a function that opens a page in a new browser context on the seeded site.

    Danish unless told otherwise (the site follows the browser's language). Keyword arguments
    are Playwright's context options; the accessibility tests pass bypass_csp=True to inject
    axe-core, nothing else should. Every context is closed after the test.
    """
    from recommendations.seeding import content_seed

    content_seed()
    contexts = []

    def open_page(**options):
        context = browser.new_context(**{"locale": "da-DK", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.base_url = live_server.url
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()
