"""One card per finding however often the record repeats it, and a bounded answer: a prefetch
with more resources than any patient's record holds is a 400, and the largest allowed record
gets an answer of bounded size."""

import json
import re

import pytest

from patients.cds.fhir_mapping import MORE_NOTES
from patients.cds.fhir_values import MAX_BUNDLE_ENTRIES, TOO_MANY_ENTRIES_ERROR
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")

# The largest answer the largest allowed record may get: a few cards of a few kilobytes each.
RESPONSE_MAX_BYTES = 64_000


def prednisolone(n: int) -> dict:
    return fhir.medication_statement(
        "H02AB06", "Prednisolon 5 mg", fhir.dosage(5, per_day=1), mid=f"ms-pred-{n}"
    )


def low_back_pain(*, statements=(), conditions=()) -> dict:
    return fhir.hook_request(
        fhir.patient(60),
        conditions=[
            fhir.condition("M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=2)),
            *conditions,
        ],
        statements=list(statements),
    )


def test_three_prednisolone_statements_make_one_red_flag_card_naming_all_three(client, ehr):
    cards = ehr.cards(client, low_back_pain(statements=[prednisolone(n) for n in range(3)]))

    red_flags = [c for c in cards if c["summary"].startswith("Rødt flag i journalen")]
    assert len(red_flags) == 1
    for n in range(3):
        assert f"MedicationStatement/ms-pred-{n}" in red_flags[0]["detail"]


def test_two_steroids_raising_the_same_red_flag_make_one_card(client, ehr):
    other = fhir.medication_statement(
        "H02AB07", "Prednison", fhir.dosage(5, per_day=1), mid="ms-prednisone"
    )

    cards = ehr.cards(client, low_back_pain(statements=[prednisolone(1), other]))

    red_flags = [c for c in cards if c["summary"].startswith("Rødt flag i journalen")]
    assert len(red_flags) == 1
    assert "H02AB06" in red_flags[0]["summary"] and "H02AB07" in red_flags[0]["summary"]


def test_a_repeated_diagnosis_is_named_once_in_each_card(client, ehr):
    repeated = [
        fhir.condition("M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=2), cid=f"c-{n}")
        for n in range(5)
    ]

    (card,) = ehr.cards(client, low_back_pain(conditions=repeated))

    assert card["detail"].count("Lænderygsmerter (M54.5, debut") == 1


def test_more_resources_than_a_record_holds_is_400(client, ehr):
    body = low_back_pain(statements=[prednisolone(n) for n in range(MAX_BUNDLE_ENTRIES + 1)])

    response = ehr.call(client, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "prefetch.medicationStatements.entry": [
            TOO_MANY_ENTRIES_ERROR.format(limit=MAX_BUNDLE_ENTRIES, got=MAX_BUNDLE_ENTRIES + 1)
        ]
    }


def test_the_largest_allowed_record_gets_an_answer_of_bounded_size(client, ehr):
    third = MAX_BUNDLE_ENTRIES // 3
    statements = [
        *(prednisolone(n) for n in range(third)),
        *(
            fhir.medication_statement(
                "N02AA05", "Oxycodon", fhir.dosage(10, per_day=2), mid=f"ms-oxy-{n}"
            )
            for n in range(third)
        ),
        # Drugs nkr does not recognise each leave a note in the record's gaps.
        *(
            fhir.medication_statement(
                "N02AX99", f"Ukendt opioid {n}", fhir.dosage(1, per_day=1), mid=f"ms-x-{n}"
            )
            for n in range(MAX_BUNDLE_ENTRIES - 2 * third)
        ),
    ]
    conditions = [
        fhir.condition("M79.7", f"Fibromyalgi {n}", onset=fhir.years_ago(2), cid=f"c-f-{n}")
        for n in range(MAX_BUNDLE_ENTRIES - 1)
    ]
    body = low_back_pain(statements=statements, conditions=conditions)

    response = ehr.call(client, body)

    assert response.status_code == 200, response.content
    assert len(response.content) < RESPONSE_MAX_BYTES, len(response.content)
    cards = response.json()["cards"]
    assert len([c for c in cards if c["summary"].startswith("Rødt flag")]) == 1
    text = json.dumps(cards, ensure_ascii=False)
    assert "og 161 flere" in text  # what was left out is counted
    assert re.search(MORE_NOTES.format(count=r"1[0-9][0-9]"), text)
