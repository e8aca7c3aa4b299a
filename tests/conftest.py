import os

import pytest

from recommendations.services import content_seed


@pytest.fixture
def content(db):
    """Return the seed report after loading all guideline content, as `make run` does."""
    return content_seed()


@pytest.fixture
def redis_url():
    """Return a reachable Redis (REDIS_URL, else the local default), emptied of nkr's keys.

    Skipped when there is none, unless NKR_REQUIRE_REDIS=1 (CI), where that is a failure.
    """
    import redis

    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        if os.environ.get("NKR_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {url} is required (NKR_REQUIRE_REDIS=1): {error}")
        pytest.skip(f"no Redis at {url} ({error}); set REDIS_URL")

    def forget() -> None:
        keys = list(client.scan_iter(match="nkr:*"))
        if keys:
            client.delete(*keys)

    forget()
    yield url
    forget()
    client.close()


@pytest.fixture(autouse=True)
def shared_state_forgotten():
    """Start every test with no API calls counted and nothing cached (one process, in memory)."""
    from django.core.cache import cache

    from recommendations.api.throttling import memory_counts_clear

    memory_counts_clear()
    cache.clear()
    yield
    memory_counts_clear()
    cache.clear()
