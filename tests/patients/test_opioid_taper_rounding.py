"""Taper plans: rounding to practical doses, pauses, and refusals."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from patients.opioids.dose_steps import dose_steps_table
from patients.opioids.plan_types import (
    DOSE_STEPS_FILE,
    INTERVAL_ERROR,
    MAX_STEPS,
    NOT_OPIOID_ERROR,
    PAUSE_DUPLICATE_ERROR,
    PAUSE_EXTRA_ERROR,
    PAUSE_STEP_ERROR,
    REDUCTION_ERROR,
    ROUNDING_NONE_NOTE,
    TOO_MANY_INTERVALS_ERROR,
    TOO_MANY_STEPS_ERROR,
    DoseStepKind,
    Pause,
)
from recommendations.intake_input import PATCH_DOSE_ERROR, PATCH_DOSE_MAX
from recommendations.rules.drugs import drug_table, opioid_codes
from tests.patients.opioid_helpers import MONDAY, doses, errors_of, plan

# --- Rounding to practical doses --------------------------------------------------------------


def test_oral_doses_round_up_to_whole_5_mg_and_never_run_ahead_of_the_pace():
    taper = plan(round_doses=True)
    assert doses(taper) == [60, 55, 50, 45, 40, 30, 25, 20, 15, 10, 0]
    ideal = [60 - 6 * k for k in range(11)]
    assert all(dose >= ideal_dose for dose, ideal_dose in zip(doses(taper), ideal, strict=True))
    assert taper.rounded
    assert any("hele 5 mg" in note and "medicin.dk" in note for note in taper.notes)


def test_rounding_can_hold_a_dose_for_an_interval_and_marks_it_unchanged():
    taper = plan(drug="morphine", daily_dose=20, treatment_months=3, round_doses=True)
    assert doses(taper) == [20, 20, 20, 15, 15, 10, 10, 10, 5, 5, 0]
    assert [step.unchanged for step in taper.steps][:4] == [False, True, True, False]
    assert len({step.date for step in taper.steps}) == 11  # dates still advance every interval


def test_fentanyl_rounds_to_available_patch_strengths_and_shows_the_patches():
    taper = plan(drug="fentanyl_patch", daily_dose=75, round_doses=True)
    assert doses(taper) == [75, 75, 62.5, 62.5, 50, 37.5, 37.5, 25, 25, 12.5, 0]
    assert [step.patches for step in taper.steps][:3] == [(75,), (75,), (50, 12.5)]
    # The patch delivering 12.5 mcg/h is sold as "12 mikrogram/time".
    assert taper.steps[2].patch_labels == ("50", "12")
    assert taper.steps[2].relabelled and not taper.steps[0].relabelled
    assert taper.steps[-1].patches == ()
    assert taper.steps[2].daily_mme == pytest.approx(62.5 * 2.4)


def test_a_12_5_patch_is_not_reduced_to_the_same_patch_labelled_12():
    taper = plan(drug="fentanyl_patch", daily_dose=12.5, round_doses=True)
    assert set(doses(taper)) == {12.5, 0}
    assert taper.steps[0].patches == (12.5,) and taper.steps[0].patch_labels == ("12",)
    assert taper.steps[0].daily_mme == 30  # MME on the dose entered: 12.5 x 2.4


def test_a_37_5_dose_is_a_patch_strength_not_rounded_down_to_37():
    taper = plan(drug="fentanyl_patch", daily_dose=37.5, round_doses=True, reduction_percent=50)
    assert doses(taper) == [37.5, 25, 0]
    assert taper.steps[0].patches == (37.5,)


def test_a_target_of_one_12_5_patch_ends_on_that_patch():
    taper = plan(drug="fentanyl_patch", daily_dose=50, round_doses=True, target_daily_dose=12.5)
    assert doses(taper)[-1] == 12.5
    assert taper.steps[-1].patches == (12.5,)


def test_a_rounded_plan_names_each_step_that_cuts_more_than_the_chosen_pace():
    # 7 mg oxycodone, 10 % = 0.7 mg a step, but the table's smallest dose is 5 mg.
    taper = plan(daily_dose=7, round_doses=True)
    assert doses(taper) == [7, 7, 7, 5, 5, 5, 5, 5, 5, 5, 0]
    (larger,) = [note for note in taper.notes if "større end de valgte" in note]
    assert "0,7 mg pr. trin" in larger
    assert "trin 4 fra 7 til 5 mg (2 mg, 28,57 % af startdosis)" in larger
    assert "trin 11 fra 5 til 0 mg (5 mg, 71,43 % af startdosis)" in larger
    assert "mindste dosis i tabellen: 5 mg" in larger
    assert "Vælg uden afrunding" in larger
    (held,) = [note for note in taper.notes if "uændret i trin" in note]
    assert "uændret i trin 2, 3 og 5-10," in held


def test_a_single_small_patch_held_then_stopped_is_said_plainly():
    taper = plan(drug="fentanyl_patch", daily_dose=12.5, round_doses=True)
    notes = " ".join(taper.notes)
    assert "trin 11 fra 12,5 til 0 mcg/h (12,5 mcg/h, 100 % af startdosis)" in notes
    assert "mindste dosis i tabellen: 12,5 mcg/h" in notes
    assert "uændret i trin 2-10," in notes


def test_a_plan_without_rounding_has_no_rounding_warnings():
    assert not any(note.startswith("OBS") for note in plan(daily_dose=7).notes)


def test_a_leftover_below_the_plans_resolution_is_not_a_step_of_its_own():
    taper = plan(daily_dose=33.3333333, reduction_percent=33.3333)
    assert doses(taper) == [33.3333333, 22.23, 11.12, 0]


def test_a_high_fentanyl_dose_may_use_more_patches_than_the_usual_two():
    taper = plan(drug="fentanyl_patch", daily_dose=300, round_doses=True, reduction_percent=10)
    assert taper.steps[1].daily_dose == 275  # 100 + 100 + 75
    assert taper.steps[1].patches == (100, 100, 75)


def test_rounding_never_goes_below_a_target_that_is_not_a_practical_dose():
    taper = plan(round_doses=True, target_daily_dose=12)
    assert doses(taper) == [60, 55, 50, 45, 40, 30, 25, 20, 12]


def test_a_drug_without_practical_steps_is_not_rounded_and_a_note_says_so():
    taper = plan(drug="tramadol", daily_dose=300, round_doses=True)
    assert doses(taper)[:3] == [300, 270, 240]
    assert not taper.rounded
    assert ROUNDING_NONE_NOTE.format(name="tramadol") in taper.notes


def test_the_dose_steps_fixture_holds_opioids_in_their_units_and_names_its_source():
    data = json.loads(DOSE_STEPS_FILE.read_text(encoding="utf-8"))
    assert "medicin.dk" in data["source"] and "farmaceut" in data["source"]
    # No entry traces to CONTENT.md or a seed: each says where it comes from, unverified.
    for entry in data["drugs"]:
        assert entry["source"] and entry["verified"] is False
        assert "farmaceut" in entry["source"]
    table = dose_steps_table()
    assert set(table) <= opioid_codes()
    fentanyl = table["fentanyl_patch"]
    assert fentanyl.strengths == tuple(
        Decimal(s) for s in ("12.5", "25", "37.5", "50", "75", "100")
    )
    assert fentanyl.labels == ("12", "25", "37,5", "50", "75", "100")
    # The 7-day patches only: 35 mcg/h, which its own entry said came from another product
    # (another change interval), was taken out after the content audit of 2026-12-06.
    assert table["buprenorphine_patch"].strengths == (5, 10, 15, 20, 25, 30, 40)
    for steps in table.values():
        unit = drug_table()[steps.drug].unit
        expected = "mcg/h" if steps.kind == DoseStepKind.PATCH_STRENGTHS else "mg"
        assert unit == expected


# --- Pauses ----------------------------------------------------------------------------------


def test_a_pause_holds_a_step_and_moves_every_later_step():
    plain, paused = plan(), plan(pauses=[Pause(after_step=3, extra_intervals=2)])
    assert doses(paused) == doses(plain)
    assert [s.date for s in paused.steps][:3] == [s.date for s in plain.steps][:3]
    assert paused.steps[3].date - paused.steps[2].date == timedelta(weeks=12)
    for before, after in zip(plain.steps[3:], paused.steps[3:], strict=True):
        assert after.date - before.date == timedelta(weeks=8)
    assert paused.steps[2].pause_intervals == 2


def test_a_pause_gets_follow_ups_too():
    paused = plan(pauses=[Pause(after_step=1, extra_intervals=3)])
    assert len(paused.follow_ups) == len(paused.steps) + 3
    assert paused.follow_ups[:4] == tuple(MONDAY + timedelta(weeks=4 * k) for k in range(1, 5))


@pytest.mark.parametrize(
    ("pauses", "field", "message"),
    [
        ([Pause(11, 1)], "pauses[0].after_step", PAUSE_STEP_ERROR.format(step=11, last=11)),
        ([Pause(0, 1)], "pauses[0].after_step", PAUSE_STEP_ERROR.format(step=0, last=11)),
        (
            [Pause(2, 1), Pause(2, 3)],
            "pauses[1].after_step",
            PAUSE_DUPLICATE_ERROR.format(step=2),
        ),
        ([Pause(2, 0)], "pauses[0].extra_intervals", PAUSE_EXTRA_ERROR),
        ([Pause(2, 13)], "pauses[0].extra_intervals", PAUSE_EXTRA_ERROR),
    ],
)
def test_a_pause_outside_the_plan_is_refused(pauses, field, message):
    assert errors_of(pauses=pauses)[field] == [message]


# --- Refusals ---------------------------------------------------------------------------------


def test_more_than_the_maximum_number_of_steps_is_refused_naming_the_count():
    errors = errors_of(reduction_percent=1)
    assert errors == {"reduction_percent": [TOO_MANY_STEPS_ERROR.format(steps=101, max=MAX_STEPS)]}
    assert "101 trin" in errors["reduction_percent"][0]


def test_pauses_count_towards_the_plans_length_and_a_longer_plan_is_refused():
    # 60 mg at 1.7 %: 60 steps, so no room for a pause.
    errors = errors_of(reduction_percent=1.7, pauses=[Pause(1, 1)])
    message = TOO_MANY_INTERVALS_ERROR.format(intervals=61, steps=60, extra=1, max=MAX_STEPS)
    assert errors == {"pauses": [message]}
    # 11 steps and 4 x 12 + 1 pause intervals: 60 intervals, the most allowed.
    longest = plan(pauses=[Pause(1, 12), Pause(2, 12), Pause(3, 12), Pause(4, 12), Pause(5, 1)])
    assert len(longest.follow_ups) == MAX_STEPS
    assert "pauses" in errors_of(
        pauses=[Pause(1, 12), Pause(2, 12), Pause(3, 12), Pause(4, 12), Pause(5, 2)]
    )


def test_the_longest_allowed_plan_is_made():
    # 60 mg, 1.7 % = 1.02 mg a step: 59 cuts, 60 steps.
    assert len(plan(reduction_percent=1.7).steps) == MAX_STEPS


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"drug": "aspirin"}, "drug", "Ukendt lægemiddel 'aspirin'."),
        ({"drug": "paracetamol"}, "drug", NOT_OPIOID_ERROR.format(name="Paracetamol")),
        ({"daily_dose": 0}, "daily_dose", None),
        ({"daily_dose": -5}, "daily_dose", None),
        ({"daily_dose": float("nan")}, "daily_dose", None),
        ({"target_daily_dose": 61}, "target_daily_dose", None),
        ({"target_daily_dose": 60}, "target_daily_dose", None),
        ({"target_daily_dose": -1}, "target_daily_dose", None),
        ({"interval_weeks": 0}, "interval_weeks", INTERVAL_ERROR),
        ({"interval_weeks": 13}, "interval_weeks", INTERVAL_ERROR),
        ({"reduction_percent": 0.5}, "reduction_percent", REDUCTION_ERROR),
        ({"reduction_percent": 51}, "reduction_percent", REDUCTION_ERROR),
        ({"treatment_months": -1}, "treatment_months", None),
    ],
)
def test_bad_input_is_refused_naming_the_field(kwargs, field, message):
    errors = errors_of(**kwargs)
    assert field in errors
    if message:
        assert errors[field] == [message]


def test_a_patch_dose_above_the_sanity_limit_is_refused_naming_the_field_and_range():
    errors = errors_of(drug="fentanyl_patch", daily_dose=PATCH_DOSE_MAX + 1, round_doses=True)
    assert errors == {"daily_dose": [PATCH_DOSE_ERROR]}
    assert "højst 1000" in PATCH_DOSE_ERROR and "mikrogram/time" in PATCH_DOSE_ERROR
    highest = plan(drug="fentanyl_patch", daily_dose=PATCH_DOSE_MAX, round_doses=True)
    assert highest.steps[0].patches == (100,) * 10


def test_rounding_to_patches_keeps_a_bounded_cache_whatever_the_doses():
    from patients.opioids.dose_steps import patch_doses_table

    for dose in range(150, PATCH_DOSE_MAX + 1, 25):
        plan(drug="fentanyl_patch", daily_dose=dose, round_doses=True, reduction_percent=50)
        plan(drug="buprenorphine_patch", daily_dose=dose, round_doses=True, reduction_percent=50)
    info = patch_doses_table.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize


def test_a_target_above_the_dose_says_what_is_allowed():
    (message,) = errors_of(target_daily_dose=80)["target_daily_dose"]
    assert "80 mg" in message and "60 mg" in message and "lavere" in message


def test_every_bad_field_is_reported_at_once():
    errors = errors_of(daily_dose=0, interval_weeks=20, reduction_percent=90)
    assert {"daily_dose", "interval_weeks", "reduction_percent"} <= set(errors)
