"""Defects found by the review of the editorial workflow (issue 5), each held fixed by a test."""

import json
import logging

import pytest
from django.contrib.auth.models import User

from recommendations.models import AuditAction, AuditEvent, RedFlag, StartBackItem
from recommendations.services import EditorialError, live_content_update

from .helpers import change_url, open_form, save

STARTBACK_URL = "/admin/recommendations/startbackitem/{pk}/change/"


def _startback_post(client, item: StartBackItem, **changes):
    return client.post(
        STARTBACK_URL.format(pk=item.pk),
        {"text_da": item.text_da, "change_reason": "", **changes},
    )


# Published texts without drafts: STarT Back items and red flags.


def test_an_editor_cannot_change_a_startback_item_without_a_change_reason(alice_client, content):
    item = StartBackItem.objects.get(number=1)
    before = item.text_da

    page = _startback_post(alice_client, item, text_da="Ny dansk ordlyd.")

    assert page.status_code == 200, "the form comes back"
    assert "Skriv en begrundelse for ændringen" in page.content.decode()
    item.refresh_from_db()
    assert item.text_da == before
    assert not AuditEvent.objects.filter(subject="startback/1").exists()


def test_a_startback_change_with_a_reason_is_kept_in_history_and_the_audit_trail(
    alice_client, alice, content, caplog
):
    item = StartBackItem.objects.get(number=1)
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        page = _startback_post(
            alice_client, item, text_da="STarT-dk spørgsmål 1.", change_reason="STarT-dk indført."
        )

    assert page.status_code == 302
    item.refresh_from_db()
    assert item.text_da == "STarT-dk spørgsmål 1."
    record = item.history.first()
    assert record.history_change_reason == "STarT-dk indført."
    assert record.history_user == alice
    event = AuditEvent.objects.get(subject="startback/1")
    assert event.action == AuditAction.CONTENT_CHANGED
    assert event.username == "alice" and event.change_reason == "STarT-dk indført."
    assert event.text == {"text_da": "STarT-dk spørgsmål 1."}
    assert "content_changed user_id=" in caplog.text and "content=startback/1" in caplog.text


def test_an_editor_cannot_rewrite_keeles_english_startback_wording(alice_client, content):
    item = StartBackItem.objects.get(number=2)
    english = item.text_en

    alice_client.post(
        STARTBACK_URL.format(pk=item.pk),
        {"text_en": "Rewritten.", "text_da": item.text_da, "change_reason": "Forsøg."},
    )

    item.refresh_from_db()
    assert item.text_en == english


def test_a_superusers_red_flag_change_needs_a_reason_and_is_audited(sara, content):
    flag = RedFlag.objects.first()
    data = {
        "label": f"{flag.label} (rettet)",
        "categories": flag.categories,
        "level": flag.level,
        "source": flag.source,
        "source_ref": flag.source_ref,
    }
    try:
        live_content_update(obj=flag, user=sara, data=data, change_reason=" ")
    except EditorialError:
        pass
    else:
        raise AssertionError("a change without a reason must be refused")
    flag.refresh_from_db()
    assert not flag.label.endswith("(rettet)")

    live_content_update(obj=flag, user=sara, data=data, change_reason="Tabel 1 genlæst.")

    flag.refresh_from_db()
    assert flag.label.endswith("(rettet)")
    assert AuditEvent.objects.get(subject=f"red-flag/{flag.code}").change_reason == (
        "Tabel 1 genlæst."
    )


# The draft comparison in the admin and the public history.


def test_the_admin_draft_comparison_shows_a_change_of_strength_and_its_source(
    alice_client, content
):
    from recommendations.models import Recommendation

    ssri = Recommendation.objects.get(slug="ssri")
    form = open_form(alice_client, ssri)
    save(alice_client, ssri, form, strength="strong", strength_source="En ny kilde til styrken.")

    page = alice_client.get(change_url(ssri)).content.decode()
    panel = page.split("Forskelle fra den udgivne tekst:")[1].split("</dl>")[0]

    assert "<dt>Styrke</dt>" in panel
    assert 'Slettet: </span>Svag</del><ins><span class="visually-hidden">Indsat: </span>Stærk' in (
        panel
    )
    assert "Kilde til styrke" in panel and "En ny kilde til styrken." in panel
    assert "Begrundelse" not in panel, "an unchanged field is not listed"


def test_the_public_history_shows_a_change_of_the_strength_source_alone(
    client, alice_client, alice, content
):
    from recommendations.models import Recommendation
    from recommendations.services import recommendation_publish

    ssri = Recommendation.objects.select_related("guideline").get(slug="ssri")
    save(alice_client, ssri, open_form(alice_client, ssri), strength_source="Kun kilden er ny.")
    recommendation_publish(recommendation=ssri, user=alice, change_reason="Ny kilde.")

    page = client.get(f"/guidelines/{ssri.guideline.slug}/ssri/history/").content.decode()
    compared = page.split('id="compare-title"')[1].split("</dl>")[0]

    assert "Kilde til styrke" in compared
    assert "<ins>" in compared and "Kun kilden er ny." in compared


# Seeded versions are not presented as published on the day the database was seeded.


def test_the_seeded_cbt_versions_are_labelled_as_a_hearing_draft_and_as_loaded_from_the_source(
    client, content
):
    page = client.get("/guidelines/generalised-pain/cbt/history/").content.decode()
    versions = page.split("Udgivne versioner")[1]
    version_1 = versions.split('id="version-1"')[1]
    version_2 = versions.split('id="version-2"')[1].split('id="version-1"')[0]

    assert "Høringsudkast (ikke udgivet)" in version_1
    assert "(2018)" in version_1, "the year the source states"
    assert 'Fra kilden: <span lang="da">Sundhedsstyrelsen, opdateret 2018</span>' in version_2
    assert "Indlæst fra kilden" not in versions, "the loading date is for editors only"
    assert "Udgivet " not in versions, "no seeded version claims a publication date"


def test_the_changes_page_does_not_date_the_2018_change_to_the_seeding_day(client, content):
    page = client.get("/guidelines/generalised-pain/changes/").content.decode()
    assert "fra kilden: <span lang=\"da\">sundhedsstyrelsen, opdateret 2018</span>" in page.lower()
    assert "Ændret efter høringen i 2018" in page


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
    from recommendations.models import RecommendationDraft

    save(alice_client, cbt, open_form(alice_client, cbt), update_note=CRLF_RATIONALE_NOTE)

    draft = RecommendationDraft.objects.get(recommendation=cbt)
    assert draft.update_note == "Første afsnit.\n\nAndet afsnit."


# Logins refused after a correct password.


def test_a_correct_password_from_a_user_without_admin_access_is_logged_as_refused(
    client, bob, editors_group, caplog
):
    not_staff_editor = User.objects.create_user("ed3", password="correct horse 42")
    not_staff_editor.groups.add(editors_group)
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        for username in ("bob", "ed3"):
            page = client.post(
                "/admin/login/?next=/admin/",
                {"username": username, "password": "correct horse 42", "next": "/admin/"},
            )
            assert page.status_code == 200, "refused: the form comes back"

    assert f"login_refused_no_admin_access user_id={bob.pk} username='bob'" in caplog.text
    assert "username='ed3'" in caplog.text
    assert "correct horse" not in caplog.text


@pytest.mark.parametrize("categories", [[], ["tumor"], "tumour"])
def test_a_red_flag_keeps_at_least_one_known_category(content, categories):
    # The intake form groups red flags by category: none, or a misspelt one, would lose it.
    from recommendations.admin_forms import RedFlagEditForm

    flag = RedFlag.objects.get(code="fever")
    data = {
        "label": flag.label,
        "categories": json.dumps(categories),
        "level": flag.level,
        "source": flag.source,
        "source_ref": flag.source_ref,
        "change_reason": "Kategori rettet.",
    }
    form = RedFlagEditForm(data=data, instance=flag)

    assert not form.is_valid()
    # An empty list is Django's "påkrævet"; a wrong code or type names what is allowed.
    assert form.errors["categories"][0] in {"Dette felt er påkrævet."} or (
        "Kategorier: angiv en liste med mindst én af" in form.errors["categories"][0]
    )
