"""Calls to POST /api/v1/evaluate/ and reading its errors, shared by the evaluate API tests."""

import json

from recommendations.rules.drugs import drug_table

URL = "/api/v1/evaluate/"
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}


def post(client, body):
    """POST `body` (a Python value sent as JSON, or raw bytes) and return the response."""
    raw = body if isinstance(body, bytes) else json.dumps(body)
    return client.post(URL, raw, content_type="application/json")


def errors_of(client, body) -> dict[str, list[str]]:
    """Return the errors for a refused intake, checking it was refused the documented way."""
    response = post(client, body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert set(data) == {"errors"}
    for field, messages in data["errors"].items():
        assert isinstance(messages, list) and messages, field
        assert all(isinstance(message, str) and message for message in messages), field
    return data["errors"]


def medication_errors(errors: dict, index: int, field: str) -> list[str]:
    """Return the messages for medications[index].field, whichever nested key spelling is used."""
    keys = [
        key
        for key in errors
        if key in {f"medications[{index}].{field}", f"medications.{index}.{field}"}
    ]
    assert len(keys) == 1, errors
    return errors[keys[0]]


def medication(drug: str, dose, unit: str | None = None) -> dict:
    return {"drug": drug, "daily_dose": dose, "unit": unit or drug_table()[drug].unit}
