"""A guideline as a FHIR R4 PlanDefinition (GET /api/v1/guidelines/<slug>/fhir/).

Pure functions over plain data: plan_definition.py builds the resource, fhirpath.py writes
each condition in FHIRPath; the endpoint is recommendations/api/fhir.py. The CDS Hooks
service (FHIR in, cards out) is patients/cds/.
"""
