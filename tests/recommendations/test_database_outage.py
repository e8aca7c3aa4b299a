"""The database goes away under a running gunicorn, and comes back.

gunicorn (tests/cluster.py: one worker, production settings, no Redis, so its caches and rate
limit are in the database too) reaches PostgreSQL only through a TCP forwarder on loopback
(tests/tcp_proxy.py), so the test can stop, hang and restart "the database" without touching
the real server: pages must answer with the Danish 503 page, the API with its 503 error shape,
/healthz with 503, never a 500 or a traceback, and the same worker must serve normally again
once the database is back.

PostgreSQL only: SQLite is a file, it cannot become unreachable. CI runs the suite on both.
"""

import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.db import connection

from recommendations.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE_ERROR
from recommendations.seeding import content_seed
from tests.cluster import Server, collect_static, manage, production_env
from tests.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): a SQLite file cannot go away",
    ),
]

RECOVERY_TIMEOUT = 20  # seconds for the app to serve again once the database is back
REQUEST_TIMEOUT = 20  # seconds for any one request: none may hang
CONNECT_TIMEOUT = 5  # nkr/settings.py: the default connect_timeout for PostgreSQL is below it
HUNG_ANSWER_WITHIN = 5  # seconds: a request to a hung database gets its 503 within them

PAGES = ["/", "/guidelines/acute-low-back-pain/", "/search/?q=opioider"]
API_GETS = ["/api/v1/guidelines/", "/api/v1/recommendations/?guideline=acute-low-back-pain"]
INTAKE = {"age": 45, "pain_site": "low_back", "pain_duration_weeks": 2}


class OutageServer:
    """One gunicorn (tests/cluster.py) in production settings, reaching the test database only
    through `proxy`, which the test cuts, hangs and restores."""

    def __init__(self, proxy: TcpProxy, log_dir: Path):
        db = connection.settings_dict
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        database_url = f"postgres://{credentials}@127.0.0.1:{proxy.port}/{db['NAME']}"
        # No Redis: the caches and the rate limit are in the database, which goes away too.
        env = production_env(database_url, "", CONN_MAX_AGE="60", NUM_PROXIES="0")
        manage(env, "createcachetable")  # the test settings' cache is in memory
        self.proxy = proxy
        self.gunicorn = Server("gunicorn", env, log_dir, workers=1)

    def get(self, path: str) -> requests.Response:
        return requests.get(self.gunicorn.url + path, timeout=REQUEST_TIMEOUT)

    def evaluate(self) -> requests.Response:
        return requests.post(
            self.gunicorn.url + "/api/v1/evaluate/", json=INTAKE, timeout=REQUEST_TIMEOUT
        )

    def wait_healthy(self, timeout: float) -> None:
        try:
            self.gunicorn.wait_healthy(timeout)
        except RuntimeError as error:
            pytest.fail(str(error))

    def log(self) -> str:
        return self.gunicorn.log()

    def stop(self) -> None:
        self.gunicorn.stop()


@pytest.fixture(scope="module")
def static_files():
    # Production settings serve hashed static files from the collected manifest.
    collect_static(production_env("postgres://unused", ""))


@pytest.fixture
def server(static_files, transactional_db, tmp_path):
    content_seed()
    db = connection.settings_dict
    with TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) as proxy:
        server = OutageServer(proxy, tmp_path)
        try:
            yield server
        finally:
            # Before pytest-django empties the tables: no connection of ours may be left.
            server.stop()


def assert_serves_normally(server: OutageServer) -> None:
    for path in PAGES + API_GETS + ["/healthz"]:
        assert server.get(path).status_code == 200, path
    response = server.evaluate()
    assert response.status_code == 200
    assert response.json()["guidelines"]


def assert_unavailable_page(response: requests.Response) -> None:
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    text = response.text
    assert "Siden er midlertidigt utilgængelig" in text
    assert "databasen ikke svarer" in text
    assert "Traceback" not in text and "OperationalError" not in text
    # A strict Content Security Policy allows no inline script or style.
    assert "<script" not in text and "<style" not in text and " style=" not in text


def assert_unavailable_json(response: requests.Response) -> None:
    assert response.status_code == 503
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"errors": {"detail": [UNAVAILABLE_ERROR]}}


def assert_no_restart_and_no_traceback(server: OutageServer) -> None:
    log = server.log()
    assert log.count("Booting worker") == 1, log
    assert "WORKER TIMEOUT" not in log and "Traceback" not in log, log


def test_a_stopped_database_gives_clean_503s_and_the_app_recovers_by_itself(server):
    assert_serves_normally(server)  # the worker now holds a persistent connection (CONN_MAX_AGE)

    server.proxy.cut()
    for path in PAGES:
        started = time.monotonic()
        assert_unavailable_page(server.get(path))
        assert time.monotonic() - started < CONNECT_TIMEOUT, "a refused connection is immediate"
    for path in API_GETS:
        assert_unavailable_json(server.get(path))
    assert_unavailable_json(server.evaluate())
    health = server.get("/healthz")
    assert (health.status_code, health.json()["status"]) == (503, "unavailable")

    server.proxy.restore()
    server.wait_healthy(RECOVERY_TIMEOUT)
    assert_serves_normally(server)
    assert_no_restart_and_no_traceback(server)


def test_a_hung_database_gives_a_503_within_the_connect_timeout(server):
    assert_serves_normally(server)

    server.proxy.hang()
    started = time.monotonic()
    assert_unavailable_json(server.get("/api/v1/guidelines/"))
    assert time.monotonic() - started < CONNECT_TIMEOUT + 5
    assert_unavailable_page(server.get("/"))

    server.proxy.restore()
    server.wait_healthy(RECOVERY_TIMEOUT)
    assert_serves_normally(server)
    assert_no_restart_and_no_traceback(server)


def assert_unavailable_within(server: OutageServer, request, check) -> None:
    started = time.monotonic()
    check(request())
    assert time.monotonic() - started < HUNG_ANSWER_WITHIN


def test_a_frozen_database_gives_every_request_a_503_within_5_s_and_service_returns(server):
    """The kept connection stays open but nothing comes back (not a reset): the worst case."""
    assert_serves_normally(server)  # the worker keeps its connection (CONN_MAX_AGE)

    server.proxy.stall()
    for path in PAGES:
        assert_unavailable_within(
            server, lambda path=path: server.get(path), assert_unavailable_page
        )
    for path in API_GETS:
        assert_unavailable_within(
            server, lambda path=path: server.get(path), assert_unavailable_json
        )
    assert_unavailable_within(server, server.evaluate, assert_unavailable_json)

    def assert_health_unavailable(response):
        assert (response.status_code, response.json()["status"]) == (503, "unavailable")
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)

    assert_unavailable_within(server, lambda: server.get("/healthz"), assert_health_unavailable)

    server.proxy.restore()
    server.wait_healthy(RECOVERY_TIMEOUT)
    assert_serves_normally(server)
    assert_no_restart_and_no_traceback(server)


def test_a_restarted_database_costs_no_failed_request(server):
    assert_serves_normally(server)

    # What a restart does to the open connections: the server ends them.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        (terminated,) = cursor.fetchone()
    assert terminated >= 1, "gunicorn's persistent connection was there to end"

    # CONN_HEALTH_CHECKS: the dead connection is noticed and replaced before it is used.
    assert_serves_normally(server)
    assert_no_restart_and_no_traceback(server)
