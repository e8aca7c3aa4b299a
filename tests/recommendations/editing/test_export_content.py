"""Content that travels: export the live content, load it into an empty database, same answers."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from recommendations.live_content import live_content_update
from recommendations.models import Guideline, HearingResponse, Recommendation
from recommendations.seeding import content_seed
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)
from recommendations.verification import recommendation_verify

READ_API = [
    "/api/v1/guidelines/",
    "/api/v1/guidelines/generalised-pain/",
    "/api/v1/guidelines/acute-low-back-pain/",
    "/api/v1/recommendations/",
    "/api/v1/red-flags/",
    "/api/v1/guidelines/generalised-pain/recommendations/cbt/history/",
    "/api/v1/recommendations/?q=panodil",
]


def read_api_answers() -> dict[str, object]:
    client = Client()
    answers = {}
    for url in READ_API:
        response = client.get(url)
        assert response.status_code == 200, url
        answers[url] = drop_row_timestamps(response.json())
    return answers


def drop_row_timestamps(value):
    # `updated_at` is when this database wrote the row, not part of the content.
    if isinstance(value, list):
        return [drop_row_timestamps(item) for item in value]
    if isinstance(value, dict):
        return {k: drop_row_timestamps(v) for k, v in value.items() if k != "updated_at"}
    return value


@pytest.mark.django_db(transaction=True)
def test_edited_content_exported_and_loaded_into_an_empty_database_answers_the_same(
    tmp_path, alice
):
    content_seed()
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    recommendation_draft_save(
        recommendation=cbt,
        user=alice,
        data={**recommendation_editable_values(recommendation=cbt), "title": "Ny CBT-tekst."},
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    recommendation_publish(recommendation=cbt, user=alice, change_reason="Ny evidens (test).")
    guideline = Guideline.objects.get(slug="acute-low-back-pain")
    live_content_update(
        obj=guideline,
        user=alice,
        data={
            **{key: getattr(guideline, key) for key in ("title", "short_title", "population")},
            **{key: getattr(guideline, key) for key in ("source", "note", "note_source")},
            "note": "En redaktørs note.",
        },
        change_reason="Note tilføjet (test).",
    )
    response = HearingResponse.objects.first()
    response.reply = "Arbejdsgruppens svar (test)."
    response.save()
    # What identifies the response in the fixtures, read now: the flush below empties its rows.
    hearing = response.hearing_round
    hearing_key = (hearing.guideline.slug, hearing.slug, response.order)
    # An editor's check against the publication travels too (provenance.verified in the API).
    recommendation_verify(
        recommendation=Recommendation.objects.get(slug="paracetamol"),
        user=alice,
        against="Sundhedsstyrelsen 2016, fuld version (test)",
        checked_on=date(2026, 12, 1),
        today=date(2026, 12, 6),
    )
    before = read_api_answers()

    call_command("export_content", str(tmp_path / "export"))
    call_command("flush", "--no-input")  # an empty database, as a new environment has
    call_command("seed_content", "--fixtures", str(tmp_path / "export"))

    assert read_api_answers() == before
    # By what identifies it in the fixtures: row ids start again in the emptied database.
    guideline_slug, hearing_slug, order = hearing_key
    loaded = HearingResponse.objects.get(
        hearing_round__guideline__slug=guideline_slug, hearing_round__slug=hearing_slug, order=order
    )
    assert loaded.reply == "Arbejdsgruppens svar (test)."
    assert Recommendation.objects.get(slug="paracetamol").verified["by"] == "alice"
    # A later seed from the repository's fixtures keeps every editor's change.
    report = content_seed()
    assert "generalised-pain/cbt" in report.skipped
    assert "acute-low-back-pain" in report.skipped
    assert read_api_answers() == before


def test_the_export_is_in_the_fixtures_format(content, tmp_path):
    call_command("export_content", str(tmp_path))

    guideline = json.loads((tmp_path / "guidelines" / "generalised-pain.json").read_text())
    cbt = next(rec for rec in guideline["recommendations"] if rec["slug"] == "cbt")
    assert [version["origin"] for version in cbt["versions"]] == ["hearing_draft", "seeded"]
    assert (tmp_path / "hearings" / "generalised-pain-2018.json").exists()
    assert json.loads((tmp_path / "search_synonyms.json").read_text())["synonyms"]


def test_export_refuses_a_folder_that_is_not_empty(content, tmp_path):
    (tmp_path / "x").write_text("")

    with pytest.raises(Exception, match="not empty"):
        call_command("export_content", str(tmp_path))
