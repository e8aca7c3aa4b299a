"""Prometheus metrics for operators only, and a request id on every answer and log line."""

import json
import logging
import re

import pytest

from recommendations.metrics import JsonFormatter, RequestIdFilter, request_id

LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}


def sample(text: str, name: str, **labels: str) -> float:
    """Return one sample's value from Prometheus' text format (0 when absent)."""
    # Prometheus writes the labels sorted by name.
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    pattern = (
        rf"^{re.escape(name)}(?:\{{{re.escape(wanted)}\}})? (\S+)$"
        if wanted
        else (rf"^{re.escape(name)} (\S+)$")
    )
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.content.decode()


def test_metrics_count_requests_per_view_and_the_apps_own_events(client, content):
    before = scrape(client)

    client.get("/api/v1/red-flags/")
    client.post("/api/v1/evaluate/", LOW_BACK, content_type="application/json")
    after = scrape(client)

    view = {"view": "api-red-flag-list", "method": "GET", "status": "200"}
    assert (
        sample(after, "nkr_requests_total", **view)
        == sample(before, "nkr_requests_total", **view) + 1
    )
    assert sample(after, "nkr_evaluations_total") == sample(before, "nkr_evaluations_total") + 1
    assert sample(after, "nkr_request_seconds_count", view="api-evaluate") >= 1
    assert sample(after, "nkr_database_queries_total", view="api-red-flag-list") >= 1
    assert sample(after, "nkr_cache_seconds_count", operation="get") >= 1
    for name in ("nkr_cds_calls", "nkr_cards_issued", "nkr_card_feedback"):
        assert re.search(rf"^# TYPE {name}(_total)? counter$", after, re.MULTILINE)


@pytest.mark.parametrize("address", ["10.0.0.9", "203.0.113.5"])
def test_metrics_are_refused_to_addresses_the_operator_did_not_allow(client, address):
    assert client.get("/metrics", REMOTE_ADDR=address).status_code == 403


def test_a_forwarded_address_cannot_open_the_metrics(client, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}

    response = client.get(
        "/metrics", REMOTE_ADDR="10.0.0.9", headers={"X-Forwarded-For": "127.0.0.1"}
    )

    assert response.status_code == 403


def test_an_allowed_operator_address_may_read_them(client, settings):
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.9"]

    assert client.get("/metrics", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert client.get("/metrics").status_code == 403


def test_every_answer_carries_a_request_id_and_keeps_the_balancers(client, db):
    own = client.get("/healthz")
    given = client.get("/healthz", headers={"X-Request-ID": "lb-1234"})

    assert re.fullmatch(r"[0-9a-f]{32}", own["X-Request-ID"])
    assert given["X-Request-ID"] == "lb-1234"


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("nkr.audit", logging.INFO, __file__, 1, "published %s", ("x",), None)
    token = request_id.set("abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id.reset(token)

    line = json.loads(JsonFormatter().format(record))

    assert (line["request_id"], line["message"], line["level"]) == ("abc123", "published x", "INFO")
