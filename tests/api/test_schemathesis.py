"""Schemathesis against the OpenAPI document, over HTTP to a live server with the content seeded.

Every operation in /api/schema/ is called with generated requests, valid and invalid
(Schemathesis' examples, coverage and fuzzing phases), and every answer must be no 5xx, a
documented status code and content type, and a body that matches the documented schema.

The CDS Hooks endpoints are not in the document (they follow the CDS Hooks specification,
tested in tests/patients/). Bounded for CI: a fixed seed and MAX_EXAMPLES per operation.
To explore, NKR_FUZZ_RANDOM=1 NKR_FUZZ_EXAMPLES=500 pytest -m schemathesis.

The operations are collected from the document drf-spectacular generates in-process (pytest
collects before any server runs; Schemathesis' lazy fixture loader does not work with
pytest 9); test_the_served_document_is_the_one_tested checks that /api/schema/ serves that
same document.
"""

import json
import os
import re

import pytest
import requests
import schemathesis
from django.urls import URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.checks import load_all_checks

from recommendations.intake_input import PATCH_DOSE_MAX
from recommendations.seeding import content_seed

pytestmark = pytest.mark.schemathesis

SCHEMA_URL = "/api/schema/?format=json"
API_PREFIX = "/api/v1/"
MAX_EXAMPLES = int(os.getenv("NKR_FUZZ_EXAMPLES", "40"))
load_all_checks()
# Every check Schemathesis has, named so that a check it adds later is run too.
CHECKS = REGISTERED_CHECKS.get_all()

# Operations whose input has rules across fields that OpenAPI cannot state, so a body that
# matches the document may still be refused (400, naming the rule): the taper plan's start
# date lies within two years of today, its plan has at most MAX_STEPS steps, and drug/dose/unit
# and medications exclude each other. Every other check runs on them too.
CROSS_FIELD_RULES = {"/api/v1/opioids/taper-plan/"}

document = json.loads(
    OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))
)
schema = schemathesis.openapi.from_dict(document)


@pytest.fixture
def base_url(live_server, transactional_db):
    """Return the live server's address, with the guideline content seeded."""
    content_seed()
    return live_server.url


def test_the_served_document_is_the_one_tested(base_url):
    response = requests.get(f"{base_url}{SCHEMA_URL}", timeout=10)
    assert response.status_code == 200
    assert response.json() == document


def api_url_patterns():
    """Every route under /api/v1/: each feature includes its own API routes there."""
    for included in get_resolver().url_patterns:
        if isinstance(included, URLResolver) and str(included.pattern) == API_PREFIX[1:]:
            yield from included.url_patterns


def test_every_api_route_is_in_the_openapi_document():
    routes = {
        API_PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in api_url_patterns()
    }
    assert routes == set(document["paths"])


def test_every_operation_documents_its_errors_in_the_shared_shape():
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status in ("503", "429"):
                content = operation["responses"][status]["content"]
                if path.endswith("/fhir/") and status == "429":
                    # A FHIR client reads errors as an OperationOutcome (docs/integration.md).
                    body = content["application/fhir+json"]["schema"]
                    assert body == {"$ref": "#/components/schemas/OperationOutcome"}, path
                    continue
                body = content["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Errors"}, (method, path, status)


@schema.parametrize()
# The live server is set up once per operation, not per example: Hypothesis' health check for
# function-scoped fixtures does not apply, and a slow example is not a failure here.
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=os.getenv("NKR_FUZZ_RANDOM") != "1",
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_openapi_document_says(case, base_url):
    checks = CHECKS
    if case.operation.path in CROSS_FIELD_RULES:
        checks = [check for check in CHECKS if check.__name__ != "positive_data_acceptance"]
    case.call_and_validate(base_url=base_url, checks=checks, timeout=30)


def enum_values(schema) -> set:
    """Return every enum value in a schema, following $ref, allOf and oneOf."""
    if isinstance(schema, list):
        return set().union(*(enum_values(item) for item in schema))
    if not isinstance(schema, dict):
        return set()
    if "$ref" in schema:
        return enum_values(document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    values = set(schema.get("enum", []))
    for key in ("allOf", "oneOf", "anyOf"):
        values |= enum_values(schema.get(key, []))
    return values


def test_the_document_says_what_the_server_refuses():
    schemas = document["components"]["schemas"]
    for name in ("IntakeRequest", "MmeInputRequest", "TaperPlanInputRequest", "MedicationRequest"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["MmeInputRequest"]["properties"]["medications"]["minItems"] == 1
    pairs = {
        unit: enum_values(branch["properties"]["drug"])
        for branch in schemas["MedicationRequest"]["oneOf"]
        for unit in enum_values(branch["properties"]["unit"])
    }
    assert "fentanyl_patch" in pairs["mcg/h"] and "fentanyl_patch" not in pairs["mg"]
    patch_doses = [
        branch["properties"]["daily_dose"]["maximum"]
        for branch in schemas["MedicationRequest"]["oneOf"]
        if "mcg/h" in enum_values(branch["properties"]["unit"])
    ]
    assert patch_doses == [PATCH_DOSE_MAX]
    assert "oxycodone" in pairs["mg"]
    (guideline,) = [
        parameter
        for parameter in document["paths"]["/api/v1/recommendations/"]["get"]["parameters"]
        if parameter["name"] == "guideline"
    ]
    assert "acute-low-back-pain" in enum_values(guideline["schema"])
    red_flag = schemas["IntakeRequest"]["properties"]["red_flags"]["items"]
    assert "cauda_equina_bladder" in enum_values(red_flag)
