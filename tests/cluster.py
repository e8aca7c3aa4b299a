"""Several gunicorn servers behind HAProxy on loopback, as production runs them (tests, bench).

Each server is a separate gunicorn in production mode (DEBUG off, no test settings) sharing
one PostgreSQL database and one Redis; HAProxy balances round-robin, checks /healthz, and
retries a request that found a server gone on another one (`retry-on`, `redispatch`).
"""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 40


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


COLLECTED_STATIC = Path(tempfile.gettempdir()) / "nkr-test-collected-static"


def production_env(database_url: str, redis_url: str, **overrides: str) -> dict[str, str]:
    """Return a server's environment: production settings, this database and Redis."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTEST_VERSION", "DEBUG", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
        and not key.startswith(("SECURE_", "API_THROTTLE", "NUM_PROXIES"))
    }
    return env | {
        "SECRET_KEY": "cluster-test-secret-key-not-for-production-" + "x" * 20,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "NUM_PROXIES": "1",  # HAProxy appends the client's address
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "nkr.settings",
        # Collected outside the project: a staticfiles/ folder there would slow every later
        # test (settings.STATIC_ROOT).
        "STATIC_ROOT": str(COLLECTED_STATIC),
        **overrides,
    }


def manage(env: dict[str, str], *command: str) -> None:
    """Run a manage.py command as a server with `env` would see it."""
    subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
    )


def collect_static(env: dict[str, str]) -> None:
    # Production serves hashed static files from the collected manifest.
    manage(env, "collectstatic", "--no-input", "-v0")


class Server:
    """One gunicorn on a free loopback port."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, workers: int = 2):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "nkr.wsgi",
                "--bind",
                "127.0.0.1:0",
                "--workers",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.url = ""  # known once gunicorn says where it listens
        try:
            self.wait_healthy(START_TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def wait_healthy(self, timeout: float) -> None:
        """Wait until the server answers /healthz with 200; raise RuntimeError after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log()}")
            if not self.url:
                found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", self.log())
                self.url = found.group(1) if found else ""
            if self.url:
                try:
                    if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                        return
                except requests.RequestException:
                    pass  # still starting, or its database not back yet
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer /healthz within {timeout} s:\n{self.log()}")

    @property
    def address(self) -> str:
        return self.url.removeprefix("http://")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """Stop the server at once, as a crashed machine does (no graceful shutdown)."""
        # Its workers first (by their parent's id, while they still have it), then the master.
        subprocess.run(["pkill", "-KILL", "-P", str(self.process.pid)], check=False)
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            subprocess.run(["pkill", "-TERM", "-P", str(self.process.pid)], check=False)
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()


HAPROXY_CONFIG = """
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # A loaded server's health check may be slow; only a dead one should leave the pool.
    timeout check 5s
    retries 3
    option redispatch 1
    retry-on all-retryable-errors
    option forwardfor
    option http-server-close
frontend web
    bind 127.0.0.1:{port}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /healthz
    http-check send hdr Host 127.0.0.1
    http-response set-header X-Served-By %s
{servers}
"""


class Balancer:
    """HAProxy in front of `servers`, on a free loopback port."""

    def __init__(self, servers: list[Server], log_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        lines = "\n".join(
            f"    server {s.name} {s.address} check inter 500ms fall 2 rise 2" for s in servers
        )
        config = log_dir / "haproxy.cfg"
        config.write_text(HAPROXY_CONFIG.format(port=self.port, servers=lines))
        self._log = (log_dir / "haproxy.log").open("wb")
        self.process = subprocess.Popen(
            ["haproxy", "-db", "-f", str(config)], stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("HAProxy did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._log.close()


class AdminEditor:
    """An editor signed in to one server's admin over HTTP, as their browser would be.

    Production cookies are Secure and the loopback is plain HTTP, where a cookie jar would not
    send them back: the cookies are kept and sent here, as a browser behind TLS would send them.
    """

    def __init__(self, server_url: str, username: str, password: str):
        self.url = server_url
        self.cookies: dict[str, str] = {}
        login = self.request("GET", "/admin/login/")
        answer = self.request(
            "POST",
            "/admin/login/",
            {
                "username": username,
                "password": password,
                "next": "/admin/",
                "csrfmiddlewaretoken": csrf_token_in(login.text),
            },
        )
        assert answer.status_code == 302, f"{username} could not sign in"

    def request(self, method: str, path: str, data: dict | None = None) -> requests.Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method,
            self.url + path,
            data=data,
            headers={"Cookie": cookie} if cookie else {},
            allow_redirects=False,
            timeout=30,
        )
        self.cookies.update({c.name: c.value for c in response.cookies})
        return response

    def change_form(self, path: str, values: dict) -> dict:
        """GET a change form and return what it posts back: `values`, its tokens, no reason."""
        page = self.request("GET", path)
        assert page.status_code == 200, page.status_code
        edit_token = re.search(r'name="edit_token" value="([^"]+)"', page.text).group(1)
        return {
            **{key: value or "" for key, value in values.items()},
            "edit_token": edit_token,
            "change_reason": "",
            "csrfmiddlewaretoken": csrf_token_in(page.text),
        }


def csrf_token_in(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
