"""Anonymous API calls are rate-limited per client address: 429 with Retry-After beyond it."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from recommendations.api.errors import THROTTLED_ERROR

pytestmark = pytest.mark.usefixtures("content")

EVALUATE = "/api/v1/evaluate/"
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}


@pytest.fixture
def api_rate(settings):
    """Return a function that sets the anonymous API rate, starting from no calls counted."""

    def set_rate(rate: str, *, num_proxies: int = 0) -> None:
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"anon": rate}
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
            "DEFAULT_THROTTLE_RATES": rates,
            "NUM_PROXIES": num_proxies,
        }
        cache.clear()

    yield set_rate
    cache.clear()


def evaluate(client, **headers):
    return client.post(EVALUATE, LOW_BACK, content_type="application/json", headers=headers)


def test_a_client_over_the_rate_gets_429_with_retry_after_in_the_error_shape(client, api_rate):
    api_rate("3/min")

    answered = [evaluate(client).status_code for _ in range(3)]
    refused = evaluate(client)

    assert answered == [200, 200, 200]
    assert refused.status_code == 429
    wait = int(refused["Retry-After"])
    assert 0 < wait <= 60
    assert refused.json() == {"errors": {"detail": [THROTTLED_ERROR.format(wait=wait)]}}


def test_reads_and_evaluations_share_one_budget_per_address(client, api_rate):
    api_rate("2/min")

    client.get("/api/v1/guidelines/")
    client.get("/api/v1/red-flags/")

    assert client.get("/api/v1/recommendations/").status_code == 429
    assert evaluate(client).status_code == 429


def test_another_address_has_its_own_budget(client, api_rate):
    api_rate("1/min")

    evaluate(client)

    assert evaluate(client).status_code == 429
    assert (
        client.post(
            EVALUATE, LOW_BACK, content_type="application/json", REMOTE_ADDR="10.0.0.2"
        ).status_code
        == 200
    )


def test_a_forged_x_forwarded_for_does_not_buy_a_new_budget(client, api_rate):
    api_rate("1/min")

    evaluate(client, **{"X-Forwarded-For": "203.0.113.1"})

    assert evaluate(client, **{"X-Forwarded-For": "203.0.113.2"}).status_code == 429


def test_behind_a_counted_proxy_each_forwarded_client_has_its_own_budget(client, api_rate):
    api_rate("1/min", num_proxies=1)

    first = evaluate(client, **{"X-Forwarded-For": "203.0.113.1"})
    other = evaluate(client, **{"X-Forwarded-For": "203.0.113.2"})
    again = evaluate(client, **{"X-Forwarded-For": "203.0.113.1"})

    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)


def test_the_count_is_kept_in_the_database_cache_that_every_worker_shares(
    client, api_rate, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "nkr_cache",
        }
    }
    call_command("createcachetable")
    api_rate("1/min")

    evaluate(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM nkr_cache")
        (rows,) = cursor.fetchone()

    assert rows == 1
    assert evaluate(client).status_code == 429
