"""URL wiring only: each app owns its own routes."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from recommendations.health import healthz
from recommendations.metrics import metrics

# Refusals are logged (nkr.audit) and shown in Danish.
handler403 = "recommendations.views.permission_denied"
# Unknown addresses and errors: Danish pages, the API's error shape under /api/, and a 503
# (not a 500) when the database was lost (recommendations/middleware.py).
handler404 = "recommendations.views.page_not_found"
handler500 = "recommendations.views.server_error"

urlpatterns = [
    path("", include("recommendations.urls")),
    path("", include("patients.urls")),
    path("", include("patients.cds.urls")),
    path("api/v1/", include("recommendations.api.urls")),
    path("api/v1/", include("patients.intake.api_urls")),
    path("api/v1/", include("patients.opioids.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    # Operators' addresses only (METRICS_ALLOWED_ADDRESSES).
    path("metrics", metrics, name="metrics"),
]
