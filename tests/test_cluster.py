"""Two gunicorn servers behind HAProxy, one PostgreSQL, one Redis: they serve as one.

Load goes through the balancer while one server is stopped (nothing fails) or crashes (only the
answers it was writing at that instant are lost); one API limit is counted across
both; an editor's publish through one server's admin is seen on both at once, cached pages and
all; two editors saving at once through the two servers' admin pages lose nothing.
PostgreSQL and Redis only (`-m cluster`, run by .ci/run).
"""

import shutil
import threading
import time
from collections import Counter
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User
from django.db import connection

from recommendations.models import Recommendation, RecommendationDraft
from recommendations.permissions import editors_group_sync
from recommendations.seeding import content_seed
from recommendations.services import recommendation_editable_values
from tests.cluster import AdminEditor, Balancer, Server, collect_static, production_env

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
    ),
    pytest.mark.skipif(shutil.which("haproxy") is None, reason="needs haproxy (apt-get install)"),
]

API_LIMIT = 60
PAGES = [
    "/",
    "/guidelines/generalised-pain/",
    "/guidelines/generalised-pain/cbt/",
    "/guidelines/acute-low-back-pain/",
]


@pytest.fixture
def cluster(transactional_db, redis_url, tmp_path):
    content_seed()
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    database_url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
    env = production_env(
        database_url + db["NAME"], redis_url, API_THROTTLE_RATE=f"{API_LIMIT}/hour"
    )
    collect_static(env)
    servers, balancer = [], None
    try:
        for name in ("a", "b"):
            servers.append(Server(name, env, tmp_path))
        balancer = Balancer(servers, tmp_path)
        yield balancer, servers
    finally:
        if balancer:
            balancer.stop()
        for server in servers:
            server.stop()


def test_one_api_limit_is_counted_across_both_servers(cluster):
    balancer, _ = cluster
    statuses, served_by = [], Counter()
    lock = threading.Lock()

    def client():
        session = requests.Session()
        for _ in range(10):
            response = session.get(balancer.url + "/api/v1/red-flags/", timeout=20)
            with lock:
                statuses.append(response.status_code)
                served_by[response.headers.get("X-Served-By")] += 1

    threads = [threading.Thread(target=client) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert set(served_by) == {"a", "b"}
    assert (statuses.count(200), statuses.count(429)) == (API_LIMIT, 100 - API_LIMIT)


def editors(*names: str) -> list[User]:
    """Create editors whose password the servers can check (production's hasher, not the
    tests' fast one)."""
    group = editors_group_sync()
    hasher = PBKDF2PasswordHasher()
    users = []
    for name in names:
        password = hasher.encode(PASSWORD, hasher.salt())
        users.append(User.objects.create(username=name, password=password, is_staff=True))
        users[-1].groups.add(group)
    return users


PASSWORD = "correct horse battery 42"
CBT = "/guidelines/generalised-pain/cbt/"


def test_a_publish_through_one_servers_admin_is_seen_on_both_at_once(cluster):
    _, (a, b) = cluster
    for server in (a, b):  # both have the page cached now
        assert requests.get(server.url + CBT, timeout=20).status_code == 200
    editors("alice")
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    alice = AdminEditor(a.url, "alice", PASSWORD)
    change = f"/admin/recommendations/recommendation/{cbt.pk}/change/"
    form = alice.change_form(change, recommendation_editable_values(recommendation=cbt))

    published = alice.request(
        "POST",
        change,
        {**form, "title": "Udgivet nu.", "change_reason": "Klyngetest.", "_publish": "1"},
    )

    assert published.status_code == 302, published.text[:2000]
    for server in (a, b):
        assert "Udgivet nu." in requests.get(server.url + CBT, timeout=20).text, server.name
        api = requests.get(server.url + "/api/v1/recommendations/?guideline=generalised-pain")
        assert "Udgivet nu." in api.text, server.name


def test_two_editors_saving_at_once_on_two_servers_lose_no_edit(cluster):
    # Both open the same text, one on each server, and both save at once. One save wins; the
    # other editor gets the form back with their own text and a conflict: nothing is silently
    # overwritten (the services lock the row in PostgreSQL, which both servers share).
    _, servers = cluster
    editors("alice", "erik")
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    change = f"/admin/recommendations/recommendation/{cbt.pk}/change/"
    values = recommendation_editable_values(recommendation=cbt)
    sessions = {
        name: AdminEditor(server.url, name, PASSWORD)
        for name, server in zip(("alice", "erik"), servers, strict=True)
    }
    forms = {name: editor.change_form(change, values) for name, editor in sessions.items()}
    start = threading.Barrier(2)
    answers = {}

    def save(name):
        start.wait()
        answers[name] = sessions[name].request(
            "POST", change, {**forms[name], "title": f"Tekst fra {name}.", "_continue": "1"}
        )

    threads = [threading.Thread(target=save, args=(name,)) for name in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 302], statuses
    winner = next(name for name, answer in answers.items() if answer.status_code == 302)
    loser = next(name for name in answers if name != winner)
    refused = answers[loser].text
    assert f"Tekst fra {loser}." in refused, "the refused editor keeps their own text"
    assert f"Din ændring er ikke gemt: {winner} gemte anbefalingen" in refused
    assert RecommendationDraft.objects.get(recommendation=cbt).title == f"Tekst fra {winner}."


def load_while(balancer, lose_server) -> tuple[list, Counter, int]:
    """Send load through the balancer for 8 s from 8 clients, calling `lose_server` after 3 s.

    Return the failed requests (path, status or error, whether sent after the loss), the
    answers per server, and how many had been answered at the loss.
    """
    failures, answered = [], Counter()
    lock = threading.Lock()
    lost = threading.Event()
    stop_at = time.monotonic() + 8

    def client():
        session = requests.Session()
        count = 0
        while time.monotonic() < stop_at:
            path = PAGES[count % len(PAGES)]
            count += 1
            sent_after_loss = lost.is_set()
            try:
                response = session.get(balancer.url + path, timeout=20)
                status = response.status_code
            except requests.RequestException as error:
                status = repr(error)
            with lock:
                if status != 200:
                    failures.append((path, status, sent_after_loss))
                else:
                    answered[response.headers.get("X-Served-By")] += 1

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    lose_server()
    lost.set()
    answered_at_loss = sum(answered.values())
    for thread in threads:
        thread.join()
    return failures, answered, answered_at_loss


def test_load_through_the_balancer_loses_nothing_when_a_server_is_stopped(cluster):
    # A server taken out (an upgrade, a scale-down: SIGTERM) finishes what it has begun and
    # refuses the rest, which the balancer sends to the other: no client sees a failure.
    balancer, servers = cluster
    failures, answered, at_loss = load_while(balancer, servers[0].stop)

    assert failures == []
    assert answered["a"] > 0 and answered["b"] > 0
    assert sum(answered.values()) > at_loss  # served on after the loss


def test_load_through_the_balancer_survives_a_server_crash(cluster):
    # A crash (SIGKILL) loses the answers its server was writing at that instant: their
    # headers may have reached the client already, and no balancer can retry a response it
    # has begun to forward. Everything else is answered, by the other server from then on.
    balancer, servers = cluster
    failures, answered, at_loss = load_while(balancer, servers[0].kill)

    assert len(failures) <= 8, failures  # at most the one request each client had in flight
    assert all(not sent_after_loss for _, _, sent_after_loss in failures), failures
    assert answered["a"] > 0 and answered["b"] > 0
    assert sum(answered.values()) > at_loss
