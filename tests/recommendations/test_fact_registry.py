"""The intake's facts are declared once (rules/fact_registry.py) and read by all their users."""

import dataclasses

import pytest

from recommendations.rules import Intake, Medication
from recommendations.rules.conditions import ConditionError, condition_describe, condition_validate
from recommendations.rules.fact_registry import FACT_BY_NAME, FACTS, fact_values
from recommendations.rules.facts import facts_derive
from recommendations.rules.intake import AgeGroup, StartBackRisk

INTAKE_FIELDS = {field.name for field in dataclasses.fields(Intake)}


def test_every_fact_read_from_the_intake_is_a_field_of_the_intake():
    given = {fact.name for fact in FACTS if not fact.derived}
    assert given <= INTAKE_FIELDS
    # What the intake holds beyond these is read through derived facts.
    assert INTAKE_FIELDS - given == {"medications", "startback"}


def test_every_derived_fact_names_its_rule_and_its_source():
    for fact in FACTS:
        if fact.derived:
            assert fact.rule and fact.source, fact.name


def test_fact_values_read_every_registered_fact_by_its_name():
    intake = Intake(
        age=70,
        pain_site="low_back",
        pain_duration_weeks=14.0,
        medications=(Medication("oxycodone", 40.0, "mg"),),
        opioid_treatment_months=8.0,
        startback=(1, 1, 1, 1, 1, 1, 0, 0, 0),
    )
    values = fact_values(intake, facts_derive(intake))

    assert list(values) == [fact.name for fact in FACTS]
    assert values["age_group"] is AgeGroup.ADULT
    assert values["startback_risk"] is StartBackRisk.MEDIUM
    assert values["daily_mme"] == 60
    assert values["long_term_opioid"] is True
    assert values["work_status"] is None


@pytest.mark.parametrize(
    ("condition", "allowed"),
    [
        ({"fact": "age_group", "op": "eq", "value": "senior"}, "one of ['adult', 'child']"),
        ({"fact": "startback_risk", "op": "eq", "value": "severe"}, "'high', 'low', 'medium'"),
    ],
)
def test_a_coded_fact_takes_only_the_codes_of_its_choices(condition, allowed):
    with pytest.raises(ConditionError, match=allowed.replace("[", r"\[").replace("]", r"\]")):
        condition_validate(condition, where="test")


def test_an_unstated_fact_may_be_compared_with_null_and_is_described_by_its_label():
    condition = {"not": {"fact": "trains_independently", "op": "eq", "value": True}}
    condition_validate(condition, where="test")
    assert FACT_BY_NAME["trains_independently"].nullable
    assert "vant til at træne selvstændigt" in condition_describe(condition)
