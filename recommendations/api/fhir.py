"""GET /api/v1/guidelines/<slug>/fhir/: a guideline as a FHIR R4 PlanDefinition (CPG-on-FHIR)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from .. import selectors
from ..integration.plan_definition import plan_definition_build
from .openapi import GUIDELINE_SLUG, NOT_FOUND


class FhirJsonRenderer(JSONRenderer):
    """FHIR's JSON media type (FHIR R4 http.html#mime-type)."""

    media_type = "application/fhir+json"


@extend_schema(
    parameters=[GUIDELINE_SLUG],
    responses={(200, "application/fhir+json"): OpenApiTypes.OBJECT} | NOT_FOUND,
    description="Retningslinjen som FHIR R4 PlanDefinition efter HL7 CPG-on-FHIR: én action pr. "
    "anbefaling med styrke, retning, evidensens kvalitet og hvornår den gælder.",
)
@api_view(["GET"])
@renderer_classes([FhirJsonRenderer, JSONRenderer])
def guideline_plan_definition(request: Request, slug: str) -> Response:
    guideline = selectors.guideline_get(slug=slug)
    return Response(
        plan_definition_build(
            guideline=guideline,
            recommendations=guideline.recommendations.all(),
            absolute=request.build_absolute_uri,
            fhir_path=request.path,
        )
    )
