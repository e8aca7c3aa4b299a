"""The opioid tools over HTTP: the two API endpoints (API.md) and the two pages."""

from datetime import date, timedelta
from html import escape

import pytest
from django.utils import timezone

from patients.opioids.input import (
    DRUG_NOT_TEXT_ERROR,
    MEDICATIONS_EMPTY_ERROR,
    PAUSE_NOT_AN_OBJECT_ERROR,
    START_DATE_ERROR,
    TAPER_NOT_AN_OBJECT_ERROR,
    TREATMENT_MONTHS_REQUIRED_ERROR,
)
from patients.opioids.plan_types import (
    INTERVAL_ERROR,
    MAX_STEPS,
    NOT_OPIOID_ERROR,
    PATCH_DOSE_ERROR,
    PLAN_SUGGESTION_NOTE,
    REDUCTION_ERROR,
    TARGET_ERROR,
    TOO_MANY_INTERVALS_ERROR,
    TOO_MANY_STEPS_ERROR,
)
from recommendations.intake_input import (
    DOSE_ERROR,
    OPIOID_MONTHS_ERROR,
    UNIT_CHOICE_ERROR,
    UNIT_ERROR,
    UNKNOWN_FIELD_ERROR,
)
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING

MME_API = "/api/v1/opioids/mme/"
TAPER_API = "/api/v1/opioids/taper-plan/"
MME_PAGE = "/opioids/mme/"
TAPER_PAGE = "/opioids/taper-plan/"

OXYCODONE_60 = {"drug": "oxycodone", "daily_dose": 60, "unit": "mg", "treatment_months": 24}


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


# --- POST /api/v1/opioids/mme/ ---------------------------------------------------------------


def test_mme_api_returns_the_contract_fields(client):
    response = post_json(
        client,
        MME_API,
        {
            "medications": [
                {"drug": "oxycodone", "daily_dose": 40, "unit": "mg"},
                {"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h"},
            ]
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["daily_mme"] == 120
    assert [
        {key: item[key] for key in ("drug", "daily_dose", "unit", "factor", "mme")}
        for item in data["items"]
    ] == [
        {"drug": "oxycodone", "daily_dose": 40, "unit": "mg", "factor": 1.5, "mme": 60},
        {"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h", "factor": 2.4, "mme": 60},
    ]
    assert MME_NOT_FOR_SWITCHING in data["notes"]
    assert any("amerikansk" in note for note in data["notes"])
    assert data["threshold"] == 90


def test_mme_api_lists_buprenorphine_without_an_mme(client):
    data = post_json(
        client,
        MME_API,
        {"medications": [{"drug": "buprenorphine_patch", "daily_dose": 10, "unit": "mcg/h"}]},
    ).json()
    assert data["daily_mme"] is None
    assert data["items"][0]["factor"] is None and data["items"][0]["mme"] is None
    assert any("buprenorphin" in note and "loftseffekt" in note for note in data["notes"])


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"medications": []}, "medications", MEDICATIONS_EMPTY_ERROR),
        ({}, "medications", "Skal udfyldes."),
        (
            {"medications": [{"drug": "opium", "daily_dose": 1, "unit": "mg"}]},
            "medications[0].drug",
            "Ukendt lægemiddel 'opium'.",
        ),
        (
            {"medications": [{"drug": "morphine", "daily_dose": 0, "unit": "mg"}]},
            "medications[0].daily_dose",
            DOSE_ERROR,
        ),
        (
            {"medications": [{"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mg"}]},
            "medications[0].unit",
            UNIT_ERROR.format(drug="Fentanyl (depotplaster)", unit="mcg/h"),
        ),
        ({"medications": [], "mme": 3}, "mme", UNKNOWN_FIELD_ERROR),
    ],
)
def test_mme_api_bad_input_is_a_400_naming_the_field(client, body, field, message):
    response = post_json(client, MME_API, body)
    assert response.status_code == 400
    assert message in response.json()["errors"][field]


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
    today = timezone.localdate()
    next_working_day = today + timedelta(days={4: 3, 5: 2}.get(today.weekday(), 1))
    assert data["steps"][0]["date"] == next_working_day.isoformat()
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


# --- The MME page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_mme_page_shows_a_table_with_factor_source_and_total(client):
    text = client.post(
        MME_PAGE,
        {
            "medication_rows": "2",
            "med-0-drug": "oxycodone",
            "med-0-dose": "40",
            "med-1-drug": "buprenorphine_patch",
            "med-1-dose": "10",
        },
    ).content.decode()
    assert "<caption>Orale morfinækvivalenter pr. lægemiddel</caption>" in text
    assert '<th scope="row">Oxycodon</th>' in text
    assert "CDC 2022" in text
    assert "ikke omregnet" in text
    assert '<td class="num mme-total">60 MME</td>' in text
    assert escape(MME_NOT_FOR_SWITCHING) in text


@pytest.mark.django_db
def test_mme_page_accepts_a_danish_decimal_comma(client):
    text = client.post(
        MME_PAGE, {"medication_rows": "2", "med-0-drug": "hydromorphone", "med-0-dose": "2,6"}
    ).content.decode()
    assert '<td class="num mme-total">13 MME</td>' in text


@pytest.mark.django_db
def test_mme_page_shows_a_bad_dose_next_to_its_row_and_keeps_the_input(client):
    response = client.post(
        MME_PAGE, {"medication_rows": "2", "med-0-drug": "morphine", "med-0-dose": "-5"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="error-med-0">{escape(DOSE_ERROR)}</span>' in text
    assert 'value="-5"' in text
    assert "Lægemiddel 1:" in text


@pytest.mark.django_db
def test_mme_page_adds_a_row_without_computing(client):
    text = client.post(
        MME_PAGE, {"medication_rows": "2", "add_medication": "1", "med-0-drug": "morphine"}
    ).content.decode()
    assert 'name="med-2-drug"' in text
    assert "error-summary" not in text


@pytest.mark.django_db
def test_mme_page_adding_a_row_with_htmx_returns_the_whole_form(client):
    text = client.post(
        MME_PAGE,
        {"medication_rows": "2", "add_medication": "1"},
        headers={"HX-Request": "true", "HX-Target": "main"},
    ).content.decode()
    assert 'id="main"' in text
    assert 'name="med-2-dose"' in text


@pytest.mark.django_db
def test_mme_page_live_update_returns_only_the_results(client):
    response = client.post(
        MME_PAGE,
        {
            "medication_rows": "2",
            "med-0-drug": "morphine",
            "med-0-dose": "30",
            "med-1-drug": "tramadol",
        },
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert "<html" not in text
    assert "30 MME" in text
    assert "error-summary" not in text  # the half-typed tramadol row is not an error yet


# --- The taper page --------------------------------------------------------------------------


@pytest.mark.usefixtures("content")
def test_taper_page_form_has_the_defaults(client):
    text = client.get(TAPER_PAGE).content.decode()
    assert 'name="reduction_percent" type="text" inputmode="decimal" size="5" value="10"' in text
    assert 'name="target_daily_dose" type="text" inputmode="decimal" size="6" value="0"' in text
    # Without a date the plan starts on the next working day (Monday after a Friday-Sunday).
    today = timezone.localdate()
    days = {4: 3, 5: 2}.get(today.weekday(), 1)
    assert f'value="{(today + timedelta(days=days)).isoformat()}"' in text
    assert 'method="post"' in text
    assert "Standard: hver 4. uge ved brug i 12 måneder eller mere, ellers hver uge" in text


@pytest.mark.usefixtures("content")
def test_taper_page_builds_the_plan_with_chart_table_follow_ups_and_guideline(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "10",
            "target_daily_dose": "0",
            "start_date": "2026-01-05",
        },
    ).content.decode()
    assert "Forslag til nedtrapning af oxycodon" in text
    assert '<svg class="taper-chart__svg"' in text
    assert 'role="img"' in text
    assert "<caption>Trin i planen</caption>" in text
    assert (
        '<td class="num" data-label="Døgndosis (mg/døgn)">54</td>\n'
        '        <td class="num" data-label="MME/døgn">81</td>'
    ) in text
    assert "12. oktober 2026" in text
    assert "Et forslag, ikke en ordination" in text
    # The guideline's recommendations beside the plan, each with its badge and link.
    for slug in ("psychosocial-support", "individual-target", "no-abrupt-discontinuation"):
        assert f'href="/guidelines/opioid-tapering/{slug}/"' in text
    # CDC grades no-abrupt-discontinuation itself (CONTENT.md): its grade, not "expert advice".
    assert "Ikke NKR-graderet: CDC kategori B, evidenstype 4 imod" in text
    assert "Der er ikke sikker evidens" in text
    # A strict Content Security Policy holds: no inline styles or scripts, the chart included.
    assert " style=" not in text
    assert "<script>" not in text


@pytest.mark.usefixtures("content")
def test_the_chart_numbers_are_not_localised_into_commas(client):
    with_decimals = client.post(
        TAPER_PAGE,
        {"drug": "oxycodone", "daily_dose": "45", "treatment_months": "24"},
    ).content.decode()
    svg = with_decimals.split("<svg", 1)[1].split("</svg>", 1)[0]
    path = svg.split('d="', 1)[1].split('"', 1)[0]
    assert "," not in path
    assert "40,5" in with_decimals  # the table is Danish


@pytest.mark.usefixtures("content")
def test_taper_page_shows_errors_inline_and_keeps_the_inputs(client):
    response = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "75",
            "interval_weeks": "13",
            "target_daily_dose": "70",
            "start_date": "2026-01-05",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="error-reduction_percent">{escape(REDUCTION_ERROR)}</span>' in text
    assert f'id="error-interval_weeks">{escape(INTERVAL_ERROR)}</span>' in text
    assert 'id="error-target_daily_dose">Måldosis (70 mg) skal være lavere' in text
    assert 'value="75"' in text and 'value="70"' in text
    assert 'aria-invalid="true"' in text
    assert "taper-chart" not in text


@pytest.mark.usefixtures("content")
def test_taper_page_refuses_a_500_row_plan_with_a_danish_message(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "morphine",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "1",
        },
    ).content.decode()
    assert "Planen ville få 101 trin; højst 60 trin er tilladt." in text
    assert "<caption>Trin i planen</caption>" not in text


@pytest.mark.usefixtures("content")
def test_a_prefill_from_the_intake_page_shows_the_form_filled_and_no_errors(client):
    response = client.post(
        TAPER_PAGE,
        {"prefill": "1", "drug": "oxycodone", "daily_dose": "60", "treatment_months": "24"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert '<option value="oxycodone" selected>' in text
    assert 'value="60"' in text and 'value="24"' in text
    assert 'value="10"' in text  # the default reduction is filled in
    assert "error-summary" not in text
    assert 'aria-invalid="true"' not in text
    assert "Forslag til nedtrapning af oxycodon" in text


@pytest.mark.usefixtures("content")
def test_a_prefill_without_treatment_months_shows_no_error_for_it(client):
    text = client.post(
        TAPER_PAGE, {"prefill": "1", "drug": "morphine", "daily_dose": "30"}
    ).content.decode()
    assert escape(TREATMENT_MONTHS_REQUIRED_ERROR) not in text
    assert "error-summary" not in text
    assert 'value="30"' in text


@pytest.mark.usefixtures("content")
def test_a_plain_submit_without_treatment_months_says_it_is_needed(client):
    text = client.post(TAPER_PAGE, {"drug": "morphine", "daily_dose": "30"}).content.decode()
    assert f'id="error-treatment_months">{escape(TREATMENT_MONTHS_REQUIRED_ERROR)}' in text


@pytest.mark.usefixtures("content")
def test_doses_in_the_url_are_ignored(client):
    text = client.get(TAPER_PAGE, {"drug": "oxycodone", "daily_dose": "60"}).content.decode()
    assert 'value="60"' not in text
    assert "taper-chart" not in text


@pytest.mark.usefixtures("content")
def test_hold_pause_after_a_step_adds_a_pause_and_moves_the_later_steps(client):
    base = {
        "drug": "oxycodone",
        "daily_dose": "60",
        "treatment_months": "24",
        "start_date": "2026-01-05",
    }
    text = client.post(TAPER_PAGE, base | {"pause_rows": "0", "add_pause": "3"}).content.decode()
    assert 'name="pause-0-after" type="text" inputmode="numeric" size="3" value="3"' in text
    assert "Pause: 1 ekstra interval" in text
    # Step 4 moves from 30 March to 27 April.
    assert (
        '27. april 2026</td>\n        <td class="num" data-label="Døgndosis (mg/døgn)">42</td>'
        in text
    )


@pytest.mark.usefixtures("content")
def test_adding_a_pause_row_with_htmx_returns_the_whole_form(client):
    text = client.post(
        TAPER_PAGE,
        {"drug": "oxycodone", "pause_rows": "0", "add_pause": ""},
        headers={"HX-Request": "true", "HX-Target": "main"},
    ).content.decode()
    assert 'id="main"' in text
    assert 'name="pause-0-after"' in text
    assert "error-summary" not in text


@pytest.mark.usefixtures("content")
def test_a_pause_after_the_last_step_is_an_inline_error(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "pause_rows": "1",
            "pause-0-after": "11",
            "pause-0-extra": "1",
        },
    ).content.decode()
    assert 'id="error-pause-0">Der kan ikke holdes pause efter trin 11' in text
    assert "Pause 1:" in text


@pytest.mark.usefixtures("content")
def test_removing_a_pause_row_keeps_the_others(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "pause_rows": "2",
            "pause-0-after": "2",
            "pause-0-extra": "1",
            "pause-1-after": "5",
            "pause-1-extra": "2",
            "remove_pause": "0",
        },
    ).content.decode()
    assert 'name="pause-0-after" type="text" inputmode="numeric" size="3" value="5"' in text
    assert 'name="pause-1-after"' not in text


@pytest.mark.usefixtures("content")
def test_the_live_update_returns_the_plan_partial_and_out_of_band_errors(client):
    response = client.post(
        TAPER_PAGE,
        {"drug": "oxycodone", "daily_dose": "60", "treatment_months": "24", "interval_weeks": "20"},
        headers={"HX-Request": "true", "HX-Target": "plan"},
    )
    text = response.content.decode()
    assert "<html" not in text
    assert 'id="error-interval_weeks" hx-swap-oob="true">' + escape(INTERVAL_ERROR) in text


@pytest.mark.usefixtures("content")
def test_while_typing_missing_fields_are_not_errors_yet(client):
    text = client.post(
        TAPER_PAGE, {"drug": "oxycodone", "daily_dose": "6"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "error-summary" not in text
    assert "Udfyld opioid, døgndosis og varighed" in text


@pytest.mark.usefixtures("content")
def test_the_print_view_is_plain_danish_for_the_patient(client):
    response = client.post(
        TAPER_PAGE,
        {
            "drug": "fentanyl_patch",
            "daily_dose": "75",
            "treatment_months": "24",
            "start_date": "2026-01-05",
            "round_doses": "on",
            "print": "1",
        },
    )
    text = response.content.decode()
    assert "Din plan for nedtrapning af fentanyl (depotplaster)" in text
    assert "Planen er et forslag, som I kan ændre undervejs. Det er ikke en ordre." in text
    assert "Hvis du får abstinenser" in text
    assert "Kontakt din læge," in text
    assert "Nedtrapningen kan sættes på pause" in text
    assert "Din næste aftale" in text
    assert "mandag 2. februar 2026" in text  # the first follow-up
    assert "Plaster: 62,5 mikrogram/time (mcg/h), plastre: 50 + 12" in text
    assert "Plaster: 12,5 mikrogram/time (mcg/h), plastret er mærket 12" in text
    assert text.count("Plaster: 75 mikrogram/time") == 1  # an unchanged dose is not repeated
    assert "MME" not in text.split("<main", 1)[1]
    assert '<form id="taper-form"' not in text
    assert "nkr/opioids.css" in text


@pytest.mark.usefixtures("content")
def test_asking_to_print_an_invalid_plan_shows_the_form_with_errors(client):
    text = client.post(
        TAPER_PAGE, {"drug": "oxycodone", "daily_dose": "0", "treatment_months": "24", "print": "1"}
    ).content.decode()
    assert "Din plan for nedtrapning" not in text
    assert escape(DOSE_ERROR) in text


@pytest.mark.parametrize(
    ("method", "url", "data", "budget"),
    [
        ("get", TAPER_PAGE, {}, 2),
        (
            "post",
            TAPER_PAGE,
            {"drug": "oxycodone", "daily_dose": "60", "treatment_months": "24"},
            2,
        ),
        ("post", TAPER_PAGE, {**OXYCODONE_60, "daily_dose": "60", "print": "1"}, 0),
        ("get", MME_PAGE, {}, 0),
        (
            "post",
            MME_PAGE,
            {"medication_rows": "2", "med-0-drug": "morphine", "med-0-dose": "9"},
            0,
        ),
    ],
)
@pytest.mark.usefixtures("content")
def test_the_opioid_pages_stay_within_their_query_budget(
    client, django_assert_max_num_queries, method, url, data, budget
):
    with django_assert_max_num_queries(budget):
        assert getattr(client, method)(url, data).status_code == 200


PRINT_FORM = {
    "drug": "oxycodone",
    "daily_dose": "60",
    "treatment_months": "24",
    "start_date": "2026-01-05",
    "print": "1",
}


@pytest.mark.usefixtures("content")
def test_the_print_view_is_danish_even_when_the_clinician_uses_english(client):
    page = client.post(
        TAPER_PAGE, {k: v for k, v in PRINT_FORM.items() if k != "print"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Opioid tapering plan" in page  # the clinician's page is in English
    response = client.post(TAPER_PAGE, PRINT_FORM, HTTP_ACCEPT_LANGUAGE="en")
    text = response.content.decode()
    assert response["Content-Language"] == "da"
    assert '<html lang="da">' in text
    assert "Din plan for nedtrapning af oxycodon" in text
    assert "Hvis du får abstinenser" in text
    assert "mandag 5. januar 2026" in text
    assert "Your plan" not in text and "January" not in text


@pytest.mark.usefixtures("content")
def test_the_print_view_shows_the_next_appointment_on_or_after_today_not_one_past(client):
    today = timezone.localdate()
    start = today - timedelta(weeks=9)
    start -= timedelta(days=max(0, start.weekday() - 4))  # a working day: the plan keeps it
    text = client.post(TAPER_PAGE, PRINT_FORM | {"start_date": start.isoformat()}).content.decode()
    next_day = start + timedelta(weeks=12)  # follow-ups every 4 weeks; 4 and 8 have passed
    appointment = text.split('class="next-appointment"', 1)[1].split("</p>", 1)[0]
    assert f"{next_day.day}. " in appointment
    assert str(next_day.year) in appointment
    first = start + timedelta(weeks=4)
    assert not (f" {first.day}. " in appointment and first.month == next_day.month)
