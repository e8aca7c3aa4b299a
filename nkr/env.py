"""Reading settings from the environment: small helpers that fail loudly.

A value a helper does not understand stops the start-up with ImproperlyConfigured: a typo in
production must not be read as a default. nkr/settings.py is where they are called.
"""

import json
import os
import re
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


def envbool(name: str, default: str) -> bool:
    """Return the environment variable `name` as a bool, refusing anything ambiguous."""
    # Set but empty (`CDS_HOOKS_VERIFY_JWT=` in an env file) means the default: an empty value
    # must never quietly switch a protection off.
    value = (os.getenv(name, "").strip() or default).lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 0/1, true/false, yes/no or on/off, not {value!r}")


def envint(name: str, default: str) -> int:
    """Return the environment variable `name` as a whole number of at least 0."""
    value = os.getenv(name, default).strip()
    if not value.isdigit():
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}")
    return int(value)


def envrate(name: str, default: str) -> str:
    """Return a request rate such as "120/min" (DRF's format), refusing anything else."""
    value = os.getenv(name, default).strip()
    if not re.fullmatch(r"[1-9]\d*/(s|sec|second|m|min|minute|h|hour|d|day)", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 120/min, not {value!r}")
    return value


def envlist(name: str, default: str) -> list[str]:
    """Return a comma-separated environment variable as a list of non-empty items."""
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envbaseurl(name: str, default: str) -> str:
    """Return an absolute http(s) URL without query, fragment or trailing slash."""
    value = (os.getenv(name, "").strip() or default).rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise ImproperlyConfigured(f"{name} must be an http(s) URL like {default}, not {value!r}")
    return value


def envjson(name: str, default: str) -> object:
    """Return the environment variable `name` parsed as JSON, refusing anything that is not."""
    value = os.getenv(name, default)
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise ImproperlyConfigured(f"{name} must be JSON: {error}") from None


def database_from_url(url: str, *, statement_timeout_ms: int) -> dict:
    """Return a Django DATABASES entry for a postgres:// or sqlite:/// URL.

    PostgreSQL ends any statement after `statement_timeout_ms` (settings.py, a hung database).
    """
    parts = urlsplit(url)
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": parts.path[1:] or ":memory:",
            # A transaction takes SQLite's write lock when it begins, and a second writer waits
            # for it (up to `timeout` seconds). With SQLite's default (deferred) a read that
            # turns into a write fails at once with "database is locked": two editors saving
            # at the same moment got a 503 instead of the concurrent-edit refusal.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parts.scheme in {"postgres", "postgresql"}:
        return {
            # Django's backend with every wait for the server bounded (a hung database).
            "ENGINE": "nkr.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            # Persistent connections, checked before reuse so a restarted database
            # does not hand the next request a dead connection.
            "CONN_MAX_AGE": int(os.getenv("CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            # A database that hangs must cost a request at most a few seconds (a 503 with
            # Retry-After, docs/operations.md): give up connecting after 2 s (libpq's least),
            # let the server end any statement after statement_timeout_ms, and have the
            # kernel probe an idle connection so a dead peer is dropped. The URL may override.
            "OPTIONS": {
                "connect_timeout": "2",
                "keepalives": "1",
                "keepalives_idle": "30",
                "keepalives_interval": "5",
                "keepalives_count": "3",
                "tcp_user_timeout": "30000",
                "options": f"-c statement_timeout={statement_timeout_ms}",
            }
            | options,
            "TEST": {"NAME": f"test_{unquote(parts.path.lstrip('/'))}"},
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with postgres:// or sqlite:///, not {parts.scheme!r}"
    )
