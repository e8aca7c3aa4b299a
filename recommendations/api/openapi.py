"""The OpenAPI document's shared parts (drf-spectacular): path parameters and error answers.

The examples are real slugs from fixtures/, so a client reading /api/docs/ (and Schemathesis)
can try an address that exists; the pattern is Django's `slug` path converter.
"""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from .errors import ErrorSerializer


class AutoSchema(openapi.AutoSchema):
    """Document the answers every operation can give besides its own: 503, and 429 if throttled.

    503 is DatabaseUnavailableMiddleware's (recommendations/middleware.py), 429 the API
    throttle's; both in the shared error shape.
    """

    def _get_response_bodies(self, direction="response"):
        # Not get_response_serializers(): @extend_schema overrides that one per view.
        responses = super()._get_response_bodies(direction)
        extra = ["503", "429"] if getattr(self.view, "throttle_classes", None) else ["503"]
        for code in extra:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"

GUIDELINE_SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    pattern=SLUG_PATTERN,
    description="Retningslinjens kortnavn",
    examples=[OpenApiExample("Nyopståede lænderygsmerter", value="acute-low-back-pain")],
)
HISTORY_GUIDELINE_SLUG = OpenApiParameter(
    "guideline_slug",
    str,
    OpenApiParameter.PATH,
    pattern=SLUG_PATTERN,
    description="Retningslinjens kortnavn",
    examples=[OpenApiExample("Nyopståede lænderygsmerter", value="acute-low-back-pain")],
)
RECOMMENDATION_SLUG = OpenApiParameter(
    "slug",
    str,
    OpenApiParameter.PATH,
    pattern=SLUG_PATTERN,
    description="Anbefalingens kortnavn inden for retningslinjen",
    examples=[OpenApiExample("Hold dig aktiv", value="stay-active")],
)

# An unknown slug is a 404 in the shared error shape, {"errors": {"detail": [...]}}.
NOT_FOUND = {404: ErrorSerializer}
