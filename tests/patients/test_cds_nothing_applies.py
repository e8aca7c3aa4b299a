"""When the record gives a complete intake but no guideline is in scope: one info card says why."""

import pytest

from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def assert_cds_card_rules(card):
    assert len(card["summary"]) < 140
    assert card["indicator"] == "info"
    assert card["source"]["label"] and card["source"]["url"].startswith("http://testserver/")
    (link,) = card["links"]
    assert link["type"] == "absolute"
    assert "/intake/prefill/" in link["url"]


def test_a_five_year_old_with_low_back_pain_gets_one_card_saying_why(client, ehr):
    body = fhir.hook_request(
        fhir.patient(5),
        conditions=[fhir.condition("M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=3))],
    )
    (card,) = ehr.cards(client, body)

    assert_cds_card_rules(card)
    assert card["summary"] == (
        "Lænderygsmerter: ingen af nkr's retningslinjer gælder ud fra journalens oplysninger"
    )
    # The evaluator's own out-of-scope reasons, one guideline per line.
    assert "Alder 5 år: retningslinjen gælder børn og unge 6-18 år" in card["detail"]
    assert (
        "Patienten er 5 år; retningslinjen gælder patienter »over 16 år« (nkr's læsning: 16 år "
        "og derover)" in (card["detail"])
    )
    assert "- Alder: 5 år (fødselsdato)" in card["detail"]


def test_lumbago_with_sciatica_points_to_the_guideline_on_nerve_root_compression(client, ehr):
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M54.4", "Lumbago med iskias", onset=fhir.ago(weeks=3))],
    )
    (card,) = ehr.cards(client, body)

    assert_cds_card_rules(card)
    assert card["summary"].startswith("Lumbago med iskias: ingen af nkr's retningslinjer gælder")
    assert (
        "Se den nationale kliniske retningslinje for behandling af lumbal nerverodspåvirkning"
        in card["detail"]
    )
    assert (
        "[National klinisk retningslinje for behandling af nyopståede lænderygsmerter]("
        in (card["detail"])
    )


def test_an_urgent_red_flag_diagnosis_without_a_pain_code_gets_one_card_saying_why(client, ehr):
    body = fhir.hook_request(
        fhir.patient(60),
        conditions=[fhir.condition("G83.4", "Cauda equina-syndrom", onset=fhir.ago(days=2))],
    )
    (card,) = ehr.cards(client, body)

    assert_cds_card_rules(card)
    assert card["summary"] == (
        "Cauda equina-syndrom (G83.4) i journalen er et rødt flag, men der er ingen "
        "smertediagnose – ingen retningslinje vurderet"
    )
    assert "ingen retningslinje er vurderet" in card["detail"]
    assert card["source"]["label"].endswith("Tabel 1. Røde flag")


def test_a_cancer_diagnosis_alone_is_not_a_reason_to_speak(client, ehr):
    body = fhir.hook_request(fhir.patient(60), conditions=[fhir.condition("C50.9", "Brystkræft")])
    assert ehr.cards(client, body) == []


def test_a_record_without_anything_for_a_pain_service_still_gets_no_card(client, ehr):
    body = fhir.hook_request(
        fhir.patient(60),
        statements=[fhir.medication_statement("N02BE01", "Panodil", fhir.dosage(1000, per_day=3))],
    )
    assert ehr.cards(client, body) == []


def test_no_why_card_when_a_guideline_is_in_scope(client, ehr):
    cards = ehr.cards(client, fhir.adult_with_low_back_pain_for_three_weeks())
    assert not any("ingen af nkr's retningslinjer" in card["summary"] for card in cards)


def test_feedback_on_the_why_card_is_stored_under_the_guidelines_not_in_scope(client, ehr):
    from patients.models import CardFeedback, IssuedCard

    body = fhir.hook_request(
        fhir.patient(5),
        conditions=[fhir.condition("M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=3))],
    )
    (card,) = ehr.cards(client, body)
    issued = IssuedCard.objects.get(uuid=card["uuid"])
    assert issued.kind == "not_in_scope"
    assert "acute-low-back-pain" in issued.subjects
    response = ehr.call(
        client,
        {
            "feedback": [
                {
                    "card": card["uuid"],
                    # The card offers no suggestion: a client can only report it overridden.
                    "outcome": "overridden",
                    "outcomeTimestamp": "2026-01-01T10:00:00Z",
                }
            ]
        },
        url=fhir.FEEDBACK_URL,
    )
    assert response.status_code == 200, response.content
    assert CardFeedback.objects.filter(kind="not_in_scope").count() == len(issued.subjects)
