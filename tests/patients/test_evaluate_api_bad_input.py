"""POST /api/v1/evaluate/ with bad input: field errors in Danish, never a 500."""

import pytest

from recommendations.api.errors import TOO_BIG_ERROR, TOO_DEEP_ERROR
from recommendations.intake_input import (
    AGE_ERROR,
    BOOLEAN_ERROR,
    DOSE_ERROR,
    DRUG_ERROR,
    DURATION_ERROR,
    MEDICATIONS_MAX,
    MEDICATIONS_MAX_ERROR,
    NOT_AN_OBJECT_ERROR,
    PAIN_SITE_ERROR,
    PATCH_DOSE_ERROR,
    PATCH_DOSE_MAX,
    RED_FLAG_ERROR,
    RED_FLAGS_MAX,
    RED_FLAGS_MAX_ERROR,
    REQUIRED_ERROR,
    STARTBACK_ERROR,
    UNIT_ERROR,
    UNKNOWN_FIELD_ERROR,
)
from recommendations.rules.drugs import drug_table
from tests.patients.evaluate_api_helpers import (
    LOW_BACK,
    errors_of,
    medication,
    medication_errors,
    post,
)

pytestmark = pytest.mark.usefixtures("content")


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"age": 121}, "age", AGE_ERROR),
        ({"age": -1}, "age", AGE_ERROR),
        ({"age": "abc"}, "age", AGE_ERROR),
        ({"age": 12.5}, "age", AGE_ERROR),
        ({"age": True}, "age", AGE_ERROR),
        ({"age": None}, "age", AGE_ERROR),
        ({"pain_site": "knee"}, "pain_site", PAIN_SITE_ERROR.format(input="knee")),
        ({"pain_duration_weeks": -0.5}, "pain_duration_weeks", DURATION_ERROR),
        ({"pain_duration_weeks": 3000}, "pain_duration_weeks", DURATION_ERROR),
        ({"pain_duration_weeks": "long"}, "pain_duration_weeks", DURATION_ERROR),
        ({"red_flags": ["not_a_flag"]}, "red_flags", RED_FLAG_ERROR.format(code="not_a_flag")),
        ({"startback": [1] * 8}, "startback", STARTBACK_ERROR),
        ({"startback": [0, 0, 0, 0, 2, 0, 0, 0, 0]}, "startback", STARTBACK_ERROR),
        ({"startback": 5}, "startback", STARTBACK_ERROR),
        ({"startback": "110010000"}, "startback", STARTBACK_ERROR),
        ({"startback": [None] + [0] * 8}, "startback", STARTBACK_ERROR),
        ({"startback": [True] + [0] * 8}, "startback", STARTBACK_ERROR),
        (
            {"medications": [{"drug": None, "daily_dose": 5, "unit": "mg"}]},
            "medications[0].drug",
            REQUIRED_ERROR,
        ),
        ({"spelt_wrong": True}, "spelt_wrong", UNKNOWN_FIELD_ERROR),
        ({"neuropatic_pain": True}, "neuropatic_pain", UNKNOWN_FIELD_ERROR),
    ],
)
def test_a_bad_field_is_refused_with_its_name_and_a_danish_message(client, fields, field, message):
    errors = errors_of(client, {**LOW_BACK, **fields})

    assert errors == {field: [message]}


def test_every_unknown_red_flag_is_named(client):
    errors = errors_of(client, {**LOW_BACK, "red_flags": ["fever", "nope", "also_nope"]})

    assert errors == {
        "red_flags": [RED_FLAG_ERROR.format(code="nope"), RED_FLAG_ERROR.format(code="also_nope")]
    }


@pytest.mark.parametrize("missing", ["age", "pain_site", "pain_duration_weeks"])
def test_a_missing_required_field_is_named(client, missing):
    body = {key: value for key, value in LOW_BACK.items() if key != missing}

    assert errors_of(client, body) == {missing: [REQUIRED_ERROR]}


@pytest.mark.parametrize("body", [{}, b""])
def test_an_empty_intake_names_all_three_required_fields(client, body):
    assert errors_of(client, body) == {
        "age": [REQUIRED_ERROR],
        "pain_site": [REQUIRED_ERROR],
        "pain_duration_weeks": [REQUIRED_ERROR],
    }


def test_an_unknown_drug_is_refused(client):
    errors = errors_of(client, {**LOW_BACK, "medications": [medication("aspirin", 500, "mg")]})

    assert medication_errors(errors, 0, "drug") == [DRUG_ERROR.format(input="aspirin")]


@pytest.mark.parametrize("dose", [0, -10, "x", None])
def test_a_dose_that_is_not_a_positive_number_is_refused(client, dose):
    errors = errors_of(client, {**LOW_BACK, "medications": [medication("morphine", dose)]})

    assert medication_errors(errors, 0, "daily_dose") == [DOSE_ERROR]


@pytest.mark.parametrize("dose", ["4.000", "12.500", " 1.000 "])
def test_a_dose_sent_as_text_with_a_thousands_point_is_refused_not_read_as_a_thousandth(
    client, dose
):
    # "4.000" is four thousand to a Danish reader and 4 to float(): neither is guessed.
    errors = errors_of(client, {**LOW_BACK, "medications": [medication("paracetamol", dose)]})
    assert medication_errors(errors, 0, "daily_dose") == [DOSE_ERROR]


@pytest.mark.parametrize("dose", [4000, 4.0, "4000", "7.5"])
def test_a_dose_as_a_json_number_or_plain_text_is_read_as_before(client, dose):
    body = {**LOW_BACK, "medications": [medication("paracetamol", dose)]}
    assert post(client, body).status_code == 200


@pytest.mark.parametrize("drug", ["fentanyl_patch", "buprenorphine_patch"])
def test_a_patch_dose_above_any_real_patch_is_refused_naming_the_limit(client, drug):
    # 5000 "mcg/h" is a mg figure typed into a patch field: it would count as 12 000 MME.
    too_high = {**LOW_BACK, "medications": [medication(drug, PATCH_DOSE_MAX + 1)]}
    assert medication_errors(errors_of(client, too_high), 0, "daily_dose") == [PATCH_DOSE_ERROR]
    highest = {**LOW_BACK, "medications": [medication(drug, PATCH_DOSE_MAX)]}
    assert post(client, highest).status_code == 200


def test_a_medication_without_a_dose_is_refused(client):
    # Only a patient's record may leave a dose unknown (CDS Hooks); the API requires one.
    item = {"drug": "oxycodone", "unit": "mg"}
    errors = errors_of(client, {**LOW_BACK, "medications": [item]})

    assert medication_errors(errors, 0, "daily_dose") == [REQUIRED_ERROR]


@pytest.mark.parametrize(
    ("drug", "wrong_unit", "right_unit"),
    [
        ("fentanyl_patch", "mg", "mcg/h"),
        ("buprenorphine_patch", "mg", "mcg/h"),
        ("oxycodone", "mcg/h", "mg"),
    ],
)
def test_a_dose_in_the_wrong_unit_for_the_drug_is_refused(client, drug, wrong_unit, right_unit):
    body = {
        **LOW_BACK,
        "medications": [medication("morphine", 10), medication(drug, 25, wrong_unit)],
    }

    errors = errors_of(client, body)

    expected = UNIT_ERROR.format(drug=drug_table()[drug].name, unit=right_unit)
    assert medication_errors(errors, 1, "unit") == [expected]
    assert len(errors) == 1


def test_a_body_that_is_not_json_is_refused_naming_the_body(client):
    errors = errors_of(client, b'{"age": 30, "pain_site": ')

    assert list(errors) == ["body"]
    assert errors["body"][0].startswith("Kroppen er ikke gyldig JSON")


@pytest.mark.parametrize("body", [[], [LOW_BACK], "low back", 42])
def test_a_body_that_is_not_a_json_object_is_refused(client, body):
    assert errors_of(client, body) == {"non_field_errors": [NOT_AN_OBJECT_ERROR]}


def test_every_problem_is_reported_at_once(client):
    errors = errors_of(
        client,
        {
            "age": 121,
            "pain_site": "knee",
            "pain_duration_weeks": 3000,
            "red_flags": ["nope"],
            "medications": [medication("morphine", 0), medication("fentanyl_patch", 25, "mg")],
            "startback": [1, 1],
            "shoe_size": 44,
        },
    )

    assert errors["age"] == [AGE_ERROR]
    assert errors["pain_site"] == [PAIN_SITE_ERROR.format(input="knee")]
    assert errors["pain_duration_weeks"] == [DURATION_ERROR]
    assert errors["red_flags"] == [RED_FLAG_ERROR.format(code="nope")]
    assert errors["startback"] == [STARTBACK_ERROR]
    assert errors["shoe_size"] == [UNKNOWN_FIELD_ERROR]
    assert medication_errors(errors, 0, "daily_dose") == [DOSE_ERROR]
    assert medication_errors(errors, 1, "unit") == [
        UNIT_ERROR.format(drug=drug_table()["fentanyl_patch"].name, unit="mcg/h")
    ]
    assert len(errors) == 8


ODD_VALUES = [None, True, "x", "", -1, 10**20, 1.5, [], [None], [{}], {}, {"a": 1}, ["fever"]]
FIELDS = [
    "age",
    "pain_site",
    "pain_duration_weeks",
    "neuropathic_pain",
    "radicular_signs",
    "red_flags",
    "complex_problems",
    "activity_limitation",
    "work_status",
    "trains_independently",
    "nonpharmacological_insufficient",
    "sleep_problems",
    "somatic_disease_flare",
    "medications",
    "opioid_treatment_months",
    "startback",
]


@pytest.mark.parametrize("field", FIELDS)
def test_odd_values_in_any_field_never_cause_a_server_error(client, field):
    for value in ODD_VALUES:
        response = post(client, {**LOW_BACK, field: value})
        assert response.status_code in {200, 400}, (field, value)
        if response.status_code == 400:
            assert field in " ".join(response.json()["errors"]), (field, value)


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_values_inside_a_medication_never_cause_a_server_error(client, value):
    for key in ("drug", "daily_dose", "unit"):
        item = {**medication("morphine", 10), key: value}
        response = post(client, {**LOW_BACK, "medications": [item]})
        assert response.status_code in {200, 400}, (key, value)
        if response.status_code == 400:
            assert all(name.startswith("medications") for name in response.json()["errors"])


# --- Bugs these tests found, now fixed ---


def test_a_json_null_body_is_refused_like_any_other_non_object(client):
    assert errors_of(client, b"null") == {"non_field_errors": [NOT_AN_OBJECT_ERROR]}


@pytest.mark.parametrize(
    "fields",
    [
        {"pain_duration_weeks": True},
        {"opioid_treatment_months": True},
        {"medications": [{"drug": "morphine", "daily_dose": True, "unit": "mg"}]},
    ],
    ids=["pain_duration_weeks", "opioid_treatment_months", "daily_dose"],
)
def test_a_boolean_is_not_accepted_as_a_number(client, fields):
    assert post(client, {**LOW_BACK, **fields}).status_code == 400


def test_an_unknown_field_inside_a_medication_is_refused(client):
    item = {**medication("morphine", 60), "opioid_treatment_months": 24}

    response = post(
        client,
        {**LOW_BACK, "pain_site": "generalised", "pain_duration_weeks": 52, "medications": [item]},
    )

    assert response.status_code == 400


def test_a_nested_error_is_keyed_as_errors_flatten_documents(client):
    body = {
        **LOW_BACK,
        "medications": [medication("morphine", 10), medication("fentanyl_patch", 25, "mg")],
    }

    assert "medications[1].unit" in errors_of(client, body)


# --- Hostile bodies: never a 500, always the {"errors": ...} shape --------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 20_000 + b"]" * 20_000,
        b'{"age": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
        b'{"age": 40, "x": ' + b'{"a": ' * 20_000 + b"1" + b"}" * 20_001,
    ],
)
def test_deeply_nested_json_is_a_400_naming_the_body(client, body):
    errors = errors_of(client, body)
    assert errors == {"body": [TOO_DEEP_ERROR]}


def test_a_body_over_the_upload_limit_is_a_json_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, {**LOW_BACK, "padding": "x" * 2000})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"errors": {"body": [TOO_BIG_ERROR.format(limit=1000)]}}


def test_more_medications_than_the_limit_are_refused_naming_the_field_and_limit(client):
    meds = [medication("morphine", 1)] * (MEDICATIONS_MAX + 1)
    errors = errors_of(client, {**LOW_BACK, "medications": meds})
    assert errors == {"medications": [MEDICATIONS_MAX_ERROR]}
    assert f"medications må højst have {MEDICATIONS_MAX}" in MEDICATIONS_MAX_ERROR


def test_more_red_flags_than_the_limit_are_refused_naming_the_field_and_limit(client):
    errors = errors_of(client, {**LOW_BACK, "red_flags": ["fever"] * 100_000})
    assert errors == {"red_flags": [RED_FLAGS_MAX_ERROR]}
    assert f"red_flags må højst have {RED_FLAGS_MAX}" in RED_FLAGS_MAX_ERROR


def test_the_limits_themselves_are_accepted(client):
    meds = [medication("paracetamol", 1000)] * MEDICATIONS_MAX
    assert post(client, {**LOW_BACK, "medications": meds}).status_code == 200


def test_the_api_lists_what_is_not_shown_and_what_would_show_it(client):
    response = post(client, {"age": 50, "pain_site": "generalised", "pain_duration_weeks": 20})

    assert response.status_code == 200
    (generalised,) = [g for g in response.json()["guidelines"] if g["slug"] == "generalised-pain"]
    assert len(generalised["recommendations"]) == 4
    assert len(generalised["not_shown"]) == 10
    cbt = next(item for item in generalised["not_shown"] if item["slug"] == "cbt")
    assert cbt["shown_when"] == ["Komplekse problemstillinger som følge af smerterne"]
    assert cbt["label"] == "Stærk anbefaling for"
    assert cbt["url"] == "http://testserver/guidelines/generalised-pain/cbt/"
    assert generalised["applies_to_all"] == [
        "diagnostic-clarification",
        "biopsychosocial-assessment",
        "patient-education",
    ]
    out = [g for g in response.json()["guidelines"] if not g["in_scope"]]
    assert all(g["not_shown"] == [] and g["recommendations"] == [] for g in out)


def test_the_api_gives_a_plain_text_journal_note(client):
    response = post(
        client,
        {**LOW_BACK, "medications": [{"drug": "ibuprofen", "daily_dose": 1200, "unit": "mg"}]},
    )

    note = response.json()["journal_note"]
    assert note.startswith("Smertevurdering med nkr (kilden står ved hver retningslinje), ")
    assert "Oplyst: 30 år; lænderyg i 3 uger;" in note
    assert "- Advarsel: Patienten får ibuprofen, som frarådes (svag anbefaling imod)" in note
    assert "Nyopståede lænderygsmerter (Sundhedsstyrelsen 2016):" in note
    assert "<" not in note and len(note) <= 2000


# --- Booleans are JSON true or false (API.md: bool) ----------------------------------------


@pytest.mark.parametrize("value", [0, 1, "yes", "true", "on", 1.0, [], {}])
@pytest.mark.parametrize(
    "path, body, field",
    [
        (
            "/api/v1/evaluate/",
            {"age": 45, "pain_site": "low_back", "pain_duration_weeks": 2},
            "neuropathic_pain",
        ),
        (
            "/api/v1/evaluate/",
            {"age": 45, "pain_site": "low_back", "pain_duration_weeks": 2},
            "trains_independently",
        ),
        (
            "/api/v1/opioids/taper-plan/",
            {"drug": "oxycodone", "daily_dose": 20, "unit": "mg", "treatment_months": 14},
            "round_doses",
        ),
        (
            "/api/v1/opioids/taper-plan/",
            {"drug": "oxycodone", "daily_dose": 20, "unit": "mg", "treatment_months": 14},
            "weekdays_only",
        ),
    ],
)
def test_a_bool_field_refuses_anything_but_true_or_false_in_danish(
    client, content, path, body, field, value
):
    response = client.post(path, {**body, field: value}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == [BOOLEAN_ERROR]
