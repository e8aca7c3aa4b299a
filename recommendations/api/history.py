"""Published versions of a recommendation (API.md: history endpoint)."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.request import Request

from recommendations import history_selectors

from .. import selectors
from ..published_cache import published_answer
from .openapi import HISTORY_GUIDELINE_SLUG, NOT_FOUND, RECOMMENDATION_SLUG
from .serializers import ProvenanceSerializer


class PublishedVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField()
    rationale = serializers.CharField()
    change_reason = serializers.CharField(
        source="reason_for_readers", help_text="Hvorfor versionen blev udgivet"
    )
    published_at = serializers.DateTimeField()
    strength = serializers.CharField()
    direction = serializers.CharField()
    label = serializers.CharField(help_text="Dansk styrketekst")
    provenance = ProvenanceSerializer(source="provenance_api")


@extend_schema(
    parameters=[HISTORY_GUIDELINE_SLUG, RECOMMENDATION_SLUG],
    responses={200: PublishedVersionSerializer(many=True)} | NOT_FOUND,
)
@api_view(["GET"])
def recommendation_history(request: Request, guideline_slug: str, slug: str) -> HttpResponse:
    """Return the recommendation's published versions, newest first."""

    def versions():
        rec = selectors.recommendation_get(guideline_slug=guideline_slug, slug=slug)
        return PublishedVersionSerializer(
            history_selectors.recommendation_versions(recommendation=rec), many=True
        ).data

    return published_answer(request, versions)
