"""The database goes away under a running gunicorn, and comes back.

gunicorn (one worker, production settings but for the test's database) reaches PostgreSQL only
through a TCP forwarder on loopback (tests/tcp_proxy.py), so the test can stop, hang and
restart "the database" without touching the real server: pages must answer with the Danish
503 page, the API with its 503 error shape, /healthz with 503, never a 500 or a traceback, and
the same worker must serve normally again once the database is back.

PostgreSQL only: SQLite is a file, it cannot become unreachable. CI runs the suite on both.
"""

import os
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.conf import settings
from django.db import connection

from recommendations.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE_ERROR
from recommendations.seeding import content_seed
from tests.tcp_proxy import TcpProxy

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): a SQLite file cannot go away",
    ),
]

BASE_DIR = Path(settings.BASE_DIR)
START_TIMEOUT = 30  # seconds for gunicorn to answer /healthz
RECOVERY_TIMEOUT = 20  # seconds for the app to serve again once the database is back
REQUEST_TIMEOUT = 20  # seconds for any one request: none may hang
CONNECT_TIMEOUT = 5  # nkr/settings.py: the default connect_timeout for PostgreSQL is below it
HUNG_ANSWER_WITHIN = 5  # seconds: a request to a hung database gets its 503 within them

PAGES = ["/", "/guidelines/acute-low-back-pain/", "/search/?q=opioider"]
API_GETS = ["/api/v1/guidelines/", "/api/v1/recommendations/?guideline=acute-low-back-pain"]
INTAKE = {"age": 45, "pain_site": "low_back", "pain_duration_weeks": 2}


class Server:
    """gunicorn serving the test database through `proxy`."""

    def __init__(self, proxy: TcpProxy, log_path: Path):
        db = connection.settings_dict
        credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        self.proxy = proxy
        self.log_path = log_path
        self.url = ""  # known once gunicorn says where it listens
        env = os.environ | {
            "DATABASE_URL": f"postgres://{credentials}@127.0.0.1:{proxy.port}/{db['NAME']}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
        }
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "nkr.wsgi",
                "--bind",
                "127.0.0.1:0",  # a free port, chosen by the system: no race for it
                "--workers",
                "1",
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                # gunicorn 27's control socket is one path per user: not for a test's server.
                "--no-control-socket",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def get(self, path: str) -> requests.Response:
        return requests.get(self.url + path, timeout=REQUEST_TIMEOUT)

    def evaluate(self) -> requests.Response:
        return requests.post(self.url + "/api/v1/evaluate/", json=INTAKE, timeout=REQUEST_TIMEOUT)

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            if not self.url:
                listening = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log())
                self.url = listening.group(1) if listening else ""
                time.sleep(0.1)
                continue
            try:
                if self.get("/healthz").status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        pytest.fail(f"/healthz did not answer 200 within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture
def server(transactional_db, tmp_path):
    content_seed()
    db = connection.settings_dict
    with TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) as proxy:
        server = Server(proxy, tmp_path / "gunicorn.log")
        try:
            server.wait_healthy(START_TIMEOUT)
            yield server
        finally:
            # Before pytest-django empties the tables: no connection of ours may be left.
            server.stop()


def assert_serves_normally(server: Server) -> None:
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


def assert_no_restart_and_no_traceback(server: Server) -> None:
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


def assert_unavailable_within(server: Server, request, check) -> None:
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
