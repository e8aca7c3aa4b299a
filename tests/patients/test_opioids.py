"""The opioid tools' pure core: MME factors, the taper planner and its invariants. No database."""

import json
import math
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.opioids.calculations import taper_plan_build
from patients.opioids.dose_steps import dose_steps_table
from patients.opioids.mme import mme_table
from patients.opioids.plan_types import (
    BUPRENORPHINE_MME_NOTE,
    BUPRENORPHINE_TAPER_NOTE,
    DOSE_STEPS_FILE,
    INTERVAL_ERROR,
    MAX_STEPS,
    NOT_OPIOID_ERROR,
    PACE_FASTER_LONG_USE_NOTE,
    PACE_FASTER_SHORT_USE_NOTE,
    PACE_NOTE,
    PATCH_DOSE_ERROR,
    PATCH_DOSE_MAX,
    PAUSE_DUPLICATE_ERROR,
    PAUSE_EXTRA_ERROR,
    PAUSE_STEP_ERROR,
    PLAN_SUGGESTION_NOTE,
    REDUCTION_ERROR,
    ROUNDING_NONE_NOTE,
    TOO_MANY_INTERVALS_ERROR,
    TOO_MANY_STEPS_ERROR,
    US_THRESHOLDS_NOTE,
    DoseStepKind,
    Pause,
    TaperPlanError,
)
from patients.opioids.views import taper_chart
from recommendations.rules import Medication
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, drug_table, opioid_codes

MONDAY = date(2026, 1, 5)


def plan(**kwargs):
    defaults = {
        "drug": "oxycodone",
        "daily_dose": 60,
        "treatment_months": 24,
        "start_date": MONDAY,
    }
    return taper_plan_build(**defaults | kwargs)


def doses(taper):
    return [step.daily_dose for step in taper.steps]


def errors_of(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(TaperPlanError) as caught:
        plan(**kwargs)
    return caught.value.errors


# --- MME -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "dose", "factor", "mme"),
    [
        # CONTENT.md, CDC 2022 conversion factors per mg of daily oral dose
        ("codeine", 200, 0.15, 30),
        ("hydrocodone", 30, 1, 30),
        ("hydromorphone", 8, 5, 40),
        ("methadone", 10, 4.7, 47),
        ("morphine", 60, 1, 60),
        ("oxycodone", 40, 1.5, 60),
        ("oxymorphone", 20, 3, 60),
        ("tapentadol", 200, 0.4, 80),
        ("tramadol", 300, 0.2, 60),
        # fentanyl transdermal, per mcg/h
        ("fentanyl_patch", 25, 2.4, 60),
        # ketobemidone: Norwegian Directorate of Health conversion table
        ("ketobemidone", 50, 1.0, 50),
    ],
)
def test_each_content_factor_gives_the_daily_mme(drug, dose, factor, mme):
    unit = drug_table()[drug].unit
    table = mme_table(medications=[Medication(drug, dose, unit)])
    (item,) = table.items
    assert item.factor == factor
    assert item.mme == pytest.approx(mme)
    assert table.daily_mme == pytest.approx(mme)


def test_ketobemidone_names_its_norwegian_source():
    table = mme_table(medications=[Medication("ketobemidone", 10, "mg")])
    assert "Helsedirektoratet" in table.items[0].source


def test_buprenorphine_is_listed_without_an_mme_and_a_note_says_why():
    table = mme_table(
        medications=[
            Medication("morphine", 30, "mg"),
            Medication("buprenorphine_patch", 10, "mcg/h"),
        ]
    )
    bup = table.items[1]
    assert (bup.factor, bup.mme) == (None, None)
    assert table.daily_mme == 30
    assert BUPRENORPHINE_MME_NOTE.format(name="Buprenorphin (depotplaster)") in table.notes
    assert "partiel agonist" in " ".join(table.notes)


def test_buprenorphine_alone_has_no_total_rather_than_zero():
    table = mme_table(medications=[Medication("buprenorphine_patch", 10, "mcg/h")])
    assert table.daily_mme is None
    assert table.threshold is None


def test_the_notes_say_not_for_switching_and_label_the_thresholds_as_us():
    notes = mme_table(medications=[Medication("morphine", 10, "mg")]).notes
    assert MME_NOT_FOR_SWITCHING in notes
    assert "må ikke bruges til at omregne doser ved skift" in notes[0]
    assert US_THRESHOLDS_NOTE.format(limits="50 og 90") in notes
    assert "amerikanske retningslinjer (CDC)" in US_THRESHOLDS_NOTE


@pytest.mark.parametrize(
    ("morphine_mg", "threshold"), [(49.99, None), (50, 50), (89, 50), (90, 90), (300, 90)]
)
def test_the_highest_us_dose_marker_reached_is_named_with_its_source(morphine_mg, threshold):
    table = mme_table(medications=[Medication("morphine", morphine_mg, "mg")])
    assert table.threshold == threshold
    reached = [note for note in table.notes if "(Kilde: CDC 2022" in note]
    assert len(reached) == (0 if threshold is None else 1)
    if threshold:
        assert f"er {threshold} mg eller mere" in reached[0]


@pytest.mark.parametrize(
    ("morphine_mg", "source", "words"),
    [
        (60, "CDC 2022, anbefaling 4 (USA)", "vurdér gavn og risiko sammen med patienten"),
        (90, "CDC 2022, anbefaling 5 (USA)", "det blev fjernet i 2022"),
    ],
)
def test_the_dose_marker_reached_is_worded_as_the_evaluators_alert(morphine_mg, source, words):
    # CONTENT.md "Opioid dose alerts": the calculator and the intake say the same thing.
    table = mme_table(medications=[Medication("morphine", morphine_mg, "mg")])
    (note,) = [note for note in table.notes if source in note]
    assert words in note
    assert "nedtrap nu" not in " ".join(table.notes)


def test_non_opioids_are_left_out_and_named():
    table = mme_table(
        medications=[Medication("paracetamol", 3000, "mg"), Medication("tramadol", 200, "mg")]
    )
    assert [item.drug for item in table.items] == ["tramadol"]
    assert any("Paracetamol" in note and "ikke er opioider" in note for note in table.notes)


def test_several_opioids_add_up():
    table = mme_table(
        medications=[Medication("oxycodone", 20, "mg"), Medication("fentanyl_patch", 12, "mcg/h")]
    )
    assert table.daily_mme == pytest.approx(30 + 28.8)


# --- Worked plans ----------------------------------------------------------------------------


def test_oxycodone_60_mg_after_24_months_tapers_by_6_mg_every_4_weeks_in_11_steps():
    taper = plan()
    assert doses(taper) == [60, 54, 48, 42, 36, 30, 24, 18, 12, 6, 0]
    assert [step.daily_mme for step in taper.steps] == [90, 81, 72, 63, 54, 45, 36, 27, 18, 9, 0]
    assert [step.date for step in taper.steps] == [
        MONDAY + timedelta(weeks=4 * k) for k in range(11)
    ]
    assert taper.interval_weeks == 4
    assert taper.interval_is_default
    assert taper.reduction_per_step == 6
    assert taper.end_date == date(2026, 10, 12)


def test_the_plan_starts_on_the_date_it_is_given_not_today():
    assert plan(start_date=date(2030, 6, 3)).steps[0].date == date(2030, 6, 3)


@pytest.mark.parametrize(("months", "weeks"), [(0, 1), (6, 1), (11.9, 1), (12, 4), (120, 4)])
def test_default_interval_is_4_weeks_after_a_year_of_use_else_weekly(months, weeks):
    assert plan(treatment_months=months).interval_weeks == weeks


def test_an_individual_target_ends_the_plan_there():
    taper = plan(target_daily_dose=30)
    assert doses(taper) == [60, 54, 48, 42, 36, 30]


def test_a_cut_that_does_not_divide_the_dose_stops_at_the_target_not_below():
    taper = plan(daily_dose=100, reduction_percent=7, target_daily_dose=0)
    assert doses(taper)[:3] == [100, 93, 86]
    assert doses(taper)[-2:] == [2, 0]
    assert len(taper.steps) == 16


def test_decimal_doses_stay_exact():
    assert doses(plan(daily_dose=50, reduction_percent=15)) == [
        50,
        42.5,
        35,
        27.5,
        20,
        12.5,
        5,
        0,
    ]


def test_a_target_between_two_cuts_is_reached_in_a_smaller_last_step():
    assert doses(plan(daily_dose=60, target_daily_dose=10)) == [
        60,
        54,
        48,
        42,
        36,
        30,
        24,
        18,
        12,
        10,
    ]


def test_every_step_has_a_follow_up_and_the_last_one_comes_an_interval_after_the_target():
    taper = plan()
    assert len(taper.follow_ups) == len(taper.steps)
    assert taper.follow_ups[0] == MONDAY + timedelta(weeks=4)
    assert taper.follow_ups[-1] == taper.end_date + timedelta(weeks=4)
    assert taper.next_follow_up(today=MONDAY) == taper.follow_ups[0]


def test_the_next_follow_up_is_the_first_on_or_after_today_not_one_in_the_past():
    taper = plan(start_date=date(2025, 1, 1))
    today = date(2025, 6, 1)
    assert taper.follow_ups[0] < today
    assert taper.next_follow_up(today=today) == date(2025, 6, 18)
    assert taper.next_follow_up(today=date(2025, 6, 18)) == date(2025, 6, 18)
    assert taper.next_follow_up(today=taper.follow_ups[-1] + timedelta(days=1)) is None


def test_the_plan_says_it_is_a_suggestion_and_gives_the_pace_with_sources():
    notes = plan().notes
    assert notes[0] == PLAN_SUGGESTION_NOTE
    assert "forslag" in notes[0] and "ikke en ordination" in notes[0]
    assert PACE_NOTE in notes
    assert "CDC 2022" in PACE_NOTE and "HHS 2019" in PACE_NOTE
    assert MME_NOT_FOR_SWITCHING in notes


def test_a_pace_faster_than_10_percent_a_month_after_long_use_is_noted():
    assert (
        PACE_FASTER_LONG_USE_NOTE.format(rate="5")
        in plan(reduction_percent=20, interval_weeks=4).notes
    )
    assert not any("hurtigere" in note for note in plan().notes)


def test_a_pace_faster_than_10_percent_a_week_after_short_use_is_noted():
    short = plan(treatment_months=3, reduction_percent=20, interval_weeks=1)
    assert PACE_FASTER_SHORT_USE_NOTE.format(rate="20") in short.notes
    assert not any("hurtigere" in n for n in plan(treatment_months=3).notes)


def test_buprenorphine_can_be_tapered_without_mme_and_a_note_says_why():
    taper = plan(drug="buprenorphine_patch", daily_dose=20, reduction_percent=25)
    assert doses(taper) == [20, 15, 10, 5, 0]
    assert all(step.daily_mme is None for step in taper.steps)
    assert BUPRENORPHINE_TAPER_NOTE.format(name="Buprenorphin (depotplaster)") in taper.notes
    assert MME_NOT_FOR_SWITCHING not in taper.notes
    assert taper.unit == "mcg/h"


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
    assert table["buprenorphine_patch"].strengths == (5, 10, 15, 20, 25, 30, 35, 40)
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
    from patients.opioids.dose_steps import _patch_doses

    for dose in range(150, PATCH_DOSE_MAX + 1, 25):
        plan(drug="fentanyl_patch", daily_dose=dose, round_doses=True, reduction_percent=50)
        plan(drug="buprenorphine_patch", daily_dose=dose, round_doses=True, reduction_percent=50)
    info = _patch_doses.cache_info()
    assert info.maxsize is not None and info.currsize <= info.maxsize


def test_a_target_above_the_dose_says_what_is_allowed():
    (message,) = errors_of(target_daily_dose=80)["target_daily_dose"]
    assert "80 mg" in message and "60 mg" in message and "lavere" in message


def test_every_bad_field_is_reported_at_once():
    errors = errors_of(daily_dose=0, interval_weeks=20, reduction_percent=90)
    assert {"daily_dose", "interval_weeks", "reduction_percent"} <= set(errors)


# --- Properties: a plan is never wrong --------------------------------------------------------

OPIOIDS = sorted(opioid_codes())


@st.composite
def taper_inputs(draw):
    drug = draw(st.sampled_from(OPIOIDS))
    # Patch doses (mcg/h) have a sanity limit; mg doses go higher.
    highest = PATCH_DOSE_MAX if drug_table()[drug].unit == "mcg/h" else 2000
    daily_dose = draw(
        st.one_of(
            st.integers(1, 400).map(float),
            st.sampled_from([7.0, 12.5, 37.5, 62.5, 3.0]),  # doses the audit found trouble with
            st.floats(0.01, highest, allow_nan=False, allow_infinity=False).map(
                lambda x: round(x, 2)
            ),
        ).filter(lambda x: x > 0)
    )
    target = draw(
        st.one_of(
            st.just(0.0),
            st.floats(0, daily_dose, exclude_max=True).map(lambda x: round(x, 2)),
        ).filter(lambda t: t < daily_dose)
    )
    return {
        "drug": drug,
        "daily_dose": daily_dose,
        "treatment_months": draw(st.floats(0, 240, allow_nan=False)),
        "start_date": draw(st.dates(date(2020, 1, 1), date(2035, 12, 31))),
        "reduction_percent": draw(
            st.one_of(st.integers(1, 50).map(float), st.floats(1, 50).map(lambda x: round(x, 2)))
        ),
        "interval_weeks": draw(st.one_of(st.none(), st.integers(1, 12))),
        "target_daily_dose": target,
        "round_doses": draw(st.booleans()),
        "weekdays_only": draw(st.booleans()),
        "pauses": draw(
            st.lists(
                st.builds(Pause, st.integers(1, 8), st.integers(1, 12)),
                max_size=3,
                unique_by=lambda p: p.after_step,
            )
        ),
    }


def _build_or_refuse(inputs):
    try:
        return taper_plan_build(**inputs)
    except TaperPlanError as error:
        # The only refusals for valid input: too many steps, a pause after the last step, or
        # pauses that make the plan too long.
        fields = set(error.errors)
        assert (
            fields <= {"reduction_percent"}
            or fields == {"pauses"}
            or all(f.startswith("pauses[") for f in fields)
        )
        if "reduction_percent" in fields:
            assert "trin" in error.errors["reduction_percent"][0]
        if "pauses" in fields:
            assert "intervaller" in error.errors["pauses"][0]
        return None


def _slack(cut: float) -> float:
    # A dose rounded up to the plan's resolution (hundredths, finer for tiny cuts) can make a
    # cut one resolution unit larger than chosen, and the last step takes a leftover of up to
    # a resolution unit or a hundredth of the cut, whichever is more (opioids._leftover_max).
    quantum = 10 ** min(-2, math.floor(math.log10(cut)) - 2)
    return quantum + max(quantum, cut / 100)


def _steps_named(note: str) -> set[int]:
    """Return the step numbers in "uændret i trin 2, 3 og 5-10, fordi ..."."""
    listed = note.split("uændret i trin ", 1)[1].split(", fordi", 1)[0]
    numbers = set()
    for part in re.split(r", | og ", listed):
        first, _, last = part.partition("-")
        numbers |= set(range(int(first), int(last or first) + 1))
    return numbers


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(taper_inputs())
def test_a_plan_never_rises_never_undershoots_and_ends_exactly_at_the_target(inputs):
    taper = _build_or_refuse(inputs)
    if taper is None:
        return
    values = doses(taper)
    assert values[0] == inputs["daily_dose"]
    chosen = inputs["start_date"]
    if inputs["weekdays_only"]:
        # A weekend start moves to the Monday after (never earlier: no faster than the pace).
        days_to_monday = {5: 2, 6: 1}.get(chosen.weekday(), 0)
        assert taper.steps[0].date == chosen + timedelta(days=days_to_monday)
        assert all(s.date.weekday() < 5 for s in taper.steps)
        assert all(day.weekday() < 5 for day in taper.follow_ups)
    else:
        assert taper.steps[0].date == chosen
    assert values[-1] == inputs["target_daily_dose"]
    assert all(later <= earlier for earlier, later in zip(values, values[1:], strict=False))
    assert all(dose >= inputs["target_daily_dose"] and dose >= 0 for dose in values)
    assert len(taper.steps) <= MAX_STEPS
    assert values[-2] > values[-1]  # the target is reached once, by the last step


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(taper_inputs())
def test_intervals_are_exact_and_pauses_move_later_steps(inputs):
    taper = _build_or_refuse(inputs)
    if taper is None:
        return
    weeks = taper.interval_weeks
    pauses = {p.after_step: p.extra_intervals for p in inputs["pauses"]}
    for before, after in zip(taper.steps, taper.steps[1:], strict=False):
        gap = timedelta(weeks=weeks * (1 + pauses.get(before.step, 0)))
        assert after.date - before.date == gap
    assert [s.step for s in taper.steps] == list(range(1, len(taper.steps) + 1))
    assert len(taper.follow_ups) >= len(taper.steps)
    assert list(taper.follow_ups) == sorted(set(taper.follow_ups))
    assert taper.follow_ups[0] > taper.steps[0].date


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(taper_inputs())
def test_a_plan_is_never_faster_than_the_chosen_pace(inputs):
    taper = _build_or_refuse(inputs)
    if taper is None:
        return
    start, target = inputs["daily_dose"], inputs["target_daily_dose"]
    cut = start * inputs["reduction_percent"] / 100
    for k, step in enumerate(taper.steps[:-1]):
        assert step.daily_dose >= max(target, start - k * cut) - 1e-9
    factor = drug_table()[inputs["drug"]].mme_factor
    for step in taper.steps:
        if factor is None:
            assert step.daily_mme is None
        else:
            assert step.daily_mme == pytest.approx(step.daily_dose * factor, abs=0.006)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(taper_inputs())
def test_every_cut_larger_than_chosen_is_named_in_the_notes_and_there_are_no_tiny_steps(inputs):
    taper = _build_or_refuse(inputs)
    if taper is None:
        return
    cut = inputs["daily_dose"] * inputs["reduction_percent"] / 100
    larger = " ".join(note for note in taper.notes if "større end de valgte" in note)
    for before, after in zip(taper.steps, taper.steps[1:], strict=False):
        step_cut = before.daily_dose - after.daily_dose
        if step_cut > cut + _slack(cut):
            assert taper.rounded, f"an unrounded plan cut {step_cut} > {cut} at {after.step}"
            assert f"trin {after.step} fra " in larger, (after.step, larger)
        if step_cut > 0 and len(taper.steps) > 2:
            # A leftover of rounding is no step: nothing below a hundredth of the chosen cut.
            # (A target a hair below the start is the clinician's choice: one step to it.)
            assert step_cut > cut / 100, (after.step, step_cut, cut)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(taper_inputs())
def test_a_dose_is_only_held_by_rounding_and_the_notes_name_every_hold(inputs):
    taper = _build_or_refuse(inputs)
    if taper is None:
        return
    held = {
        after.step
        for before, after in zip(taper.steps, taper.steps[1:], strict=False)
        if after.daily_dose == before.daily_dose
    }
    assert held == {step.step for step in taper.steps if step.unchanged}
    if not held:
        assert not any("uændret i trin" in note for note in taper.notes)
        return
    # A pause holds a dose with extra intervals on the same step, never a repeated step.
    assert taper.rounded
    (note,) = [note for note in taper.notes if "uændret i trin" in note]
    assert _steps_named(note) == held


@settings(max_examples=100, deadline=None)
@given(taper_inputs())
def test_the_chart_draws_every_step_left_to_right_and_top_down(inputs):
    taper = _build_or_refuse(inputs)
    if taper is None:
        return
    chart = taper_chart(taper)
    xs = [point.x for point in chart.points]
    ys = [point.y for point in chart.points]
    assert len(chart.points) == len(taper.steps)
    assert xs == sorted(xs) and ys == sorted(ys)
    assert chart.left <= xs[0] and xs[-1] <= chart.right
    assert chart.top <= ys[0] and ys[-1] <= chart.bottom


def test_a_plan_that_would_run_off_the_calendar_is_refused_not_crashed():
    assert "start_date" in errors_of(start_date=date(9999, 12, 1))


def test_a_tiny_dose_still_steps_down_evenly():
    assert doses(plan(daily_dose=0.05, reduction_percent=10))[:3] == [0.05, 0.045, 0.04]
