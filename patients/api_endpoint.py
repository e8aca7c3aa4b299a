"""What each API endpoint that takes a patient's facts shares (evaluate, the opioid tools)."""

from collections.abc import Callable

import orjson
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer

from recommendations.api.errors import ErrorSerializer


class PatientAnswerRenderer(JSONRenderer):
    """DRF's JSON renderer, writing the same bytes with orjson (a 35 KB evaluation: 0.2 ms to
    0.01 ms, a tenth of an evaluation's time).

    These answers are rendered anew for every call (patient data is never cached). orjson
    writes compact UTF-8 as DRF's default settings do; date and time values and dataclasses go
    to DRF's own encoder (orjson would write them its own way), and anything orjson refuses (a
    non-string key, an integer past 64 bits) or an indented answer is left to DRF. Two known
    differences, neither in these answers: a float below 1e-4 is written without an exponent
    (the same number), and a NaN would be written as null where DRF refuses it.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None or self.get_indent(accepted_media_type, renderer_context or {}):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(
                data,
                default=self.encoder_class().default,
                option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS,
            )
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # As DRF does: JSON that is also a strict JavaScript subset.
        return body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


def patient_data_endpoint(*, request, response, description: str) -> Callable:
    """Make a view an API endpoint that takes a patient's facts: POST only, documented with
    the API's one error shape for a 400, and never cached (patient data in and out)."""

    def decorate(view: Callable) -> Callable:
        view = api_view(["POST"])(renderer_classes([PatientAnswerRenderer])(view))
        schema = extend_schema(
            request=request,
            responses={200: response, 400: ErrorSerializer},
            description=description,
        )
        return never_cache(schema(view))

    return decorate
