"""Anonymous API calls are rate-limited per client address: 429 with Retry-After beyond it."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from recommendations.api.errors import THROTTLED_ERROR
from recommendations.middleware import UNAVAILABLE_ERROR
from recommendations.models import ThrottleCount

pytestmark = pytest.mark.usefixtures("content")

EVALUATE = "/api/v1/evaluate/"
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}


@pytest.fixture
def api_rate(settings):
    """Return a function that sets the anonymous API rate (no calls are counted yet: conftest)."""

    def set_rate(rate: str, *, num_proxies: int = 0) -> None:
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] | {"anon": rate}
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
            "DEFAULT_THROTTLE_RATES": rates,
            "NUM_PROXIES": num_proxies,
        }

    return set_rate


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


def test_without_redis_the_count_is_kept_in_the_database_that_every_server_shares(
    client, api_rate, settings
):
    settings.THROTTLE_STORE = "database"
    api_rate("1/min")

    evaluate(client)

    assert list(ThrottleCount.objects.values_list("key", "count")) == [
        ("nkr:throttle:anon:127.0.0.1", 1)
    ]
    assert evaluate(client).status_code == 429


def test_a_closed_window_starts_a_new_count(client, api_rate, settings):
    settings.THROTTLE_STORE = "database"
    api_rate("1/min")
    evaluate(client)
    ThrottleCount.objects.update(expires_at=timezone.now())

    assert evaluate(client).status_code == 200
    assert ThrottleCount.objects.get().count == 1


# --- Concurrent clients (issue 15: 194-213 of 120 got through when sent at once) -----------

CONCURRENT_CLIENTS = 24
CALLS_EACH = 5
CONCURRENT_LIMIT = 20
MME_API = "/api/v1/opioids/mme/"
MME_BODY = {"medications": [{"drug": "morphine", "daily_dose": 30, "unit": "mg"}]}


def concurrent_statuses(path: str, body: dict) -> list[int]:
    """Return the status of every call when many clients call at the same moment."""
    start = threading.Barrier(CONCURRENT_CLIENTS)
    statuses: list[int] = []
    lock = threading.Lock()

    def one_client() -> None:
        client = Client()
        start.wait()
        mine = [
            client.post(path, body, content_type="application/json").status_code
            for _ in range(CALLS_EACH)
        ]
        with lock:
            statuses.extend(mine)
        # Each thread opened its own database connection; close it before the test ends.
        connections.close_all()

    threads = [threading.Thread(target=one_client) for _ in range(CONCURRENT_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def assert_the_limit_holds(statuses: list[int]) -> None:
    assert len(statuses) == CONCURRENT_CLIENTS * CALLS_EACH
    assert set(statuses) <= {200, 429}
    # Every call came within the window: exactly the limit is answered, the rest refused.
    assert statuses.count(200) == CONCURRENT_LIMIT


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: concurrent connections to SQLite's in-memory test database lock",
)
def test_concurrent_clients_get_at_most_the_limit_counted_in_the_database(api_rate, settings):
    settings.THROTTLE_STORE = "database"
    api_rate(f"{CONCURRENT_LIMIT}/min")

    assert_the_limit_holds(concurrent_statuses(MME_API, MME_BODY))


def test_concurrent_clients_get_at_most_the_limit_counted_in_redis(api_rate, settings, redis_url):
    settings.THROTTLE_STORE = "redis"
    settings.REDIS_URL = redis_url
    api_rate(f"{CONCURRENT_LIMIT}/min")

    assert_the_limit_holds(concurrent_statuses(MME_API, MME_BODY))


def test_a_redis_that_lost_the_counting_script_still_counts(client, api_rate, settings, redis_url):
    # A restarted Redis knows no scripts: the count loads it again (EVALSHA, then EVAL).
    import redis

    settings.THROTTLE_STORE = "redis"
    settings.REDIS_URL = redis_url
    api_rate("2/min")
    assert evaluate(client).status_code == 200
    redis.Redis.from_url(redis_url).script_flush()
    assert evaluate(client).status_code == 200
    assert evaluate(client).status_code == 429


def test_an_unreachable_redis_is_a_503_not_a_500(client, api_rate, settings):
    settings.THROTTLE_STORE = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    api_rate("10/min")

    response = evaluate(client)

    assert response.status_code == 503
    assert response.json() == {"errors": {"detail": [UNAVAILABLE_ERROR]}}
