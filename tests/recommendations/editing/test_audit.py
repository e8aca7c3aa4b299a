"""The audit log (nkr.audit) and a recommendation's audit trail."""

import logging

from recommendations.models import AuditAction
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)

from .helpers import change_url

MASK = "*" * 20  # django-axes's mask for a sensitive parameter


def test_logins_and_failed_logins_are_logged_without_the_password(client, alice, caplog):
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        client.post("/admin/login/", {"username": "alice", "password": "wrong guess 1"})
        client.post("/admin/login/", {"username": "alice", "password": "correct horse 42"})
        client.post("/admin/logout/")

    assert f"login_failed username='{MASK}'" in caplog.text
    assert f"login user_id={alice.pk} username='alice'" in caplog.text
    assert "logout" in caplog.text
    assert "wrong guess" not in caplog.text and "correct horse" not in caplog.text


def test_a_password_typed_into_the_username_field_is_not_logged(client, alice, caplog):
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        client.post("/admin/login/", {"username": "correct horse 42", "password": "alice"})

    assert "login_failed" in caplog.text
    assert "correct horse" not in caplog.text


def test_every_publish_is_logged_and_kept_in_the_audit_trail(cbt, alice, caplog):
    recommendation_draft_save(
        recommendation=cbt,
        user=alice,
        data={**recommendation_editable_values(recommendation=cbt), "title": "Ny tekst."},
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        recommendation_publish(recommendation=cbt, user=alice, change_reason="Høringen.")

    assert "published user_id=" in caplog.text
    assert "recommendation=generalised-pain/cbt version=3" in caplog.text
    actions = list(cbt.audit_events.values_list("action", "username", "version"))
    assert actions[:2] == [
        (AuditAction.PUBLISHED, "alice", 3),
        (AuditAction.DRAFT_SAVED, "alice", 2),
    ]
    assert actions[-1] == (AuditAction.SEEDED, "", 1)


def test_an_intake_evaluation_writes_nothing_to_the_audit_log(client, content, caplog):
    with caplog.at_level(logging.DEBUG, logger="nkr.audit"):
        client.post(
            "/api/v1/evaluate/",
            {"age": 45, "pain_site": "generalised", "pain_duration_weeks": 52},
            content_type="application/json",
        )
    assert caplog.records == [], "patient facts never reach the audit log"


def test_an_editor_sees_the_audit_trail_and_versions_on_the_recommendation(alice_client, cbt):
    page = alice_client.get(change_url(cbt)).content.decode()

    assert "Revisionsspor" in page
    assert "Indlæst fra fixtures" in page
    assert "Udgivne versioner" in page and "Gendan" in page
    assert "Dansk Selskab for Almen Medicin" in page, "responses that addressed it"


def test_the_audit_trail_list_is_read_only_for_editors(alice_client, content):
    assert alice_client.get("/admin/recommendations/auditevent/").status_code == 200
    assert alice_client.get("/admin/recommendations/auditevent/add/").status_code == 403
