"""Load benchmark: gunicorn on PostgreSQL, concurrent clients on loopback (`make bench`).

Reports requests per second and p50/p95/p99 per endpoint, the evaluate/healthz p50 and the
search/healthz p95 latency ratios (same run, so machine noise cancels out), and the pure
evaluator's time per intake. Bounded: a fixed number of requests per client and a time limit;
traffic only to 127.0.0.1.
"""

import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PORT = int(os.getenv("BENCH_PORT", "8799"))
CONCURRENCY = [int(c) for c in os.getenv("BENCH_CONCURRENCY", "8,32").split(",")]
REQUESTS_PER_CLIENT = int(os.getenv("BENCH_REQUESTS", "100"))
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
    ("search", "GET", "/search/?q=opioider", None),
    ("evaluate", "POST", "/api/v1/evaluate/", json.dumps(INTAKE)),
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def drive(method: str, path: str, body: str | None, clients: int) -> dict:
    """Return latency figures for `clients` concurrent keep-alive clients on one endpoint."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + TIME_LIMIT_S

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        headers = {"Content-Type": "application/json"} if body else {}
        mine = []
        for _ in range(REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
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


def wait_until_up(process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            sys.exit("gunicorn exited during start-up")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /healthz")


def port_is_free() -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) != 0


def main() -> None:
    if not port_is_free():
        sys.exit(f"Port {PORT} is in use: stop that server or set BENCH_PORT")
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # Every client is 127.0.0.1: a real rate limit would answer most calls with 429.
        "API_THROTTLE_RATE": "100000000/min",
        "DJANGO_SETTINGS_MODULE": "nkr.settings",
    }
    os.environ.update(env)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run([python, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "seed_content"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    workers = os.getenv("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1))
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "nkr.wsgi",
            "-b",
            f"127.0.0.1:{PORT}",
            "-w",
            workers,
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(server)
        print(f"gunicorn workers={workers}, database={env.get('DATABASE_URL', 'sqlite')}")
        print(f"pure evaluator: {evaluator_microseconds():.0f} µs per intake")
        for clients in CONCURRENCY:
            print(f"\n{clients} concurrent clients, {REQUESTS_PER_CLIENT} requests each")
            print(
                f"{'endpoint':<10} {'req':>5} {'err':>4} {'rps':>7} {'p50':>7} {'p95':>7} "
                f"{'p99':>7} ms"
            )
            results = {}
            for name, method, path, body in ENDPOINTS:
                drive(method, path, body, clients=2)  # warm up workers and connections
                r = results[name] = drive(method, path, body, clients)
                print(
                    f"{name:<10} {r['requests']:>5} {r['errors']:>4} {r['rps']:>7.0f} "
                    f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['p99']:>7.1f}"
                )
            ratio = results["evaluate"]["p50"] / results["healthz"]["p50"]
            print(f"evaluate/healthz p50 ratio: {ratio:.1f}")
            # Issue 14's target: search as fast as the cheapest page (p95 at most 1.5 x /healthz).
            ratio = results["search"]["p95"] / results["healthz"]["p95"]
            print(f"search/healthz p95 ratio: {ratio:.2f} (target 1.5 or less)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
