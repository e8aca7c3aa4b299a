from django.urls import path

from . import prefill, views

app_name = "patients"

urlpatterns = [
    path("", views.intake, name="intake"),
    path("prefill/", prefill.intake_prefill_page, name="intake-prefill-page"),
    path("prefill/<str:token>/", prefill.intake_prefill, name="intake-prefill"),
]
