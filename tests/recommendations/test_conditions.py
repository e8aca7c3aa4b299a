import pytest

from recommendations.rules.conditions import (
    ConditionError,
    condition_describe,
    condition_holds,
    condition_reasons,
    condition_validate,
)

FACTS = {
    "age": 45,
    "complex_problems": True,
    "pain_duration_weeks": 30,
    "trains_independently": None,
    "work_status": "sick_leave",
    "current_drugs": frozenset({"tramadol"}),
    "red_flags": frozenset(),
    "nonpharmacological_insufficient": False,
}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (None, True),
        ({"fact": "complex_problems", "op": "eq", "value": True}, True),
        ({"fact": "pain_duration_weeks", "op": "gt", "value": 26}, True),
        ({"fact": "pain_duration_weeks", "op": "gt", "value": 30}, False),
        ({"fact": "work_status", "op": "in", "value": ["working", "sick_leave"]}, True),
        ({"not": {"fact": "trains_independently", "op": "eq", "value": True}}, True),
        ({"fact": "current_drugs", "op": "contains", "value": "tramadol"}, True),
        ({"fact": "current_drugs", "op": "contains_any", "value": ["morphine"]}, False),
        ({"fact": "red_flags", "op": "is_empty", "value": True}, True),
        (
            {
                "any": [
                    {"fact": "nonpharmacological_insufficient", "op": "eq", "value": True},
                    {"fact": "current_drugs", "op": "contains", "value": "tramadol"},
                ]
            },
            True,
        ),
        (
            {
                "all": [
                    {"fact": "complex_problems", "op": "eq", "value": True},
                    {"fact": "age", "op": "lt", "value": 18},
                ]
            },
            False,
        ),
    ],
)
def test_conditions_evaluate_over_named_facts(condition, expected):
    condition_validate(condition, where="test")
    assert condition_holds(condition, FACTS) is expected


def test_a_comparison_with_an_unknown_value_does_not_hold():
    assert not condition_holds({"fact": "age", "op": "gte", "value": 18}, {"age": None})


@pytest.mark.parametrize(
    "bad",
    [
        {"fact": "shoe_size", "op": "eq", "value": 1},
        {"fact": "age", "op": "approximately", "value": 1},
        {"all": []},
        {"any": "complex_problems"},
        {"fact": "age", "op": "eq"},
        ["age"],
    ],
)
def test_malformed_conditions_are_refused_with_the_place_named(bad):
    with pytest.raises(ConditionError, match="^generalised-pain/cbt: "):
        condition_validate(bad, where="generalised-pain/cbt")


def test_reasons_name_only_the_branch_that_held():
    condition = {
        "any": [
            {"fact": "nonpharmacological_insufficient", "op": "eq", "value": True},
            {"fact": "current_drugs", "op": "contains", "value": "tramadol"},
        ]
    }
    assert condition_reasons(condition, FACTS) == ["aktuel medicin omfatter tramadol"]


def test_a_condition_is_described_in_danish():
    condition = {
        "all": [
            {"fact": "complex_problems", "op": "eq", "value": True},
            {"fact": "pain_duration_weeks", "op": "gt", "value": 26},
        ]
    }
    assert condition_describe(condition) == (
        "komplekse problemstillinger som følge af smerterne og smertevarighed (uger) over 26"
    )
    assert condition_describe(None).startswith("altid")
