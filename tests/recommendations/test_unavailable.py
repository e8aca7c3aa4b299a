"""Lost database, unknown address, unexpected error: what pages, the API and /healthz answer.

The database failures are simulated here, so these run on SQLite too; the real outage, with
PostgreSQL behind a proxy that is cut, is tests/recommendations/test_database_outage.py.
"""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from patients.intake import api as evaluate
from recommendations import health, selectors
from recommendations.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE_ERROR
from recommendations.views import API_NOT_FOUND_ERROR, API_SERVER_ERROR

pytestmark = pytest.mark.usefixtures("content")

LOST = OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def lose_database(*args, **kwargs):
    raise LOST


class DatabaseLostInMiddleware:
    """Fail before any view runs, as a session or lockout lookup would with the database gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise InterfaceError("connection already closed")


@pytest.fixture
def database_lost_outside_views(settings):
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE,
        "tests.recommendations.test_unavailable.DatabaseLostInMiddleware",
    ]


def assert_danish_503_page(response):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "Siden er midlertidigt utilgængelig" in text
    assert "Connection refused" not in text and "Traceback" not in text
    assert "<script" not in text and "<style" not in text and " style=" not in text


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response.json() == {"errors": {"detail": [UNAVAILABLE_ERROR]}}


def test_a_page_that_loses_the_database_shows_the_danish_503_page(client, monkeypatch):
    monkeypatch.setattr(selectors, "guideline_list", lose_database)
    assert_danish_503_page(client.get("/"))


def test_the_api_that_loses_the_database_answers_503_in_its_error_shape(client, monkeypatch):
    monkeypatch.setattr(selectors, "guideline_list", lose_database)
    assert_json_503(client.get("/api/v1/guidelines/"))


def test_a_closed_connection_is_a_503_too(client, monkeypatch):
    def closed(**kwargs):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr(evaluate, "intake_evaluate", closed)
    response = client.post(
        "/api/v1/evaluate/",
        {"age": 40, "pain_site": "low_back", "pain_duration_weeks": 2},
        content_type="application/json",
    )
    assert_json_503(response)


def test_a_database_lost_outside_a_view_is_a_503_not_a_500(database_lost_outside_views):
    client = Client(raise_request_exception=False)
    assert_danish_503_page(client.get("/"))
    assert_json_503(client.get("/api/v1/red-flags/"))


def test_the_503_page_follows_the_chosen_language_without_the_database(monkeypatch):
    client = Client(headers={"Accept-Language": "en"})
    monkeypatch.setattr(selectors, "guideline_list", lose_database)
    response = client.get("/")
    assert response.status_code == 503
    assert 'lang="en"' in response.content.decode()


def test_other_errors_stay_500s_with_no_details(client, monkeypatch):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug, not an outage")

    monkeypatch.setattr(selectors, "guideline_list", bug)
    client = Client(raise_request_exception=False)
    page = client.get("/")
    assert page.status_code == 500
    assert "Der opstod en fejl" in page.content.decode()
    api = client.get("/api/v1/guidelines/")
    assert api.status_code == 500
    assert api.json() == {"errors": {"detail": [API_SERVER_ERROR]}}


def test_an_unknown_api_address_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": [API_NOT_FOUND_ERROR]}}


def test_an_unknown_page_is_still_the_danish_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_it_does_not(client, monkeypatch):
    class NoDatabase:
        def cursor(self):
            raise LOST

    monkeypatch.setattr(health, "connection", NoDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
