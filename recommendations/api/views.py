"""Read API for published guideline content (API.md)."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request

from .. import selectors
from ..published_cache import published_answer
from .errors import ErrorSerializer
from .openapi import GUIDELINE_SLUG, NOT_FOUND
from .serializers import (
    GuidelineDetailSerializer,
    GuidelineSerializer,
    RecommendationFilterSerializer,
    RecommendationSerializer,
    RedFlagSerializer,
)


@extend_schema(responses=GuidelineSerializer(many=True))
@api_view(["GET"])
def guideline_list(request: Request) -> HttpResponse:
    return published_answer(
        request,
        lambda: (
            GuidelineSerializer(
                selectors.guideline_list(), many=True, context={"request": request}
            ).data
        ),
    )


@extend_schema(parameters=[GUIDELINE_SLUG], responses={200: GuidelineDetailSerializer} | NOT_FOUND)
@api_view(["GET"])
def guideline_detail(request: Request, slug: str) -> HttpResponse:
    return published_answer(
        request,
        lambda: (
            GuidelineDetailSerializer(
                selectors.guideline_get(slug=slug), context={"request": request}
            ).data
        ),
    )


@extend_schema(
    parameters=[RecommendationFilterSerializer],
    responses={200: RecommendationSerializer(many=True), 400: ErrorSerializer},
)
@api_view(["GET"])
def recommendation_list(request: Request) -> HttpResponse:
    return published_answer(request, lambda: _recommendation_list(request))


def _recommendation_list(request: Request) -> list:
    slugs = [guideline.slug for guideline in selectors.guideline_list()]
    filters = RecommendationFilterSerializer(
        data=request.query_params, context={"guideline_slugs": slugs}
    )
    filters.is_valid(raise_exception=True)
    recs = selectors.recommendation_list(**filters.validated_data)
    return RecommendationSerializer(recs, many=True, context={"request": request}).data


@extend_schema(responses=RedFlagSerializer(many=True))
@api_view(["GET"])
def red_flag_list(request: Request) -> HttpResponse:
    return published_answer(
        request, lambda: RedFlagSerializer(selectors.red_flag_list(), many=True).data
    )
