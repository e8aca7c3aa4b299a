"""Security headers, cookies, HTTPS and no-store, as a browser receives them (docs/security.md)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests.content_security_policy import CSP

pytestmark = pytest.mark.usefixtures("content")

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    "/",
    "/search/?q=smerter",
    "/guidelines/generalised-pain/",
    "/guidelines/generalised-pain/cbt/",
    "/guidelines/generalised-pain/cbt/history/",
    "/intake/",
    "/opioids/mme/",
    "/opioids/taper-plan/",
    "/admin/login/",
    "/api/docs/",
    "/api/v1/guidelines/",
]
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}
TAPER = {"drug": "morphine", "daily_dose": 60, "treatment_months": 24}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_sent_with_the_strict_content_security_policy(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_https_responses_tell_the_browser_to_use_https_only_for_a_year(client):
    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    page = client.get("/guidelines/generalised-pain/")
    health = client.get("/healthz")

    assert page.status_code == 301
    assert page["Location"] == "https://testserver/guidelines/generalised-pain/"
    assert health.status_code == 200


def test_behind_a_proxy_its_forwarded_scheme_counts_as_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response


def test_the_session_and_csrf_cookies_are_secure_and_hidden_from_scripts(client):
    User.objects.create_superuser("sara", password="correct horse 42")

    login = client.get("/admin/login/")
    response = client.post(
        "/admin/login/", {"username": "sara", "password": "correct horse 42", "next": "/admin/"}
    )

    assert response.status_code == 302
    csrf, session = login.cookies["csrftoken"], response.cookies["sessionid"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    # A browser-session cookie: closing the browser signs the editor out.
    assert session["max-age"] == "" and session["expires"] == ""


def test_each_request_of_a_signed_in_editor_extends_the_idle_timeout(client, settings):
    user = User.objects.create_superuser("sara", password="correct horse 42")
    client.force_login(user)
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(minutes=1))

    client.get("/admin/")

    remaining = Session.objects.get().expire_date - timezone.now()
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert remaining > timezone.timedelta(minutes=29)


def test_an_editor_idle_past_the_timeout_must_sign_in_again(client):
    user = User.objects.create_superuser("sara", password="correct horse 42")
    client.force_login(user)
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- no-store wherever patient data is sent or shown -------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("url", "form"),
    [
        ("/intake/", {"age": "30", "pain_site": "low_back", "pain_duration_weeks": "3"}),
        ("/opioids/mme/", {"med-0-drug": "morphine", "med-0-dose": "60"}),
        (
            "/opioids/taper-plan/",
            {"drug": "morphine", "daily_dose": "60", "treatment_months": "24"},
        ),
    ],
)
def test_pages_that_take_patient_data_are_never_stored_by_a_cache(client, url, form):
    shown = client.get(url)
    answered = client.post(url, form)

    assert answered.status_code == 200
    assert _no_store(shown) and _no_store(answered)


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/api/v1/evaluate/", LOW_BACK),
        ("/api/v1/evaluate/", {"age": "not a number"}),
        ("/api/v1/opioids/mme/", {"medications": [{"drug": "morphine", "daily_dose": 60}]}),
        ("/api/v1/opioids/taper-plan/", TAPER),
    ],
)
def test_api_answers_about_a_patient_are_never_stored_by_a_cache(client, url, body):
    response = client.post(url, body, content_type="application/json")

    assert response.status_code in {200, 400}
    assert _no_store(response)


def test_the_record_prefilled_intake_link_is_never_stored_by_a_cache(client):
    response = client.get("/intake/prefill/not-a-token/")

    assert _no_store(response)


# --- no inline script or style, so the policy holds -------------------------------------------


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.problems.append("inline <script>")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"{tag} {name}=")


def inline_code(html: str) -> list[str]:
    """Return the inline scripts, styles and handlers in an HTML page."""
    finder = _InlineFinder()
    finder.feed(html)
    return finder.problems


TEMPLATE_INLINE = re.compile(r"<style|<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", re.I)


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(ROOT) for p in (ROOT / "templates").rglob("*.html"))
)
def test_no_template_has_an_inline_script_or_style(path):
    text = (ROOT / path).read_text(encoding="utf-8")
    text = re.sub(r"\{#.*?#\}", "", text)  # comments may talk about it

    assert not TEMPLATE_INLINE.findall(text)


@pytest.mark.parametrize("url", PAGES[:-1])
def test_no_page_has_an_inline_script_or_style(client, url):
    assert inline_code(client.get(url).content.decode()) == []


def test_swagger_ui_loads_its_start_up_script_as_a_file(client):
    page = client.get("/api/docs/").content.decode()
    script_url = re.search(r'<script src="([^"]*\?script=[^"]*)"', page)

    script = client.get(script_url.group(1).replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_a_form_posted_from_another_site_is_refused_for_want_of_the_csrf_token():
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    form = {"age": "30", "pain_site": "low_back", "pain_duration_weeks": "3"}

    page = browser.get("/intake/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    forged = browser.post("/intake/", form)
    genuine = browser.post("/intake/", form | {"csrfmiddlewaretoken": token.group(1)})
    htmx = browser.post(
        "/intake/", form, headers={"X-CSRFToken": token.group(1), "HX-Request": "true"}
    )

    assert forged.status_code == 403
    assert genuine.status_code == htmx.status_code == 200
