"""The CDS Hooks service's own rate limit, and its answers never stored by a cache."""

import pytest

from recommendations.api.errors import THROTTLED_ERROR
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def test_cds_hooks_cards_are_never_stored_by_a_cache(client, ehr):
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks())

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_record_system_over_its_rate_gets_429_it_can_read_across_origins(client, ehr, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"cds": "1/min", "anon": "1/min"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}
    body = fhir.adult_with_low_back_pain_for_three_weeks()

    first = ehr.call(client, body)
    second = ehr.call(client, body)

    assert first.status_code == 200
    assert second.status_code == 429
    wait = int(second["Retry-After"])
    assert second.json() == {"errors": {"detail": [THROTTLED_ERROR.format(wait=wait)]}}
    assert second["Access-Control-Allow-Origin"] == "*"


def test_the_record_system_budget_is_separate_from_the_public_api(client, ehr, settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"anon": "1/min"}
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": rates}

    client.get("/api/v1/guidelines/")
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks())

    assert response.status_code == 200
