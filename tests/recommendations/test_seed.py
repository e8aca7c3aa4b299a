import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from recommendations.content import ContentError
from recommendations.models import Recommendation
from recommendations.rules.conditions import ConditionError
from recommendations.seeding import content_seed


def test_seeding_twice_changes_nothing(content):
    again = content_seed()
    assert again.created == again.updated == again.skipped == []
    # 71 content rows, the 2018 hearing round and its 13 responses, 108 search synonyms.
    assert len(again.unchanged) == len(content.created) == 193


def test_an_edited_recommendation_survives_reseeding_and_the_command_says_so(content, capsys):
    rec = Recommendation.objects.get(guideline__slug="child-msk-pain", slug="opioids")
    rec.title = "Redigeret tekst efter høring"
    rec.save()

    call_command("seed_content")

    rec.refresh_from_db()
    assert rec.title == "Redigeret tekst efter høring"
    out = capsys.readouterr().out
    assert "Skipped child-msk-pain/opioids" in out
    assert "skipped 1" in out


def test_a_changed_fixture_updates_an_unedited_recommendation_and_bumps_its_version(
    content, tmp_path, settings
):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", fixtures)
    path = fixtures / "guidelines" / "child-msk-pain.json"
    data = json.loads(path.read_text())
    data["recommendations"][0]["update_note"] = "Opdateret i test."
    path.write_text(json.dumps(data, ensure_ascii=False))

    report = content_seed(fixtures_dir=fixtures)

    assert report.updated == ["child-msk-pain/parent-pain-education"]
    rec = Recommendation.objects.get(slug="parent-pain-education")
    assert rec.update_note == "Opdateret i test."
    assert rec.version == 2


@pytest.fixture
def broken_fixtures(tmp_path, settings):
    fixtures = tmp_path / "fixtures"
    shutil.copytree(settings.BASE_DIR / "fixtures", fixtures)
    return fixtures


def _edit_first_recommendation(fixtures, **changes):
    path = fixtures / "guidelines" / "child-msk-pain.json"
    data = json.loads(path.read_text())
    data["recommendations"][0].update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False))


@pytest.mark.usefixtures("no_content")
def test_a_condition_with_an_unknown_fact_fails_naming_the_recommendation(broken_fixtures):
    _edit_first_recommendation(
        broken_fixtures, applies_when={"fact": "shoe_size", "op": "gt", "value": 40}
    )
    with pytest.raises(ConditionError, match="child-msk-pain/parent-pain-education.*shoe_size"):
        content_seed(fixtures_dir=broken_fixtures)
    assert Recommendation.objects.count() == 0


@pytest.mark.usefixtures("no_content")
def test_a_condition_with_an_unknown_operator_fails_naming_the_recommendation(broken_fixtures):
    _edit_first_recommendation(
        broken_fixtures, applies_when={"fact": "age", "op": "roughly", "value": 40}
    )
    with pytest.raises(ConditionError, match="parent-pain-education.*roughly"):
        content_seed(fixtures_dir=broken_fixtures)


@pytest.mark.usefixtures("no_content")
def test_an_unknown_strength_fails_and_nothing_is_loaded(broken_fixtures):
    _edit_first_recommendation(broken_fixtures, strength="very_strong")
    with pytest.raises(ContentError, match="parent-pain-education.*very_strong"):
        content_seed(fixtures_dir=broken_fixtures)
    assert Recommendation.objects.count() == 0


@pytest.mark.usefixtures("no_content")
def test_the_command_reports_bad_content_and_changes_nothing(broken_fixtures):
    _edit_first_recommendation(broken_fixtures, direction="sideways")
    with pytest.raises(CommandError, match="nothing changed.*sideways"):
        call_command("seed_content", fixtures=str(broken_fixtures))
    assert Recommendation.objects.count() == 0
