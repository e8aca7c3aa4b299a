"""Published pages and read-API answers: cached under the content version, revalidated by
ETag/Last-Modified, a publish shown at once, and never a draft or a signed-in user's page shared.
"""

import re
import time
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils.http import http_date

from recommendations.content_version import ContentVersion, content_version
from recommendations.published_cache import last_modified_at
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)

PAGE = "/guidelines/generalised-pain/cbt/"
API = "/api/v1/recommendations/?guideline=generalised-pain"
CACHED = [
    "/",
    "/guidelines/generalised-pain/",
    PAGE,
    "/guidelines/generalised-pain/cbt/history/",
    "/guidelines/generalised-pain/changes/",
    "/guidelines/generalised-pain/hearings/generalised-pain-2018/",
    "/api/v1/guidelines/",
    "/api/v1/guidelines/generalised-pain/",
    API,
    "/api/v1/red-flags/",
    "/api/v1/guidelines/generalised-pain/recommendations/cbt/history/",
    "/search/?q=panodil",
]


def draft_save(rec, user, **changes):
    return recommendation_draft_save(
        recommendation=rec,
        user=user,
        data={**recommendation_editable_values(recommendation=rec), **changes},
        edit_token=recommendation_edit_token(recommendation=rec),
    )


def newest_change_second_over() -> None:
    """Wait (at most a second) until the second of the newest change is over: only then is a
    Last-Modified sent (published_cache.last_modified_at)."""
    changed = content_version().changed_at.timestamp()
    time.sleep(max(0.0, int(changed) + 1 - time.time()))


@pytest.mark.parametrize("url", CACHED)
def test_a_repeat_is_a_304_by_etag_or_last_modified(client, content, url):
    newest_change_second_over()
    first = client.get(url)

    by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
    by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})

    assert first.status_code == 200
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b""
    assert by_etag["ETag"] == first["ETag"]


@pytest.mark.parametrize("url", CACHED)
def test_a_cached_answer_costs_one_query_the_content_version(
    client, content, url, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(1):
        again = Client().get(url)

    assert again.status_code == 200
    assert again.content.replace(b"\n", b"") != b""
    # The same answer, but for the reader's own CSRF token.
    token = re.compile(rb"[A-Za-z0-9]{64}")
    assert token.sub(b"T", again.content) == token.sub(b"T", first.content)


def test_a_publish_is_shown_at_once_and_a_draft_never(client, cbt, alice):
    page, api = client.get(PAGE), client.get(API)

    draft_save(cbt, alice, title="Kladdens nye tekst.")
    with_draft_page, with_draft_api = client.get(PAGE), client.get(API)
    recommendation_publish(recommendation=cbt, user=alice, change_reason="Ny evidens.")
    published_page = client.get(PAGE, headers={"If-None-Match": page["ETag"]})
    published_api = client.get(API, headers={"If-None-Match": api["ETag"]})

    assert "Kladdens nye tekst." not in with_draft_page.content.decode()
    assert "Kladdens nye tekst." not in with_draft_api.content.decode()
    assert with_draft_api["ETag"] == api["ETag"]
    assert (published_page.status_code, published_api.status_code) == (200, 200)
    assert "Kladdens nye tekst." in published_page.content.decode()
    assert "Kladdens nye tekst." in published_api.content.decode()
    assert published_api["ETag"] != api["ETag"]


def test_last_modified_is_sent_once_the_second_of_the_newest_change_is_over():
    changed = datetime(2026, 12, 6, 7, 0, 0, 250000, tzinfo=UTC)
    version = ContentVersion(token="t", changed_at=changed)
    second = int(changed.timestamp())

    assert last_modified_at(version, now=changed.timestamp()) is None
    assert last_modified_at(version, now=second + 0.999) is None
    assert last_modified_at(version, now=second + 1) == second
    assert last_modified_at(ContentVersion(token="t", changed_at=None), now=second) is None


def test_a_page_read_in_the_second_of_a_publish_cannot_be_revalidated_by_date(
    client, cbt, alice, monkeypatch
):
    # A second publish within that second would carry the same date: a client asking only
    # If-Modified-Since must get the page again, not a 304 for the text it replaced.
    draft_save(cbt, alice, title="Kladdens nye tekst.")
    recommendation_publish(recommendation=cbt, user=alice, change_reason="Ny evidens.")
    second = int(content_version().changed_at.timestamp())
    clock = SimpleNamespace(time=lambda: second + 0.5)
    monkeypatch.setattr("recommendations.published_cache.time", clock)

    for url in (PAGE, API):
        page = client.get(url)
        by_date = client.get(url, headers={"If-Modified-Since": http_date(second)})
        assert page.status_code == 200 and "Last-Modified" not in page
        assert by_date.status_code == 200

    clock.time = lambda: second + 1
    assert client.get(PAGE)["Last-Modified"] == http_date(second)


def test_pages_are_private_and_read_api_answers_public_but_always_revalidated(client, content):
    page, api = client.get(PAGE), client.get(API)

    assert set(page["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert "Cookie" in page["Vary"]
    assert set(api["Cache-Control"].split(", ")) == {"public", "no-cache"}


def test_a_signed_in_users_page_is_built_for_them_and_not_stored(
    alice_client, content, django_assert_max_num_queries, django_assert_num_queries
):
    signed_in = alice_client.get(PAGE)

    assert signed_in.status_code == 200
    assert "private" in signed_in["Cache-Control"]
    # Nothing was stored: the next anonymous reader's page is built, not taken from the cache.
    with pytest.raises(pytest.fail.Exception):
        with django_assert_num_queries(1):
            Client().get(PAGE)


def test_each_reader_gets_their_own_csrf_token_in_a_cached_page(content):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(PAGE).content.decode()
    second_page = second.get(PAGE).content.decode()

    def token(page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    assert token(first_page) != token(second_page)
    form = {"language": "en", "next": PAGE, "csrfmiddlewaretoken": token(second_page)}
    answer = second.post("/i18n/setlang/", form)
    assert answer.status_code == 302


def test_a_copy_from_before_signing_in_is_not_reused_after(client, content, alice):
    before = client.get(PAGE)
    signed_in = client.post(
        "/admin/login/", {"username": "alice", "password": "correct horse 42", "next": "/admin/"}
    )
    assert signed_in.status_code == 302

    after = client.get(PAGE, headers={"If-None-Match": before["ETag"]})

    # Signing in changed the CSRF token the old copy holds: the browser gets a fresh page.
    assert after.status_code == 200


def test_a_repeated_live_search_is_answered_from_the_cache_and_a_publish_shows_at_once(
    client, cbt, alice, django_assert_num_queries
):
    live = {"HX-Request": "true"}
    first = client.get("/search/", {"q": "kognitiv"}, headers=live)

    with django_assert_num_queries(1):  # the content version alone
        again = Client().get("/search/", {"q": "kognitiv"}, headers=live)
    draft_save(cbt, alice, title="Kognitiv adfærdsterapi, ny ordlyd fra høringen.")
    recommendation_publish(recommendation=cbt, user=alice, change_reason="Høringssvar.")
    published = Client().get("/search/", {"q": "kognitiv"}, headers=live)

    assert again.content == first.content
    assert "csrf" not in first.content.decode().lower()
    assert "ny ordlyd fra høringen" not in first.content.decode()
    assert "ny ordlyd fra høringen" in published.content.decode()


def test_a_page_that_holds_a_token_it_cannot_replace_is_never_stored():
    from django.http import HttpResponse

    from recommendations.published_cache import storable_page

    page = HttpResponse('<input name="csrfmiddlewaretoken" value="abc123">')

    assert storable_page(page, token_used=True) is None
    assert storable_page(page, token_used=False) is not None


def test_this_process_keeps_recent_answers_within_its_bound():
    from recommendations.published_cache import LocalAnswers

    answers = LocalAnswers(max_chars=10)
    answers.put("a", "12345")
    answers.put("b", "12345")
    answers.get("a")  # a is now the newer
    answers.put("c", "123")
    answers.put("too-big", "x" * 11)

    assert (answers.get("a"), answers.get("b"), answers.get("c")) == ("12345", None, "123")
    assert answers.get("too-big") is None


def test_the_version_is_read_the_same_after_a_rolled_back_transaction(content):
    # On PostgreSQL the query is prepared once per connection (selectors.py), and a prepared
    # statement outlives the transaction that prepared it.
    from django.db import transaction

    from recommendations.content_version import content_version

    with pytest.raises(RuntimeError), transaction.atomic():
        before = content_version()
        raise RuntimeError

    assert content_version() == before


# --- With Redis (every server's cache): the version is kept there ----------------------------


@pytest.fixture
def redis_cache(redis_url, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "nkr",
        }
    }
    from recommendations.published_cache import LOCAL_ANSWERS

    LOCAL_ANSWERS.clear()
    yield
    LOCAL_ANSWERS.clear()


def test_with_redis_a_cached_answer_costs_no_database_query(
    content, redis_cache, django_assert_num_queries
):
    Client().get(PAGE)
    Client().get(API)

    with django_assert_num_queries(0):
        page, api = Client().get(PAGE), Client().get(API)

    assert (page.status_code, api.status_code) == (200, 200)


def test_with_redis_a_publish_is_shown_at_once_before_and_after_it_commits(
    client, cbt, alice, redis_cache, django_capture_on_commit_callbacks
):
    page = client.get(PAGE)

    with django_capture_on_commit_callbacks(execute=True) as committed:
        draft_save(cbt, alice, title="Udgivet med Redis.")
        recommendation_publish(recommendation=cbt, user=alice, change_reason="Ny evidens.")
        during = client.get(PAGE, headers={"If-None-Match": page["ETag"]})
    after = client.get(PAGE, headers={"If-None-Match": during["ETag"]})

    assert committed, "the version is put again when the change commits"
    assert during.status_code == 200 and "Udgivet med Redis." in during.content.decode()
    assert after.status_code == 200, "an answer built before the commit is not reused after"
    assert "Udgivet med Redis." in after.content.decode()


def test_with_redis_a_lost_version_is_read_from_the_database_again(
    content, redis_cache, django_assert_num_queries
):
    from django.core.cache import cache

    from recommendations.content_version import CACHE_KEY, content_version, content_version_read

    first = content_version()
    cache.delete(CACHE_KEY)

    with django_assert_num_queries(1):
        again = content_version()

    assert again == first == content_version_read()
