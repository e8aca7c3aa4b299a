"""The request type of the pages that htmx updates in place (django-htmx's middleware)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request with `htmx`: truthy when htmx sent it, with the element it targets."""

    htmx: HtmxDetails
