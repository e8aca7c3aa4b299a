"""The opioid tools' pure core: MME factors, the taper planner and its invariants. No database."""

from datetime import date, timedelta

import pytest

from patients.opioids.mme import mme_table
from patients.opioids.plan_types import (
    BUPRENORPHINE_MME_NOTE,
    BUPRENORPHINE_TAPER_NOTE,
    PACE_FASTER_LONG_USE_NOTE,
    PACE_FASTER_SHORT_USE_NOTE,
    PACE_NOTE,
    PLAN_SUGGESTION_NOTE,
    US_THRESHOLDS_NOTE,
)
from recommendations.rules import Medication
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, drug_table
from tests.patients.opioid_helpers import MONDAY, doses, plan

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


@pytest.mark.parametrize("morphine_mg", [50, 100])
def test_a_marker_reached_is_explained_once_by_its_alert_not_again_by_a_general_note(
    morphine_mg,
):
    # On a phone the page said that 90 MME/day is an American marker three times.
    notes = mme_table(medications=[Medication("morphine", morphine_mg, "mg")]).notes
    assert US_THRESHOLDS_NOTE.format(limits="50 og 90") not in notes
    assert sum("amerikansk" in note or "(USA)" in note for note in notes) == 1


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
