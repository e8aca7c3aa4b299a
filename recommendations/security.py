"""Small pieces of the security set-up that settings name (docs/security.md)."""

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle

from . import audit

LOCKOUT_TEMPLATE = "registration/lockout.html"


def client_ip(request: HttpRequest) -> str:
    """Return the client's address as the API throttle sees it (REMOTE_ADDR, or NUM_PROXIES)."""
    # One definition for login lockouts and API throttling: a proxy set-up that is right for
    # one is right for the other.
    return BaseThrottle().get_ident(request)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Return the Danish lockout page (429) for a locked-out username and address."""
    # Another try while locked out starts the cool-off again, so "from now" is right.
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    audit.login_locked_out(username)
    response = render(
        request,
        LOCKOUT_TEMPLATE,
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": math.ceil(seconds / 60)},
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
