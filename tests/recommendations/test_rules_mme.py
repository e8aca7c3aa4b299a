"""Oral morphine equivalents, and daily doses a record leaves unknown."""

import pytest

from recommendations.intake_input import (
    DOSE_ERROR,
    DOSE_MAX,
    REQUIRED_ERROR,
    IntakeSerializer,
    intake_build,
)
from recommendations.rules import (
    evaluate,
)
from recommendations.rules.drugs import drug_table
from tests.recommendations.rules_helpers import (
    CONTENT,
    RED_FLAG_CODES,
    alerts_with,
    applying,
    evaluation_of,
    intake,
    med,
)

# --- Oral morphine equivalents --------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "dose", "expected_mme"),
    [
        ("codeine", 100, 15.0),
        ("hydrocodone", 20, 20.0),
        ("hydromorphone", 4, 20.0),
        ("methadone", 10, 47.0),
        ("morphine", 30, 30.0),
        ("oxycodone", 20, 30.0),
        ("oxymorphone", 10, 30.0),
        ("tapentadol", 100, 40.0),
        ("tramadol", 200, 40.0),
        ("fentanyl_patch", 12, 28.8),
        ("ketobemidone", 40, 40.0),
    ],
)
def test_daily_mme_uses_the_cdc_factor_for_each_opioid(drug, dose, expected_mme):
    evaluation = evaluation_of(intake(medications=[med(drug, dose)]))

    assert evaluation.derived()["daily_mme"] == pytest.approx(expected_mme)


def test_a_fentanyl_patch_is_dosed_in_micrograms_per_hour():
    assert drug_table()["fentanyl_patch"].unit == "mcg/h"
    assert evaluation_of(intake(medications=[med("fentanyl_patch", 25)])).derived()[
        "daily_mme"
    ] == pytest.approx(60.0)


def test_buprenorphine_alone_gives_no_mme_and_says_so():
    evaluation = evaluation_of(intake(medications=[med("buprenorphine_patch", 10)]))

    assert evaluation.derived()["daily_mme"] is None
    (alert,) = alerts_with(evaluation, "mme_not_computed")
    assert alert.level == "info"
    assert "Buprenorphin" in alert.message


def test_buprenorphine_adds_nothing_to_other_opioids_but_is_still_noted():
    evaluation = evaluation_of(
        intake(medications=[med("buprenorphine_patch", 20), med("morphine", 30)])
    )

    assert evaluation.derived()["daily_mme"] == pytest.approx(30.0)
    assert [a.level for a in alerts_with(evaluation, "mme_not_computed")] == ["info"]


def test_daily_mme_sums_every_opioid():
    evaluation = evaluation_of(
        intake(medications=[med("oxycodone", 20), med("tramadol", 100), med("fentanyl_patch", 12)])
    )

    assert evaluation.derived()["daily_mme"] == pytest.approx(30 + 20 + 28.8)


def test_the_same_opioid_twice_counts_twice():
    evaluation = evaluation_of(intake(medications=[med("morphine", 20), med("morphine", 10)]))

    assert evaluation.derived()["daily_mme"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    "medications",
    [[], [med(code, 100) for code, drug in drug_table().items() if not drug.is_opioid]],
)
def test_non_opioids_add_nothing_to_daily_mme(medications):
    evaluation = evaluation_of(intake(medications=medications))

    assert evaluation.derived()["daily_mme"] is None
    assert not {"mme_50", "mme_90", "mme_not_computed"} & {a.code for a in evaluation.alerts}


def test_non_opioids_beside_an_opioid_add_nothing():
    evaluation = evaluation_of(
        intake(medications=[med("morphine", 30), med("paracetamol", 4000), med("pregabalin", 300)])
    )

    assert evaluation.derived()["daily_mme"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("morphine_mg", "expected_codes"),
    [
        (49.9, []),
        (50, ["mme_50"]),
        (89.9, ["mme_50"]),
        (90, ["mme_90"]),
        (400, ["mme_90"]),
    ],
)
def test_mme_thresholds_warn_at_50_and_instead_at_90(morphine_mg, expected_codes):
    evaluation = evaluation_of(intake(medications=[med("morphine", morphine_mg)]))

    mme_alerts = [a for a in evaluation.alerts if a.code in {"mme_50", "mme_90"}]
    assert [a.code for a in mme_alerts] == expected_codes
    for alert in mme_alerts:
        assert alert.level == "warning"
        assert "CDC" in alert.message


def test_the_mme_threshold_applies_to_the_sum_of_opioids():
    evaluation = evaluation_of(intake(medications=[med("oxycodone", 20), med("tramadol", 100)]))

    assert evaluation.derived()["daily_mme"] == pytest.approx(50.0)
    assert [a.code for a in alerts_with(evaluation, "mme_50")] == ["mme_50"]


# --- Unknown daily doses (only from a patient's record) -------------------------------------


def record_evaluation_of(data: dict):
    """Return the evaluation of a record's intake data, where a daily_dose may be None."""
    serializer = IntakeSerializer(
        data=data, red_flag_codes=RED_FLAG_CODES, dose_unknown_allowed=True
    )
    assert serializer.is_valid(), serializer.errors
    return evaluate(intake_build(serializer.validated_data), CONTENT)


def test_an_opioid_of_unknown_dose_has_no_mme_and_says_why():
    evaluation = record_evaluation_of(
        intake(medications=[med("oxycodone", None), med("buprenorphine_patch", 10)])
    )

    oxycodone, buprenorphine = evaluation.facts.mme_items
    assert (oxycodone.drug, oxycodone.daily_dose, oxycodone.mme) == ("oxycodone", None, None)
    assert oxycodone.not_computed == "dose_unknown"
    assert oxycodone.factor == 1.5  # known: only the dose is missing
    assert buprenorphine.not_computed == "no_factor"
    assert evaluation.facts.daily_mme is None
    assert evaluation.facts.mme_unknown_drugs == ("oxycodone",)


def test_with_a_dose_unknown_the_daily_mme_is_the_sum_of_the_known_doses():
    evaluation = record_evaluation_of(
        intake(medications=[med("fentanyl_patch", 25), med("oxycodone", None)])
    )

    assert evaluation.facts.daily_mme == pytest.approx(60.0)
    assert [item.mme for item in evaluation.facts.mme_items] == [60.0, None]
    assert evaluation.facts.mme_unknown_drugs == ("oxycodone",)


def test_with_a_dose_unknown_the_mme_threshold_alert_says_at_least():
    evaluation = record_evaluation_of(
        intake(medications=[med("fentanyl_patch", 25), med("oxycodone", None)])
    )

    (alert,) = alerts_with(evaluation, "mme_50")
    assert alert.level == "warning"
    assert alert.message.startswith("Dagligt morfinækvivalent mindst 60 mg er 50 mg eller mere.")


def test_with_every_dose_known_the_mme_threshold_alert_states_the_mme_itself():
    evaluation = evaluation_of(intake(medications=[med("fentanyl_patch", 25)]))

    (alert,) = alerts_with(evaluation, "mme_50")
    assert alert.message.startswith("Dagligt morfinækvivalent 60 mg er 50 mg eller mere")
    assert alerts_with(evaluation, "mme_incomplete") == []


def test_an_mme_left_incomplete_by_unknown_doses_is_an_info_alert_naming_the_drugs():
    evaluation = record_evaluation_of(
        intake(medications=[med("oxycodone", None), med("morphine", None), med("tramadol", 100)])
    )

    (alert,) = alerts_with(evaluation, "mme_incomplete")
    assert alert.level == "info"
    assert alert.message == "Morfinækvivalenten omfatter ikke oxycodon, morfin: døgndosis ukendt."
    assert evaluation.facts.daily_mme == pytest.approx(20.0)
    assert alerts_with(evaluation, "mme_50") == []


def test_buprenorphine_of_unknown_dose_leaves_the_mme_complete():
    # CDC 2022 converts no buprenorphine: with any dose it would add nothing to the MME.
    evaluation = record_evaluation_of(
        intake(medications=[med("buprenorphine_patch", None), med("morphine", 60)])
    )

    assert evaluation.facts.mme_unknown_drugs == ()
    assert alerts_with(evaluation, "mme_incomplete") == []
    assert [a.code for a in evaluation.alerts if a.code.startswith("mme")] == [
        "mme_50",
        "mme_not_computed",
    ]
    assert "mindst" not in alerts_with(evaluation, "mme_50")[0].message


def test_a_drug_of_unknown_dose_is_still_a_current_medication_for_recommendations_and_warnings():
    evaluation = record_evaluation_of(intake(medications=[med("oxycodone", None)]))

    assert evaluation.facts.current_opioids == {"oxycodone"}
    assert "generalised-pain/opioids-without-dual-action" in applying(evaluation)
    (warning,) = alerts_with(evaluation, "current_medication_advised_against")
    assert warning.recommendation == "generalised-pain/opioids-without-dual-action"
    assert "Patienten får oxycodon, som frarådes" in warning.message


def test_a_non_opioid_of_unknown_dose_is_a_current_drug_outside_the_mme():
    evaluation = record_evaluation_of(intake(medications=[med("paracetamol", None)]))

    assert evaluation.facts.current_drugs == {"paracetamol"}
    assert evaluation.facts.mme_items == ()
    assert evaluation.alerts == []


@pytest.mark.parametrize("dose", [None, 0, -5, "mange"])
def test_the_api_and_the_form_refuse_a_dose_that_is_not_a_positive_number(dose):
    serializer = IntakeSerializer(
        data=intake(medications=[med("oxycodone", dose)]), red_flag_codes=RED_FLAG_CODES
    )

    assert not serializer.is_valid()
    assert serializer.errors["medications"][0]["daily_dose"] == [DOSE_ERROR]


@pytest.mark.parametrize("dose", [0, -5, "mange", DOSE_MAX + 1])
def test_a_record_s_known_dose_is_still_checked_like_any_dose(dose):
    serializer = IntakeSerializer(
        data=intake(medications=[med("oxycodone", dose)]),
        red_flag_codes=RED_FLAG_CODES,
        dose_unknown_allowed=True,
    )

    assert not serializer.is_valid()
    assert serializer.errors["medications"][0]["daily_dose"] == [DOSE_ERROR]


def test_a_missing_dose_is_refused_even_from_a_record():
    serializer = IntakeSerializer(
        data=intake(medications=[{"drug": "oxycodone", "unit": "mg"}]),
        red_flag_codes=RED_FLAG_CODES,
        dose_unknown_allowed=True,
    )

    assert not serializer.is_valid()
    assert serializer.errors["medications"][0]["daily_dose"] == [REQUIRED_ERROR]
