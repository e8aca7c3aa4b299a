"""Feedback on cards is stored per recommendation, without patient data, and editors see it."""

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from django.utils.html import escape

from patients.cds.card_types import CardKind, OverrideReason
from patients.cds.views import ACCEPTED_WITHOUT_SUGGESTIONS_ERROR, UNKNOWN_REASON_DISPLAY
from patients.models import CardFeedback
from recommendations.models import Recommendation
from recommendations.permissions import EDITORS_GROUP, editors_group_sync
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")

WHEN = "2026-11-20T10:15:00Z"


def issued_cards(client, ehr):
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks())
    return response.json()["cards"]


def send_feedback(client, ehr, *items):
    return ehr.call(client, {"feedback": list(items)}, url=fhir.FEEDBACK_URL)


def overridden(card, reason=OverrideReason.NOT_RELEVANT, comment=None, display=None):
    item = {"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": WHEN}
    if reason is not None:
        reason_coding = {"system": card["overrideReasons"][0]["system"], "code": reason}
        if display is not None:
            reason_coding["display"] = display
        item["overrideReason"] = {"reason": reason_coding}
        if comment:
            item["overrideReason"]["userComment"] = comment
    return item


@pytest.fixture
def editor(db):
    """Return a staff user in the editors' group as the migrations left it, no other rights."""
    user = User.objects.create_user("editor", password="x", is_staff=True)  # noqa: S106
    user.groups.add(Group.objects.get(name=EDITORS_GROUP))
    return user


def test_an_overridden_card_is_stored_once_per_recommendation_it_carried(client, ehr):
    (card,) = issued_cards(client, ehr)

    response = send_feedback(client, ehr, overridden(card))

    assert response.status_code == 200
    assert response.json() == {"stored": 1, "unknown_cards": []}
    rows = CardFeedback.objects.filter(card_uuid=card["uuid"])
    assert rows.count() == 10
    assert {row.subject for row in rows} >= {"acute-low-back-pain/paracetamol"}
    assert {row.reason_display for row in rows} == {"Ikke relevant for denne patient"}


def accepted(card):
    return {
        "card": card["uuid"],
        "outcome": "accepted",
        "outcomeTimestamp": WHEN,
        "acceptedSuggestions": [{"id": "9f1c2b7e-3a7d-4a52-9d1e-2f0e8f0c4b11"}],
    }


def test_an_accepted_card_is_stored(client, ehr):
    (card,) = issued_cards(client, ehr)

    response = send_feedback(client, ehr, accepted(card))

    assert response.status_code == 200, response.content
    assert set(CardFeedback.objects.values_list("outcome", flat=True)) == {"accepted"}


@pytest.mark.parametrize("suggestions", [None, []])
def test_accepted_without_accepted_suggestions_is_400_as_cds_hooks_requires(
    client, ehr, suggestions
):
    (card,) = issued_cards(client, ehr)
    item = accepted(card)
    if suggestions is None:
        del item["acceptedSuggestions"]
    else:
        item["acceptedSuggestions"] = suggestions

    response = send_feedback(client, ehr, item)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "feedback[0].acceptedSuggestions": [ACCEPTED_WITHOUT_SUGGESTIONS_ERROR]
    }
    assert not CardFeedback.objects.exists()


def test_an_accepted_suggestion_without_an_id_is_400(client, ehr):
    (card,) = issued_cards(client, ehr)
    item = accepted(card) | {"acceptedSuggestions": [{"uuid": "x"}]}

    response = send_feedback(client, ehr, item)

    assert response.status_code == 400
    assert "feedback[0].acceptedSuggestions[0].id" in response.json()["errors"]


def test_the_clinicians_free_text_comment_is_never_stored(client, ehr):
    (card,) = issued_cards(client, ehr)

    send_feedback(client, ehr, overridden(card, comment="Patienten Jens Hansen vil ikke"))

    for row in CardFeedback.objects.values():
        assert "Jens Hansen" not in str(row)


def test_the_display_text_sent_with_one_of_our_codes_is_replaced_by_our_label(client, ehr):
    (card,) = issued_cards(client, ehr)

    send_feedback(
        client,
        ehr,
        overridden(card, OverrideReason.DISAGREE, display="Patient Jens Hansen 010180-1234"),
    )

    rows = CardFeedback.objects.filter(card_uuid=card["uuid"])
    assert {row.reason_display for row in rows} == {"Uenig i anbefalingen"}
    assert {row.reason_code for row in rows} == {"disagree"}
    for row in rows.values():
        assert "Jens Hansen" not in str(row) and "010180" not in str(row)


def test_an_override_reason_that_is_not_ours_is_stored_as_unknown_without_its_text(client, ehr):
    (card,) = issued_cards(client, ehr)
    item = overridden(card, reason="Jens Hansen 010180-1234", display="Jens ville ikke")
    item["overrideReason"]["reason"]["system"] = "https://ehr.example.dk/Jens-Hansen"

    send_feedback(client, ehr, item)

    rows = CardFeedback.objects.filter(card_uuid=card["uuid"])
    assert rows.count() == 10
    assert {(row.reason_system, row.reason_code, row.reason_display) for row in rows} == {
        ("", "", UNKNOWN_REASON_DISPLAY)
    }
    for row in rows.values():
        assert "Jens" not in str(row) and "010180" not in str(row)


def test_the_same_feedback_sent_twice_counts_once(client, ehr):
    (card,) = issued_cards(client, ehr)

    send_feedback(client, ehr, overridden(card))
    send_feedback(client, ehr, overridden(card))

    assert CardFeedback.objects.count() == 10


def test_feedback_on_a_card_we_never_issued_is_reported_not_stored(client, ehr):
    response = send_feedback(
        client, ehr, overridden({"uuid": "not-ours", "overrideReasons": [{"system": "x"}]})
    )
    assert response.json() == {"stored": 0, "unknown_cards": ["not-ours"]}
    assert not CardFeedback.objects.exists()


def test_malformed_feedback_is_400_naming_the_field(client, ehr):
    response = send_feedback(client, ehr, {"card": "x", "outcome": "ignored"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"feedback[0].outcome", "feedback[0].outcomeTimestamp"}


def test_feedback_stays_within_its_query_budget(client, ehr, django_assert_max_num_queries):
    (card,) = issued_cards(client, ehr)
    with django_assert_max_num_queries(10):
        response = send_feedback(client, ehr, overridden(card))
    assert response.status_code == 200


def test_editors_see_per_recommendation_how_often_its_card_was_overridden_and_why(
    client, ehr, editor
):
    first, second, third = (issued_cards(client, ehr)[0] for _ in range(3))
    send_feedback(
        client,
        ehr,
        overridden(first, OverrideReason.NOT_RELEVANT),
        overridden(second, OverrideReason.PATIENT_PREFERENCE),
        accepted(third),
    )
    client.force_login(editor)

    response = client.get("/admin/patients/cardfeedback/")

    assert response.status_code == 200
    text = response.content.decode()
    # Each row names the recommendation by its sentence, not its slug.
    title = Recommendation.objects.get(guideline__slug="acute-low-back-pain", slug="paracetamol")
    row = text[text.index(f"{escape(title.title)}</a>") :]
    row = row[: row.index("</tr>")]
    assert "<td>1</td>" in row and "<td>2</td>" in row  # accepted once, overridden twice
    assert "67 %" in row
    assert "Ikke relevant for denne patient (1)" in row
    assert "Patienten ønsker anden behandling (1)" in row


def test_overridden_medication_warnings_count_for_the_recommendation_they_name(client, editor):
    # A medication warning's feedback is filed under the recommendation the alert names.
    now = timezone.now()
    for n in range(2):
        CardFeedback.objects.create(
            card_uuid=f"00000000-0000-0000-0000-00000000000{n}",
            kind=CardKind.MEDICATION,
            subject="generalised-pain/opioids-without-dual-action",
            outcome="overridden",
            reason_code=OverrideReason.NOT_RELEVANT,
            reason_display="Ikke relevant for denne patient",
            outcome_at=now,
            received_at=now,
        )
    client.force_login(editor)

    text = client.get("/admin/patients/cardfeedback/").content.decode()

    title = Recommendation.objects.get(slug="opioids-without-dual-action").title
    row = text[text.index(f"{escape(title)}</a>") :]
    row = row[: row.index("</tr>")]
    assert "<td>0</td>" in row and "<td>2</td>" in row
    assert "100 %" in row


def test_editors_find_the_feedback_on_the_admin_index(client, editor):
    client.force_login(editor)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "/admin/patients/cardfeedback/" in response.content.decode()


def test_syncing_the_editors_group_keeps_their_view_of_the_feedback(editor):
    editors_group_sync()

    assert User.objects.get(pk=editor.pk).has_perm("patients.view_cardfeedback")


def test_an_editor_cannot_change_or_delete_feedback(client, ehr, editor):
    (card,) = issued_cards(client, ehr)
    send_feedback(client, ehr, overridden(card))
    row = CardFeedback.objects.first()
    client.force_login(editor)

    assert client.get(f"/admin/patients/cardfeedback/{row.pk}/delete/").status_code == 403
    assert not User.objects.get(pk=editor.pk).has_perm("patients.change_cardfeedback")


def test_the_override_reasons_are_published_where_their_system_points(client):
    response = client.get("/cds-services/nkr-pain/override-reasons")
    data = response.json()
    assert data["system"] == "http://testserver/cds-services/nkr-pain/override-reasons"
    assert [reason["code"] for reason in data["reasons"]] == OverrideReason.values
