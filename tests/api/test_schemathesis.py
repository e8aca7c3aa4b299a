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
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from recommendations.api import urls as api_urls
from recommendations.services import content_seed

pytestmark = pytest.mark.schemathesis

SCHEMA_URL = "/api/schema/?format=json"
API_PREFIX = "/api/v1/"
MAX_EXAMPLES = int(os.getenv("NKR_FUZZ_EXAMPLES", "40"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

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


def test_every_api_route_is_in_the_openapi_document():
    routes = {
        API_PREFIX + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in api_urls.urlpatterns
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
    case.call_and_validate(base_url=base_url, checks=CHECKS, timeout=30)
