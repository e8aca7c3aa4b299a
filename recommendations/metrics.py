"""Prometheus metrics and request ids (docs/operations.md, "What to watch").

`GET /metrics` answers only the addresses in METRICS_ALLOWED_ADDRESSES (the connection's own
address, never a forwarded one): request counts and latencies per view, database and cache
time per request, and the app's own counters. Under gunicorn each worker is a process: with
PROMETHEUS_MULTIPROC_DIR set (an empty folder, emptied at each start), the endpoint adds up
every worker's figures; without it, it shows the answering worker's.

No label ever holds request data: views by their route name, statuses, cache operations.
"""

import json
import logging
import os
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("nkr_requests", "Requests answered", ["view", "method", "status"])
LATENCY = Histogram("nkr_request_seconds", "Time to answer a request", ["view"])
DATABASE_TIME = Histogram(
    "nkr_database_seconds", "Time one request spent in database queries", ["view"]
)
DATABASE_QUERIES = Counter("nkr_database_queries", "Database queries made", ["view"])
CACHE_TIME = Histogram("nkr_cache_seconds", "Time of one shared-cache operation", ["operation"])
CACHE_LOOKUPS = Counter("nkr_cache_lookups", "Shared-cache lookups", ["result"])
EVALUATIONS = Counter("nkr_evaluations", "Intakes evaluated (form, API and CDS Hooks)")
CDS_CALLS = Counter("nkr_cds_calls", "CDS Hooks service calls", ["status"])
CARDS_ISSUED = Counter("nkr_cards_issued", "CDS Hooks cards issued", ["kind"])
FEEDBACK = Counter("nkr_card_feedback", "Card feedback outcomes stored", ["outcome"])

request_id: ContextVar[str] = ContextVar("request_id", default="-")


def cache_get(key: str):
    """Return cache.get(key), timed and counted as a hit or a miss."""
    started = time.perf_counter()
    value = cache.get(key)
    CACHE_TIME.labels("get").observe(time.perf_counter() - started)
    CACHE_LOOKUPS.labels("miss" if value is None else "hit").inc()
    return value


def cache_set(key: str, value, timeout: int) -> None:
    started = time.perf_counter()
    cache.set(key, value, timeout)
    CACHE_TIME.labels("set").observe(time.perf_counter() - started)


class RequestMetricsMiddleware:
    """Give each request an id (X-Request-ID) and count its time, queries and answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A balancer's id is kept so its log and ours can be joined; else a new one.
        given = request.headers.get("X-Request-ID", "")
        rid = given if given.isprintable() and 0 < len(given) <= 64 else uuid.uuid4().hex
        token = request_id.set(rid)
        database = {"seconds": 0.0, "queries": 0}

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                database["seconds"] += time.perf_counter() - started
                database["queries"] += 1

        started = time.perf_counter()
        try:
            with connection.execute_wrapper(timed):
                response = self.get_response(request)
        finally:
            request_id.reset(token)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match.route) if match else "unmatched"
        LATENCY.labels(view).observe(time.perf_counter() - started)
        REQUESTS.labels(view, request.method, str(response.status_code)).inc()
        DATABASE_TIME.labels(view).observe(database["seconds"])
        DATABASE_QUERIES.labels(view).inc(database["queries"])
        if view.startswith("cds-"):
            CDS_CALLS.labels(str(response.status_code)).inc()
        response["X-Request-ID"] = rid
        return response


class RequestIdFilter(logging.Filter):
    """Put the current request's id on every log record (LOG_FORMAT=json prints it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request's id (LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def metrics(request: HttpRequest) -> HttpResponse:
    """Return the metrics in Prometheus' text format, to allowed addresses only."""
    if request.META.get("REMOTE_ADDR") not in settings.METRICS_ALLOWED_ADDRESSES:
        return HttpResponseForbidden("Forbidden\n", content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest()
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
