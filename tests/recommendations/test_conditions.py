import json
import os
import subprocess
import sys
from pathlib import Path

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


@pytest.mark.parametrize(
    "bad",
    [
        {"fact": "age", "op": "gte", "value": "16"},  # a string for a number fact
        {"fact": "age", "op": "gte", "value": True},  # a boolean is not a number
        {"fact": "age", "op": "is_empty", "value": True},  # a set operator on a number
        {"fact": "pain_site", "op": "eq", "value": "lowback"},  # misspelt code
        {"fact": "work_status", "op": "in", "value": ["working", "sickleave"]},
        {"fact": "work_status", "op": "in", "value": "working"},  # not a list
        {"fact": "complex_problems", "op": "eq", "value": "true"},  # a string for a boolean
        {"fact": "red_flags", "op": "in", "value": 3},
        {"fact": "current_drugs", "op": "contains", "value": "tramdol"},  # not in drugs.json
        {"fact": "current_drugs", "op": "contains_any", "value": ["morphine", "morfin"]},
        {"fact": "current_opioids", "op": "contains", "value": "paracetamol"},  # not an opioid
        {"fact": "startback_risk", "op": "eq", "value": "hig"},
    ],
)
def test_a_value_that_does_not_fit_the_fact_fails_on_load_naming_the_recommendation(bad):
    with pytest.raises(ConditionError, match="^generalised-pain/cbt: "):
        condition_validate(bad, where="generalised-pain/cbt")


@pytest.mark.parametrize(
    "good",
    [
        {"fact": "age", "op": "gte", "value": 16},
        {"fact": "pain_duration_weeks", "op": "gt", "value": 26.5},
        {"fact": "pain_site", "op": "eq", "value": "low_back"},
        {"fact": "trains_independently", "op": "eq", "value": None},
        {"fact": "current_opioids", "op": "not_empty", "value": True},
        {"fact": "startback_risk", "op": "in", "value": ["medium", "high"]},
    ],
)
def test_a_value_that_fits_the_fact_is_accepted(good):
    condition_validate(good, where="test")


def test_a_blank_answer_is_not_described_as_a_no():
    condition = {"not": {"fact": "trains_independently", "op": "eq", "value": True}}
    assert condition_reasons(condition, FACTS) == [
        "ikke oplyst, om patienten er vant til at træne selvstændigt"
    ]
    answered_no = {**FACTS, "trains_independently": False}
    assert condition_reasons(condition, answered_no) == ["ikke vant til at træne selvstændigt"]
    assert condition_describe(condition) == (
        "ikke vant til at træne selvstændigt (eller ikke oplyst)"
    )


def test_a_one_of_condition_names_the_patients_own_value():
    condition = {"fact": "work_status", "op": "in", "value": ["working", "sick_leave"]}
    assert condition_reasons(condition, FACTS) == ["arbejdssituation: sygemeldt"]
    assert condition_describe(condition) == "arbejdssituation er i arbejde eller sygemeldt"


def test_drug_acronyms_keep_their_capitals_in_reasons():
    condition = {"fact": "current_drugs", "op": "contains", "value": "ssri"}
    assert condition_describe(condition) == "aktuel medicin omfatter SSRI"
    condition = {"fact": "current_drugs", "op": "contains", "value": "other_nsaid"}
    assert condition_describe(condition) == "aktuel medicin omfatter andet NSAID"


def _guideline_file(tmp_path, change):
    """Return a copy of the generalised-pain fixture, changed by `change(data)`."""
    from recommendations.content import FIXTURES_DIR

    data = json.loads((FIXTURES_DIR / "guidelines" / "generalised-pain.json").read_text())
    change(data)
    path = tmp_path / "generalised-pain.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_misspelt_drug_in_a_recommendation_fails_on_load_naming_it(tmp_path):
    from recommendations.content import ContentError, guideline_content_load

    def misspell(data):
        rec = next(r for r in data["recommendations"] if r["slug"] == "tramadol")
        rec["drugs"] = ["tramdol"]

    with pytest.raises(
        ContentError, match=r"generalised-pain/tramadol: unknown drugs \['tramdol'\]"
    ):
        guideline_content_load(_guideline_file(tmp_path, misspell))


def test_a_misspelt_condition_value_in_a_fixture_fails_on_load_naming_it(tmp_path):
    from recommendations.content import guideline_content_load

    def misspell(data):
        rec = next(r for r in data["recommendations"] if r["slug"] == "cbt")
        rec["applies_when"] = {"fact": "pain_site", "op": "eq", "value": "generalized"}

    with pytest.raises(ConditionError, match="^generalised-pain/cbt: "):
        guideline_content_load(_guideline_file(tmp_path, misspell))


def test_an_unknown_placeholder_in_a_scope_text_fails_on_load(tmp_path):
    from recommendations.content import ContentError, guideline_content_load

    def misspell(data):
        data["scope"][0]["met"] = "Alder {alder} år"

    with pytest.raises(ContentError, match=r"scope\[0\] met: unknown placeholders \['alder'\]"):
        guideline_content_load(_guideline_file(tmp_path, misspell))


def test_the_rules_module_loads_without_the_orm():
    # The rules are pure: importing them must not import django.db (the ORM).
    code = (
        "import sys, recommendations.rules, recommendations.rules.intake as i; "
        "assert i.PainSite.values == ['low_back', 'generalised', 'other_msk']; "
        "print(sorted(m for m in sys.modules if m.startswith('django.db')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "nkr.settings", "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        check=True,
    )
    assert result.stdout.strip() == "[]"


def test_the_rules_codes_behave_like_choices_for_forms_and_serializers():
    from recommendations.rules.intake import DoseUnit, PainSite, WorkStatus

    assert PainSite.LOW_BACK == "low_back"
    assert str(PainSite.LOW_BACK.label) == "Lænderyg"
    assert DoseUnit("mg") is DoseUnit.MG
    assert WorkStatus.choices[0] == ("working", WorkStatus.WORKING.label)
