"""The OpenAPI document's shared parts (drf-spectacular): path parameters and error answers.

The examples are real slugs from fixtures/, so a client reading /api/docs/ (and Schemathesis)
can try an address that exists; the pattern is Django's `slug` path converter.
"""

import re

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from ..intake_input import MedicationSerializer
from ..rules.drugs import drug_table
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


class RefuseUnknownFieldsExtension(OpenApiSerializerExtension):
    """Say in the document what a strict input refuses, so clients (and Schemathesis) know.

    Fields it does not list (additionalProperties: false), an empty list where one is needed
    (minItems), a longer list than allowed (maxItems), and for a medication the unit that goes
    with its drug (one `oneOf` branch per unit, listing the drugs dosed in it).
    """

    target_class = "recommendations.intake_input.RefuseUnknownFields"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        if direction != "request":
            return schema
        schema["additionalProperties"] = False
        for name, field in self.target.fields.items():
            if isinstance(field, serializers.ListSerializer) and name in schema["properties"]:
                _list_bounds(schema["properties"][name], field)
        if isinstance(self.target, MedicationSerializer):
            schema["oneOf"] = _drug_unit_pairs()
        return schema


def _list_bounds(prop: dict, field: serializers.ListSerializer) -> None:
    if not field.allow_empty:
        prop["minItems"] = max(prop.get("minItems", 0), 1)
    if field.max_length is not None:
        prop["maxItems"] = field.max_length
    if field.min_length is not None:
        prop["minItems"] = max(prop.get("minItems", 0), field.min_length)


def drug_codes_in(unit: str | None = None) -> list[str]:
    """Return the drug codes dosed in `unit` (all of them for None), for the document."""
    return sorted(code for code, drug in drug_table().items() if unit in (None, drug.unit))


def _drug_unit_pairs() -> list[dict]:
    units = sorted({drug.unit for drug in drug_table().values()})
    return [
        # The unit as a pattern, not an enum of one: drf-spectacular would name each such enum.
        {
            "properties": {
                "drug": {"enum": drug_codes_in(unit)},
                "unit": {"type": "string", "pattern": f"^{re.escape(unit)}$"},
            }
        }
        for unit in units
    ]


# For SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]: each set of drug codes has its own name.
def all_drug_codes() -> list[str]:
    return drug_codes_in(None)


def mg_drug_codes() -> list[str]:
    return drug_codes_in("mg")


def patch_drug_codes() -> list[str]:
    return drug_codes_in("mcg/h")
