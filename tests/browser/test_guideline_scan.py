"""A GP scans a guideline page on a phone and a desktop: contents, chapters, red flags."""

import pytest
from playwright.sync_api import expect

from .helpers import scroll_width

SCREENS = [{"width": 375, "height": 812}, {"width": 1280, "height": 800}]


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_the_contents_list_takes_the_gp_to_a_chapter_in_one_action(new_page, viewport):
    page = new_page(viewport=viewport, has_touch=viewport["width"] < 500)
    page.goto(page.base_url + "/guidelines/generalised-pain/")
    contents = page.get_by_role("navigation", name="Indhold")
    expect(contents).to_be_visible()
    expect(page.locator(".section-heading")).to_have_count(13)
    contents.get_by_role("link", name="Kapitel 3: Udredning og diagnostik").click()
    heading = page.locator("#afsnit-3")
    expect(heading).to_be_in_viewport()
    first = page.locator("#anbefaling-diagnostic-clarification .rec__title a")
    # A title looks like a link without hovering (touch screens have no hover).
    decoration = first.evaluate("a => getComputedStyle(a).textDecorationLine")
    assert "underline" in decoration
    width, wide = scroll_width(page)
    assert width <= viewport["width"], f"the guideline page scrolls sideways: {wide}"


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_the_low_back_pain_page_shows_its_red_flags_from_the_top(new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto(page.base_url + "/guidelines/acute-low-back-pain/")
    link = page.get_by_role("link", name="Se tabellen over røde flag")
    expect(link).to_be_in_viewport()  # on screen without scrolling, even on a phone
    link.click()
    expect(page.get_by_role("heading", name="Røde flag (Tabel 1)")).to_be_in_viewport()
    expect(page.locator(".red-flag-table tbody tr")).to_have_count(22)
    width, wide = scroll_width(page)
    assert width <= viewport["width"], f"the red-flag table scrolls sideways: {wide}"
