"""Two gunicorn servers behind HAProxy, one PostgreSQL, one Redis: they serve as one.

Load goes through the balancer while one server is killed; one API limit is counted across
both; a publish is seen on both at once, cached pages and all; concurrent edits on both
servers lose nothing. PostgreSQL and Redis only (`-m cluster`, run by .ci/run).
"""

import shutil
import threading
import time
from collections import Counter
from urllib.parse import quote

import pytest
import requests
from django.contrib.auth.models import User
from django.db import connection

from recommendations.models import Recommendation
from recommendations.permissions import editors_group_sync
from recommendations.seeding import content_seed
from recommendations.services import (
    EditConflictError,
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)
from tests.cluster import Balancer, Server, collect_static, production_env

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


def test_a_publish_is_seen_on_both_servers_at_once(cluster):
    _, servers = cluster
    page = "/guidelines/generalised-pain/cbt/"
    for server in servers:  # both have the page cached now
        assert requests.get(server.url + page, timeout=20).status_code == 200
    editor = User.objects.create_user("alice", password="x" * 16, is_staff=True)
    editor.groups.add(editors_group_sync())
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    recommendation_draft_save(
        recommendation=cbt,
        user=editor,
        data={**recommendation_editable_values(recommendation=cbt), "title": "Udgivet nu."},
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    recommendation_publish(recommendation=cbt, user=editor, change_reason="Klyngetest.")

    for server in servers:
        assert "Udgivet nu." in requests.get(server.url + page, timeout=20).text, server.name
        api = requests.get(server.url + "/api/v1/recommendations/?guideline=generalised-pain")
        assert "Udgivet nu." in api.text, server.name


def test_two_editors_on_two_servers_lose_no_edit(cluster):
    # Both open the same text; both save at once. One save wins, the other is refused with
    # the editor's own text kept: nothing is silently overwritten (services lock the row).
    editors = [User.objects.create_user(name, password="x" * 16) for name in ("alice", "erik")]
    group = editors_group_sync()
    for editor in editors:
        editor.groups.add(group)
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    token = recommendation_edit_token(recommendation=cbt)
    start = threading.Barrier(2)
    outcomes = {}

    def save(editor):
        start.wait()
        try:
            recommendation_draft_save(
                recommendation=cbt,
                user=editor,
                data={
                    **recommendation_editable_values(recommendation=cbt),
                    "title": editor.username,
                },
                edit_token=token,
            )
            outcomes[editor.username] = "saved"
        except EditConflictError:
            outcomes[editor.username] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(editor,)) for editor in editors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    assert recommendation_editable_values(recommendation=cbt)["title"] == winner


def test_load_through_the_balancer_survives_losing_a_server(cluster):
    balancer, servers = cluster
    failures, answered = [], Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + 8

    def client(index: int):
        session = requests.Session()
        count = 0
        while time.monotonic() < stop_at:
            path = PAGES[count % len(PAGES)]
            count += 1
            try:
                response = session.get(balancer.url + path, timeout=20)
                status = response.status_code
            except requests.RequestException as error:
                status = repr(error)
            with lock:
                if status != 200:
                    failures.append((path, status))
                else:
                    answered[response.headers.get("X-Served-By")] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    servers[0].kill()
    killed_at = sum(answered.values())
    for thread in threads:
        thread.join()

    assert failures == []
    assert answered["a"] > 0 and answered["b"] > 0
    assert sum(answered.values()) > killed_at  # served on after the loss
