"""Published content pages and read-API answers: cached, and revalidated with ETag/Last-Modified.

An answer is cached under the published content's version (content_version.py, read on every
request: from Redis where it is kept there, else from the database), so a publish on any server
changes the key everywhere at once and no server can serve the text it replaced. The cache is
the shared one (Redis or the database table, nkr/settings.py). A repeat with a matching
If-None-Match (or If-Modified-Since) gets a 304 without the page being built.

Only published content passes through here: drafts live in their own model and are not part of
any answer, and nothing about a patient is read by these views. A page is cached only for an
anonymous reader; a signed-in user's pages are built for them and marked private.

Pages carry the reader's CSRF token (the language form, htmx's header). The cached page holds a
placeholder where the token was, and each reader gets their own token put back in. A page that
used a token but where the placeholder could not be put (it would hand one reader's token to
the next) is never stored.

Each process keeps the answers it served last in memory too (`LocalAnswers`), in front of the
shared cache: the key holds the content version, so a copy can never outlive its text, and a
repeat costs reading the version alone.
"""

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from recommendations.content_version import ContentVersion, content_version

from .metrics import cache_get, cache_set

# An entry outlives its version by little: a publish makes every key new.
CACHE_SECONDS = 24 * 60 * 60
CSRF_PLACEHOLDER = "@@nkr-csrf-token@@"
# base.html puts the token in htmx's header on every page: that finds the token to replace.
_CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([A-Za-z0-9]+)"')


class LocalAnswers:
    """The answers this process served last, by key, within a bound on their total size."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._answers: OrderedDict[str, str | bytes] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()  # runserver and threaded workers share a process

    def get(self, key: str) -> str | bytes | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key: str, answer: str | bytes) -> None:
        if len(answer) > self.max_chars:
            return
        with self._lock:
            if key in self._answers:
                return
            self._answers[key] = answer
            self._chars += len(answer)
            while self._chars > self.max_chars:
                _, oldest = self._answers.popitem(last=False)
                self._chars -= len(oldest)

    def clear(self) -> None:
        with self._lock:
            self._answers.clear()
            self._chars = 0


# About 16 MB per process: every page and read-API answer of the content several times over.
LOCAL_ANSWERS = LocalAnswers(max_chars=16_000_000)


def _stored(key: str):
    """Return the answer stored under `key`: this process's copy, else the shared cache's."""
    answer = LOCAL_ANSWERS.get(key)
    if answer is None:
        answer = cache_get(key)
        if answer is not None:
            LOCAL_ANSWERS.put(key, answer)
    return answer


def _store(key: str, answer: str | bytes) -> None:
    cache_set(key, answer, CACHE_SECONDS)
    LOCAL_ANSWERS.put(key, answer)


def _answer_key(request: HttpRequest, kind: str, version: ContentVersion) -> str:
    """Return the cache key (and ETag) for this answer under this content version."""
    parts = [
        kind,
        version.token,
        get_language() or "",
        request.path,
        request.META.get("QUERY_STRING", ""),
        request.headers.get("HX-Request", ""),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40]


def _page_etag(request: HttpRequest, key: str) -> str:
    # The browser's copy holds its CSRF token, whose secret changes when the user signs in or
    # out: the validator names that secret (hashed), so such a copy is never reused.
    secret = request.META.get("CSRF_COOKIE", "")
    return f'"{key}-{hashlib.sha256(secret.encode()).hexdigest()[:12]}"'


def last_modified_at(version: ContentVersion, now: float) -> int | None:
    """Return the Last-Modified (whole seconds) to send for `version` at `now`, or None.

    None while the second of the newest change is not over: a second change within it would
    have the same date, and a client that asks only If-Modified-Since (no ETag) would be told
    the page it holds is current. Once that second is over, any later change is dated later.
    """
    if version.changed_at is None:
        return None
    seconds = int(version.changed_at.timestamp())
    return seconds if now >= seconds + 1 else None


def _validators(response: HttpResponse, etag: str, version: ContentVersion) -> HttpResponse:
    response["ETag"] = etag
    last_modified = last_modified_at(version, time.time())
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response


def _not_modified(request: HttpRequest, etag: str, version: ContentVersion) -> HttpResponse | None:
    last_modified = last_modified_at(version, time.time())
    return get_conditional_response(request, etag=etag, last_modified=last_modified)


def published_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a published content page from the shared cache, revalidated by the browser."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        version = content_version()
        key = _answer_key(request, "page", version)
        response = _not_modified(request, _page_etag(request, key), version)
        if response is None:
            if request.user.is_authenticated:
                response = view(request, *args, **kwargs)
            else:
                response = _cached_page(request, key, lambda: view(request, *args, **kwargs))
        if response.status_code in (200, 304):
            # Now, as the page may have given the reader their first CSRF token.
            _validators(response, _page_etag(request, key), version)
        # The page holds the reader's CSRF token: no shared cache may keep it, and the browser
        # asks again each time (a 304 when nothing changed).
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Cookie", "HX-Request"))
        return response

    return wrapper


def _cached_page(request: HttpRequest, key: str, build: Callable[[], HttpResponse]):
    stored = _stored(f"page:{key}")
    if stored is not None:
        if CSRF_PLACEHOLDER in stored:
            stored = stored.replace(CSRF_PLACEHOLDER, get_token(request))
        return HttpResponse(stored)
    response = build()
    if response.status_code == 200 and not response.streaming:
        # Set by get_token() (or for a new or malformed cookie): the page may hold a token.
        page = storable_page(response, request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False))
        if page is not None:
            _store(f"page:{key}", page)
    return response


def storable_page(response: HttpResponse, token_used: bool) -> str | None:
    """Return the page to store, its reader's CSRF token replaced; None if it cannot be shared.

    get_token() marks the request when a page asks for the token (Django's csrf module): a page
    on an unmarked request holds none (a live search's results); any other is stored only with
    its token found and replaced everywhere.
    """
    page = response.content.decode(response.charset)
    if not token_used:
        return page
    token = _CSRF_IN_PAGE.search(page)
    return page.replace(token.group(1), CSRF_PLACEHOLDER) if token else None


def published_answer(request, build: Callable[[], object]) -> HttpResponse:
    """Return a read-API answer (JSON) from the shared cache, built by `build` when missing.

    Called inside the API view, after its throttle: a cached answer still counts against the
    client's rate. `build` raises for a 404 or a 400, and those are not cached.
    """
    version = content_version()
    key = _answer_key(request, "api", version)
    etag = f'"{key}"'
    response = _not_modified(request, etag, version)
    if response is None:
        body = _stored(f"api:{key}")
        if body is None:
            body = JSONRenderer().render(build())
            _store(f"api:{key}", body)
        response = HttpResponse(body, content_type="application/json")
    _validators(response, etag, version)
    # Published guideline content, the same for everyone: any cache may keep it, but must ask
    # again before using it (a publish shows at once).
    patch_cache_control(response, public=True, no_cache=True)
    return response
