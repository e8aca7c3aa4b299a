"""Search synonyms are content: sourced in fixtures/, edited in the admin with a reason and a
history, kept by re-seeding; and the search index follows every change to what it is built from.
"""

import json

import pytest
from django.urls import reverse

from recommendations import selectors
from recommendations.admin_forms import SYNONYM_ATC_REQUIRED_ERROR
from recommendations.content import ContentError, search_synonyms_content_load
from recommendations.live_content import (
    GUIDELINE_TEXT_FIELDS,
    live_content_update,
    search_synonym_save,
)
from recommendations.models import Guideline, Recommendation, SearchSynonym
from recommendations.seeding import content_seed
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)

pytestmark = pytest.mark.usefixtures("content")


def keys(query: str) -> list[str]:
    return [rec.key for rec in selectors.recommendation_list(q=query)]


def synonym_form(synonym: SearchSynonym, **changes) -> dict:
    fields = ("term", "target", "kind", "atc_code", "source")
    data = {key: getattr(synonym, key) for key in fields}
    if synonym.source_checked:
        data["source_checked"] = "on"
    return {**data, "change_reason": "", **changes}


def test_every_seeded_synonym_names_its_source_and_says_when_it_was_not_checked():
    synonyms = list(SearchSynonym.objects.all())
    assert len(synonyms) >= 60
    for synonym in synonyms:
        assert synonym.source.strip(), synonym
        if not synonym.source_checked:
            source = synonym.source.casefold()
            assert "kontrolleret" in source or "ingen ekstern kilde" in source, synonym
    trade_names = [s for s in synonyms if s.kind == "trade_name"]
    assert trade_names and all(s.atc_code for s in trade_names)


def test_an_editor_changes_a_synonym_in_the_admin_and_search_follows_at_once(alice_client):
    panodil = SearchSynonym.objects.get(term="panodil")
    url = reverse("admin:recommendations_searchsynonym_change", args=[panodil.pk])
    response = alice_client.post(
        url, synonym_form(panodil, term="panodilx", change_reason="Stavefejl rettet.")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "acute-low-back-pain/paracetamol" in keys("panodilx")
    record = SearchSynonym.history.filter(id=panodil.pk).latest("history_date")
    assert record.history_user.username == "alice"
    assert record.history_change_reason == "Stavefejl rettet."


def test_a_changed_synonym_needs_a_reason(alice_client):
    panodil = SearchSynonym.objects.get(term="panodil")
    url = reverse("admin:recommendations_searchsynonym_change", args=[panodil.pk])
    response = alice_client.post(url, synonym_form(panodil, term="panodilx"))
    assert response.status_code == 200
    assert "Skriv en begrundelse" in response.content.decode()
    assert SearchSynonym.objects.get(pk=panodil.pk).term == "panodil"


def test_an_editor_adds_a_synonym_and_the_search_finds_it(alice_client):
    url = reverse("admin:recommendations_searchsynonym_add")
    response = alice_client.post(
        url,
        {
            "term": "rygtræning",
            "target": "superviseret fysisk træning",
            "kind": "lay",
            "atc_code": "",
            "source": "Redaktørens eget ord.",
            "change_reason": "Ønsket af en praktiserende læge.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert keys("rygtræning")[0] == "acute-low-back-pain/supervised-exercise"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"term": "Panodil"}, "Søgeord: skriv med små bogstaver"),
        ({"atc_code": ""}, SYNONYM_ATC_REQUIRED_ERROR),
    ],
)
def test_a_synonym_form_refuses_bad_input_with_a_danish_message(alice_client, changes, message):
    panodil = SearchSynonym.objects.get(term="panodil")
    url = reverse("admin:recommendations_searchsynonym_change", args=[panodil.pk])
    response = alice_client.post(url, synonym_form(panodil, change_reason="x", **changes))
    assert response.status_code == 200
    assert str(message) in response.content.decode()


def test_reseeding_keeps_an_editors_change_to_a_synonym(alice):
    panodil = SearchSynonym.objects.get(term="panodil")
    data = {**synonym_form(panodil), "source_checked": True, "source": "Kontrolleret af Alice."}
    search_synonym_save(synonym=panodil, user=alice, data=data, change_reason="Kontrolleret.")
    report = content_seed()
    assert "search-synonym/panodil→paracetamol" in report.skipped
    assert SearchSynonym.objects.get(pk=panodil.pk).source == "Kontrolleret af Alice."


def test_a_published_recommendation_is_found_by_its_new_words_at_once(alice):
    rec = Recommendation.objects.get(guideline__slug="opioid-tapering", slug="frequent-follow-up")
    data = {
        **recommendation_editable_values(recommendation=rec),
        "title": "Følg hyppigt op på patienten under nedtrapningen (telefonkonsultation).",
    }
    recommendation_draft_save(
        recommendation=rec,
        user=alice,
        data=data,
        edit_token=recommendation_edit_token(recommendation=rec),
    )
    assert "opioid-tapering/frequent-follow-up" not in keys("telefonkonsultation")
    recommendation_publish(recommendation=rec, user=alice, change_reason="Prøve.")
    assert keys("telefonkonsultation")[0] == "opioid-tapering/frequent-follow-up"


def test_a_changed_guideline_title_is_searched_at_once(alice):
    guideline = Guideline.objects.get(slug="opioid-tapering")
    data = {key: getattr(guideline, key) for key in GUIDELINE_TEXT_FIELDS}
    data["title"] = f"{guideline.title} (seponering)"
    live_content_update(obj=guideline, user=alice, data=data, change_reason="Prøve.")
    found = keys("seponering")
    assert found and all(key.startswith("opioid-tapering/") for key in found[:6])


def test_a_synonyms_file_with_an_unknown_kind_is_refused(tmp_path):
    (tmp_path / "search_synonyms.json").write_text(
        json.dumps({"synonyms": [{"term": "x", "target": "y", "kind": "slang", "source": "s"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ContentError, match="kind 'slang'"):
        search_synonyms_content_load(tmp_path)
