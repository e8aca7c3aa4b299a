"""GET /api/v1/guidelines/<slug>/fhir/: a guideline as a FHIR R4 PlanDefinition (CPG-on-FHIR).

A FHIR client reads errors as an OperationOutcome (FHIR R4 http.html), not the API's own
error shape, so this endpoint answers every error it raises (unknown guideline, wrong method,
too many calls) as one.
"""

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from .. import selectors
from ..fhir_export.plan_definition import plan_definition_build
from .errors import ErrorSerializer
from .openapi import GUIDELINE_SLUG

# FHIR R4 issue-type codes (valueset-issue-type) for the statuses this endpoint answers.
ISSUE_CODES = {
    status.HTTP_404_NOT_FOUND: "not-found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "not-supported",
    status.HTTP_406_NOT_ACCEPTABLE: "not-supported",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}
NOT_FOUND_DIAGNOSTICS = "Ingen retningslinje med dette id."
OperationOutcomeSerializer = inline_serializer(
    "OperationOutcome",
    {
        "resourceType": serializers.ChoiceField(choices=["OperationOutcome"]),
        "issue": serializers.ListField(child=serializers.DictField(), min_length=1),
    },
)


class FhirJsonRenderer(JSONRenderer):
    """FHIR's JSON media type (FHIR R4 http.html#mime-type)."""

    media_type = "application/fhir+json"


def operation_outcome(*, code: str, diagnostics: str) -> dict:
    """Return a FHIR R4 OperationOutcome with one error issue."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    }


def fhir_exception_handler(exc, context):
    """Return DRF's response for `exc` with an OperationOutcome as its body."""
    response = exception_handler(exc, context)
    if response is not None:
        detail = getattr(exc, "detail", "")
        if response.status_code == status.HTTP_404_NOT_FOUND:
            detail = NOT_FOUND_DIAGNOSTICS
        response.data = operation_outcome(
            code=ISSUE_CODES.get(response.status_code, "processing"), diagnostics=str(detail)
        )
    return response


class GuidelinePlanDefinition(APIView):
    renderer_classes = [FhirJsonRenderer, JSONRenderer]

    def get_exception_handler(self):
        return fhir_exception_handler

    @extend_schema(
        parameters=[GUIDELINE_SLUG],
        responses={
            (200, "application/fhir+json"): OpenApiTypes.OBJECT,
            (404, "application/fhir+json"): OperationOutcomeSerializer,
            # An id that is no slug never reaches this view: the API's own 404 answers it.
            (404, "application/json"): ErrorSerializer,
            (429, "application/fhir+json"): OperationOutcomeSerializer,
        },
        description="Retningslinjen som FHIR R4 PlanDefinition efter HL7 CPG-on-FHIR: én action "
        "pr. anbefaling med styrke, retning, evidensens kvalitet og hvornår den gælder "
        "(FHIRPath over vurderingens fakta). Fejl svares som FHIR OperationOutcome.",
    )
    def get(self, request: Request, slug: str) -> Response:
        guideline = selectors.guideline_get(slug=slug)
        return Response(
            plan_definition_build(
                guideline=guideline,
                recommendations=guideline.recommendations.all(),
                absolute=request.build_absolute_uri,
                canonical_base=settings.FHIR_CANONICAL_BASE,
            )
        )


guideline_plan_definition = GuidelinePlanDefinition.as_view()
