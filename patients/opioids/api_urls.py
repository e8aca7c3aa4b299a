"""The opioid tools' API (/api/v1/opioids/...)."""

from django.urls import path

from . import api

urlpatterns = [
    path("opioids/mme/", api.opioid_mme, name="api-opioid-mme"),
    path("opioids/taper-plan/", api.opioid_taper_plan, name="api-opioid-taper-plan"),
]
