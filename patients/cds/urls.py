"""CDS Hooks routes. The specification's paths have no trailing slash; one is accepted too."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^cds-services/?$", views.discovery, name="cds-discovery"),
    re_path(rf"^cds-services/{views.SERVICE_ID}/?$", views.service, name="cds-service"),
    re_path(rf"^cds-services/{views.SERVICE_ID}/feedback/?$", views.feedback, name="cds-feedback"),
    re_path(
        rf"^cds-services/{views.SERVICE_ID}/override-reasons/?$",
        views.override_reasons,
        name="cds-override-reasons",
    ),
]
