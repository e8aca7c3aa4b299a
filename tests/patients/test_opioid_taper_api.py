"""POST /api/v1/opioids/taper-plan/ (API.md)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from patients.opioids.input import (
    DRUG_NOT_TEXT_ERROR,
    PAUSE_NOT_AN_OBJECT_ERROR,
    START_DATE_ERROR,
    TAPER_NOT_AN_OBJECT_ERROR,
    TREATMENT_MONTHS_REQUIRED_ERROR,
)
from patients.opioids.plan_types import (
    INTERVAL_ERROR,
    MAX_STEPS,
    NOT_OPIOID_ERROR,
    PLAN_SUGGESTION_NOTE,
    REDUCTION_ERROR,
    TARGET_ERROR,
    TOO_MANY_INTERVALS_ERROR,
    TOO_MANY_STEPS_ERROR,
)
from recommendations.intake_input import (
    DOSE_ERROR,
    OPIOID_MONTHS_ERROR,
    PATCH_DOSE_ERROR,
    UNIT_CHOICE_ERROR,
    UNIT_ERROR,
    UNKNOWN_FIELD_ERROR,
)
from tests.patients.opioid_helpers import MME_API, OXYCODONE_60, TAPER_API, post_json

# --- POST /api/v1/opioids/taper-plan/ ---------------------------------------------------------


def test_taper_api_returns_the_worked_plan(client):
    response = post_json(client, TAPER_API, OXYCODONE_60 | {"start_date": "2026-01-05"})
    assert response.status_code == 200
    data = response.json()
    assert [s["daily_dose"] for s in data["steps"]] == [60, 54, 48, 42, 36, 30, 24, 18, 12, 6, 0]
    assert data["steps"][0] == {
        "step": 1,
        "date": "2026-01-05",
        "daily_dose": 60,
        "daily_mme": 90,
        "patches": [],
        "patch_labels": [],
        "unchanged": False,
        "pause_intervals": 0,
    }
    assert data["steps"][-1]["date"] == "2026-10-12"
    assert data["follow_ups"][0] == "2026-02-02"
    assert len(data["follow_ups"]) >= len(data["steps"])
    assert data["notes"][0] == PLAN_SUGGESTION_NOTE


def test_taper_api_defaults_follow_the_contract(client):
    data = post_json(
        client, TAPER_API, {"drug": "morphine", "daily_dose": 40, "treatment_months": 3}
    ).json()
    assert data["reduction_percent"] == 10
    assert data["interval_weeks"] == 1
    assert data["target_daily_dose"] == 0
    assert data["unit"] == "mg"
    # API.md: start_date "default today", and the first step is on start_date, any day.
    assert data["steps"][0]["date"] == timezone.localdate().isoformat()
    long_use = post_json(client, TAPER_API, OXYCODONE_60).json()
    assert long_use["interval_weeks"] == 4


def test_taper_api_takes_rounding_and_pauses(client):
    data = post_json(
        client,
        TAPER_API,
        {
            "drug": "fentanyl_patch",
            "daily_dose": 75,
            "unit": "mcg/h",
            "treatment_months": 36,
            "start_date": "2026-01-05",
            "round_doses": True,
            "pauses": [{"after_step": 2, "extra_intervals": 2}],
        },
    ).json()
    assert [s["daily_dose"] for s in data["steps"]] == [
        75,
        75,
        62.5,
        62.5,
        50,
        37.5,
        37.5,
        25,
        25,
        12.5,
        0,
    ]
    assert data["steps"][2]["patches"] == [50, 12.5]
    assert data["steps"][2]["patch_labels"] == ["50", "12"]
    step2, step3 = (date.fromisoformat(data["steps"][i]["date"]) for i in (1, 2))
    assert step3 - step2 == timedelta(weeks=12)


def test_taper_api_buprenorphine_is_not_an_error(client):
    response = post_json(
        client,
        TAPER_API,
        {"drug": "buprenorphine_patch", "daily_dose": 20, "treatment_months": 12},
    )
    assert response.status_code == 200
    assert {s["daily_mme"] for s in response.json()["steps"]} == {None}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"drug": "opium"}, "drug", "Ukendt lægemiddel 'opium'."),
        ({"drug": "ibuprofen"}, "drug", NOT_OPIOID_ERROR.format(name="Ibuprofen")),
        ({"daily_dose": 0}, "daily_dose", DOSE_ERROR),
        ({"daily_dose": -10}, "daily_dose", DOSE_ERROR),
        ({"daily_dose": "tres"}, "daily_dose", DOSE_ERROR),
        ({"daily_dose": "NaN"}, "daily_dose", DOSE_ERROR),
        ({"target_daily_dose": 80}, "target_daily_dose", None),
        ({"interval_weeks": 0}, "interval_weeks", INTERVAL_ERROR),
        ({"interval_weeks": 13}, "interval_weeks", INTERVAL_ERROR),
        ({"reduction_percent": 0}, "reduction_percent", REDUCTION_ERROR),
        ({"reduction_percent": 51}, "reduction_percent", REDUCTION_ERROR),
        (
            {"reduction_percent": 1},
            "reduction_percent",
            TOO_MANY_STEPS_ERROR.format(steps=101, max=MAX_STEPS),
        ),
        ({"unit": "mcg/h"}, "unit", UNIT_ERROR.format(drug="Oxycodon", unit="mg")),
        ({"treatment_months": None}, "treatment_months", TREATMENT_MONTHS_REQUIRED_ERROR),
        ({"start_date": "i morgen"}, "start_date", START_DATE_ERROR),
        ({"start_date": "2090-01-01"}, "start_date", None),
        ({"pauses": [{"after_step": 11, "extra_intervals": 1}]}, "pauses[0].after_step", None),
        ({"pauses": [{"after_step": 2, "extra_intervals": 40}]}, "pauses[0].extra_intervals", None),
        ({"pauses": "none"}, "pauses", "Skal være en liste."),
        ({"round_doses": "maybe"}, "round_doses", "Skal være true eller false."),
        ({"reduction": 10}, "reduction", UNKNOWN_FIELD_ERROR),
        # JSON true/false is not a number (as on /opioids/mme/ and /evaluate/).
        ({"daily_dose": True}, "daily_dose", DOSE_ERROR),
        ({"treatment_months": True}, "treatment_months", OPIOID_MONTHS_ERROR),
        ({"reduction_percent": True}, "reduction_percent", REDUCTION_ERROR),
        ({"target_daily_dose": False}, "target_daily_dose", TARGET_ERROR),
        ({"interval_weeks": True}, "interval_weeks", INTERVAL_ERROR),
        # Danish, field-specific messages rather than DRF's English defaults.
        ({"drug": ["a"]}, "drug", DRUG_NOT_TEXT_ERROR),
        ({"unit": {"mg": 1}}, "unit", UNIT_CHOICE_ERROR),
        ({"pauses": [1, 2]}, "pauses[0]", PAUSE_NOT_AN_OBJECT_ERROR),
        (
            {"drug": "fentanyl_patch", "unit": "mcg/h", "daily_dose": 100000, "round_doses": True},
            "daily_dose",
            PATCH_DOSE_ERROR,
        ),
    ],
)
def test_taper_api_bad_input_is_a_400_naming_the_field(client, change, field, message):
    response = post_json(client, TAPER_API, OXYCODONE_60 | change)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]


def test_taper_api_reports_a_target_above_the_dose_with_the_other_problems(client):
    response = post_json(
        client, TAPER_API, OXYCODONE_60 | {"target_daily_dose": 80, "interval_weeks": 20}
    )
    errors = response.json()["errors"]
    assert set(errors) == {"target_daily_dose", "interval_weeks"}
    (message,) = errors["target_daily_dose"]
    assert "Måldosis (80 mg) skal være lavere end den nuværende døgndosis (60 mg)" in message


def test_taper_api_reports_every_bad_field_at_once(client):
    response = post_json(
        client,
        TAPER_API,
        {"drug": "oxycodone", "daily_dose": -1, "interval_weeks": 20, "reduction_percent": 70},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "daily_dose",
        "interval_weeks",
        "reduction_percent",
        "treatment_months",
    }


@pytest.mark.parametrize(
    "body",
    [
        [],
        "oxycodone",
        None,
        {"drug": ["oxycodone"], "daily_dose": {}, "treatment_months": []},
        {"drug": None, "daily_dose": None, "treatment_months": None, "pauses": [None, 3, "x"]},
        OXYCODONE_60 | {"daily_dose": 10**400},
        # Found by Schemathesis: a valid dose with a drug that is not a string was a 500.
        OXYCODONE_60 | {"drug": {}},
        OXYCODONE_60 | {"drug": ["oxycodone"], "unit": {"mg": 1}},
        OXYCODONE_60 | {"interval_weeks": 4.5},
        OXYCODONE_60 | {"start_date": "9999-12-31"},
        OXYCODONE_60 | {"pauses": [{"after_step": "1", "extra_intervals": "1", "x": 1}]},
    ],
)
def test_taper_api_never_fails_with_a_500(client, body):
    response = post_json(client, TAPER_API, body)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_taper_api_null_body_gets_a_danish_message_about_the_plan(client):
    response = client.post(TAPER_API, "null", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [TAPER_NOT_AN_OBJECT_ERROR]}
    assert "patientens" not in TAPER_NOT_AN_OBJECT_ERROR


def test_taper_api_refuses_pauses_that_stretch_the_plan_past_the_limit(client):
    # The audit's plan: 60 steps every 12 weeks with 59 pauses of 12 intervals (768 follow-ups).
    body = OXYCODONE_60 | {
        "reduction_percent": 1.7,
        "interval_weeks": 12,
        "pauses": [{"after_step": k, "extra_intervals": 12} for k in range(1, 60)],
    }
    response = post_json(client, TAPER_API, body)
    assert response.status_code == 400
    message = TOO_MANY_INTERVALS_ERROR.format(
        intervals=60 + 59 * 12, steps=60, extra=59 * 12, max=MAX_STEPS
    )
    assert response.json()["errors"] == {"pauses": [message]}


def test_malformed_json_is_a_400_in_the_shared_error_shape(client):
    response = client.post(TAPER_API, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_the_opioid_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).content.decode()
    assert "/api/v1/opioids/mme/" in schema
    assert "/api/v1/opioids/taper-plan/" in schema


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (MME_API, {"medications": [{"drug": "morphine", "daily_dose": 30, "unit": "mg"}]}),
        (TAPER_API, OXYCODONE_60),
    ],
)
@pytest.mark.django_db
def test_the_opioid_endpoints_make_no_queries(client, django_assert_max_num_queries, url, body):
    with django_assert_max_num_queries(0):
        assert post_json(client, url, body).status_code == 200
