"""Production settings, as a server started from the environment gets them (docs/operations.md).

Each test starts a fresh Python with DEBUG off and no PYTEST_VERSION, so the settings module
reads the environment exactly as under `make serve`.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from nkr.env import envint, envrate

ROOT = Path(__file__).resolve().parent.parent
ISSUERS = {"https://ehr.example.dk": {"jwks_url": "https://ehr.example.dk/.well-known/jwks.json"}}


def production_env(**overrides: str) -> dict[str, str]:
    """Return the environment of a production server, as docs/operations.md sets it up."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The browser tests allow sync ORM calls in their event loop; a server never would.
        if key
        not in {"PYTEST_VERSION", "DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
        and not key.startswith(("SECURE_", "OTP_", "API_THROTTLE", "NUM_PROXIES", "REDIS_URL"))
    }
    env |= {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "nkr.klinik.dk",
        "CDS_HOOKS_ISSUERS": json.dumps(ISSUERS),
        "OTP_REQUIRED_FOR_STAFF": "1",
        "FHIR_CANONICAL_BASE": "https://nkr.klinik.dk/fhir",
    }
    return env | overrides


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_to_warn_about_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_fails_while_staff_can_sign_in_with_a_password_alone():
    env = production_env(OTP_REQUIRED_FOR_STAFF="0")

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "recommendations.W001" in result.stderr


def test_check_deploy_fails_behind_a_proxy_that_is_not_counted_for_client_addresses():
    env = production_env(SECURE_PROXY_SSL_HEADER="1")

    failing = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    counted = manage("check", "--deploy", "--fail-level", "WARNING", env=env | {"NUM_PROXIES": "1"})

    assert "recommendations.W002" in failing.stderr
    assert counted.returncode == 0, counted.stdout + counted.stderr


def production_settings(env: dict[str, str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'ssl_redirect': s.SECURE_SSL_REDIRECT, "
        "'hsts': s.SECURE_HSTS_SECONDS, 'session_secure': s.SESSION_COOKIE_SECURE, "
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'csrf_httponly': s.CSRF_COOKIE_HTTPONLY, "
        "'cache': s.CACHES['default']['BACKEND'], 'throttle': s.THROTTLE_STORE, "
        "'sessions': s.SESSION_ENGINE, 'idle': s.SESSION_COOKIE_AGE, "
        "'rate': s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon']}))"
    )
    env = env | {"DJANGO_SETTINGS_MODULE": "nkr.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_defaults_are_https_only_with_secure_cookies_and_a_shared_throttle_cache():
    assert production_settings(production_env()) == {
        "debug": False,
        "ssl_redirect": True,
        "hsts": 31536000,
        "session_secure": True,
        "csrf_secure": True,
        "csrf_httponly": True,
        # Every gunicorn worker and server shares the caches and the counts: in the database.
        "cache": "django.core.cache.backends.db.DatabaseCache",
        "throttle": "database",
        "sessions": "django.contrib.sessions.backends.db",
        "idle": 1800,
        "rate": "120/min",
    }


def test_with_redis_url_the_caches_and_throttle_counts_move_to_redis():
    found = production_settings(production_env(REDIS_URL="redis://127.0.0.1:6379/3"))

    assert (found["cache"], found["throttle"], found["sessions"]) == (
        "django.core.cache.backends.redis.RedisCache",
        "redis",
        # Sessions stay in the database: signing in must not depend on a cache's memory.
        "django.contrib.sessions.backends.db",
    )


def test_a_redis_url_that_is_not_one_stops_the_start_up():
    result = manage("check", env=production_env(REDIS_URL="127.0.0.1:6379"))

    assert result.returncode != 0
    assert "REDIS_URL must start with redis://" in result.stderr


def test_a_server_without_a_secret_key_refuses_to_start():
    env = production_env()
    del env["SECRET_KEY"]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("value", ["120", "many/min", "0/min", "120/fortnight", " "])
def test_a_throttle_rate_that_cannot_be_read_stops_the_start_up(monkeypatch, value):
    monkeypatch.setenv("API_THROTTLE_RATE", value)

    with pytest.raises(ImproperlyConfigured, match="API_THROTTLE_RATE"):
        envrate("API_THROTTLE_RATE", "120/min")


@pytest.mark.parametrize("value", ["30m", "-5", "1.5", ""])
def test_a_timeout_that_is_not_a_whole_number_stops_the_start_up(monkeypatch, value):
    monkeypatch.setenv("SESSION_IDLE_TIMEOUT", value)

    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_TIMEOUT"):
        envint("SESSION_IDLE_TIMEOUT", "1800")


@pytest.mark.parametrize("name", ["CDS_HOOKS_VERIFY_JWT", "SECURE_SSL_REDIRECT"])
def test_a_protection_set_to_an_empty_value_stays_on(name):
    # `CDS_HOOKS_VERIFY_JWT=` in an env file must not switch JWT verification off.
    code = f"import django; django.setup(); from django.conf import settings as s; print(s.{name})"
    env = production_env(**{name: ""}) | {"DJANGO_SETTINGS_MODULE": "nkr.settings"}

    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_check_deploy_fails_while_the_fhir_canonical_base_is_the_example():
    env = production_env()
    del env["FHIR_CANONICAL_BASE"]
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "recommendations.W003" in result.stderr
