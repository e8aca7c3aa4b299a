from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("guidelines/<slug:slug>/", views.guideline_detail, name="guideline"),
    path("guidelines/<slug:slug>/changes/", views.guideline_changes, name="changes"),
    path(
        "guidelines/<slug:guideline_slug>/hearings/<slug:slug>/",
        views.hearing_round_detail,
        name="hearing",
    ),
    path(
        "guidelines/<slug:guideline_slug>/<slug:slug>/",
        views.recommendation_detail,
        name="recommendation",
    ),
    path(
        "guidelines/<slug:guideline_slug>/<slug:slug>/history/",
        views.recommendation_history,
        name="history",
    ),
]
