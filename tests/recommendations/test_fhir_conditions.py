"""Every applicability condition of the content, exported as FHIRPath, holds exactly when the
rules say it does: evaluated with fhirpathpy over random facts, including unknown values."""

import pytest
from fhirpathpy import evaluate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recommendations.content import guidelines_content_load
from recommendations.fhir_export.fhirpath import condition_fhirpath
from recommendations.rules.conditions import condition_holds
from recommendations.rules.drugs import drug_table
from recommendations.rules.intake import AgeGroup, PainSite, StartBackRisk, WorkStatus


def content_conditions() -> list[tuple[str, dict]]:
    found = []
    for guideline in guidelines_content_load():
        slug = guideline.fields["slug"]
        for index, criterion in enumerate(guideline.fields["scope"]):
            found.append((f"{slug} scope[{index}]", criterion["condition"]))
        for rec in guideline.recommendations:
            if rec["applies_when"] is not None:
                found.append((f"{slug}/{rec['slug']}", rec["applies_when"]))
    return found


CONDITIONS = content_conditions()
DRUGS = sorted(drug_table())
OPIOIDS = sorted(code for code, drug in drug_table().items() if drug.is_opioid)
RED_FLAGS = ["major_trauma", "systemic_steroids", "previous_malignancy"]


def numbers(low: float, high: float):
    return st.one_of(st.integers(low, high), st.floats(low, high, allow_nan=False))


FACTS = st.fixed_dictionaries(
    {
        "age": st.integers(0, 120),
        "age_group": st.sampled_from(sorted(AgeGroup.values)),
        "pain_site": st.sampled_from(PainSite.values),
        "pain_duration_weeks": numbers(0, 2600),
        "chronic": st.booleans(),
        "neuropathic_pain": st.booleans(),
        "radicular_signs": st.booleans(),
        "complex_problems": st.booleans(),
        "activity_limitation": st.booleans(),
        "nonpharmacological_insufficient": st.booleans(),
        "sleep_problems": st.booleans(),
        "somatic_disease_flare": st.booleans(),
        "trains_independently": st.none() | st.booleans(),
        "work_status": st.none() | st.sampled_from(WorkStatus.values),
        "red_flags": st.frozensets(st.sampled_from(RED_FLAGS)),
        "current_drugs": st.frozensets(st.sampled_from(DRUGS)),
        "current_opioids": st.frozensets(st.sampled_from(OPIOIDS)),
        "daily_mme": st.none() | numbers(0, 500),
        "opioid_treatment_months": st.none() | numbers(0, 600),
        "long_term_opioid": st.booleans(),
        "startback_risk": st.none() | st.sampled_from(sorted(StartBackRisk.values)),
    }
)


def fhirpath_holds(expression: str, facts: dict) -> bool:
    # FHIRPath has no null and no sets: an unknown value is an empty collection, a set a list.
    env = {
        name: sorted(value) if isinstance(value, frozenset) else ([] if value is None else value)
        for name, value in facts.items()
    }
    result = evaluate({}, expression, {"facts": env})
    assert result in ([True], [False], []), (expression, result)
    return result == [True]


def test_the_content_has_conditions_to_check():
    assert len(CONDITIONS) > 20


@pytest.mark.parametrize(("where", "condition"), CONDITIONS, ids=[w for w, _ in CONDITIONS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=FACTS)
def test_the_fhirpath_holds_exactly_when_the_rule_does(where, condition, facts):
    expression = condition_fhirpath(condition)

    assert fhirpath_holds(expression, facts) == condition_holds(condition, facts), expression


@pytest.mark.parametrize(
    ("condition", "expression"),
    [
        ({"fact": "age", "op": "gte", "value": 18}, "(%facts.age.exists() and %facts.age >= 18)"),
        ({"fact": "pain_site", "op": "eq", "value": "low_back"}, "%facts.pain_site ~ 'low_back'"),
        (
            {"not": {"fact": "trains_independently", "op": "eq", "value": True}},
            "(%facts.trains_independently ~ true).not()",
        ),
        ({"fact": "red_flags", "op": "is_empty", "value": True}, "%facts.red_flags.empty()"),
        (
            {"fact": "current_drugs", "op": "contains_any", "value": ["tramadol", "ssri"]},
            "%facts.current_drugs.intersect(('tramadol' | 'ssri')).exists()",
        ),
        ({"fact": "work_status", "op": "eq", "value": None}, "%facts.work_status.empty()"),
    ],
)
def test_a_condition_reads_as_fhirpath(condition, expression):
    assert condition_fhirpath(condition) == expression


def test_a_quote_in_a_value_is_escaped():
    condition = {"fact": "pain_site", "op": "eq", "value": "it's"}
    assert condition_fhirpath(condition) == r"%facts.pain_site ~ 'it\'s'"
