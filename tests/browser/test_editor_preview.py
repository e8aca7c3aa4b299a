"""An editor edits the text with the hearing responses in view, saves from the top of the form
and previews what is in the form, saved or not, as readers will see it, on a phone and on a
desktop."""

import pytest
from playwright.sync_api import expect

from .helpers import admin_log_in, editor_create, scroll_width

SCREENS = [{"width": 375, "height": 812}, {"width": 1280, "height": 800}]
DRAFT_TITLE = (
    "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger (kladde)."
)


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_an_editor_saves_from_the_top_and_previews_the_draft_as_readers_will_see_it(
    new_page, viewport
):
    from recommendations.models import Recommendation

    editor_create()
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    page = new_page(viewport=viewport)
    admin_log_in(page, f"/admin/recommendations/recommendation/{rec.pk}/change/")
    title = page.locator("#id_title")
    expect(title).to_be_in_viewport()  # the text is the first thing on the form
    hearing = page.locator(".nkr-hearing").first
    if viewport["width"] >= 1100:
        # Beside the text on a desktop: the responses start level with the text's fieldset.
        text_box = page.locator("fieldset.nkr-text-fields").bounding_box()
        hearing_box = page.locator("fieldset.nkr-hearing-fields").bounding_box()
        assert hearing_box["x"] > text_box["x"] + text_box["width"] - 1
        assert abs(hearing_box["y"] - text_box["y"]) < 5
    else:
        reason = page.locator("#id_change_reason").bounding_box()
        assert hearing.bounding_box()["y"] > reason["y"]  # right after the text on a phone
    title.fill(DRAFT_TITLE)
    page.get_by_role("button", name="Gem kladde").first.click()  # the row at the top
    expect(page.locator(".messagelist")).to_contain_text("Kladden er gemt")
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Forhåndsvis").first.click()
    preview = popup.value
    expect(preview.get_by_role("heading", level=1)).to_have_text(DRAFT_TITLE)
    expect(preview.locator(".preview-banner")).to_contain_text("læserne ser den ikke")
    expect(preview.locator("article .grade").first).to_be_visible()  # the reader's badges


UNSAVED_TITLE = "Tilbyd kognitiv adfærdsterapi (ændring, der ikke er gemt)."


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_an_editor_previews_unsaved_changes_exactly_as_readers_will_see_them(new_page, viewport):
    from recommendations.models import AuditEvent, Recommendation, RecommendationDraft

    editor_create()
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    saved = {field: getattr(rec, field) for field in RecommendationDraft.FIELDS}
    audit_events = AuditEvent.objects.count()
    page = new_page(viewport=viewport)
    admin_log_in(page, f"/admin/recommendations/recommendation/{rec.pk}/change/")

    # Typed, not saved.
    page.locator("#id_title").fill(UNSAVED_TITLE)
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Forhåndsvis").first.click()
    preview = popup.value
    expect(preview.locator(".preview-banner")).to_contain_text("der ikke er gemt")
    expect(preview.get_by_role("heading", level=1)).to_have_text(UNSAVED_TITLE)
    expect(preview.locator("article .grade").first).to_be_visible()

    # Exactly as readers will see it: the reader's page, with the typed title in place.
    reader = new_page(viewport=viewport)
    reader.goto(reader.base_url + rec.get_absolute_url())
    article = reader.locator("article").first.inner_html()
    shown = preview.locator("article").first.inner_html()
    assert UNSAVED_TITLE in shown
    # The typed sentence is an editor's, not the source's (as it will be once published).
    assert shown.count("Formuleringen er nkr's;") == 1
    shown = shown.replace("Formuleringen er nkr's;", "Ordret fra kilden;")
    assert shown.replace(UNSAVED_TITLE, saved["title"]) == article

    # Nothing saved: the recommendation, no draft, no audit event; the form keeps the typing.
    rec.refresh_from_db()
    assert {field: getattr(rec, field) for field in RecommendationDraft.FIELDS} == saved
    assert not RecommendationDraft.objects.filter(recommendation=rec).exists()
    assert AuditEvent.objects.count() == audit_events
    expect(page.locator("#id_title")).to_have_value(UNSAVED_TITLE)
    expect(reader.get_by_role("heading", level=1)).to_have_text(saved["title"])


def test_a_preview_of_an_empty_title_says_which_field_to_fix(new_page):
    from recommendations.models import Recommendation

    editor_create()
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    page = new_page(viewport=SCREENS[0])
    admin_log_in(page, f"/admin/recommendations/recommendation/{rec.pk}/change/")
    page.locator("#id_title").fill("")
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Forhåndsvis").first.click()
    preview = popup.value
    expect(preview.get_by_role("heading", level=1)).to_have_text("Forhåndsvisningen kan ikke vises")
    expect(preview.locator(".errorlist, .nkr-preview-errors")).to_contain_text(
        "Anbefaling: Dette felt er påkrævet."
    )


# What sticks out of a box that cuts it off (overflow hidden, as the admin's .form-row is):
# text boxes and tables in the form, and any box they scroll in.
CUT_OFF = """() => {
    const cut = [];
    const check = (element) => {
        const right = element.getBoundingClientRect().right;
        for (let box = element.parentElement; box; box = box.parentElement) {
            const overflow = getComputedStyle(box).overflowX;
            if (overflow === "visible") continue;
            if (overflow === "auto" || overflow === "scroll") return check(box);
            const edge = box.getBoundingClientRect().right;
            if (right > edge + 1) {
                cut.push(`${element.id || element.className} ends at ${Math.round(right)}px, `
                    + `cut off at ${Math.round(edge)}px by .${box.className}`);
            }
            return;
        }
    };
    document.querySelectorAll("#recommendation_form textarea, #recommendation_form table")
        .forEach(check);
    return cut;
}"""


@pytest.mark.parametrize("viewport", SCREENS, ids=["phone", "desktop"])
def test_nothing_on_the_editors_form_is_cut_off(new_page, viewport):
    from recommendations.models import Recommendation

    editor_create()
    rec = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    page = new_page(viewport=viewport)
    admin_log_in(page, f"/admin/recommendations/recommendation/{rec.pk}/change/")
    expect(page.locator(".nkr-versions")).to_contain_text("Gendan")

    # The text boxes' right edge (and scroll bar), the versions' "Gendan" and the audit trail's
    # reasons: each in view, or in a box that scrolls; the page itself never scrolls sideways.
    assert page.evaluate(CUT_OFF) == []
    width, wide = scroll_width(page)
    assert width <= viewport["width"], f"the form scrolls sideways ({width}px): {wide}"


def test_on_a_phone_the_provenance_overview_scrolls_its_table_not_the_page(new_page):
    # Found trying the editor's workflow at 375 px: the whole page scrolled sideways.
    editor_create()
    page = new_page(viewport=SCREENS[0])
    admin_log_in(page, "/admin/recommendations/recommendation/provenance/")
    table = page.locator("table.provenance-overview")
    expect(table).to_contain_text("Ikke kontrolleret")
    width, wide = scroll_width(page)
    assert width <= SCREENS[0]["width"], f"the page scrolls sideways ({width}px): {wide}"
    # The table scrolls in its own region, which a keyboard can reach.
    region = page.get_by_role("region", name="Oprindelse og kontrol")
    expect(region).to_have_attribute("tabindex", "0")


# Found auditing the editor's journey (2026-12-06): at 1280 px the response's links to
# recommendations were a table wider than its box, so the excerpt's box, "Redigér
# anbefalingen" and "Slet?" were out of sight until the box was scrolled sideways.
def test_on_a_laptop_every_column_of_a_responses_links_is_in_view(new_page):
    editor_create()
    page = new_page(viewport=SCREENS[1])
    admin_log_in(page, "/admin/recommendations/hearingresponse/add/")
    excerpt = page.locator(".inline-group textarea").first
    expect(excerpt).to_be_visible()
    wider = page.evaluate(
        """() => [...document.querySelectorAll('.inline-group *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1
                         && getComputedStyle(e).overflowX !== 'visible')
            .map(e => [e.tagName + '.' + e.className, e.scrollWidth, e.clientWidth])"""
    )
    assert wider == [], f"the links' table scrolls sideways: {wider}"
