"""Two editors save the same recommendation: the second is refused, its text kept in the audit
trail; browser line breaks are no conflict."""

import re

import pytest

from recommendations.models import AuditAction, RecommendationDraft
from recommendations.services import (
    EditConflictError,
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
)

from .helpers import change_url, open_form, save

ALICE_TEXT = "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger (Alice)."
ERIK_TEXT = "Tilbyd kognitiv adfærdsterapi, når smerterne giver komplekse problemstillinger (Erik)."


def test_the_second_of_two_concurrent_saves_is_refused_and_shows_the_editor_their_own_text(
    alice_client, erik_client, cbt
):
    alice_form = open_form(alice_client, cbt)
    erik_form = open_form(erik_client, cbt)

    first = save(alice_client, cbt, alice_form, title=ALICE_TEXT)
    second = save(erik_client, cbt, erik_form, title=ERIK_TEXT)

    assert first.status_code == 302
    assert second.status_code == 200, "Erik gets the form back, not a redirect"
    page = second.content.decode()
    assert "Din ændring er ikke gemt: alice gemte anbefalingen" in page
    assert "Samtidig redigering" in page
    assert page.count(ERIK_TEXT) >= 2, "his text is in the field and beside Alice's"
    assert ALICE_TEXT in page, "he sees what Alice saved, to merge with"
    assert RecommendationDraft.objects.get(recommendation=cbt).title == ALICE_TEXT
    assert cbt.audit_events.first().action == AuditAction.EDIT_REFUSED


def test_an_editor_using_english_is_told_of_the_conflict_in_english(alice_client, erik_client, cbt):
    erik_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    alice_form = open_form(alice_client, cbt)
    erik_form = open_form(erik_client, cbt)
    save(alice_client, cbt, alice_form, title=ALICE_TEXT)

    page = save(erik_client, cbt, erik_form, title=ERIK_TEXT).content.decode()

    assert "Your change has not been saved: alice saved the recommendation" in page
    assert "Din ændring er ikke gemt" not in page
    assert page.count(ERIK_TEXT) >= 2


def test_after_seeing_the_conflict_the_editor_can_save_the_merged_text(
    alice_client, erik_client, cbt
):
    alice_form = open_form(alice_client, cbt)
    erik_form = open_form(erik_client, cbt)
    save(alice_client, cbt, alice_form, title=ALICE_TEXT)
    refused = save(erik_client, cbt, erik_form, title=ERIK_TEXT)
    import re

    fresh_token = re.search(r'name="edit_token" value="([^"]+)"', refused.content.decode()).group(1)

    merged = save(
        erik_client,
        cbt,
        {**erik_form, "edit_token": fresh_token},
        title=f"{ALICE_TEXT} {ERIK_TEXT}",
    )

    assert merged.status_code == 302
    assert RecommendationDraft.objects.get(recommendation=cbt).title == f"{ALICE_TEXT} {ERIK_TEXT}"
    history = RecommendationDraft.history.filter(recommendation_id=cbt.pk).values_list(
        "title", flat=True
    )
    assert ALICE_TEXT in history, "Alice's text is never lost"


def test_a_form_opened_before_a_publish_cannot_overwrite_the_published_version(
    alice_client, erik_client, cbt
):
    erik_form = open_form(erik_client, cbt)
    alice_form = open_form(alice_client, cbt)
    save(alice_client, cbt, alice_form, publish=True, title=ALICE_TEXT, change_reason="Høring.")

    refused = save(erik_client, cbt, erik_form, publish=True, title=ERIK_TEXT, change_reason="X")

    assert refused.status_code == 200
    cbt.refresh_from_db()
    assert (cbt.title, cbt.version) == (ALICE_TEXT, 3)


def test_the_service_refuses_a_stale_edit_token(cbt, alice, erik):
    stale = recommendation_edit_token(recommendation=cbt)
    data = recommendation_editable_values(recommendation=cbt)
    recommendation_draft_save(
        recommendation=cbt, user=alice, data={**data, "title": ALICE_TEXT}, edit_token=stale
    )
    with pytest.raises(EditConflictError) as refused:
        recommendation_draft_save(
            recommendation=cbt, user=erik, data={**data, "title": ERIK_TEXT}, edit_token=stale
        )
    assert refused.value.conflict.current["title"] == ALICE_TEXT


def test_the_service_keeps_the_refused_text_in_the_audit_trail_when_it_refuses(cbt, alice, erik):
    stale = recommendation_edit_token(recommendation=cbt)
    data = recommendation_editable_values(recommendation=cbt)
    recommendation_draft_save(
        recommendation=cbt, user=alice, data={**data, "title": ALICE_TEXT}, edit_token=stale
    )

    with pytest.raises(EditConflictError):
        recommendation_draft_save(
            recommendation=cbt, user=erik, data={**data, "title": ERIK_TEXT}, edit_token=stale
        )

    event = cbt.audit_events.get(action=AuditAction.EDIT_REFUSED)
    assert (event.username, event.text["title"]) == ("erik", ERIK_TEXT)


# Concurrent edits: nothing lost, the message matches the page, browser line breaks.

CRLF_RATIONALE_NOTE = "Første afsnit.\r\n\r\nAndet afsnit."


def test_a_refused_editors_text_is_kept_in_the_audit_trail_and_shown_there(
    alice_client, erik_client, cbt
):
    alice_form = open_form(alice_client, cbt)
    erik_form = open_form(erik_client, cbt)
    save(alice_client, cbt, alice_form, title="Alices tekst.")

    refused = save(erik_client, cbt, erik_form, title="Eriks tekst, som ikke må gå tabt.")

    assert "tabellen ovenfor viser den gemte tekst" in refused.content.decode()
    event = cbt.audit_events.get(action=AuditAction.EDIT_REFUSED)
    assert event.username == "erik"
    assert event.text["title"] == "Eriks tekst, som ikke må gå tabt."
    page = alice_client.get(change_url(cbt)).content.decode()
    trail = page.split("Revisionsspor")[-1]
    assert "Den afviste tekst" in trail and "Eriks tekst, som ikke må gå tabt." in trail


def test_browser_line_breaks_are_stored_as_newlines_and_are_not_a_conflict(
    alice_client, erik_client, cbt
):
    alice_form = open_form(alice_client, cbt)
    erik_form = open_form(erik_client, cbt)
    crlf = {key: value.replace("\n", "\r\n") for key, value in erik_form.items()}
    save(alice_client, cbt, alice_form, title="Alices titel.")

    refused = save(erik_client, cbt, crlf, title="Eriks titel.")

    rows = refused.context["adminform"].form.conflict_rows()
    assert [label for label, *_ in rows] == ["Anbefaling"], "only the title really differs"
    event = cbt.audit_events.get(action=AuditAction.EDIT_REFUSED)
    assert "\r" not in event.text["rationale"]


def test_a_draft_posted_with_browser_line_breaks_is_saved_with_newlines(alice_client, cbt):
    save(alice_client, cbt, open_form(alice_client, cbt), update_note=CRLF_RATIONALE_NOTE)

    draft = RecommendationDraft.objects.get(recommendation=cbt)
    assert draft.update_note == "Første afsnit.\n\nAndet afsnit."


# Found auditing the editor's journey (2026-12-06): the refusal put the two full texts side by
# side with nothing marked. Alice had added a sentence to the rationale; Erik's form still held
# the rationale without it, and saving it again would quietly take her sentence out.
def test_the_conflict_marks_what_saving_the_editors_text_would_change_in_the_saved_one(
    alice_client, erik_client, cbt
):
    alice_form = open_form(alice_client, cbt)
    erik_form = open_form(erik_client, cbt)
    save(alice_client, cbt, alice_form, rationale=alice_form["rationale"] + " Alices tilføjelse.")

    page = save(erik_client, cbt, erik_form, title=ERIK_TEXT).content.decode()

    rationale_row = page[page.index("Samtidig redigering") :].split("</table>")[0]
    assert re.search(
        r"<del>[^<]*<span[^>]*>Slettet: </span>\s*Alices tilføjelse\.</del>", rationale_row
    )
    assert re.search(r"<ins>[^<]*<span[^>]*>Indsat: </span>[^<]*\(Erik\)\.?</ins>", rationale_row)
