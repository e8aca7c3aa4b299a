"""An editor records that a text and its grade were checked against the official publication.

Audited like any change (history and audit trail); readers' disclosure changes at once; a new
published text withdraws the check; the editors' page lists all 36 with their status.
"""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from recommendations.models import AuditAction, Recommendation
from recommendations.seeding import content_seed
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
    recommendation_restore,
)
from recommendations.verification import (
    AGAINST_REQUIRED,
    VerificationError,
    recommendation_verify,
)

EDITION = (
    "Sundhedsstyrelsen 2016, National klinisk retningslinje for behandling af nyopståede "
    "lænderygsmerter, fuld version"
)
TODAY = date(2026, 12, 6)
PROVENANCE_URL = "/admin/recommendations/recommendation/provenance/"


@pytest.fixture
def paracetamol(content) -> Recommendation:
    return Recommendation.objects.select_related("guideline").get(
        guideline__slug="acute-low-back-pain", slug="paracetamol"
    )


def verify(rec, user, against=EDITION, checked_on=date(2026, 12, 1)):
    return recommendation_verify(
        recommendation=rec, user=user, against=against, checked_on=checked_on, today=TODAY
    )


def test_a_verification_is_recorded_in_history_and_the_audit_trail(paracetamol, alice):
    rec = verify(paracetamol, alice)

    assert rec.verified == {"by": "alice", "on": "2026-12-01", "against": EDITION, "version": 1}
    assert rec.version == 1, "a check is not a new text"
    record = rec.history.order_by("-history_date", "-history_id").first()
    assert record.history_user == alice
    assert EDITION in record.history_change_reason
    event = rec.audit_events.get(action=AuditAction.VERIFIED)
    assert event.username == "alice" and event.text["against"] == EDITION


def test_readers_see_the_check_instead_of_not_yet_verified(client, paracetamol, alice):
    page = client.get(paracetamol.get_absolute_url()).content.decode()
    assert "endnu ikke kontrolleret mod den danske fuldtekst" in page

    verify(paracetamol, alice)

    page = client.get(paracetamol.get_absolute_url()).content.decode()
    assert "endnu ikke kontrolleret" not in page
    assert f"kontrolleret mod {EDITION} af alice 1. december 2026" in page
    item = client.get("/api/v1/recommendations/?guideline=acute-low-back-pain").json()
    items = item["results"] if isinstance(item, dict) else item
    (checked,) = [i for i in items if i["slug"] == "paracetamol"]
    assert checked["provenance"]["verified"] == {"by": "alice", "on": "2026-12-01"}
    body = {"age": 40, "pain_site": "low_back", "pain_duration_weeks": 3}
    data = client.post("/api/v1/evaluate/", json.dumps(body), content_type="application/json")
    evaluated = [
        r
        for g in data.json()["guidelines"]
        for r in g["recommendations"]
        if r["slug"] == "paracetamol"
    ]
    assert evaluated[0]["provenance"]["verified"] == {"by": "alice", "on": "2026-12-01"}


@pytest.mark.parametrize(
    ("against", "checked_on", "field"),
    [
        ("", date(2026, 12, 1), "against"),
        ("  ", date(2026, 12, 1), "against"),
        (EDITION, date(2026, 12, 7), "checked_on"),
    ],
)
def test_a_verification_without_its_publication_or_dated_ahead_is_refused(
    paracetamol, alice, against, checked_on, field
):
    with pytest.raises(VerificationError) as refused:
        verify(paracetamol, alice, against=against, checked_on=checked_on)
    assert refused.value.field == field
    paracetamol.refresh_from_db()
    assert paracetamol.verified is None


def test_only_a_publisher_may_record_a_verification(paracetamol, bob):
    with pytest.raises(PermissionDenied):
        verify(paracetamol, bob)


def test_publishing_a_new_text_withdraws_the_check(paracetamol, alice):
    verify(paracetamol, alice)
    data = {**recommendation_editable_values(recommendation=paracetamol), "update_note": "Ny note."}
    recommendation_draft_save(
        recommendation=paracetamol,
        user=alice,
        data=data,
        edit_token=recommendation_edit_token(recommendation=paracetamol),
    )
    rec = recommendation_publish(recommendation=paracetamol, user=alice, change_reason="Test.")
    assert rec.verified is None


# An editor's sentence after the hearing: not the quick guide's words (CONTENT.md "Provenance").
EDITED_TITLE = (
    "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger som følge af "
    "generaliserede smerter i bevægeapparatet, udført af en sundhedsprofessionel med "
    "efteruddannelse."
)


def publish(rec, user, **changes):
    data = {**recommendation_editable_values(recommendation=rec), **changes}
    token = recommendation_edit_token(recommendation=rec)
    recommendation_draft_save(recommendation=rec, user=user, data=data, edit_token=token)
    return recommendation_publish(recommendation=rec, user=user, change_reason="Høringssvar.")


def test_an_editors_new_sentence_is_not_credited_to_the_source(client, cbt, alice):
    publish(cbt, alice, title=EDITED_TITLE)

    page = client.get(cbt.get_absolute_url()).content.decode()
    assert EDITED_TITLE in page
    assert "Formuleringen er nkr&#x27;s; styrken står i kilden" in page
    assert "Ordret fra kilden; styrken" not in page
    assert "Ordret fra kilden." in page, "the rationale is unchanged: still the source's words"
    history = client.get("/api/v1/guidelines/generalised-pain/recommendations/cbt/history/")
    kinds = {
        v["version"]: (v["provenance"]["title"], v["provenance"]["rationale"])
        for v in history.json()
    }
    assert kinds == {
        3: ("nkr_wording", "verbatim"),
        2: ("verbatim", "verbatim"),
        1: ("verbatim", "verbatim"),
    }
    history_page = client.get(f"{cbt.get_absolute_url()}history/").content.decode()
    assert "Formuleringen er nkr&#x27;s; styrken står i kilden" in history_page
    assert "Ordret fra kilden; styrken står i kilden" in history_page  # versions 1 and 2


def test_the_preview_of_a_new_sentence_says_whose_words_they_are(alice_client, cbt):
    data = {**recommendation_editable_values(recommendation=cbt), "title": EDITED_TITLE}
    url = f"/admin/recommendations/recommendation/{cbt.pk}/preview/"

    page = alice_client.post(url, {k: v or "" for k, v in data.items()}).content.decode()

    assert EDITED_TITLE in page
    assert "Formuleringen er nkr&#x27;s; styrken står i kilden" in page
    assert "Ordret fra kilden; styrken" not in page


def test_a_reseed_keeps_an_editors_sentence_nkrs_and_a_restored_source_text_is_the_sources(
    cbt, alice
):
    publish(cbt, alice, title=EDITED_TITLE)
    content_seed()
    cbt.refresh_from_db()
    assert (cbt.provenance["title"], cbt.provenance["rationale"]) == ("nkr_wording", "verbatim")

    rec = recommendation_restore(recommendation=cbt, version=2, user=alice, change_reason="Igen.")

    assert rec.provenance["title"] == "verbatim"
    content_seed()
    rec.refresh_from_db()
    assert rec.provenance["title"] == "verbatim"


def test_a_reseed_tells_apart_the_words_an_editor_published_before_they_were_told_apart(cbt, alice):
    publish(cbt, alice, title=EDITED_TITLE)
    as_before = {key: value for key, value in cbt.provenance.items() if key != "edited"}
    as_before["title"] = "verbatim"  # what publishing wrote before
    Recommendation.objects.filter(pk=cbt.pk).update(provenance=as_before)
    cbt.history.update(provenance=as_before)

    content_seed()

    kinds = {record.version: record.provenance["title"] for record in cbt.history.all()}
    assert kinds == {1: "verbatim", 2: "verbatim", 3: "nkr_wording"}


def test_the_editors_page_lists_every_recommendation_with_its_status(
    alice_client, paracetamol, alice
):
    verify(paracetamol, alice)
    response = alice_client.get(PROVENANCE_URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<tr id="rec-') == 36
    assert "1 af 36 anbefalinger er kontrolleret" in page
    assert "Ikke kontrolleret" in page and f"kontrolleret mod {EDITION}" in page


def test_an_editor_records_a_check_in_the_admin_and_errors_name_the_field(
    alice_client, paracetamol
):
    url = f"/admin/recommendations/recommendation/{paracetamol.pk}/verify/"
    refused = alice_client.post(url, {"against": "", "checked_on": "2026-12-01"})
    assert refused.status_code == 200
    assert f"Kontrolleret mod (udgivelse: udgave og år eller adresse): {AGAINST_REQUIRED}" in (
        refused.content.decode()
    )
    bad_date = alice_client.post(url, {"against": EDITION, "checked_on": "1. december"})
    assert (
        "Dato for kontrollen: Skriv datoen for kontrollen som åååå-mm-dd"
        in bad_date.content.decode()
    )

    done = alice_client.post(url, {"against": EDITION, "checked_on": "2026-12-01"})

    assert done.status_code == 302
    paracetamol.refresh_from_db()
    assert paracetamol.verified["against"] == EDITION


def test_a_reader_without_access_cannot_see_the_editors_page(bob_client):
    assert bob_client.get(PROVENANCE_URL).status_code in {302, 403}
