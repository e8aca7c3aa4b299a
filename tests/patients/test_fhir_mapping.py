"""FHIR R4 to intake data: the mapping tables and the daily-dose arithmetic. No database."""

import json

import pytest

from patients.cds.fhir_mapping import record_drafts
from patients.cds.fhir_tables import condition_rule, medication_rule
from patients.cds.fhir_values import FUTURE_BIRTH_DATE_ERROR, FhirError
from recommendations.rules.drugs import DRUGS_FILE, drug_table
from recommendations.rules.intake import PainSite
from tests import fhir_records as fhir
from tests.patients.fhir_mapping_helpers import MAPPING, read

RED_FLAG_CODES = {
    row["code"]
    for row in json.loads((DRUGS_FILE.parent / "red_flags.json").read_text(encoding="utf-8"))
}
# Not marketed in Denmark and without a Danish record code to map from (CONTENT.md lists them
# for the US CDC table): they can be entered on the intake form, not read from a record.
DRUGS_WITHOUT_ATC = {"hydrocodone", "oxymorphone"}


# --- The tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("row", MAPPING["conditions"] + MAPPING["medications"], ids=str)
def test_every_mapping_row_names_its_source(row):
    assert row["source"].strip()


@pytest.mark.parametrize("row", MAPPING["conditions"], ids=lambda r: r["code"])
def test_condition_rows_use_only_known_sites_and_red_flags(row):
    assert row.get("pain_site") in {None, *PainSite.values}
    assert set(row.get("red_flags", [])) <= RED_FLAG_CODES


@pytest.mark.parametrize("row", MAPPING["medications"], ids=lambda r: r["atc"])
def test_medication_rows_use_only_known_drugs_and_red_flags(row):
    assert row.get("drug") is None or row["drug"] in drug_table()
    assert set(row.get("red_flags", [])) <= RED_FLAG_CODES
    assert row.get("drug") or row.get("red_flags")


def test_every_drug_code_of_the_intake_has_an_atc_code_except_those_not_used_in_denmark():
    mapped = {row["drug"] for row in MAPPING["medications"] if row.get("drug")}
    assert set(drug_table()) - mapped == DRUGS_WITHOUT_ATC


@pytest.mark.parametrize(
    ("system", "code", "expected"),
    [
        (fhir.ICD10, "M54.5", "low_back"),
        (fhir.ICD10, "M545", "low_back"),
        (fhir.SKS, "DM545", "low_back"),
        (fhir.SKS, "DM797A", "generalised"),  # a Danish sub-code of M79.7
        (fhir.ICD10, "M79.7", "generalised"),
        (fhir.SNOMED, "279039007", "low_back"),
        (fhir.SNOMED, "203082005", "generalised"),
        (fhir.SNOMED, "30989003", "other_msk"),
        (fhir.ICD10, "M25.56", "other_msk"),
    ],
)
def test_condition_codes_give_the_pain_site(system, code, expected):
    assert condition_rule(system, code).pain_site == expected


@pytest.mark.parametrize(
    ("system", "code"),
    [
        (fhir.ICD10, "J45.9"),  # asthma
        (fhir.SKS, "KNAG40"),  # an SKS procedure code, not a diagnosis
        (fhir.SNOMED, "2790390"),  # SNOMED CT identifiers are not prefixes of each other
        ("http://example.org/local", "M54.5"),  # a local code system we do not know
    ],
)
def test_codes_that_mean_nothing_to_us_are_ignored(system, code):
    assert condition_rule(system, code) is None


@pytest.mark.parametrize(
    ("atc", "drug"),
    [
        ("N02AA05", "oxycodone"),
        ("N07BC02", "methadone"),
        ("R05DA04", "codeine"),
        ("N02AB03", "fentanyl_patch"),
        ("M01AB05", "other_nsaid"),  # diclofenac
        ("M01AE03", "other_nsaid"),  # ketoprofen: propionic acid derivative, not ibuprofen
        ("M01AE01", "ibuprofen"),
        ("N06AB04", "ssri"),  # citalopram
    ],
)
def test_atc_codes_give_the_intakes_drug_code(atc, drug):
    assert medication_rule(atc).drug == drug


def test_radiculopathy_and_sciatica_codes_say_radicular_signs_without_a_site():
    for system, code in [(fhir.ICD10, "M54.1"), (fhir.ICD10, "M54.3"), (fhir.SNOMED, "23056005")]:
        rule = condition_rule(system, code)
        assert rule.radicular_signs and rule.pain_site is None


# --- Age and duration ----------------------------------------------------------------------


def test_age_comes_from_the_birth_date():
    assert read(fhir.hook_request(fhir.patient(17))).age == 17


def test_a_birth_year_alone_leaves_the_age_unknown():
    record = read(fhir.hook_request(fhir.patient(birth_date="1970")))
    assert record.age is None
    assert "kun fødselsår" in record.age_note


def test_a_birth_date_in_the_future_is_malformed():
    body = fhir.hook_request(fhir.patient(birth_date="2999-01-01"))
    with pytest.raises(FhirError) as error:
        read(body)
    assert error.value.message == FUTURE_BIRTH_DATE_ERROR.format(
        resource=f"Patient/{fhir.PATIENT_ID}", value="2999-01-01"
    )


def test_duration_comes_from_the_onset_date_in_weeks():
    body = fhir.hook_request(
        fhir.patient(45), conditions=[fhir.condition("M54.5", "LBP", onset=fhir.ago(days=24))]
    )
    (draft,) = record_drafts(read(body))
    assert draft.data["pain_duration_weeks"] == 3.4
    assert draft.complete


def test_an_onset_in_this_year_alone_leaves_the_duration_unknown():
    # It may have begun last week or in January: nothing certain about the 12-week line.
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M54.5", "LBP", onset=str(fhir.today().year))],
    )
    (draft,) = record_drafts(read(body))
    assert "pain_duration_weeks" not in draft.data
    assert draft.missing == ("varighed ukendt",)
    assert "debut kun angivet som år eller måned" in draft.notes[0]


def test_two_pain_sites_give_two_intakes():
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[
            fhir.condition("M54.5", "LBP", onset=fhir.ago(weeks=2)),
            fhir.condition("M79.7", "Fibromyalgi", onset=fhir.ago(weeks=60)),
        ],
    )
    drafts = record_drafts(read(body))
    assert [(d.data["pain_site"], d.data["pain_duration_weeks"]) for d in drafts] == [
        ("low_back", 2.0),
        ("generalised", 60.0),
    ]


def test_lumbago_with_sciatica_is_low_back_pain_with_radicular_signs():
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M54.4", "Lumbago med iskias", onset=fhir.ago(weeks=2))],
    )
    (draft,) = record_drafts(read(body))
    assert draft.data["pain_site"] == "low_back"
    assert draft.data["radicular_signs"] is True


def test_systemic_steroids_in_the_medication_list_are_a_red_flag():
    body = fhir.hook_request(
        fhir.patient(70),
        conditions=[fhir.condition("M54.5", "LBP", onset=fhir.ago(weeks=1))],
        statements=[fhir.medication_statement("H02AB06", "Prednisolon", fhir.dosage(5, per_day=1))],
    )
    (draft,) = record_drafts(read(body))
    assert draft.data["red_flags"] == ["systemic_steroids"]
    assert draft.data["medications"] == []  # a red flag, not a pain medication
