"""The guideline content, seeded once per test session.

Seeding all content takes about a second; doing it for each of several hundred tests made the
suite slow. It is seeded once, right after the test database is migrated, and every test that
uses the database sees it. A test that changes content changes it inside its own transaction,
which pytest-django rolls back, so the next test sees the seeded content again.

Transactional tests (`transaction=True`, live servers, the browser) run after all others and
pytest-django empties the tables after each of them; the `content` fixture seeds again when it
finds the tables empty. A test that needs no content at all asks for `no_content`.
"""

import os

import pytest
from django.apps import apps
from django.db import connection

from recommendations.models import Guideline
from recommendations.seeding import SeedReport, content_seed

_session_report: list[SeedReport] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Migrate the test database (pytest-django's own fixture), then seed the content once."""
    with django_db_blocker.unblock():
        _session_report.append(content_seed())


@pytest.fixture
def content(db) -> SeedReport:
    """Return the seed report of loading all guideline content, as `make run` does."""
    if not Guideline.objects.exists():  # emptied by a transactional test before this one
        _session_report.append(content_seed())
    return _session_report[-1]


@pytest.fixture
def no_content(db) -> None:
    """Remove the seeded content for this test (the test's transaction puts it back)."""
    # Plain DELETEs: the foreign keys are checked when the test ends, by then all are empty.
    models = apps.get_app_config("recommendations").get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture
def redis_url():
    """Return a reachable Redis (REDIS_URL, else the local default), emptied of nkr's keys.

    Each pytest-xdist worker gets its own Redis database, so one worker emptying it never
    takes a key from another's test. Skipped when there is none, unless NKR_REQUIRE_REDIS=1
    (CI), where that is a failure.
    """
    import redis

    url = _worker_database(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
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


def _worker_database(url: str) -> str:
    """Return the Redis URL with its database number moved up by the xdist worker's number."""
    from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    parts = urlsplit(url)
    if parts.scheme == "unix":  # unix:///path/to/socket?db=N
        query = parse_qs(parts.query)
        query["db"] = [str(int(query.get("db", ["0"])[0]) + worker)]
        return f"unix://{parts.path}?{urlencode(query, doseq=True)}"
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + worker}"))


@pytest.fixture(autouse=True)
def shared_state_forgotten():
    """Start every test with no API calls counted and nothing cached (in this process's memory)."""
    from django.core.cache import cache

    from recommendations.api.throttling import memory_counts_clear
    from recommendations.published_cache import LOCAL_ANSWERS

    def forget():
        memory_counts_clear()
        cache.clear()
        LOCAL_ANSWERS.clear()

    forget()
    yield
    forget()
