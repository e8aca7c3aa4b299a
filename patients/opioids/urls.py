"""The opioid tools' pages (/opioids/...); their API is in api_urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("mme/", views.opioid_mme, name="opioid-mme"),
    path("taper-plan/", views.opioid_taper, name="opioid-taper"),
]
