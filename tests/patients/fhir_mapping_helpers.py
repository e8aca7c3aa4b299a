"""The FHIR mapping table, and reading one record's medication, shared by the FHIR tests."""

import json

from patients.cds.fhir_mapping import record_read
from patients.cds.fhir_tables import MAPPING_FILE
from tests import fhir_records as fhir

MAPPING = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))


def read(body) -> object:
    """Read a CDS Hooks call's prefetched record, as the service does today."""
    return record_read(prefetch=body["prefetch"], patient_id=fhir.PATIENT_ID, today=fhir.today())


def medication_of(*dosages, atc="N02AA05", contained=None, kind="statement"):
    """Return the medication read from a record holding one statement (or request) of `atc`."""
    if kind == "statement":
        resource = fhir.medication_statement(atc, "Lægemiddel", *dosages)
        body = fhir.hook_request(fhir.patient(50), statements=[resource])
    else:
        resource = fhir.medication_request(atc, "Lægemiddel", *dosages)
        body = fhir.hook_request(fhir.patient(50), requests=[resource])
    if contained:
        resource["contained"] = [contained]
        resource["medicationReference"] = {"reference": f"#{contained['id']}"}
        del resource["medicationCodeableConcept"]
    (med,) = read(body).medications
    return med
