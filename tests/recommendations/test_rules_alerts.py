"""STarT Back, red flags and alert order, and properties over any valid intake."""

import json

import pytest
from hypothesis import given, settings

from recommendations.content import FIXTURES_DIR
from recommendations.rules.facts import STARTBACK_MIN_AGE
from tests.recommendations.rules_helpers import (
    CONTENT,
    CRITICAL_RED_FLAGS,
    GUIDELINES,
    LEVEL_RANK,
    LOW_BACK,
    RECOMMENDATION_DRUGS,
    RED_FLAG_CODES,
    alerts_with,
    applied,
    evaluation_of,
    intake,
    med,
    valid_intakes,
)

# --- STarT Back -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "psychosocial", "risk"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low"),
        ([1, 1, 1, 0, 0, 0, 0, 0, 0], 3, 0, "low"),
        ([0, 0, 0, 0, 1, 1, 1, 0, 0], 3, 3, "low"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 0, "medium"),
        ([1, 0, 0, 0, 1, 1, 1, 0, 0], 4, 3, "medium"),
        ([1, 1, 1, 1, 1, 1, 1, 0, 0], 7, 3, "medium"),
        ([0, 0, 0, 0, 1, 1, 1, 1, 0], 4, 4, "high"),
        ([0, 0, 0, 0, 1, 1, 1, 1, 1], 5, 5, "high"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, 5, "high"),
    ],
)
def test_startback_scores_total_subscale_and_risk_at_each_boundary(
    answers, total, psychosocial, risk
):
    evaluation = evaluation_of({**LOW_BACK, "startback": answers})

    assert evaluation.derived()["startback"] == {
        "total": total,
        "psychosocial": psychosocial,
        "risk": risk,
    }


@pytest.mark.parametrize("item", range(1, 10))
def test_the_startback_psychosocial_subscale_is_items_5_to_9(item):
    answers = [1 if number == item else 0 for number in range(1, 10)]

    score = evaluation_of({**LOW_BACK, "startback": answers}).derived()["startback"]

    assert score["total"] == 1
    assert score["psychosocial"] == (1 if item >= 5 else 0)


def test_no_startback_answers_give_no_score():
    assert evaluation_of(LOW_BACK).derived()["startback"] is None


@pytest.mark.parametrize(
    "patient",
    [
        {"age": 8, "pain_site": "generalised", "pain_duration_weeks": 20},  # the audit's child
        {"age": 45, "pain_site": "generalised", "pain_duration_weeks": 30},
        {"age": 15, "pain_site": "low_back", "pain_duration_weeks": 4},
    ],
)
def test_startback_is_not_scored_outside_low_back_pain_from_16_and_says_why(patient):
    # CONTENT.md lists STarT Back with the low back pain guideline (16 or older, low back): a
    # "high risk" for a child's generalised pain would be a label the tool cannot give.
    evaluation = evaluation_of({**patient, "startback": [1] * 9})
    assert evaluation.derived()["startback"] is None
    (notice,) = alerts_with(evaluation, "startback_not_scored")
    assert notice.level == "info" and "lænderygsmerter" in notice.message


def test_startback_is_scored_from_the_age_the_low_back_pain_guideline_starts_at():
    fixture = FIXTURES_DIR / "guidelines" / "acute-low-back-pain.json"
    scope = json.loads(fixture.read_text(encoding="utf-8"))["scope"]
    ages = [part["condition"]["value"] for part in scope if part["condition"].get("fact") == "age"]
    assert ages == [STARTBACK_MIN_AGE]


@pytest.mark.parametrize("weeks", [2, 40])
def test_startback_is_scored_for_low_back_pain_from_16_however_long(weeks):
    patient = {"age": 16, "pain_site": "low_back", "pain_duration_weeks": weeks}
    evaluation = evaluation_of({**patient, "startback": [1] * 9})
    assert evaluation.derived()["startback"]["risk"] == "high"
    assert alerts_with(evaluation, "startback_not_scored") == []


# --- Red flags and alert order --------------------------------------------------------------


def test_the_red_flag_levels_are_those_in_content_md():
    assert {code for code, flag in CONTENT.red_flags.items() if flag.level == "critical"} == (
        CRITICAL_RED_FLAGS
    )
    assert {
        flag.level for code, flag in CONTENT.red_flags.items() if code not in CRITICAL_RED_FLAGS
    } == {"warning"}


@pytest.mark.parametrize("code", RED_FLAG_CODES)
def test_each_red_flag_gives_exactly_one_alert_with_its_level(code):
    evaluation = evaluation_of({**LOW_BACK, "red_flags": [code, code]})

    (alert,) = evaluation.alerts
    expected_level = "critical" if code in CRITICAL_RED_FLAGS else "warning"
    assert (alert.code, alert.level) == (code, expected_level)
    assert alert.recommendation is None
    assert CONTENT.red_flags[code].label in alert.message


def test_critical_alerts_come_before_warnings_and_warnings_before_info():
    evaluation = evaluation_of(
        intake(
            red_flags=["fever", "cauda_equina_bladder", "night_pain"],
            medications=[med("buprenorphine_patch", 10), med("morphine", 60)],
        )
    )

    levels = [a.level for a in evaluation.alerts]
    assert levels == ["critical", "warning", "warning", "warning", "warning", "warning", "info"]
    assert sorted(a.code for a in evaluation.alerts) == sorted(
        [
            "cauda_equina_bladder",
            "fever",
            "night_pain",
            "current_medication_advised_against",
            "current_medication_advised_against",
            "mme_50",
            "mme_not_computed",
        ]
    )


def test_no_alerts_for_a_patient_without_flags_or_medication():
    assert evaluation_of(intake()).alerts == []


# --- Properties over any valid intake -------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(valid_intakes)
def test_any_valid_intake_evaluates_with_every_guideline_once_and_sorted_alerts(data):
    evaluation = evaluation_of(data)

    assert [g.slug for g in evaluation.guidelines] == GUIDELINES
    for result in evaluation.guidelines:
        assert result.reasons
        if not result.in_scope:
            assert result.recommendations == []
        for rec in result.recommendations:
            assert rec.guideline == result.slug
            assert rec.because
    ranks = [LEVEL_RANK[alert.level] for alert in evaluation.alerts]
    assert ranks == sorted(ranks)
    daily_mme = evaluation.derived()["daily_mme"]
    assert daily_mme is None or daily_mme >= 0


@settings(max_examples=200, deadline=None)
@given(valid_intakes)
def test_any_medication_warning_points_at_an_applying_recommendation_against_that_drug(data):
    evaluation = evaluation_of(data)

    applying_against = {
        f"{r.guideline}/{r.slug}"
        for g in evaluation.guidelines
        for r in g.recommendations
        if r.direction == "against"
    }
    current = {m["drug"] for m in data.get("medications", [])}
    warned = alerts_with(evaluation, "current_medication_advised_against")
    assert len(warned) == len(
        {
            drug
            for drug in current
            if any(drug in RECOMMENDATION_DRUGS[key] for key in applying_against)
        }
    )
    for alert in warned:
        assert alert.recommendation in applying_against
        assert RECOMMENDATION_DRUGS[alert.recommendation] & current


def test_supervised_exercise_says_training_habits_were_not_stated_when_left_blank():
    rec = applied(evaluation_of(intake()), "generalised-pain/supervised-exercise")
    assert rec.because == ["ikke oplyst, om patienten er vant til at træne selvstændigt"]
    rec = applied(
        evaluation_of(intake(trains_independently=False)), "generalised-pain/supervised-exercise"
    )
    assert rec.because == ["ikke vant til at træne selvstændigt"]


def test_work_ability_names_the_patients_work_status():
    rec = applied(evaluation_of(intake(work_status="working")), "generalised-pain/work-ability")
    assert rec.because == ["arbejdssituation: i arbejde"]


@pytest.mark.parametrize(("dose", "code"), [(40, "mme_50"), (60, "mme_90")])
def test_mme_alerts_carry_the_not_for_switching_caveat(dose, code):
    from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING

    evaluation = evaluation_of(intake(medications=[med("oxycodone", dose)]))
    (alert,) = [a for a in evaluation.alerts if a.code == code]
    assert alert.level == "warning"
    assert MME_NOT_FOR_SWITCHING in alert.message
    assert "CDC 2022" in alert.message


def test_red_flag_alerts_come_from_the_ticked_flags_alone_critical_first():
    from recommendations.rules import red_flag_alerts

    alerts = red_flag_alerts(["fever", "cauda_equina_bladder", "not_a_flag"], CONTENT.red_flags)
    assert [(a.code, a.level) for a in alerts] == [
        ("cauda_equina_bladder", "critical"),
        ("fever", "warning"),
    ]
    full = evaluation_of({**LOW_BACK, "red_flags": ["fever", "cauda_equina_bladder"]})
    assert [a for a in full.alerts if a.code in {"fever", "cauda_equina_bladder"}] == alerts
