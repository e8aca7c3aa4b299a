"""The taper planner at the point of care: shapes, several opioids, working-day dates."""

import re
from datetime import date, timedelta
from html import unescape

import pytest
from rest_framework.exceptions import ValidationError

from patients.opioids.input import DRUG_OR_MEDICATIONS_ERROR
from patients.opioids.plan_types import NOT_OPIOID_ERROR, PACE_FASTER_LONG_USE_NOTE
from patients.opioids.services import taper_plan_from_data
from patients.opioids.taper_calendar import WEEKDAYS_NOTE, next_working_day
from patients.opioids.taper_combined import DUPLICATE_DRUG_ERROR, ORDER_NOTE
from patients.opioids.taper_shapes import PROPORTIONAL_NO_STEPS_ERROR
from tests.patients.opioid_helpers import MME_PAGE, TAPER_API, TAPER_PAGE, taper_plan_of

SUNDAY = date(2026, 12, 6)  # the day this was written: every old date in the handout a Sunday
MONDAY = date(2026, 12, 7)
FRIDAY = date(2026, 12, 11)
TWO_OPIOIDS = [
    {"drug": "oxycodone", "daily_dose": 20, "unit": "mg"},
    {"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h"},
]


def plan(**kwargs):
    values = {"drug": "oxycodone", "daily_dose": 60, "treatment_months": 24, "start_date": MONDAY}
    return taper_plan_of(**values | kwargs)


def doses(taper):
    return [step.daily_dose for step in taper.steps]


# --- Shapes ----------------------------------------------------------------------------------


def test_a_linear_plan_says_its_last_cuts_are_half_and_all_of_the_dose_before():
    taper = plan()
    assert doses(taper)[-3:] == [12, 6, 0]
    note = next(n for n in taper.notes if "sidste trin" in n)
    assert "trin 10 fra 12 til 6 mg (50 % af dosis før)" in note
    assert "trin 11 fra 6 til 0 mg (100 % af dosis før)" in note
    assert "aftagende trin" in note  # offers the proportional shape


def test_the_linear_contract_is_unchanged():
    assert doses(plan()) == [60, 54, 48, 42, 36, 30, 24, 18, 12, 6, 0]
    assert plan().shape == "linear"


def test_a_proportional_plan_cuts_a_share_of_the_dose_before_until_the_smallest_step():
    taper = plan(shape="proportional")
    values = doses(taper)
    assert values[:4] == [60, 54, 48.6, 43.6]  # 10 %, 10 %, then 4.86 < 5 mg: 5 mg steps
    cuts = [round(a - b, 2) for a, b in zip(values, values[1:], strict=False)]
    assert cuts[:2] == [6, 5.4] and all(cut <= 5 for cut in cuts[2:])
    assert values[-1] == 0 and all(b < a for a, b in zip(values, values[1:], strict=False))
    floor = next(n for n in taper.notes if "mindste praktiske trin" in n)
    assert "Fra trin 4" in floor and "5 mg" in floor


def test_a_proportional_plan_whose_smallest_step_outpaces_the_chosen_pace_warns():
    # 10 % of 62.5 mcg/h is less than the smallest practical patch step (12.5 mcg/h): every cut
    # is 12.5, 20 % of the starting dose every 4 weeks, twice the 10 % a month of CDC 2022.
    taper = plan(drug="fentanyl_patch", daily_dose=62.5, shape="proportional")
    assert doses(taper) == [62.5, 50, 37.5, 25, 12.5, 0]
    assert PACE_FASTER_LONG_USE_NOTE.format(rate="5") in taper.notes
    # Above the smallest step the cuts are the chosen share of the dose before: no warning.
    assert not any("hurtigere" in note for note in plan(shape="proportional").notes)


@pytest.mark.usefixtures("content")
def test_the_summary_of_a_proportional_plan_gives_its_share_of_the_dose_before(client):
    form = {
        "drug": "fentanyl_patch",
        "daily_dose": "62,5",
        "treatment_months": "24",
        "shape": "proportional",
    }
    text = unescape(client.post(TAPER_PAGE, form).content.decode())
    summary = text[text.index('<p class="plan-summary">') :].split("</p>")[0]
    assert "10 % af dosis før" in summary
    assert "af startdosis" not in summary and "6,25" not in summary


def test_a_proportional_plan_reaches_a_target_above_zero():
    taper = plan(shape="proportional", target_daily_dose=20)
    assert doses(taper)[-1] == 20 and min(doses(taper)) == 20


def test_a_proportional_plan_needs_a_smallest_practical_step_and_says_so():
    with pytest.raises(Exception) as refused:
        plan(drug="tramadol", daily_dose=200, shape="proportional")
    assert refused.value.errors == {"shape": [PROPORTIONAL_NO_STEPS_ERROR.format(name="tramadol")]}


def test_the_api_refuses_an_unknown_shape_naming_the_field(client):
    body = {"drug": "oxycodone", "daily_dose": 60, "treatment_months": 24, "shape": "fast"}
    response = client.post(TAPER_API, body, content_type="application/json")
    assert response.status_code == 400
    assert "linear" in response.json()["errors"]["shape"][0]


# --- Dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "first"),
    [(SUNDAY, MONDAY), (MONDAY, date(2026, 12, 8)), (FRIDAY, date(2026, 12, 14))],
)
def test_without_a_start_date_a_working_days_plan_starts_on_the_next_working_day(today, first):
    # What the planner page sends by default (weekdays_only ticked).
    data = {"drug": "oxycodone", "daily_dose": 60, "treatment_months": 24, "weekdays_only": True}
    taper = taper_plan_from_data(data=data, today=today)
    assert taper.steps[0].date == first == next_working_day(today)


@pytest.mark.parametrize("today", [SUNDAY, MONDAY, FRIDAY])
def test_without_a_start_date_or_weekdays_only_the_plan_starts_today_as_api_md_says(today):
    data = {"drug": "oxycodone", "daily_dose": 60, "treatment_months": 24}
    taper = taper_plan_from_data(data=data, today=today)
    assert taper.steps[0].date == today
    assert WEEKDAYS_NOTE not in taper.notes


def test_a_weekend_start_moves_to_the_monday_after_and_the_plan_says_so():
    taper = plan(start_date=SUNDAY)
    assert taper.steps[0].date == MONDAY
    assert all(step.date.weekday() < 5 for step in taper.steps)
    assert all(day.weekday() < 5 for day in taper.follow_ups)
    assert WEEKDAYS_NOTE in taper.notes
    assert "6. december 2026, er en søndag; planen starter derfor mandag 7. december 2026" in (
        " ".join(taper.notes)
    )


def test_weekend_dates_are_kept_when_the_clinician_asks_for_them():
    taper = plan(start_date=SUNDAY, weekdays_only=False)
    assert taper.steps[0].date == SUNDAY
    assert WEEKDAYS_NOTE not in taper.notes


# --- Several opioids -------------------------------------------------------------------------


def combined(**kwargs):
    # As the planner page sends it: working days only.
    data = {
        "medications": TWO_OPIOIDS,
        "treatment_months": 24,
        "reduction_percent": 25,
        "weekdays_only": True,
    }
    return taper_plan_from_data(data=data | kwargs, today=SUNDAY)


def test_two_opioids_are_tapered_one_at_a_time_while_the_other_is_held():
    taper = combined()
    oxycodone = [step.doses[0].daily_dose for step in taper.steps]
    fentanyl = [step.doses[1].daily_dose for step in taper.steps]
    assert oxycodone == [20, 15, 10, 5, 0, 0, 0, 0, 0]
    assert fentanyl == [25, 25, 25, 25, 25, 18.75, 12.5, 6.25, 0]
    assert [step.tapering for step in taper.steps] == [None] + ["oxycodone"] * 4 + [
        "fentanyl_patch"
    ] * 4
    # Total MME: oxycodone x 1.5 + fentanyl x 2.4 (CDC 2022).
    assert [step.daily_mme for step in taper.steps][:3] == [90, 82.5, 75]
    assert taper.steps[-1].daily_mme == 0
    assert taper.steps[0].date == MONDAY
    gaps = {b.date - a.date for a, b in zip(taper.steps, taper.steps[1:], strict=False)}
    assert gaps == {timedelta(weeks=4)}
    assert ORDER_NOTE.format(order="oxycodon, derefter fentanyl (depotplaster)") in taper.notes


def test_the_api_answers_a_plan_for_two_opioids_with_doses_and_total_mme(client):
    body = {
        "medications": TWO_OPIOIDS,
        "treatment_months": 24,
        "shape": "proportional",
        "weekdays_only": True,
    }
    response = client.post(TAPER_API, body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    first, last = data["steps"][0], data["steps"][-1]
    assert [d["drug"] for d in first["doses"]] == ["oxycodone", "fentanyl_patch"]
    assert first["daily_mme"] == 90 and last["daily_mme"] == 0
    assert {d["daily_dose"] for d in last["doses"]} == {0}
    assert data["shape"] == "proportional"
    assert all(date.fromisoformat(s["date"]).weekday() < 5 for s in data["steps"])


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        (
            {
                "medications": [
                    TWO_OPIOIDS[0],
                    {"drug": "ibuprofen", "daily_dose": 1200, "unit": "mg"},
                ]
            },
            "medications[1].drug",
            NOT_OPIOID_ERROR.format(name="Ibuprofen"),
        ),
        (
            {"medications": [TWO_OPIOIDS[0], TWO_OPIOIDS[0]]},
            "medications[1].drug",
            DUPLICATE_DRUG_ERROR.format(name="Oxycodon"),
        ),
        ({"medications": TWO_OPIOIDS, "drug": "morphine"}, "drug", DRUG_OR_MEDICATIONS_ERROR),
    ],
)
def test_a_bad_list_of_opioids_is_a_400_naming_the_row(client, body, field, message):
    response = client.post(
        TAPER_API, body | {"treatment_months": 24}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]


def test_the_combined_plan_and_the_page_call_the_same_service():
    with pytest.raises(ValidationError):
        combined(medications=[])


# --- Pages -----------------------------------------------------------------------------------


def _hidden_inputs(html: str) -> dict[str, str]:
    form = html.split('class="no-print carry-form"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))


@pytest.mark.usefixtures("content")
def test_the_mme_page_carries_both_opioids_into_the_taper_planner(client):
    mme = client.post(
        MME_PAGE,
        {
            "medication_rows": 2,
            "med-0-drug": "oxycodone",
            "med-0-dose": "20",
            "med-1-drug": "fentanyl_patch",
            "med-1-dose": "25",
        },
    ).content.decode()
    assert 'Samlet døgndosis:</span> <strong class="mme-total-summary__value">90 MME/døgn' in mme
    carried = _hidden_inputs(mme)
    assert carried["med-1-drug"] == "fentanyl_patch" and carried["medication_rows"] == "2"
    form = client.post(TAPER_PAGE, carried).content.decode()
    assert 'id="daily_dose" aria-required="true" name="daily_dose" type="text"' in form
    assert (
        'value="20"' in form
        and 'name="med-1-dose" type="text" inputmode="decimal" size="8" value="25"' in form
    )
    assert "Ret venligst" not in form  # a prefill is not finished: no errors yet
    page = client.post(TAPER_PAGE, carried | {"treatment_months": "24", "prefill": ""})
    text = unescape(page.content.decode())
    assert "Forslag til nedtrapning af flere opioider" in text
    assert "Først oxycodon fra 20 til 0" in text and "derefter fentanyl" in text
    assert "MME/døgn i alt" in text and 'class="chart-line chart-line--total"' in text
    assert "mcg/h, mikrogram/time" in text


@pytest.mark.usefixtures("content")
def test_the_taper_page_offers_the_shape_and_weekdays_and_keeps_an_unticked_box(client):
    form = {
        "drug": "oxycodone",
        "daily_dose": "60",
        "treatment_months": "24",
        "start_date": SUNDAY.isoformat(),
        "weekdays_only_shown": "1",
    }
    text = client.post(TAPER_PAGE, form).content.decode()
    assert "6. december 2026</td>" in text  # weekend dates kept, as asked
    text = client.post(TAPER_PAGE, form | {"weekdays_only": "on", "shape": "proportional"})
    text = unescape(text.content.decode())
    assert "7. december 2026</td>" in text and "6. december 2026</td>" not in text
    assert 'value="proportional" checked' in text
    assert "mindste praktiske trin" in text


@pytest.mark.usefixtures("content")
def test_the_patient_print_names_the_drug_in_lower_case_mid_sentence(client):
    form = {
        "drug": "oxycodone",
        "daily_dose": "60",
        "treatment_months": "24",
        "start_date": MONDAY.isoformat(),
        "print": "1",
    }
    text = client.post(TAPER_PAGE, form).content.decode()
    assert "Ingen oxycodon mere" in text and "Ingen Oxycodon" not in text


@pytest.mark.usefixtures("content")
def test_the_patient_print_of_two_opioids_lists_each_drug_per_date(client):
    form = {
        "drug": "oxycodone",
        "daily_dose": "20",
        "medication_rows": "2",
        "med-1-drug": "fentanyl_patch",
        "med-1-dose": "25",
        "treatment_months": "24",
        "reduction_percent": "25",
        "start_date": MONDAY.isoformat(),
        "print": "1",
    }
    text = unescape(client.post(TAPER_PAGE, form).content.decode())
    assert "Oxycodon: 15 mg i alt i døgnet" in text
    assert "Plaster: 25 mikrogram/time (mcg/h)" in text
    assert "Ingen oxycodon mere" in text and "Ingen fentanyl (depotplaster) mere" in text
