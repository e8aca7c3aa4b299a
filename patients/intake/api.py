"""POST /api/v1/evaluate/: an intake in, the applying recommendations out (API.md)."""

import threading

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
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


class AppliedRecommendationSerializer(serializers.Serializer):
    guideline = serializers.CharField()
    slug = serializers.CharField()
    title = serializers.CharField()
    strength = serializers.CharField()
    direction = serializers.CharField()
    certainty = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    symbol = serializers.CharField()
    rationale = serializers.CharField()
    version = serializers.IntegerField()
    url = _AbsoluteUrl()
    because = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    provenance = ProvenanceSerializer()


class NotShownSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    strength = serializers.CharField()
    direction = serializers.CharField()
    label = serializers.CharField()
    symbol = serializers.CharField()
    url = _AbsoluteUrl()
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


# A new DRF serializer deep-copies every declared field, nested ones included: for this answer
# that cost four times the evaluation itself. Writing out an answer keeps no state in the
# serializer (only the request, for absolute URLs), so each thread builds it once and reuses it.
_OUTPUT = threading.local()


def evaluation_representation(evaluation, request: Request) -> dict:
    """Return the evaluate API's answer for `evaluation`, as EvaluationSerializer writes it."""
    serializer = getattr(_OUTPUT, "serializer", None)
    if serializer is None:
        serializer = _OUTPUT.serializer = EvaluationSerializer()
    serializer._context = {"request": request}  # what `context` reads, for every nested field
    try:
        return serializer.to_representation(evaluation)
    finally:
        serializer._context = {}
