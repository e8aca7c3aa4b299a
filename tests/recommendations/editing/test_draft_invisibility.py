"""A draft reaches no reader: not search, not the evaluator, not the FHIR export, not a CDS card.

The draft below changes the text, the strength and the direction of the acute low back pain
guideline's paracetamol recommendation (published: "Svag anbefaling imod"). Every reader
channel must still give the published version, on any database the search runs on.
"""

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from recommendations.models import Recommendation
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
)
from tests import fhir_records as fhir
from tests.fhir_records import ISSUER, RecordSystem

DRAFT_WORD = "zebrakladde"
DRAFT = {
    "title": f"Tilbyd {DRAFT_WORD} til alle patienter med nyopståede lænderygsmerter.",
    "rationale": f"Begrundelsen for {DRAFT_WORD}, som endnu ikke er udgivet.",
    "strength": "strong",
    "direction": "for",
}
PUBLISHED_TITLE_START = "Anvend kun paracetamol til patienter med nyopståede lænderygsmerter"
PUBLISHED_LABEL = "Svag anbefaling imod"
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}


@pytest.fixture
def paracetamol(content, alice) -> Recommendation:
    """Return the published recommendation, with an editor's draft of all four fields open."""
    rec = Recommendation.objects.select_related("guideline").get(
        guideline__slug="acute-low-back-pain", slug="paracetamol"
    )
    assert (rec.strength, rec.direction) == ("weak", "against")
    assert rec.title.startswith(PUBLISHED_TITLE_START)
    recommendation_draft_save(
        recommendation=rec,
        user=alice,
        data={**recommendation_editable_values(recommendation=rec), **DRAFT},
        edit_token=recommendation_edit_token(recommendation=rec),
    )
    return rec


def search_results(client, q: str) -> str:
    """Return the search page's results fragment (htmx), where the query is echoed only once."""
    return client.get("/search/", {"q": q}, headers={"HX-Request": "true"}).content.decode()


def test_the_search_page_never_finds_a_draft_text(client, paracetamol):
    draft_hit = search_results(client, DRAFT_WORD)
    published_hit = search_results(client, "paracetamol lænderygsmerter")

    assert f'0 anbefalinger matcher "{DRAFT_WORD}"' in draft_hit
    assert paracetamol.get_absolute_url() not in draft_hit
    assert paracetamol.get_absolute_url() in published_hit
    assert PUBLISHED_TITLE_START in published_hit
    assert DRAFT_WORD not in published_hit
    assert "Stærk anbefaling for" not in published_hit


def test_the_api_search_never_finds_a_draft_text(client, paracetamol):
    draft_hit = client.get("/api/v1/recommendations/", {"q": DRAFT_WORD})
    published_hit = client.get("/api/v1/recommendations/", {"q": "paracetamol lænderygsmerter"})

    assert draft_hit.status_code == 200
    assert draft_hit.json() == []
    (hit,) = [r for r in published_hit.json() if r["slug"] == "paracetamol"]
    assert hit["title"].startswith(PUBLISHED_TITLE_START)
    assert (hit["strength"], hit["direction"]) == ("weak", "against")
    assert DRAFT_WORD not in published_hit.content.decode()


def test_the_api_filters_use_the_published_strength_and_direction(client, paracetamol):
    strong_for = client.get(
        "/api/v1/recommendations/",
        {"guideline": "acute-low-back-pain", "strength": "strong", "direction": "for"},
    ).json()
    weak_against = client.get(
        "/api/v1/recommendations/",
        {"guideline": "acute-low-back-pain", "strength": "weak", "direction": "against"},
    ).json()

    assert strong_for == []
    assert "paracetamol" in [r["slug"] for r in weak_against]


def test_evaluate_gives_the_published_title_strength_direction_and_label(client, paracetamol):
    response = client.post("/api/v1/evaluate/", json.dumps(LOW_BACK), "application/json")

    assert response.status_code == 200
    low_back = next(g for g in response.json()["guidelines"] if g["slug"] == "acute-low-back-pain")
    rec = next(r for r in low_back["recommendations"] if r["slug"] == "paracetamol")
    assert rec["title"].startswith(PUBLISHED_TITLE_START)
    assert (rec["strength"], rec["direction"], rec["label"]) == ("weak", "against", PUBLISHED_LABEL)
    assert rec["version"] == paracetamol.version
    assert DRAFT_WORD not in response.content.decode()


def test_the_fhir_export_carries_the_published_text_and_strength(client, paracetamol):
    response = client.get("/api/v1/guidelines/acute-low-back-pain/fhir/")

    assert response.status_code == 200
    action = next(a for a in response.json()["action"] if a["id"] == "paracetamol")
    assert action["title"].startswith(PUBLISHED_TITLE_START)
    extensions = json.dumps(action["extension"])
    assert '"weak"' in extensions and '"against"' in extensions
    assert '"strong"' not in extensions and '"for"' not in extensions
    assert DRAFT_WORD not in response.content.decode()


@pytest.fixture
def ehr(settings):
    system = RecordSystem(ec.generate_private_key(ec.SECP384R1()))
    settings.CDS_HOOKS_VERIFY_JWT = True
    settings.CDS_HOOKS_ISSUERS = {ISSUER: {"jwks": system.jwks()}}
    return system


def test_the_cds_card_gives_the_published_text_and_label(client, ehr, paracetamol):
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks())

    assert response.status_code == 200, response.content
    (card,) = response.json()["cards"]
    assert f"[{PUBLISHED_TITLE_START}" in card["detail"]
    assert card["summary"].endswith("10 anbefalinger gælder (4 for, 6 imod)")
    assert card["detail"].count(f"**{PUBLISHED_LABEL}:**") == 6
    assert "Stærk anbefaling for" not in card["detail"]
    assert DRAFT_WORD not in json.dumps(card, ensure_ascii=False)
