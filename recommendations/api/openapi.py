"""The OpenAPI document's shared parts (drf-spectacular): path parameters and error answers.

The examples are real slugs from fixtures/, so a client reading /api/docs/ (and Schemathesis)
can try an address that exists; the pattern is Django's `slug` path converter.
"""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework import serializers

from ..intake_input import PATCH_DOSE_MAX, MedicationSerializer
from ..rules.drugs import drug_table
from ..rules.intake import DoseUnit
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


def _slug_parameter(name: str, description: str, example: tuple[str, str]) -> OpenApiParameter:
    """Return a path parameter that is a slug, with its Danish description and one example."""
    summary, value = example
    return OpenApiParameter(
        name,
        str,
        OpenApiParameter.PATH,
        pattern=SLUG_PATTERN,
        description=description,
        examples=[OpenApiExample(summary, value=value)],
    )


# A guideline's slug is "slug" in its own URL and "guideline_slug" in a recommendation's.
GUIDELINE_SLUG, HISTORY_GUIDELINE_SLUG = (
    _slug_parameter(
        name, "Retningslinjens kortnavn", ("Nyopståede lænderygsmerter", "acute-low-back-pain")
    )
    for name in ("slug", "guideline_slug")
)
RECOMMENDATION_SLUG = _slug_parameter(
    "slug", "Anbefalingens kortnavn inden for retningslinjen", ("Hold dig aktiv", "stay-active")
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


def _drug_unit_pairs() -> list[dict]:
    units: dict[str, list[str]] = {}
    for code, drug in sorted(drug_table().items()):
        units.setdefault(drug.unit, []).append(code)
    return [
        {"properties": {"drug": {"enum": codes}, "unit": {"enum": [unit]}, **_dose_bound(unit)}}
        for unit, codes in sorted(units.items())
    ]


def _dose_bound(unit: str) -> dict:
    # A patch's dose has its own, lower limit than other doses (intake_input.PATCH_DOSE_MAX).
    if unit != DoseUnit.MCG_PER_HOUR:
        return {}
    return {"daily_dose": {"maximum": PATCH_DOSE_MAX}}


# Names for the document's drug and unit enums (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]):
# the same field names carry different sets (every drug, the drugs per unit), and unnamed
# sets get hash names and a warning that `check --deploy` fails on.
def drug_codes() -> list[str]:
    """Return every drug code, as the `drug` enum of a medication lists them."""
    return sorted(drug_table())


def _codes_with_unit(unit: str) -> list[str]:
    return sorted(code for code, drug in drug_table().items() if drug.unit == unit)


def drug_codes_in_mg() -> list[str]:
    """Return the drug codes dosed in mg/day (one arm of the drug-unit pairs)."""
    return _codes_with_unit("mg")


def drug_codes_in_mcg_per_hour() -> list[str]:
    """Return the drug codes dosed in mcg/h, the patches (one arm of the drug-unit pairs)."""
    return _codes_with_unit("mcg/h")


def dose_unit_choices() -> list[tuple[str, str]]:
    """Return the dose units with their labels, as the medication's `unit` field lists them."""
    return DoseUnit.choices
