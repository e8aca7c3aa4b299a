"""The daily dose read from a record's dosage instructions."""

import json

import pytest
from rest_framework.exceptions import ValidationError

from patients.cds.fhir_mapping import record_drafts
from patients.cds.fhir_tables import MAPPING_FILE
from patients.cds.fhir_values import FhirError
from patients.intake.services import intake_evaluate
from recommendations.intake_input import DOSE_ERROR, RecordIntakeData
from tests import fhir_records as fhir
from tests.patients.fhir_mapping_helpers import MAPPING, medication_of, read

# --- The daily dose ------------------------------------------------------------------------


def timing(**repeat):
    return {"repeat": repeat}


def with_timing(dose, unit, timing_value):
    dosage = fhir.dosage(dose, unit)
    dosage["timing"] = timing_value
    return dosage


@pytest.mark.parametrize(
    ("dosages", "expected"),
    [
        ([fhir.dosage(500, per_day=3)], 1500),
        ([fhir.dosage(1, "g", per_day=2)], 2000),
        ([with_timing(10, "mg", timing(frequency=1, period=12, periodUnit="h"))], 20),
        ([with_timing(10, "mg", timing(period=1, periodUnit="d"))], 10),  # FHIR: once per period
        ([with_timing(5, "mg", timing(when=["MORN", "EVE"]))], 10),
        ([with_timing(70, "mg", timing(frequency=1, period=1, periodUnit="wk"))], 10),
        (
            [
                with_timing(
                    10,
                    "mg",
                    {
                        "code": {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation",
                                    "code": "BID",
                                }
                            ]
                        }
                    },
                )
            ],
            20,
        ),
        ([fhir.dosage(20, per_day=1), fhir.dosage(10, per_day=1)], 30),  # morning and evening
    ],
)
def test_the_daily_dose_is_dose_times_frequency_per_day(dosages, expected):
    med = medication_of(*dosages)
    assert (med.daily_dose, med.unit, med.dose_note) == (expected, "mg", "")


def test_a_dose_in_tablets_uses_the_medications_strength():
    tablet = {
        "resourceType": "Medication",
        "id": "pcm",
        "code": {"coding": [{"system": fhir.ATC, "code": "N02BE01"}]},
        "ingredient": [
            {
                "itemCodeableConcept": {"text": "paracetamol"},
                "isActive": True,
                "strength": {
                    "numerator": {"value": 500, "system": fhir.UCUM, "code": "mg"},
                    "denominator": {"value": 1, "system": fhir.UCUM, "code": "{tablet}"},
                },
            }
        ],
    }
    med = medication_of(fhir.dosage(2, "{tablet}", per_day=4), contained=tablet)
    assert (med.rule.drug, med.daily_dose) == ("paracetamol", 4000)


def test_a_patch_dose_is_its_rate_in_micrograms_per_hour():
    med = medication_of(fhir.dosage(12, "ug/h"), atc="N02AE01")
    assert (med.rule.drug, med.daily_dose, med.unit) == ("buprenorphine_patch", 12, "mcg/h")


@pytest.mark.parametrize(
    ("dosages", "atc", "reason"),
    [
        ([fhir.dosage(5, as_needed=True)], "N02AA05", "efter behov"),
        ([fhir.dosage(5)], "N02AA05", "ingen doseringstidspunkter"),
        ([fhir.dosage(None, per_day=2)], "N02AA05", "ingen dosis angivet"),
        ([], "N02AA05", "ingen dosering i journalen"),
        ([fhir.dosage(1, "{tablet}", per_day=2)], "N02AA05", "ingen styrke i journalen"),
        (
            [with_timing(5, "mg", timing(frequency=1, period=1, periodUnit="mo"))],
            "N02AA05",
            "periode i 'mo' kan ikke omregnes til døgn",
        ),
        (
            [
                with_timing(
                    5, "mg", timing(frequency=1, period=1, periodUnit="d", dayOfWeek=["mon"])
                )
            ],
            "N02AA05",
            "bestemte ugedage",
        ),
        (
            [with_timing(5, "mg", timing(frequency=1, frequencyMax=3, period=1, periodUnit="d"))],
            "N02AA05",
            "interval",
        ),
        ([fhir.dosage(500, per_day=4)], "N02AJ06", "kombinationspræparat"),
        ([fhir.dosage(25, "mg", per_day=1)], "N02AB03", "mikrogram/time"),
        # Above any real patch (PATCH_DOSE_MAX): a mg figure recorded as micrograms per hour.
        ([fhir.dosage(5000, "ug/h")], "N02AB03", "urimeligt stor"),
        (
            [
                {**fhir.dosage(10, per_day=1), "sequence": 1},
                {**fhir.dosage(5, per_day=1), "sequence": 2},
            ],
            "N02AA05",
            "trinvis dosering",
        ),
    ],
)
def test_a_daily_dose_that_cannot_be_worked_out_is_unknown_never_guessed(dosages, atc, reason):
    med = medication_of(*dosages, atc=atc)
    assert med.daily_dose is None
    assert reason in med.dose_note


def test_a_drug_with_an_unknown_dose_goes_to_the_evaluator_as_a_current_drug_without_a_dose():
    body = fhir.hook_request(
        fhir.patient(50),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(2))],
        statements=[
            fhir.medication_statement(
                "N02AA05", "Oxycodon", fhir.dosage(5, as_needed=True), since=fhir.years_ago(1)
            )
        ],
    )
    (draft,) = record_drafts(read(body))
    assert isinstance(draft.data, RecordIntakeData)
    assert draft.data["medications"] == [{"drug": "oxycodone", "daily_dose": None, "unit": "mg"}]
    assert draft.data["opioid_treatment_months"] >= 12
    # The form is pre-filled with an empty dose, never a guess.
    assert draft.prefill_medications == ({"drug": "oxycodone", "daily_dose": None},)
    assert any("døgndosis for Oxycodon (N02AA05) ukendt (efter behov)" in n for n in draft.notes)


UNKNOWN_DOSES = {
    "age": 50,
    "pain_site": "generalised",
    "pain_duration_weeks": 100,
    "medications": [
        {"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h"},
        {"drug": "oxycodone", "daily_dose": None, "unit": "mg"},
        {"drug": "morphine", "daily_dose": None, "unit": "mg"},
    ],
}


def test_a_record_s_unknown_dose_is_evaluated_as_a_current_drug_outside_the_mme(db):
    evaluation = intake_evaluate(data=RecordIntakeData(UNKNOWN_DOSES))
    assert evaluation.facts.daily_mme == 60
    assert evaluation.facts.mme_unknown_drugs == ("oxycodone", "morphine")
    assert "oxycodone" in evaluation.facts.current_opioids


def test_the_same_data_with_an_unknown_dose_is_refused_when_not_from_a_record(db):
    with pytest.raises(ValidationError) as raised:
        intake_evaluate(data=UNKNOWN_DOSES)
    assert raised.value.detail["medications"][1]["daily_dose"] == [DOSE_ERROR]
    assert raised.value.detail["medications"][2]["daily_dose"] == [DOSE_ERROR]


def conditions_in(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from conditions_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from conditions_in(value)


def test_no_condition_in_the_content_reads_the_mme_so_an_unknown_dose_cannot_skew_one():
    facts = {
        node["fact"]
        for path in sorted((MAPPING_FILE.parent / "guidelines").glob("*.json"))
        for node in conditions_in(json.loads(path.read_text(encoding="utf-8")))
        if isinstance(node.get("fact"), str)
    }
    assert facts and "daily_mme" not in facts


def test_an_opioid_nkr_does_not_know_is_said_not_dropped_silently():
    body = fhir.hook_request(
        fhir.patient(50),
        statements=[fhir.medication_statement("N02AB02", "Pethidin", fhir.dosage(50, per_day=2))],
    )
    record = read(body)
    assert record.medications == ()
    assert record.notes == (
        "Pethidin (N02AB02): opioid, som nkr ikke kender, og som ikke indgår i vurderingen",
    )


def test_opioid_treatment_months_count_from_the_first_record_of_the_opioid():
    body = fhir.hook_request(
        fhir.patient(50),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        statements=[
            fhir.medication_statement(
                "N02AA01", "Morfin", fhir.dosage(10, per_day=3), since=fhir.ago(days=200)
            )
        ],
    )
    (draft,) = record_drafts(read(body))
    assert draft.data["opioid_treatment_months"] == 6.5


def test_every_mapping_row_is_documented_in_docs_integration():
    text = (MAPPING_FILE.parents[1] / "docs" / "integration.md").read_text(encoding="utf-8")
    codes = [row["code"] for row in MAPPING["conditions"]] + [
        row["atc"] for row in MAPPING["medications"]
    ]
    assert [code for code in codes if f"`{code}`" not in text] == []


def test_a_dose_too_large_for_a_number_is_malformed_not_a_crash():
    with pytest.raises(FhirError):
        medication_of(fhir.dosage(10**400, per_day=1))
