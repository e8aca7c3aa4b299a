"""The patient-data API's answers are written by orjson: the bytes DRF's renderer writes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from patients.api_endpoint import PatientAnswerRenderer
from tests.patients.evaluate_api_helpers import post
from tests.patients.opioid_helpers import MME_API, TAPER_API, post_json
from tests.recommendations.rules_helpers import valid_intakes

pytestmark = pytest.mark.usefixtures("content")


def drf_bytes(response) -> bytes:
    return JSONRenderer().render(response.data)


# The test client keeps nothing between examples; half of them are refused (a 400's errors).
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=valid_intakes, spoil=st.sampled_from([None, "age", "pain_site", "medications"]))
def test_an_evaluation_or_its_errors_are_the_bytes_drf_writes(client, data, spoil):
    if spoil:
        data[spoil] = "ikke gyldig"
    response = post(client, data)
    assert response.status_code == (400 if spoil else 200)
    assert response.content == drf_bytes(response)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (MME_API, {"medications": [{"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h"}]}),
        (TAPER_API, {"drug": "oxycodone", "daily_dose": 60, "unit": "mg", "treatment_months": 24}),
        (TAPER_API, {"drug": "oxycodone", "daily_dose": -1, "unit": "mg"}),
    ],
)
def test_the_opioid_tools_answers_are_the_bytes_drf_writes(client, url, body):
    response = post_json(client, url, body)
    assert response.content == drf_bytes(response)


def test_values_orjson_would_write_its_own_way_are_written_as_drf_writes_them():
    data = {
        "at": datetime(2026, 12, 6, 6, 19, 9, 123456, tzinfo=UTC),
        "on": date(2026, 12, 6),
        "dose": Decimal("12.5"),
        "label": gettext_lazy("Stærk anbefaling"),
        "line": "a\u2028b\u2029c",
    }
    assert PatientAnswerRenderer().render(data) == JSONRenderer().render(data)


@dataclass
class NotAnAnswer:
    dose: float


@pytest.mark.parametrize("data", [{"big": 2**70}, {1: "a key that is not a string"}])
def test_what_orjson_refuses_drf_writes(data):
    assert PatientAnswerRenderer().render(data) == JSONRenderer().render(data)


def test_what_drf_refuses_is_refused_as_drf_refuses_it():
    # A dataclass reaching the renderer is a bug: DRF's encoder refuses it, and so does this.
    with pytest.raises(TypeError):
        JSONRenderer().render({"plan": NotAnAnswer(12.5)})
    with pytest.raises(TypeError):
        PatientAnswerRenderer().render({"plan": NotAnAnswer(12.5)})
