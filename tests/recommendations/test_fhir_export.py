"""GET /api/v1/guidelines/<slug>/fhir/: each guideline as a FHIR R4 PlanDefinition (CPG-on-FHIR).

Validated with fhir.resources 6.4, whose models are FHIR R4 (4.0.1).
"""

import fhir.resources
import pytest
from fhir.resources.plandefinition import PlanDefinition

from recommendations.models import Guideline, Recommendation

pytestmark = pytest.mark.usefixtures("content")

GUIDELINES = ["child-msk-pain", "generalised-pain", "acute-low-back-pain", "opioid-tapering"]
# The canonical URLs, written out: a typo in the module must fail here, not be copied.
STRENGTH_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
QUALITY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/cqf-qualityOfEvidence"
DIRECTION_EXTENSION = "http://hl7.org/fhir/uv/cpg/StructureDefinition/cpg-directionOfRecommendation"
DIRECTION_SYSTEM = "http://hl7.org/fhir/uv/cpg/CodeSystem/cpg-recommendation-direction-cs"
QUALITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/evidence-quality"


def export(client, slug):
    response = client.get(f"/api/v1/guidelines/{slug}/fhir/")
    assert response.status_code == 200, response.content
    return response


def extension(action, url):
    return next((e for e in action["extension"] if e["url"] == url), None)


def test_the_validating_package_models_fhir_r4():
    assert fhir.resources.__fhir_version__ == "4.0.1"


@pytest.mark.parametrize("slug", GUIDELINES)
def test_every_guideline_exports_as_a_valid_r4_plan_definition(client, slug):
    data = export(client, slug).json()

    resource = PlanDefinition.parse_obj(data)

    assert resource.status == "active"
    assert resource.url == f"https://nkr.example.org/fhir/PlanDefinition/{slug}"
    assert [action.id for action in resource.action] == list(
        Recommendation.objects.filter(guideline__slug=slug)
        .order_by("order")
        .values_list("slug", flat=True)
    )


def test_the_export_is_served_as_fhir_json(client):
    assert export(client, "generalised-pain")["Content-Type"].startswith("application/fhir+json")


def test_each_action_carries_text_strength_direction_and_certainty(client):
    actions = {a["id"]: a for a in export(client, "generalised-pain").json()["action"]}

    cbt = actions["cbt"]
    assert cbt["title"].startswith("Tilbyd kognitiv adfærdsterapi")
    assert cbt["textEquivalent"].startswith("↑↑ Stærk anbefaling for: ")
    strength = extension(cbt, STRENGTH_EXTENSION)["valueCodeableConcept"]
    assert strength["coding"][0] == {
        "system": "http://terminology.hl7.org/CodeSystem/recommendation-strength",
        "code": "strong",
        "display": "Strong",
    }
    assert strength["text"] == "Stærk anbefaling"
    direction = extension(actions["tramadol"], DIRECTION_EXTENSION)["valueCodeableConcept"]
    assert direction["coding"][0]["code"] == "against"
    assert direction["coding"][0]["system"] == DIRECTION_SYSTEM


@pytest.mark.parametrize("slug", GUIDELINES)
def test_every_action_carries_the_canonical_strength_and_direction_extensions(client, slug):
    for action in export(client, slug).json()["action"]:
        urls = [e["url"] for e in action["extension"]]
        assert STRENGTH_EXTENSION in urls and DIRECTION_EXTENSION in urls, action["id"]
        assert set(urls) <= {STRENGTH_EXTENSION, DIRECTION_EXTENSION, QUALITY_EXTENSION}


def test_good_practice_keeps_its_own_code_since_hl7_has_none(client):
    action = export(client, "generalised-pain").json()["action"][0]  # diagnostic clarification
    codings = extension(action, STRENGTH_EXTENSION)["valueCodeableConcept"]["coding"]
    assert [c["code"] for c in codings] == ["good_practice"]


def test_certainty_is_exported_only_where_the_source_gives_it(client):
    actions = {a["id"]: a for a in export(client, "opioid-tapering").json()["action"]}
    quality = extension(actions["psychosocial-support"], QUALITY_EXTENSION)
    assert quality["valueCodeableConcept"]["coding"][0]["code"] == "moderate"
    assert quality["valueCodeableConcept"]["coding"][0]["system"] == QUALITY_SYSTEM
    assert extension(actions["frequent-follow-up"], QUALITY_EXTENSION) is None


def test_applicability_is_described_for_the_scope_and_the_recommendation(client):
    actions = {a["id"]: a for a in export(client, "generalised-pain").json()["action"]}

    conditions = actions["multidisciplinary"]["condition"]

    assert all(c["kind"] == "applicability" for c in conditions)
    descriptions = [c["expression"]["description"] for c in conditions]
    assert "alder (år) mindst 18" in descriptions
    assert descriptions[-1] == (
        "komplekse problemstillinger som følge af smerterne og smertevarighed (uger) over 26"
    )


def test_each_action_links_to_its_page_and_cites_its_source(client):
    action = export(client, "acute-low-back-pain").json()["action"][0]
    kinds = {doc["type"]: doc for doc in action["documentation"]}
    assert kinds["documentation"]["url"] == (
        "http://testserver/guidelines/acute-low-back-pain/stay-active/"
    )
    assert "Sundhedsstyrelsen" in kinds["citation"]["citation"]


def test_an_unknown_guideline_is_404(client):
    assert client.get("/api/v1/guidelines/no-such/fhir/").status_code == 404


def test_the_export_stays_within_its_query_budget(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        export(client, "generalised-pain")


# The nkr strength code system, written out: it must never change, whoever serves the export.
NKR_STRENGTH_SYSTEM = "urn:uuid:a5e1e6b3-2102-43d8-8de1-41baf770104d"


def test_the_nkr_strength_code_system_is_one_uri_whatever_the_host(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "nkr.example.dk"]
    systems = set()
    for host, secure in (("testserver", False), ("nkr.example.dk", True)):
        response = client.get(
            "/api/v1/guidelines/generalised-pain/fhir/", HTTP_HOST=host, secure=secure
        )
        assert response.status_code == 200, response.content
        for action in response.json()["action"]:
            for coding in extension(action, STRENGTH_EXTENSION)["valueCodeableConcept"]["coding"]:
                systems.add(coding["system"])
    assert systems == {
        "http://terminology.hl7.org/CodeSystem/recommendation-strength",
        NKR_STRENGTH_SYSTEM,
    }


def test_the_nkr_strength_code_system_is_documented():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "integration.md").read_text()
    assert NKR_STRENGTH_SYSTEM in docs


@pytest.mark.parametrize("slug", GUIDELINES)
def test_no_applicability_expression_is_null(client, slug):
    for action in export(client, slug).json()["action"]:
        for condition in action["condition"]:
            assert condition["expression"]["expression"] not in ("null", ""), action["id"]


def test_a_recommendation_for_everyone_in_scope_has_only_the_scope_conditions(client):
    data = export(client, "acute-low-back-pain").json()
    always = Recommendation.objects.filter(
        guideline__slug="acute-low-back-pain", applies_when__isnull=True
    ).values_list("slug", flat=True)
    assert always
    # One condition per scope criterion of the guideline, and nothing of the action's own.
    scope_conditions = len(Guideline.objects.get(slug="acute-low-back-pain").scope)
    assert scope_conditions
    for action in data["action"]:
        if action["id"] in always:
            assert len(action["condition"]) == scope_conditions


def test_the_plan_definition_has_a_version_and_each_action_names_its_recommendation_version(
    client,
):
    rec = Recommendation.objects.get(guideline__slug="opioid-tapering", slug="frequent-follow-up")
    Recommendation.objects.filter(pk=rec.pk).update(version=3)

    data = export(client, "opioid-tapering").json()

    assert data["version"] == data["date"]
    actions = {a["id"]: a for a in data["action"]}
    page = next(
        d for d in actions["frequent-follow-up"]["documentation"] if d["type"] == "documentation"
    )
    assert page["display"] == "nkr, version 3"
    PlanDefinition.parse_obj(data)


# Found auditing the content (2026-12-06): the description was the guideline's population,
# whose limits ("mindst 12 uger", "18 år og derover") are nkr's reading with no mark; the
# summary, which readers see on the guideline page, marks them.
@pytest.mark.parametrize("slug", GUIDELINES)
def test_the_description_marks_nkrs_reading_of_the_population(client, slug):
    guideline = Guideline.objects.get(slug=slug)
    assert export(client, slug).json()["description"] == guideline.population_summary
    assert "nkr's læsning" in guideline.population_summary
