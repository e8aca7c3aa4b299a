"""The intake's API (/api/v1/evaluate/)."""

from django.urls import path

from . import api

urlpatterns = [
    path("evaluate/", api.evaluate, name="api-evaluate"),
]
