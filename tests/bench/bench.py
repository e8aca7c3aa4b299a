"""Load benchmark through the balancer: two gunicorn servers behind HAProxy, PostgreSQL and
Redis, concurrent clients on loopback (`make bench`).

Reports requests per second and p50/p95/p99 per endpoint at 8, 32 and 64 clients with errors
counted, each endpoint's p95 against /healthz's in the same run (machine noise cancels out)
with the targets at 8 clients, and the pure evaluator's time per intake. Bounded: a fixed
number of requests per client and a time limit; traffic only to 127.0.0.1.
"""

import http.client
import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PORT = int(os.getenv("BENCH_PORT", "8799"))
CONCURRENCY = [int(c) for c in os.getenv("BENCH_CONCURRENCY", "8,32,64").split(",")]
REQUESTS_PER_CLIENT = int(os.getenv("BENCH_REQUESTS", "100"))
# A p95 of 800 answers (8 clients x 100) moved by +-0.3 x /healthz from run to run: each
# endpoint gets at least this many requests, however few the clients.
MIN_REQUESTS_PER_ENDPOINT = 2400
# Numbers a "{n}" in a path, so each request of search-new asks a query never asked before.
QUERY_NUMBERS = itertools.count()


def requests_per_client(clients: int) -> int:
    return max(REQUESTS_PER_CLIENT, -(-MIN_REQUESTS_PER_ENDPOINT // clients))


TIME_LIMIT_S = 120
INTAKE = {
    "age": 60,
    "pain_site": "generalised",
    "pain_duration_weeks": 200,
    "complex_problems": True,
    "work_status": "sick_leave",
    "medications": [{"drug": "oxycodone", "daily_dose": 40, "unit": "mg"}],
    "opioid_treatment_months": 24,
}
ENDPOINTS = [
    ("healthz", "GET", "/healthz", None),
    ("home", "GET", "/", None),
    ("guideline", "GET", "/guidelines/generalised-pain/", None),
    ("recommendation", "GET", "/guidelines/generalised-pain/cbt/", None),
    ("api-guidelines", "GET", "/api/v1/guidelines/", None),
    ("api-guideline", "GET", "/api/v1/guidelines/generalised-pain/", None),
    ("api-recs", "GET", "/api/v1/recommendations/", None),
    ("search", "GET", "/search/?q=opioider", None),
    # A query no one asked before, every time: the search itself, past the cache (no target).
    ("search-new", "GET", "/search/?q=opioider+{n}", None),
    ("evaluate", "POST", "/api/v1/evaluate/", json.dumps(INTAKE)),
]
# BENCH_ENDPOINTS=healthz,evaluate drives only those (healthz always runs: the yardstick).
_CHOSEN = {"healthz", *filter(None, os.getenv("BENCH_ENDPOINTS", "").split(","))}
if len(_CHOSEN) > 1:
    ENDPOINTS = [endpoint for endpoint in ENDPOINTS if endpoint[0] in _CHOSEN]
# p95 at most this many times /healthz's at 8 clients (issue 16; search: issue 14).
TARGETS = {
    "home": 1.5,
    "guideline": 1.5,
    "recommendation": 1.5,
    "api-guidelines": 1.5,
    "api-guideline": 1.5,
    "api-recs": 1.5,
    "search": 1.5,
    "evaluate": 2.0,
}


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def drive(method: str, path: str, body: str | None, clients: int, each: int) -> dict:
    """Return latency figures for `clients` concurrent keep-alive clients on one endpoint."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT_S

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        headers = {"Content-Type": "application/json"} if body else {}
        mine = []
        for _ in range(each):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            try:
                conn.request(method, path.format(n=next(QUERY_NUMBERS)), body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ms = [latency * 1000 for latency in latencies]
    return {
        "requests": len(ms),
        "errors": errors[0],
        "rps": len(ms) / elapsed,
        "p50": percentile(ms, 50),
        "p95": percentile(ms, 95),
        "p99": percentile(ms, 99),
        "mean": statistics.fmean(ms),
    }


def evaluator_microseconds() -> float:
    """Return the pure evaluator's mean time per intake, content already in memory."""
    import django

    django.setup()
    from recommendations.intake_input import IntakeSerializer, intake_build
    from recommendations.rules import evaluate
    from recommendations.selectors import rules_content

    content = rules_content()
    serializer = IntakeSerializer(data=INTAKE, red_flag_codes=list(content.red_flags))
    serializer.is_valid(raise_exception=True)
    intake = intake_build(serializer.validated_data)
    runs = 2000
    return timeit.timeit(lambda: evaluate(intake, content), number=runs) / runs * 1e6


def main() -> None:
    """Two gunicorn servers behind HAProxy (tests/cluster.py), PostgreSQL and Redis."""
    global PORT
    from tests.cluster import Balancer, Server, collect_static, manage, production_env

    redis_url = os.getenv("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    env = production_env(
        os.environ["DATABASE_URL"],
        redis_url,
        # Every client is 127.0.0.1: a real rate limit would answer most calls with 429.
        API_THROTTLE_RATE="100000000/min",
    )
    os.environ.update(env)
    for command in (["migrate", "--no-input", "-v0"], ["createcachetable"], ["seed_content"]):
        manage(env, *command)
    collect_static(env)
    workers = int(os.getenv("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
    log_dir = Path(tempfile.mkdtemp(prefix="nkr-bench-"))
    servers, balancer = [], None
    try:
        for name in ("a", "b"):
            servers.append(Server(name, env, log_dir, workers=workers))
        balancer = Balancer(servers, log_dir)
        PORT = balancer.port
        print(
            f"2 gunicorn servers x {workers} workers behind HAProxy, "
            f"database={env['DATABASE_URL']}, redis={redis_url}"
        )
        print(f"pure evaluator: {evaluator_microseconds():.0f} µs per intake")
        for clients in CONCURRENCY:
            each = requests_per_client(clients)
            print(f"\n{clients} concurrent clients, {each} requests each")
            print(
                f"{'endpoint':<16} {'req':>5} {'err':>4} {'rps':>7} {'p50':>7} {'p95':>7} "
                f"{'p99':>7} ms  p95/healthz"
            )
            results = {}
            for name, method, path, body in ENDPOINTS:
                drive(method, path, body, clients=2, each=25)  # warm up workers and caches
                r = results[name] = drive(method, path, body, clients, each)
                ratio = r["p95"] / results["healthz"]["p95"]
                print(
                    f"{name:<16} {r['requests']:>5} {r['errors']:>4} {r['rps']:>7.0f} "
                    f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}     {ratio:.2f}"
                    f"{target_verdict(name, ratio) if clients == 8 else ''}"
                )
    finally:
        if balancer:
            balancer.stop()
        for server in servers:
            server.stop()


def target_verdict(name: str, ratio: float) -> str:
    """Issue 16's targets at 8 clients: pages and read API 1.5 x /healthz p95, evaluate 2 x."""
    limit = TARGETS.get(name)
    if limit is None:
        return ""
    return f" (target {limit}: {'met' if ratio <= limit else 'NOT met'})"


if __name__ == "__main__":
    main()
