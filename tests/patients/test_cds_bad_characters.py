"""Characters no text may hold (a lone UTF-16 surrogate, NUL) in a signed CDS call are a 400
naming the field, never a 500: in the token's jti, in record text, in the patient's id."""

import json

import pytest

from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")

BAD = ["\ud800", "\udfff", "a\x00b"]


def low_back_pain(display: str = "Lænderygsmerter") -> dict:
    return fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M54.5", display, onset=fhir.ago(weeks=3))],
    )


def post(client, body: dict, token: str, url: str = fhir.SERVICE_URL):
    # json.dumps writes a lone surrogate as the escape \ud800, as a record system's JSON would.
    return client.post(
        url.removeprefix("http://testserver"),
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def assert_400_naming(response, field: str):
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_character_in_the_jti_is_refused_without_a_500(client, ehr, bad):
    response = post(client, low_back_pain(), ehr.token(jti=f"id-{bad}"))

    assert response.status_code == 401, response.content
    assert "jti" in response.json()["errors"]["authorization"][0]


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_character_in_a_conditions_display_is_400(client, ehr, bad):
    response = post(client, low_back_pain(f"Lænderyg{bad}smerter"), ehr.token())

    assert_400_naming(response, "prefetch.conditions.entry[0].resource.code.coding[0].display")


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_character_in_a_medications_display_is_400(client, ehr, bad):
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(2))],
        statements=[
            fhir.medication_statement(
                "N02AA05", f"Oxycodon{bad}", fhir.dosage(10, per_day=2), since=fhir.years_ago(1)
            )
        ],
    )

    response = post(client, body, ehr.token())

    assert_400_naming(
        response,
        "prefetch.medicationStatements.entry[0].resource.medicationCodeableConcept"
        ".coding[0].display",
    )


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_character_in_the_patient_id_is_400(client, ehr, bad):
    body = low_back_pain()
    body["context"]["patientId"] = f"pt{bad}1"
    body["prefetch"]["patient"]["id"] = f"pt{bad}1"

    response = post(client, body, ehr.token())

    assert_400_naming(response, "context.patientId")


@pytest.mark.parametrize("bad", BAD)
def test_a_bad_character_in_a_feedback_card_id_is_400(client, ehr, bad):
    body = {
        "feedback": [
            {
                "card": f"card{bad}",
                "outcome": "overridden",
                "outcomeTimestamp": "2026-01-01T10:00:00Z",
            }
        ]
    }

    response = post(client, body, ehr.token(aud=fhir.FEEDBACK_URL), url=fhir.FEEDBACK_URL)

    assert_400_naming(response, "feedback[0].card")


@pytest.mark.parametrize("claim", ["exp", "iat"])
def test_an_infinite_time_in_the_token_is_refused_without_a_500(client, ehr, claim):
    response = post(client, low_back_pain(), ehr.token(**{claim: float("inf")}))

    assert response.status_code == 401, response.content
