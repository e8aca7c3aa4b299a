"""Rates for anonymous API calls (settings: API_THROTTLE_RATE, CDS_THROTTLE_RATE).

Each client address gets a window that opens with its first call and lasts the rate's period;
calls beyond the rate within it are refused (429, Retry-After: until the window closes). The
count is one atomic step, so concurrent calls can never be let through together past the
limit (issue 15: reading and then writing the count let 194-213 of 120 through):

- "redis" (REDIS_URL is set): INCR with expiry, in one Lua script, shared by every server;
- "database": one row per address and window, incremented by a single UPDATE under its row
  lock, shared by every server using the database;
- "memory": one process only (the test suite's default; never a server's).
"""

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework import throttling
from rest_framework.settings import api_settings

from ..models import ThrottleCount

KEY_PREFIX = "nkr:throttle:"


# Open the window if none is open, count the call, and say how long the window has left: one
# script, so one step for Redis (atomic) and one reply. A MULTI of the three commands did the
# same with five replies to read: 0.16 ms of every API call against about 0.09 for this.
_HIT_SCRIPT = """
redis.call('SET', KEYS[1], 0, 'EX', ARGV[1], 'NX')
return {redis.call('INCR', KEYS[1]), redis.call('PTTL', KEYS[1])}
"""


def _redis_hit(key: str, seconds: int) -> tuple[int, float]:
    count, ttl_ms = _redis_hit_script()(keys=[key], args=[seconds])
    return count, max(ttl_ms, 0) / 1000


_redis_scripts: dict[str, object] = {}
_redis_scripts_lock = threading.Lock()


def _redis_hit_script():
    # One client, with its connection pool, per process and URL (connections, not shared
    # state). Made under a lock: a second client made at the same moment would close its pool's
    # sockets when dropped, under the calls already using them. The script runs by EVALSHA,
    # loaded into a Redis that does not know it yet.
    import redis

    url = settings.REDIS_URL
    with _redis_scripts_lock:
        if url not in _redis_scripts:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            _redis_scripts[url] = client.register_script(_HIT_SCRIPT)
        return _redis_scripts[url]


def _database_hit(key: str, seconds: int) -> tuple[int, float]:
    now = timezone.now()
    with transaction.atomic():
        current = ThrottleCount.objects.filter(key=key, expires_at__gt=now)
        # UPDATE ... SET count = count + 1 takes the row's lock until commit: a concurrent call
        # waits here and then counts on top of this one.
        if not current.update(count=F("count") + 1):
            # No open window: a new one (its first call sweeps every closed window away).
            ThrottleCount.objects.filter(expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    ThrottleCount.objects.create(
                        key=key, count=1, expires_at=now + timedelta(seconds=seconds)
                    )
            except IntegrityError:
                # Another call opened it at the same moment: count on top of that one.
                current.update(count=F("count") + 1)
        row = ThrottleCount.objects.get(key=key)
    return row.count, (row.expires_at - now).total_seconds()


_memory_lock = threading.Lock()
_memory_counts: dict[str, tuple[int, float]] = {}


def _memory_hit(key: str, seconds: int) -> tuple[int, float]:
    now = time.monotonic()
    with _memory_lock:
        count, until = _memory_counts.get(key, (0, 0.0))
        if until <= now:
            count, until = 0, now + seconds
        _memory_counts[key] = (count + 1, until)
    return count + 1, until - now


def memory_counts_clear() -> None:
    """Forget the in-process counts (tests that change the rate start from none)."""
    with _memory_lock:
        _memory_counts.clear()


STORES = {"redis": _redis_hit, "database": _database_hit, "memory": _memory_hit}


def throttle_hit(key: str, seconds: int) -> tuple[int, float]:
    """Count one call under `key`; return the calls in its window and the seconds left in it."""
    return STORES[settings.THROTTLE_STORE](KEY_PREFIX + key, seconds)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's per-address throttle, counted atomically in the configured store."""

    def get_rate(self) -> str:
        # DRF copies the rates onto the class at import; read them now, so a changed
        # setting (a test's, say) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def allow_request(self, request, view) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        count, self.seconds_left = throttle_hit(
            f"{self.scope}:{self.get_ident(request)}", self.duration
        )
        return count <= self.num_requests

    def wait(self) -> float:
        return max(self.seconds_left, 1)


class CdsRateThrottle(AnonRateThrottle):
    """The CDS Hooks service's own budget: a record system calls for many clinicians."""

    scope = "cds"
