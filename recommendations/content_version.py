"""The published content's version: the key every cache of published answers is stored under.

The truth is in the database: each published model's newest history record (every save and
delete writes one, django-simple-history), read by one prepared query. Where the cache is Redis,
shared by every server, the version is also kept there (`CACHE_KEY`): a cached answer then costs
one Redis read and no database round trip. A change to published content puts a new token there
at once (so no server serves the old answer, even before the change commits) and again when it
commits (so no answer built from the uncommitted state outlives it). A change made outside the
app (a restore with pg_restore) is seen when the kept version expires (`SHARED_SECONDS`), or at
once after flushing Redis (docs/operations.md).
"""

import hashlib
import uuid
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.core.cache import cache as shared_cache
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_aware, make_aware

from .models import PUBLISHED_MODELS


@dataclass(frozen=True)
class ContentVersion:
    """The published content's version: `token` changes with every change, anywhere."""

    token: str
    changed_at: datetime | None  # the newest change (Last-Modified)


CACHE_KEY = "content-version"
# How long the version kept in Redis is trusted without a change through the app.
SHARED_SECONDS = 5 * 60


def content_version() -> ContentVersion:
    """Return the published content's version: from Redis where it is kept there, else read
    from the database.

    Shared by every server, so caches keyed by it show a publish everywhere at once.
    """
    if not _kept_in_shared_cache():
        return content_version_read()
    kept = shared_cache.get(CACHE_KEY)
    if kept is None:
        kept = content_version_read()
        # Unless a change has put a newer one there meanwhile.
        shared_cache.add(CACHE_KEY, kept, SHARED_SECONDS)
    return kept


def _kept_in_shared_cache() -> bool:
    # Only Redis: the database cache would cost the round trip this saves.
    return isinstance(caches["default"], RedisCache)


def content_changed(**kwargs) -> None:
    """Put a new version in Redis for a change to published content: now, and on commit."""
    if kwargs["sender"] not in _history_models() or not _kept_in_shared_cache():
        return
    _version_renew()
    transaction.on_commit(_version_renew)


def _version_renew() -> None:
    version = ContentVersion(token=uuid.uuid4().hex, changed_at=timezone.now())
    shared_cache.set(CACHE_KEY, version, SHARED_SECONDS)


@cache
def _history_models() -> frozenset:
    return frozenset(model.history.model for model in PUBLISHED_MODELS)


def content_version_read() -> ContentVersion:
    """Return the published content's version as the database holds it (one indexed query,
    prepared once per connection on PostgreSQL).

    The newest history id and date of each model: ids catch every save and delete, and the
    dates tell a database restored from a backup from the one it replaced.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _version_query_prepare(cursor)
            cursor.execute("EXECUTE nkr_content_version")
        else:
            cursor.execute(_version_query())
        rows = sorted(cursor.fetchall())
    dates = [_as_datetime(date) for _, _, date in rows]
    token = hashlib.sha256(repr([(n, pk, str(date)) for n, pk, date in rows]).encode())
    token = token.hexdigest()[:32]
    return ContentVersion(token=token, changed_at=max(dates, default=None))


@cache
def _version_query() -> str:
    # Each model's newest history record, by its primary key: an index probe each, and
    # cheaper to plan than MAX() over two columns (this query runs on every cached answer).
    # SQL from strings (ruff S608, bandit B608) is safe here: the table names come from model
    # metadata, quoted, never from input, and there are no values to bind.
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT {index} AS n, history_id, history_date FROM {table} "  # noqa: S608 # nosec B608
        f"ORDER BY history_id DESC LIMIT 1) AS newest_{index}"
        for index, table in enumerate(_history_tables())
    )


# The database connections (sessions) that hold the version query prepared. Planning its eight
# parts cost PostgreSQL several times what running them does, on every cached answer; a
# prepared statement is planned once per session and, unlike the session's data, outlives a
# rolled-back transaction. A new connection is a new object, so it prepares its own.
_PREPARED_IN: "weakref.WeakSet" = weakref.WeakSet()


def _version_query_prepare(cursor) -> None:
    session = connection.connection
    if session not in _PREPARED_IN:
        cursor.execute(f"PREPARE nkr_content_version AS {_version_query()}")
        _PREPARED_IN.add(session)


@cache
def _history_tables() -> list[str]:
    # Once per process: `Model.history` builds a new manager class on every access, which
    # cost more than the query on every cached page.
    return [
        connection.ops.quote_name(model.history.model._meta.db_table) for model in PUBLISHED_MODELS
    ]


def _as_datetime(value: datetime | str) -> datetime:
    # SQLite hands raw SQL its timestamps as text (UTC).
    if isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if is_aware(parsed) else make_aware(parsed, UTC)
