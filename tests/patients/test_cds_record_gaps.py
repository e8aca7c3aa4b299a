"""What the record does not tell: an unknown duration or dose is said, never guessed."""

import json

import pytest

from tests import fhir_records as fhir
from tests.fhir_records import card_for

pytestmark = pytest.mark.usefixtures("content")


def test_an_unknown_duration_is_said_and_the_card_links_to_the_form_to_complete(client, ehr):
    body = fhir.hook_request(
        fhir.patient(45), conditions=[fhir.condition("M54.5", "Lænderygsmerter")]
    )
    (card,) = ehr.cards(client, body)

    assert card["summary"] == "Lænderygsmerter: varighed ukendt – udfyld NKR-vurderingen"
    assert (
        "varighed ukendt (Lænderygsmerter (M54.5): ingen debutdato i journalen)" in card["detail"]
    )
    (link,) = card["links"]
    assert link["type"] == "absolute"
    assert link["url"].startswith("http://testserver/intake/prefill/")

    page = client.get(link["url"].removeprefix("http://testserver"), follow=True)
    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="age" type="text" inputmode="numeric" value="45"' in text
    assert 'value="low_back" checked' in text
    assert "varighed ukendt" in text


def test_a_dose_that_cannot_be_worked_out_is_listed_and_never_guessed(client, ehr):
    body = fhir.hook_request(
        fhir.patient(52),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        statements=[
            fhir.medication_statement(
                "N02AA05",
                "Oxycodon 5 mg",
                fhir.dosage(5, as_needed=True, text="5 mg efter behov"),
                since=fhir.years_ago(2),
            )
        ],
    )
    cards = ehr.cards(client, body)

    generalised = card_for(cards, "Generaliserede smerter i bevægeapparatet:")
    assert generalised["summary"].endswith("– døgndosis ukendt")
    assert "Oxycodon: døgndosis ukendt (efter behov)" in generalised["detail"]
    assert "indgår i vurderingen, men ikke i morfinækvivalenten" in generalised["detail"]
    assert (
        "Morfinækvivalent: ikke beregnet; døgndosis ukendt for oxycodon" in (generalised["detail"])
    )
    assert "Dagligt morfinækvivalent" not in json.dumps(cards, ensure_ascii=False)


def test_a_drug_whose_dose_is_unknown_is_still_a_current_medication(client, ehr):
    body = fhir.hook_request(
        fhir.patient(52),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        statements=[
            fhir.medication_statement(
                "N02AA05",
                "Oxycodon 5 mg",
                fhir.dosage(5, as_needed=True, text="5 mg efter behov"),
                since=fhir.years_ago(2),
            )
        ],
    )
    cards = ehr.cards(client, body)

    warning = cards[0]
    assert warning["summary"].startswith("Advarsel: Patienten får oxycodon")
    # With no MME threshold reached, the unknown dose is told on the guideline cards only.
    assert "Morfinækvivalenten omfatter ikke" not in warning["detail"]
    generalised = card_for(cards, "Generaliserede smerter i bevægeapparatet:")
    assert "opioids-without-dual-action" in generalised["detail"]
    assert "*Fordi* (nkr's læsning): aktuel medicin omfatter oxycodon" in generalised["detail"]
    tapering = card_for(cards, "Nedtrapning af opioider:")
    assert "Opioidbehandling: mindst 24" in tapering["detail"]


def test_with_one_opioid_dose_unknown_the_mme_is_a_lower_bound(client, ehr):
    body = fhir.hook_request(
        fhir.patient(60),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(5))],
        statements=[
            fhir.medication_statement(
                "N02AB03",
                "Fentanyl depotplaster 25 mikrog/time",
                fhir.dosage(25, "ug/h", text="1 plaster hver 3. dag"),
                since=fhir.years_ago(1),
            ),
            fhir.medication_statement(
                "N02AA05",
                "Oxycodon 5 mg",
                fhir.dosage(5, as_needed=True, text="5 mg efter behov"),
                since=fhir.years_ago(1),
            ),
        ],
    )
    cards = ehr.cards(client, body)

    medication = next(c for c in cards if "morfinækvivalent" in c["detail"])
    assert "Dagligt morfinækvivalent mindst 60 mg er 50 mg eller mere" in medication["detail"]
    assert "Morfinækvivalenten omfatter ikke oxycodon: døgndosis ukendt." in medication["detail"]
    assert "morfinækvivalent 60 mg" not in json.dumps(cards, ensure_ascii=False)
    tapering = card_for(cards, "Nedtrapning af opioider:")
    assert (
        "Morfinækvivalent: mindst 60 mg/døgn; døgndosis ukendt for oxycodon" in (tapering["detail"])
    )


def test_a_fentanyl_patch_counts_in_micrograms_per_hour(client, ehr):
    body = fhir.hook_request(
        fhir.patient(60),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(5))],
        statements=[
            fhir.medication_statement(
                "N02AB03",
                "Fentanyl depotplaster 25 mikrog/time",
                fhir.dosage(25, "ug/h", text="1 plaster hver 3. dag"),
                since=fhir.years_ago(1),
            )
        ],
    )
    cards = ehr.cards(client, body)

    warning = cards[0]
    assert "morfinækvivalent 60 mg er 50 mg eller mere" in warning["detail"]
    assert "Fentanyl (depotplaster) 25 mikrogram/time" in card_for(cards, "Nedtrapning")["detail"]


def test_an_order_and_a_statement_for_the_same_drug_are_not_counted_twice(client, ehr):
    body = fhir.hook_request(
        fhir.patient(52),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        statements=[
            fhir.medication_statement(
                "N02AA05", "Oxycodon", fhir.dosage(10, per_day=2), since=fhir.years_ago(2)
            )
        ],
        requests=[
            fhir.medication_request(
                "N02AA05", "Oxycodon", fhir.dosage(10, per_day=2), authored=fhir.ago(weeks=4)
            )
        ],
    )
    tapering = card_for(ehr.cards(client, body), "Nedtrapning")
    assert "Oxycodon 20 mg/døgn" in tapering["detail"]
    assert "Oxycodon 20 mg/døgn; Oxycodon" not in tapering["detail"]
