"""The intake form pre-filled from a record: encrypted, expiring, single-use, nothing stored."""

import json
import time

import pytest
from django.test import Client

from patients.cds.fhir_mapping import record_drafts, record_read
from patients.intake.prefill import (
    PREFILL_COOKIE,
    PREFILL_EXPIRED_ERROR,
    PREFILL_MAX_AGE,
    PREFILL_USED_ERROR,
    prefill_fernet,
    prefill_token_make,
    prefill_token_read,
)
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def draft_for(body):
    record = record_read(prefetch=body["prefetch"], patient_id=fhir.PATIENT_ID, today=fhir.today())
    (draft,) = record_drafts(record)
    return draft


def test_the_token_holds_the_known_facts_encrypted_not_readable(db):
    draft = draft_for(fhir.adult_with_fibromyalgia_on_oxycodone())

    token = prefill_token_make(draft)

    assert "oxycodone" not in token and "generalised" not in token
    payload = prefill_token_read(token)
    assert payload["data"]["age"] == 52
    assert payload["data"]["pain_site"] == "generalised"
    assert payload["medications"] == [{"drug": "oxycodone", "daily_dose": 20.0}]


def test_the_page_shows_the_form_filled_in_without_evaluating_it(client):
    token = prefill_token_make(draft_for(fhir.adult_with_fibromyalgia_on_oxycodone()))

    response = client.get(f"/intake/prefill/{token}/", follow=True)

    text = response.content.decode()
    assert response.status_code == 200
    assert 'value="52"' in text
    assert 'value="generalised" checked' in text
    assert '<option value="oxycodone" selected>' in text
    assert 'name="med-0-dose" type="text" inputmode="decimal" size="7"' in text
    assert 'value="20"' in text
    assert "Udfyldt med journalens oplysninger" in text
    assert "Uden for målgruppen" not in text  # shown only once the clinician submits
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_drug_with_an_unknown_dose_is_there_for_the_clinician_to_complete(client):
    body = fhir.hook_request(
        fhir.patient(52),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        statements=[
            fhir.medication_statement("N02AA05", "Oxycodon", fhir.dosage(5, as_needed=True))
        ],
    )
    token = prefill_token_make(draft_for(body))

    text = client.get(f"/intake/prefill/{token}/", follow=True).content.decode()

    assert '<option value="oxycodone" selected>' in text
    assert "døgndosis for Oxycodon (N02AA05) ukendt (efter behov)" in text


def test_an_expired_link_shows_an_empty_form_and_says_why(client):
    draft = draft_for(fhir.adult_with_low_back_pain_for_three_weeks())
    payload = json.dumps({"data": draft.data, "medications": [], "notes": []}).encode()
    old = (
        prefill_fernet().encrypt_at_time(payload, int(time.time()) - PREFILL_MAX_AGE - 60).decode()
    )

    response = client.get(f"/intake/prefill/{old}/")

    text = response.content.decode()
    assert response.status_code == 400
    assert str(PREFILL_EXPIRED_ERROR) in text
    assert 'value="45"' not in text


def test_a_forged_token_is_refused(client):
    response = client.get("/intake/prefill/gAAAAABforged-token/")
    assert response.status_code == 400
    assert str(PREFILL_EXPIRED_ERROR) in response.content.decode()


def test_the_prefilled_page_stays_within_its_query_budget(client, django_assert_max_num_queries):
    token = prefill_token_make(draft_for(fhir.adult_with_low_back_pain_for_three_weeks()))
    with django_assert_max_num_queries(6):  # the token marked used (with its savepoints)
        assert client.get(f"/intake/prefill/{token}/").status_code == 303
    with django_assert_max_num_queries(3):
        response = client.get("/intake/prefill/")
    assert response.status_code == 200


def test_the_link_is_exchanged_for_a_cookie_and_the_page_has_a_clean_url(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    token = prefill_token_make(draft_for(fhir.adult_with_low_back_pain_for_three_weeks()))

    response = client.get(f"/intake/prefill/{token}/")

    assert response.status_code == 303
    assert response["Location"] == "/intake/prefill/"
    cookie = response.cookies[PREFILL_COOKIE]
    assert cookie.value == token
    assert cookie["path"] == "/intake/prefill/"
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'value="45"' in page.content.decode()
    assert token not in page.content.decode(), "the page does not repeat the token"


def test_the_link_works_only_once(client):
    token = prefill_token_make(draft_for(fhir.adult_with_low_back_pain_for_three_weeks()))
    assert client.get(f"/intake/prefill/{token}/").status_code == 303

    again = client.get(f"/intake/prefill/{token}/")

    assert again.status_code == 400
    assert str(PREFILL_USED_ERROR) in again.content.decode()
    assert 'value="45"' not in again.content.decode()


def test_the_link_opens_nothing_in_another_browser(client):
    """Someone who finds the link (in a log, a history, a Referer) after the clinician."""
    token = prefill_token_make(draft_for(fhir.adult_with_low_back_pain_for_three_weeks()))
    client.get(f"/intake/prefill/{token}/")
    stranger = Client()

    for response in (stranger.get(f"/intake/prefill/{token}/"), stranger.get("/intake/prefill/")):
        assert response.status_code == 400
        assert 'value="45"' not in response.content.decode()
