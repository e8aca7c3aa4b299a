"""EHR integration: FHIR R4 in (CDS Hooks prefetch), cards and FHIR PlanDefinitions out.

Pure functions over plain data; the HTTP endpoints that use them live in patients/cds.py
(they store feedback) and recommendations/api/fhir.py (the PlanDefinition export).
"""
