"""POST /api/v1/evaluate/: an intake in, the applying recommendations out (API.md)."""

import threading
from collections.abc import Callable, Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_attribute
from rest_framework.request import Request
from rest_framework.response import Response

from recommendations.api.serializers import ProvenanceSerializer
from recommendations.intake_input import IntakeSerializer

from ..api_endpoint import patient_data_endpoint
from .services import intake_evaluate


class _AbsoluteUrl(serializers.CharField):
    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value)


class AlertSerializer(serializers.Serializer):
    code = serializers.CharField()
    level = serializers.ChoiceField(choices=["critical", "warning", "info"])
    message = serializers.CharField()
    recommendation = serializers.CharField(allow_null=True)
    source = serializers.CharField(
        help_text="Hvor advarslens ordlyd og eventuelle tærskel kommer fra."
    )


class RecommendationGlanceSerializer(serializers.Serializer):
    """A recommendation as read at a glance: its sentence, strength, direction and page."""

    slug = serializers.CharField()
    title = serializers.CharField()
    strength = serializers.CharField()
    direction = serializers.CharField()
    label = serializers.CharField()
    symbol = serializers.CharField()
    url = _AbsoluteUrl()


class AppliedRecommendationSerializer(RecommendationGlanceSerializer):
    guideline = serializers.CharField()
    certainty = serializers.CharField(allow_null=True)
    rationale = serializers.CharField()
    version = serializers.IntegerField()
    because = serializers.ListField(
        child=serializers.CharField(),
        help_text="Patientens egne oplysninger, der får anbefalingen til at gælde. Hvilke "
        "oplysninger der gør det (og målgruppens grænser, fx »mindst 12 uger« for "
        "»langvarige«), er nkr's læsning af kilden, ikke kildens ord: vis dem som sådan.",
    )
    notes = serializers.ListField(child=serializers.CharField())
    provenance = ProvenanceSerializer()


class NotShownSerializer(RecommendationGlanceSerializer):
    shown_when = serializers.ListField(
        child=serializers.CharField(),
        help_text="Hver linje for sig ville få anbefalingen til at gælde (eller imellem dem).",
    )


class GuidelineResultSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    short_title = serializers.CharField()
    url = _AbsoluteUrl()
    in_scope = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    recommendations = AppliedRecommendationSerializer(many=True)
    not_shown = NotShownSerializer(many=True)
    applies_to_all = serializers.ListField(
        child=serializers.CharField(),
        help_text="De gældende anbefalinger uden egen betingelse: de gælder alle patienter i "
        "retningslinjens målgruppe (siges én gang her, ikke som kortets eneste begrundelse).",
    )
    source_short = serializers.CharField()


class StartBackScoreSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    psychosocial = serializers.IntegerField()
    risk = serializers.ChoiceField(choices=["low", "medium", "high"])


class DerivedSerializer(serializers.Serializer):
    age_group = serializers.ChoiceField(choices=["child", "adult"])
    daily_mme = serializers.FloatField(allow_null=True)
    long_term_opioid = serializers.BooleanField()
    startback = StartBackScoreSerializer(allow_null=True)


class EvaluationSerializer(serializers.Serializer):
    derived = serializers.SerializerMethodField()
    alerts = AlertSerializer(many=True)
    guidelines = GuidelineResultSerializer(many=True)
    journal_note = serializers.CharField(max_length=2000)

    @extend_schema_field(DerivedSerializer)
    def get_derived(self, evaluation) -> dict:
        return evaluation.derived()


@patient_data_endpoint(
    request=IntakeSerializer,
    response=EvaluationSerializer,
    description="Vurdér et patientforløb: hvilke retningslinjer er i målgruppen, hvilke "
    "anbefalinger gælder og hvorfor, og hvilke advarsler der er.",
)
def evaluate(request: Request) -> Response:
    evaluation = intake_evaluate(data=request.data)
    return Response(evaluation_representation(evaluation, request))


# Writing this answer the DRF way cost more than the evaluation itself: a new serializer
# deep-copies every declared field, nested ones included, and each value then passes through
# DRF's per-field lookup (about 350 values per answer). The serializers stay the one definition
# of the answer's shape (and of its OpenAPI schema): each thread binds them once, and a writer
# walks them with DRF's own attribute lookup and each field's own to_representation.
_OUTPUT = threading.local()


def evaluation_representation(evaluation, request: Request) -> dict:
    """Return the evaluate API's answer for `evaluation`, as EvaluationSerializer writes it."""
    if not hasattr(_OUTPUT, "write"):
        _OUTPUT.serializer = EvaluationSerializer()
        _OUTPUT.write = _serializer_writer(_OUTPUT.serializer)
    _OUTPUT.serializer._context = {"request": request}  # what every nested field's `context` reads
    try:
        return _OUTPUT.write(evaluation)
    finally:
        _OUTPUT.serializer._context = {}


def _serializer_writer(serializer: serializers.Serializer) -> Callable[[object], dict]:
    """Return what Serializer.to_representation does for `serializer`, with its fields bound.

    Each value is read as DRF's get_attribute reads it; the answer's values are dataclasses'
    attributes and dicts' keys, so that lookup is needed only for a dotted source or a
    callable value (which it calls).
    """
    steps = [
        (f.field_name, f.source_attrs, _single(f.source_attrs), _field_writer(f))
        for f in serializer._readable_fields
    ]

    def write(instance) -> dict:
        mapping = isinstance(instance, Mapping)
        lookup = instance.__getitem__ if mapping else instance.__getattribute__
        answer = {}
        for name, source_attrs, attr, write_field in steps:
            value = get_attribute(instance, source_attrs) if attr is None else lookup(attr)
            if attr is not None and callable(value):
                value = get_attribute(instance, source_attrs)
            answer[name] = None if value is None else write_field(value)  # as DRF skips None
        return answer

    return write


def _single(source_attrs: list[str]) -> str | None:
    return source_attrs[0] if len(source_attrs) == 1 else None


def _field_writer(field: serializers.Field) -> Callable[[object], object]:
    if isinstance(field, serializers.ListSerializer):
        write_child = _serializer_writer(field.child)
        return lambda items: [write_child(item) for item in items]
    if isinstance(field, serializers.Serializer):
        return _serializer_writer(field)
    return field.to_representation
