"""An error answers in proportion to the mistake, not to the size of what was sent.

A 2.3 MB body of unknown keys was answered with a 5.9 MB error after 2 s of CPU.
"""

import json

import pytest

from recommendations.api.errors import ERROR_TEXT_MAX
from recommendations.intake_input import UNKNOWN_FIELD_ERROR, UNKNOWN_FIELDS_NAMED

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/api/v1/evaluate/", "/api/v1/opioids/mme/", "/api/v1/opioids/taper-plan/"]
SMALL_ERROR = 10_000  # bytes: far more than any real error needs


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_body_of_many_unknown_keys_gets_a_short_error_naming_the_first(client, content, path):
    body = {f"k{i:06d}": 1 for i in range(150_000)}  # 2.1 MB
    response = post(client, path, body)
    assert response.status_code == 400
    assert len(response.content) < SMALL_ERROR
    errors = response.json()["errors"]
    assert errors["k000000"] == [UNKNOWN_FIELD_ERROR]
    assert sum(errors.get(f"k{i:06d}") is not None for i in range(100)) == UNKNOWN_FIELDS_NAMED
    assert "150000 ukendte felter" in " ".join(errors["non_field_errors"])


def test_a_few_unknown_keys_are_each_named_with_the_other_errors(client, content):
    errors = post(client, ENDPOINTS[0], {"agee": 45, "pain_sit": "low_back"}).json()["errors"]
    assert errors["agee"] == errors["pain_sit"] == [UNKNOWN_FIELD_ERROR]
    assert "age" in errors and "pain_site" in errors


@pytest.mark.parametrize(
    "body",
    [
        {"medications": [{"drug": "x" * 1_000_000, "daily_dose": 1, "unit": "mg"}]},
        {"k" * 1_000_000: 1},
    ],
    ids=["a megabyte value", "a megabyte key"],
)
def test_an_error_echoes_at_most_a_short_piece_of_a_huge_value_or_key(client, content, body):
    response = post(client, "/api/v1/opioids/mme/", body)
    assert response.status_code == 400
    assert len(response.content) < SMALL_ERROR
    for field, messages in response.json()["errors"].items():
        assert len(field) <= ERROR_TEXT_MAX
        assert all(len(message) <= ERROR_TEXT_MAX for message in messages)
