"""Malformed FHIR primitives in the prefetch: 400 naming the resource and field, never a 500."""

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.cds.fhir_values import DATE_ERROR, FIELD_TYPE_ERROR, TIME_ERROR
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")

STATEMENT = "prefetch.medicationStatements.entry[0].resource"
OXYCODONE = "MedicationStatement/ms-N02AA05"


def oxycodone_dosage(body) -> dict:
    return body["prefetch"]["medicationStatements"]["entry"][0]["resource"]["dosage"][0]


def errors_of(client, ehr, body) -> dict:
    response = ehr.call(client, body)
    assert response.status_code == 400, response.content
    return response.json()["errors"]


@pytest.mark.parametrize("unit", [["d"], {"a": 1}, 1])
def test_a_period_unit_that_is_not_a_code_is_400_naming_it(client, ehr, unit):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    oxycodone_dosage(body)["timing"]["repeat"]["periodUnit"] = unit

    assert errors_of(client, ehr, body) == {
        f"{STATEMENT}.dosage[0].timing.repeat.periodUnit": [
            FIELD_TYPE_ERROR.format(
                resource=OXYCODONE, field="dosage.timing.repeat.periodUnit", expected="en tekst"
            )
        ]
    }


@pytest.mark.parametrize("value", ["yes", 1, ["true"]])
def test_as_needed_that_is_not_a_boolean_is_400(client, ehr, value):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    oxycodone_dosage(body)["asNeededBoolean"] = value

    assert errors_of(client, ehr, body) == {
        f"{STATEMENT}.dosage[0].asNeededBoolean": [
            FIELD_TYPE_ERROR.format(
                resource=OXYCODONE, field="dosage[0].asNeededBoolean", expected="true eller false"
            )
        ]
    }


def test_a_when_that_is_not_a_code_is_400_and_not_one_dose_a_day(client, ehr):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    oxycodone_dosage(body)["timing"] = {"repeat": {"when": [{}]}}

    assert errors_of(client, ehr, body) == {
        f"{STATEMENT}.dosage[0].timing.repeat.when[0]": [
            FIELD_TYPE_ERROR.format(
                resource=OXYCODONE, field="dosage.timing.repeat.when[0]", expected="en tekst"
            )
        ]
    }


def test_a_time_of_day_outside_the_day_is_400(client, ehr):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    oxycodone_dosage(body)["timing"] = {"repeat": {"timeOfDay": ["08:00:00", "25:99:00"]}}

    assert errors_of(client, ehr, body) == {
        f"{STATEMENT}.dosage[0].timing.repeat.timeOfDay[1]": [
            TIME_ERROR.format(
                resource=OXYCODONE, field="dosage.timing.repeat.timeOfDay[1]", value="25:99:00"
            )
        ]
    }


def test_a_dose_entry_that_is_not_an_object_is_400_not_ignored(client, ehr):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    oxycodone_dosage(body)["doseAndRate"].append("x")

    assert errors_of(client, ehr, body) == {
        f"{STATEMENT}.dosage[0].doseAndRate[1]": [
            FIELD_TYPE_ERROR.format(
                resource=OXYCODONE, field="dosage.doseAndRate[1]", expected="et objekt"
            )
        ]
    }


def test_an_onset_time_outside_the_day_is_400(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    body["prefetch"]["conditions"]["entry"][0]["resource"]["onsetDateTime"] = "2024-01-01T25:99"

    assert errors_of(client, ehr, body) == {
        "prefetch.conditions.entry[0].resource.onsetDateTime": [
            DATE_ERROR.format(
                resource="Condition/c-M545", field="onsetDateTime", value="2024-01-01T25:99"
            )
        ]
    }


# --- Every field of a realistic record, replaced by anything -------------------------------


def rich_record() -> dict:
    """Return a record that uses every part of FHIR the mapping reads."""
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    conditions = body["prefetch"]["conditions"]["entry"]
    conditions[0]["resource"]["onsetPeriod"] = {
        "start": conditions[0]["resource"].pop("onsetDateTime")
    }
    statement = body["prefetch"]["medicationStatements"]["entry"][0]["resource"]
    statement["dosage"][0]["timing"]["repeat"].update(when=["MORN"], timeOfDay=["08:00:00"])
    statement["dosage"][0]["timing"]["code"] = {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation", "code": "BID"}
        ]
    }
    statement["dosage"][0]["asNeededBoolean"] = False
    statement["dosage"][0]["sequence"] = 1
    statement["effectiveDateTime"] = statement.pop("effectivePeriod")["start"]
    request = fhir.medication_request(
        "N02AX02", "Tramadol", fhir.dosage(1, "tablet", per_day=2), authored=fhir.ago(weeks=10)
    )
    request.pop("medicationCodeableConcept")
    request["contained"] = [
        {
            "resourceType": "Medication",
            "id": "tramadol-50",
            "code": {"coding": [{"system": fhir.ATC, "code": "N02AX02", "display": "Tramadol"}]},
            "ingredient": [
                {
                    "isActive": True,
                    "strength": {
                        "numerator": {"value": 50, "unit": "mg", "system": fhir.UCUM, "code": "mg"},
                        "denominator": {"value": 1, "unit": "tablet"},
                    },
                }
            ],
        }
    ]
    request["medicationReference"] = {"reference": "#tramadol-50"}
    body["prefetch"]["medicationRequests"] = fhir.bundle(request)
    return body


def paths(value, path=()) -> list[tuple]:
    """Return the path of every value inside a JSON document (objects' keys, lists' indexes)."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*path, index))
    return found


PREFETCH_PATHS = [path for path in paths(rich_record()) if path[0] == "prefetch"]

ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=12)
    | st.sampled_from(["d", "h", "mg", "2024", "2024-02-30", "08:00:00", "active", "#x"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["value", "code", "system", "start", "x"]), children)
    ),
    max_leaves=6,
)


def replaced(body: dict, path: tuple, value) -> dict:
    body = copy.deepcopy(body)
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return body


def test_the_rich_record_is_read_and_has_periodunit_among_its_fields(client, ehr):
    assert ehr.call(client, rich_record()).status_code == 200
    leaves = {path[-1] for path in PREFETCH_PATHS}
    assert {"periodUnit", "asNeededBoolean", "timeOfDay", "when", "onsetPeriod"} <= leaves


@pytest.mark.parametrize("path", PREFETCH_PATHS, ids=lambda path: ".".join(map(str, path)))
def test_any_field_that_is_a_list_or_an_object_is_never_a_500(client, ehr, path):
    for value in (["x"], {"x": 1}):
        response = ehr.call(client, replaced(rich_record(), path, value))
        assert response.status_code in {200, 400, 412}, (path, value, response.content)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=st.sampled_from(PREFETCH_PATHS), value=ANY_JSON)
def test_any_field_replaced_by_anything_is_never_a_500(client, ehr, path, value):
    response = ehr.call(client, replaced(rich_record(), path, value))
    assert response.status_code in {200, 400, 412}, (path, value, response.content)


# --- Bodies the JSON parser refuses --------------------------------------------------------


def test_a_body_nested_too_deeply_is_400_in_the_api_error_shape(client, ehr):
    response = client.post(
        "/cds-services/nkr-pain",
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
        headers={"Authorization": f"Bearer {ehr.token()}"},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_a_body_too_large_is_400_in_the_api_error_shape(client, ehr, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    body["padding"] = "x" * 2000
    response = ehr.call(client, body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["body"]


def test_a_versioned_reference_to_the_patient_is_the_same_patient(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    condition = body["prefetch"]["conditions"]["entry"][0]["resource"]
    condition["subject"]["reference"] = f"Patient/{fhir.PATIENT_ID}/_history/3"

    assert ehr.call(client, body).status_code == 200


def test_a_versioned_reference_to_another_patient_is_still_400(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    condition = body["prefetch"]["conditions"]["entry"][0]["resource"]
    condition["subject"]["reference"] = "Patient/other/_history/3"

    assert "prefetch.conditions.entry[0].resource.subject.reference" in errors_of(client, ehr, body)
