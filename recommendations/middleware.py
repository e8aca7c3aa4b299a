"""The language a request is answered in, and a clean 503 when the database cannot be reached.

Pages follow the reader's choice (Danish, or English from the header); the API and CDS Hooks
answer in Danish whatever language the client asks for (API.md), their messages included.

A lost database gives a 503, never a 500 with a traceback.

A restarted, overloaded or unreachable database shows up as OperationalError (connection
refused or lost, timeouts, lock waits) or InterfaceError (a connection already closed).
Pages get a Danish 503 page and the API and CDS Hooks the API's error shape, both with
Retry-After. Nothing else is done: the view's `transaction.atomic` has already rolled back,
and Django closes the broken connection when the request ends (`errors_occurred`), so with
CONN_HEALTH_CHECKS the next request opens a fresh one and the app recovers by itself.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from redis import RedisError

logger = logging.getLogger("nkr.availability")

# Redis (REDIS_URL: caches and throttle counts) is a database the request needs as well.
DATABASE_ERRORS = (OperationalError, InterfaceError, RedisError)
# Paths whose clients read JSON: the API and the CDS Hooks service (docs/integration.md).
JSON_PATH_PREFIXES = ("/api/", "/cds-services")
RETRY_AFTER_SECONDS = 30
UNAVAILABLE_TEMPLATE = "503.html"
UNAVAILABLE_ERROR = (
    "Tjenesten er midlertidigt utilgængelig: databasen svarer ikke. Prøv igen om lidt."
)


def wants_json(request: HttpRequest) -> bool:
    """Return whether the request was made to a path whose clients expect JSON."""
    return request.path.startswith(JSON_PATH_PREFIXES)


class ReaderLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware for pages; the project's language (Danish) for the API."""

    def process_request(self, request: HttpRequest) -> None:
        if not wants_json(request):
            return super().process_request(request)
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return None


def database_unavailable_response(request: HttpRequest, error: Exception) -> HttpResponse:
    """Return the 503 for a request that failed because the database could not be reached."""
    # The error's class and first line (host and database, never request data), and the route
    # pattern rather than the path, which may carry a pre-fill link (as recommendations/audit.py).
    summary = next(iter(str(error).strip().splitlines()), "")
    match = getattr(request, "resolver_match", None)
    logger.warning(
        "database unavailable: method=%s route=%s (%s: %s)",
        request.method,
        match.route if match else "?",
        type(error).__name__,
        summary,
    )
    if wants_json(request):
        response = JsonResponse({"errors": {"detail": [UNAVAILABLE_ERROR]}}, status=503)
    else:
        # The page must not need the database itself: no user, no session, no content.
        response = render(request, UNAVAILABLE_TEMPLATE, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turn a view's lost database connection into a 503 (pages in Danish, JSON for the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable_response(request, exception)
        return None
