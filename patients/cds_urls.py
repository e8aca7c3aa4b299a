"""CDS Hooks routes. The specification's paths have no trailing slash; one is accepted too."""

from django.urls import re_path

from . import cds

urlpatterns = [
    re_path(r"^cds-services/?$", cds.discovery, name="cds-discovery"),
    re_path(rf"^cds-services/{cds.SERVICE_ID}/?$", cds.service, name="cds-service"),
    re_path(rf"^cds-services/{cds.SERVICE_ID}/feedback/?$", cds.feedback, name="cds-feedback"),
    re_path(
        rf"^cds-services/{cds.SERVICE_ID}/override-reasons/?$",
        cds.override_reasons,
        name="cds-override-reasons",
    ),
]
