"""How versions are shown: the admin's draft comparison, the public history, seeded versions."""

import importlib

from django.apps import apps

from recommendations.models import Recommendation, VersionOrigin
from recommendations.services import recommendation_publish

from .helpers import change_url, open_form, save

# The draft comparison in the admin and the public history.


def test_the_admin_draft_comparison_shows_a_change_of_strength_and_its_source(
    alice_client, content
):
    ssri = Recommendation.objects.get(slug="ssri")
    form = open_form(alice_client, ssri)
    save(alice_client, ssri, form, strength="strong", strength_source="En ny kilde til styrken.")

    page = alice_client.get(change_url(ssri)).content.decode()
    panel = page.split("Forskelle fra den udgivne tekst:")[1].split("</dl>")[0]

    assert "<dt>Styrke</dt>" in panel
    assert 'Slettet: </span>Svag</del><ins><span class="visually-hidden">Indsat: </span>Stærk' in (
        panel
    )
    assert "Kilde til styrke" in panel and "En ny kilde til styrken." in panel
    assert "Begrundelse" not in panel, "an unchanged field is not listed"


def test_the_public_history_shows_a_change_of_the_strength_source_alone(
    client, alice_client, alice, content
):
    ssri = Recommendation.objects.select_related("guideline").get(slug="ssri")
    save(alice_client, ssri, open_form(alice_client, ssri), strength_source="Kun kilden er ny.")
    recommendation_publish(recommendation=ssri, user=alice, change_reason="Ny kilde.")

    page = client.get(f"/guidelines/{ssri.guideline.slug}/ssri/history/").content.decode()
    compared = page.split('id="compare-title"')[1].split("</dl>")[0]

    assert "Kilde til styrke" in compared
    assert "<ins>" in compared and "Kun kilden er ny." in compared


# Seeded versions are not presented as published on the day the database was seeded.


def test_the_seeded_cbt_versions_are_labelled_as_a_hearing_draft_and_as_loaded_from_the_source(
    client, content
):
    page = client.get("/guidelines/generalised-pain/cbt/history/").content.decode()
    versions = page.split("Udgivne versioner")[1]
    version_1 = versions.split('id="version-1"')[1]
    version_2 = versions.split('id="version-2"')[1].split('id="version-1"')[0]

    assert "Høringsudkast (ikke udgivet)" in version_1
    assert "(2018)" in version_1, "the year the source states"
    assert 'Fra kilden: <span lang="da">Sundhedsstyrelsen, opdateret 2018</span>' in version_2
    assert "Indlæst fra kilden" not in versions, "the loading date is for editors only"
    assert "Udgivet " not in versions, "no seeded version claims a publication date"


def test_the_changes_page_does_not_date_the_2018_change_to_the_seeding_day(client, content):
    page = client.get("/guidelines/generalised-pain/changes/").content.decode()
    assert 'fra kilden: <span lang="da">sundhedsstyrelsen, opdateret 2018</span>' in page.lower()
    assert "Ændret efter høringen i 2018" in page


# A version's origin is a field of the version, not read out of the editor's words.


def test_an_editors_version_is_published_whatever_its_reason_says(client, alice_client, alice, cbt):
    reason = "Høringsudkast rettet efter seed_content-fejl."
    save(alice_client, cbt, open_form(alice_client, cbt), title="Ny titel efter høring.")
    recommendation_publish(recommendation=cbt, user=alice, change_reason=reason)

    page = client.get("/guidelines/generalised-pain/cbt/history/").content.decode()
    version_3 = page.split('id="version-3"')[1].split('id="version-2"')[0]

    assert reason in version_3
    assert "Udgivet " in version_3
    assert "Høringsudkast (ikke udgivet)" not in version_3 and "Indlæst" not in version_3


def test_the_migration_fills_the_origin_of_existing_versions_from_their_reasons(cbt):
    migration = importlib.import_module("recommendations.migrations.0008_version_origin")
    records = Recommendation.history.filter(id=cbt.pk)
    records.update(origin=VersionOrigin.PUBLISHED)  # as the field's default left them
    edited = records.order_by("history_id").last()
    edited.pk = None
    edited.history_change_reason = "Rettet af en redaktør."
    edited.save()

    migration.origin_from_change_reason(apps, schema_editor=None)

    origins = [(r.version, r.origin) for r in records.order_by("history_id")]
    assert origins == [
        (1, VersionOrigin.HEARING_DRAFT),
        (2, VersionOrigin.SEEDED),
        (2, VersionOrigin.PUBLISHED),
    ]
