"""The intake pages (/intake/...)."""

from django.urls import path

from . import prefill, views

urlpatterns = [
    path("", views.intake, name="intake"),
    path("prefill/", prefill.intake_prefill_page, name="intake-prefill-page"),
    path("prefill/<str:token>/", prefill.intake_prefill, name="intake-prefill"),
]
