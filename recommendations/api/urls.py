from django.urls import path

from . import fhir, history, views

urlpatterns = [
    path("guidelines/", views.guideline_list, name="api-guideline-list"),
    path("guidelines/<slug:slug>/", views.guideline_detail, name="api-guideline-detail"),
    path(
        "guidelines/<slug:slug>/fhir/",
        fhir.guideline_plan_definition,
        name="api-guideline-fhir",
    ),
    path(
        "guidelines/<slug:guideline_slug>/recommendations/<slug:slug>/history/",
        history.recommendation_history,
        name="api-recommendation-history",
    ),
    path("recommendations/", views.recommendation_list, name="api-recommendation-list"),
    path("red-flags/", views.red_flag_list, name="api-red-flag-list"),
]
