"""The patients app's pages, one include per feature (namespace "patients")."""

from django.urls import include, path

app_name = "patients"

urlpatterns = [
    path("intake/", include("patients.intake.urls")),
    path("opioids/", include("patients.opioids.urls")),
]
