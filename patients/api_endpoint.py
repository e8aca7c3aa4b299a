"""What each API endpoint that takes a patient's facts shares (evaluate, the opioid tools)."""

from collections.abc import Callable

from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view

from recommendations.api.errors import ErrorSerializer


def patient_data_endpoint(*, request, response, description: str) -> Callable:
    """Make a view an API endpoint that takes a patient's facts: POST only, documented with
    the API's one error shape for a 400, and never cached (patient data in and out)."""

    def decorate(view: Callable) -> Callable:
        view = api_view(["POST"])(view)
        schema = extend_schema(
            request=request,
            responses={200: response, 400: ErrorSerializer},
            description=description,
        )
        return never_cache(schema(view))

    return decorate
