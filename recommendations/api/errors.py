"""One error shape for the whole API (API.md): {"errors": {field: [message, ...]}}."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from ..field_errors import NON_FIELD, errors_flatten
from .parsers import TOO_DEEP

THROTTLED_ERROR = "For mange kald fra denne adresse. Prøv igen om {wait} sekunder."
# The body's message for JSON nested too deeply (parsers.JSONParser raises the ParseError).
TOO_DEEP_ERROR = f"Kroppen er ikke gyldig JSON: {TOO_DEEP}"
TOO_BIG_ERROR = "Kroppen er for stor: højst {limit} bytes."
# What an error may echo of the request: field names and messages quote what was sent, and a
# megabyte key or value must not come back in full (nor a thousand of them).
ERROR_FIELDS_MAX = 50
ERROR_MESSAGES_MAX = 10
ERROR_TEXT_MAX = 300
MORE_ERRORS = "Flere fejl er ikke vist ({count} felter i alt)."

# The error shape in the OpenAPI document, for every documented 4xx/503 response.
ErrorSerializer = inline_serializer(
    "Errors",
    {"errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()))},
)


def exception_handler(exc, context):
    """Return DRF's response for `exc`, re-shaped as {"errors": {...}}."""
    if isinstance(exc, RequestDataTooBig):
        # Django's own 400 for this is an HTML page; the API answers in its JSON shape.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = exceptions.ParseError({"body": [TOO_BIG_ERROR.format(limit=limit)]})
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError({"body": [f"Kroppen er ikke gyldig JSON: {exc.detail}"]})
    elif isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF's handler turns `wait` (whole seconds) into the Retry-After header; the text is ours.
        exc.detail = THROTTLED_ERROR.format(wait=exc.wait)
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = {"errors": errors_capped(errors_flatten(response.data))}
    return response


def _shortened(text: str) -> str:
    return text if len(text) <= ERROR_TEXT_MAX else text[: ERROR_TEXT_MAX - 1] + "…"


def errors_capped(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Return the errors with at most ERROR_FIELDS_MAX fields, each name and message short."""
    capped = {
        _shortened(field): [_shortened(message) for message in messages[:ERROR_MESSAGES_MAX]]
        for field, messages in list(errors.items())[:ERROR_FIELDS_MAX]
    }
    if len(errors) > ERROR_FIELDS_MAX:
        capped.setdefault(NON_FIELD, []).append(MORE_ERRORS.format(count=len(errors)))
    return capped
