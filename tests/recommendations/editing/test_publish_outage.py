"""A publish that loses the database halfway leaves nothing half-written (PostgreSQL only).

The connection is ended by the server (pg_terminate_backend, as a restart or a failover does)
right after the recommendation row has been updated, before its history entry, audit event and
the closing of the draft: the transaction must vanish whole, the editor must get the 503 page,
and the same publish must succeed once the database answers again.
"""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import connection

from recommendations.middleware import DATABASE_ERRORS
from recommendations.models import AuditEvent, Recommendation, RecommendationDraft
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)

from .helpers import open_form, save

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): ends a server connection",
    ),
]

NEW_TITLE = "Opioider frarådes til børn og unge (revideret, udgivet under et databasenedbrud)."
UPDATE_RECOMMENDATION = 'UPDATE "recommendations_recommendation"'


@contextmanager
def connection_ended_after(sql_prefix: str):
    """End this connection on the server right after the first statement starting so."""
    state = {"ended": False}

    def end_after(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not state["ended"] and sql.startswith(sql_prefix):
            state["ended"] = True
            pid = context["connection"].connection.info.backend_pid
            db = connection.settings_dict
            with psycopg.connect(
                dbname=db["NAME"],
                user=db["USER"],
                password=db["PASSWORD"],
                host=db["HOST"],
                port=db["PORT"],
                autocommit=True,
            ) as other:
                # Waits (up to 5 s) until the backend is gone: no race with the next statement.
                other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        return result

    with connection.execute_wrapper(end_after):
        yield state
    assert state["ended"], f"no statement started with {sql_prefix!r}"


@pytest.fixture
def opioids(transactional_db, content) -> Recommendation:
    return Recommendation.objects.get(guideline__slug="child-msk-pain", slug="opioids")


def with_draft(rec: Recommendation, user) -> RecommendationDraft:
    data = {**recommendation_editable_values(recommendation=rec), "title": NEW_TITLE}
    return recommendation_draft_save(
        recommendation=rec,
        user=user,
        data=data,
        edit_token=recommendation_edit_token(recommendation=rec),
    )


def state_of(rec: Recommendation) -> dict:
    """Return everything a publish writes, read afresh from the database."""
    rec = Recommendation.objects.get(pk=rec.pk)
    return {
        "title": rec.title,
        "version": rec.version,
        "published_at": rec.published_at,
        "history": rec.history.count(),
        "audit": AuditEvent.objects.filter(recommendation=rec).count(),
        "draft": RecommendationDraft.objects.filter(recommendation=rec).count(),
    }


def test_a_publish_cut_off_midway_leaves_no_partial_version(opioids, alice):
    with_draft(opioids, alice)
    before = state_of(opioids)

    with connection_ended_after(UPDATE_RECOMMENDATION), pytest.raises(DATABASE_ERRORS):
        recommendation_publish(recommendation=opioids, user=alice, change_reason="Efter høring.")

    assert state_of(opioids) == before, "nothing of the publish is left, the draft is still there"
    rec = recommendation_publish(
        recommendation=Recommendation.objects.get(pk=opioids.pk),
        user=alice,
        change_reason="Efter høring.",
    )
    assert (rec.title, rec.version) == (NEW_TITLE, before["version"] + 1)


def test_an_editor_whose_publish_loses_the_database_gets_the_503_page(alice_client, opioids):
    form = open_form(alice_client, opioids)
    assert save(alice_client, opioids, form, title=NEW_TITLE).status_code == 302
    form = open_form(alice_client, opioids)
    before = state_of(opioids)

    with connection_ended_after(UPDATE_RECOMMENDATION):
        response = save(alice_client, opioids, form, publish=True, change_reason="Efter høring.")

    assert response.status_code == 503
    assert "Siden er midlertidigt utilgængelig" in response.content.decode()
    assert state_of(opioids) == before

    response = save(alice_client, opioids, form, publish=True, change_reason="Efter høring.")
    assert response.status_code == 302
    assert state_of(opioids)["version"] == before["version"] + 1
