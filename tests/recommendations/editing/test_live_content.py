"""Published texts without drafts, STarT Back items and red flags: a reason, history, audit."""

import json
import logging

import pytest

from recommendations.live_content import live_content_update
from recommendations.models import AuditAction, AuditEvent, RedFlag, StartBackItem
from recommendations.services import EditorialError

STARTBACK_URL = "/admin/recommendations/startbackitem/{pk}/change/"


def _startback_post(client, item: StartBackItem, **changes):
    return client.post(
        STARTBACK_URL.format(pk=item.pk),
        {"text_da": item.text_da, "change_reason": "", **changes},
    )


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


def test_a_red_flags_new_wording_is_what_search_finds_at_once(sara, content):
    from recommendations import selectors

    flag = RedFlag.objects.get(code="fever")
    data = {
        "label": "Feber eller kulderystelser",
        "categories": flag.categories,
        "level": flag.level,
        "source": flag.source,
        "source_ref": flag.source_ref,
    }
    live_content_update(obj=flag, user=sara, data=data, change_reason="Tabel 1 genlæst.")
    assert [f.code for f in selectors.red_flag_search(q="kulderystelser")] == ["fever"]


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
