"""CDS Hooks refusals: 412 when needed data was not sent, 400 naming malformed FHIR."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patients.cds.fhir_values import DATE_ERROR, NUMBER_ERROR, OTHER_PATIENT_ERROR
from patients.cds.views import PREFETCH, PREFETCH_MISSING_ERROR
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


# --- 412: data we need was not sent --------------------------------------------------------


@pytest.mark.parametrize("key", ["patient", "conditions"])
def test_a_missing_prefetch_key_is_412_naming_it(client, ehr, key):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    del body["prefetch"][key]

    response = ehr.call(client, body)

    assert response.status_code == 412
    assert response.json()["errors"] == {
        f"prefetch.{key}": [PREFETCH_MISSING_ERROR.format(key=key, template=PREFETCH[key])]
    }


def test_no_medication_prefetch_at_all_is_412(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    del body["prefetch"]["medicationStatements"]
    del body["prefetch"]["medicationRequests"]

    response = ehr.call(client, body)

    assert response.status_code == 412
    assert set(response.json()["errors"]) == {
        "prefetch.medicationStatements",
        "prefetch.medicationRequests",
    }


def test_one_medication_prefetch_is_enough(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    del body["prefetch"]["medicationRequests"]
    assert ehr.call(client, body).status_code == 200


def test_no_prefetch_at_all_is_412(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    del body["prefetch"]
    assert ehr.call(client, body).status_code == 412


def test_a_prefetch_the_client_failed_to_fetch_is_412(client, ehr):
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout"}],
    }
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    body["prefetch"]["conditions"] = outcome
    assert ehr.call(client, body).status_code == 412


def test_null_prefetch_means_nothing_found_not_missing(client, ehr):
    body = fhir.hook_request(fhir.patient(45))  # conditions and medication bundles are null
    response = ehr.call(client, body)
    assert response.status_code == 200
    assert response.json() == {"cards": []}


# --- 400: malformed FHIR, named ------------------------------------------------------------


def test_a_malformed_onset_date_is_400_naming_the_resource_and_field(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    body["prefetch"]["conditions"]["entry"][0]["resource"]["onsetDateTime"] = "2024-13-45"

    response = ehr.call(client, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "prefetch.conditions.entry[0].resource.onsetDateTime": [
            DATE_ERROR.format(
                resource="Condition/c-M545", field="onsetDateTime", value="2024-13-45"
            )
        ]
    }


def test_a_dose_that_is_not_a_number_is_400_naming_the_medication(client, ehr):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    statement = body["prefetch"]["medicationStatements"]["entry"][0]["resource"]
    statement["dosage"][0]["doseAndRate"][0]["doseQuantity"]["value"] = "ti"

    response = ehr.call(client, body)

    assert response.status_code == 400
    (messages,) = response.json()["errors"].values()
    assert messages == [
        NUMBER_ERROR.format(
            resource="MedicationStatement/ms-N02AA05",
            field="dosage.doseAndRate.doseQuantity.value",
            value="ti",
        )
    ]


def test_a_condition_about_another_patient_is_400(client, ehr):
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[
            fhir.condition(
                "M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=1), subject="Patient/other"
            )
        ],
    )
    response = ehr.call(client, body)

    assert response.status_code == 400
    assert response.json()["errors"]["prefetch.conditions.entry[0].resource.subject.reference"] == [
        OTHER_PATIENT_ERROR.format(
            resource="Condition/c-M545",
            field="subject.reference",
            reference="Patient/other",
            patient=f"Patient/{fhir.PATIENT_ID}",
        )
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda b: b["prefetch"].update(patient={"resourceType": "Bundle"}), "prefetch.patient"),
        (lambda b: b["prefetch"].update(conditions=[]), "prefetch.conditions"),
        (
            lambda b: b["prefetch"]["patient"].update(birthDate="1.1.1980"),
            "prefetch.patient.birthDate",
        ),
        (lambda b: b["prefetch"]["patient"].update(id="someone-else"), "prefetch.patient.id"),
        (lambda b: b.update(hook="order-sign"), "hook"),
        (lambda b: b.update(context="pt-1"), "context"),
        (lambda b: b.pop("hookInstance"), "hookInstance"),
    ],
)
def test_malformed_requests_are_400_with_the_field_named(client, ehr, change, field):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    change(body)

    response = ehr.call(client, body)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_a_body_that_is_not_json_is_400(client, ehr):
    response = client.post(
        "/cds-services/nkr-pain",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {ehr.token()}"},
    )
    assert response.status_code == 400
    assert "errors" in response.json()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "resourceType",
                    "code",
                    "coding",
                    "system",
                    "onsetDateTime",
                    "dosage",
                    "value",
                    "doseAndRate",
                    "doseQuantity",
                    "timing",
                    "repeat",
                    "frequency",
                    "frequencyMax",
                    "period",
                    "periodMax",
                    "periodUnit",
                    "when",
                    "timeOfDay",
                    "dayOfWeek",
                    "asNeededBoolean",
                    "sequence",
                    "unit",
                    "onsetPeriod",
                    "start",
                    "effectivePeriod",
                    "clinicalStatus",
                    "verificationStatus",
                    "entry",
                    "resource",
                    "status",
                    "medicationCodeableConcept",
                    "birthDate",
                    "subject",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(condition=JSON, statement=JSON)
def test_whatever_the_record_sends_the_answer_is_never_a_500(client, ehr, condition, statement):
    body = fhir.adult_with_fibromyalgia_on_oxycodone()
    body["prefetch"]["conditions"]["entry"].append({"resource": condition})
    body["prefetch"]["medicationStatements"]["entry"][0]["resource"]["dosage"] = [statement]

    assert ehr.call(client, body).status_code in {200, 400, 412}
