"""An editor changes a recommendation in the admin; a reader sees the new version and its diff.

With NKR_SCREENSHOTS=<folder> the test also saves the screenshots used in docs/editing.md.
"""

import os
from pathlib import Path

from playwright.sync_api import expect

from .helpers import admin_log_in, editor_create

NEW_TITLE = (
    "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger som følge af "
    "generaliserede smerter i bevægeapparatet, udført af en sundhedsprofessionel med specifik "
    "længerevarende efteruddannelse."
)
SCREENSHOTS = os.getenv("NKR_SCREENSHOTS")


def snap(page, name: str, *, full_page: bool = True) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=full_page)


def test_an_editor_publishes_a_change_and_a_reader_sees_the_new_version_and_its_diff(
    page, new_page
):
    from recommendations.models import Recommendation

    editor_create("alice")
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")

    # The editor signs in (Danish admin) and opens the recommendation.
    page.set_viewport_size({"width": 1280, "height": 900})
    admin_log_in(page, f"/admin/recommendations/recommendation/{cbt.pk}/change/")
    expect(page.locator("#id_title")).to_have_value(cbt.title)
    snap(page, "admin-recommendation", full_page=False)

    # A draft first: readers do not see it.
    page.locator("#id_title").fill(NEW_TITLE)
    page.get_by_role("button", name="Gem kladde").first.click()
    expect(page.get_by_text("Kladden er gemt")).to_be_visible()
    reader = new_page()
    reader.goto(f"{page.base_url}/guidelines/generalised-pain/cbt/")
    expect(reader.get_by_role("heading", level=1)).to_have_text(cbt.title)
    snap(page, "admin-draft", full_page=False)

    # Then published, with the reason readers will see.
    page.get_by_label("Begrundelse for ændringen").fill(
        "Høringssvar fra DSAM og peer review: præciseret hvem der udfører terapien."
    )
    page.get_by_label("Begrundelse for ændringen").scroll_into_view_if_needed()
    snap(page, "admin-publish", full_page=False)
    page.get_by_role("button", name="Gem og udgiv").first.click()
    expect(page.get_by_text("Version 3 er udgivet")).to_be_visible()

    # The reader now sees version 3 and, one click away, what changed, word by word.
    reader.reload()
    expect(reader.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(reader.locator(".facts")).to_contain_text("3 · Udgivet")
    expect(reader.get_by_role("heading", name="Høringssvar")).to_be_visible()
    snap(reader, "recommendation-page")
    reader.get_by_role("link", name="Versionshistorik").click()
    expect(
        reader.get_by_role("heading", name="Forskelle fra version 2 til version 3")
    ).to_be_visible()
    expect(reader.locator(".diff ins").first).to_contain_text("udført af en sundhedsprofessionel")
    expect(reader.locator(".diff")).to_have_count(1)  # only the sentence changed, not the rationale
    expect(reader.get_by_text("præciseret hvem der udfører terapien")).to_be_visible()
    snap(reader, "history-page")

    # And the hearing draft of 2018, two versions back, is there too.
    reader.get_by_role("link", name="Se hvad der ændrede sig fra version 1 til 2").click()
    expect(reader.locator(".diff del").first).to_be_visible()


def test_the_hearing_responses_on_a_recommendation_open_on_demand(page):
    page.goto(f"{page.base_url}/guidelines/generalised-pain/cbt/")
    dsam = page.locator(".response", has_text="Dansk Selskab for Almen Medicin")
    excerpt = dsam.locator(".response__text")
    expect(excerpt).to_be_hidden()
    dsam.get_by_text("Hvad svaret siger om anbefalingen").click()
    expect(excerpt).to_be_visible()
    dsam.get_by_role("link", name="Hele høringssvaret").click()
    expect(page.locator("#svar-8")).to_contain_text("Dansk Selskab for Almen Medicin")
    snap(page, "hearing-page")
