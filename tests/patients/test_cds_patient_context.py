"""A CDS call is about one patient: context.patientId is required, and the prefetch holds only
that patient's resources (API.md: both are a 400)."""

import pytest

from patients.cds.views import PATIENT_ID_REQUIRED_ERROR
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def test_a_call_without_context_patient_id_is_400(client, ehr):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    del body["context"]["patientId"]

    response = ehr.call(client, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {"context.patientId": [PATIENT_ID_REQUIRED_ERROR]}


@pytest.mark.parametrize("value", ["", "   "])
def test_a_blank_context_patient_id_is_400(client, ehr, value):
    body = fhir.adult_with_low_back_pain_for_three_weeks()
    body["context"]["patientId"] = value

    response = ehr.call(client, body)

    assert response.status_code == 400
    assert response.json()["errors"] == {"context.patientId": [PATIENT_ID_REQUIRED_ERROR]}


def test_without_patient_id_another_patients_conditions_are_not_let_through(client, ehr):
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[
            fhir.condition(
                "M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=1), subject="Patient/other"
            )
        ],
    )
    del body["context"]["patientId"]

    response = ehr.call(client, body)

    assert response.status_code == 400
    assert "cards" not in response.json()


def test_with_patient_id_another_patients_medication_is_400(client, ehr):
    statement = fhir.medication_statement(
        "N02AA05", "Oxycodon 10 mg", fhir.dosage(10, per_day=2), since=fhir.years_ago(1)
    )
    statement["subject"] = {"reference": "Patient/other"}
    body = fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(2))],
        statements=[statement],
    )

    response = ehr.call(client, body)

    assert response.status_code == 400
    (field,) = response.json()["errors"]
    assert field == "prefetch.medicationStatements.entry[0].resource.subject.reference"
