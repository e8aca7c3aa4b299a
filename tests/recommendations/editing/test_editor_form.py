"""The editor's form: text, reason and save first; hearing responses beside the text; a
preview of the draft exactly as readers will see it."""

import re

import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
)

from .helpers import change_url

pytestmark = pytest.mark.usefixtures("content")
DRAFT_TITLE = "Tilbyd kognitiv adfærdsterapi (kladde til forhåndsvisning)."
# An editor's sentence is nkr's, not the source's (CONTENT.md "Provenance").
EDITORS_SENTENCE = "Formuleringen er nkr&#x27;s;"


@pytest.fixture
def cbt(content):
    return Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")


def preview_url(rec) -> str:
    return reverse("admin:recommendations_recommendation_preview", args=[rec.pk])


def test_the_text_the_reason_and_the_save_button_come_before_everything_else(alice_client, cbt):
    html = alice_client.get(change_url(cbt)).content.decode()
    order = [
        html.index('name="_continue"'),  # the save buttons, at the top too
        html.index('name="title"'),
        html.index('name="rationale"'),
        html.index('name="change_reason"'),
        html.index('name="strength"'),
        html.index("Om anbefalingen"),
    ]
    assert order == sorted(order)


def test_the_hearing_responses_with_what_they_say_sit_right_after_the_text(alice_client, cbt):
    html = alice_client.get(change_url(cbt)).content.decode()
    hearing = html.index('class="nkr-hearing"')
    assert html.index('name="change_reason"') < hearing < html.index('name="strength"')
    responses = html[hearing:].split("</ul>", 1)[0]
    assert "DSAM" in responses and "<details>" in responses


def test_the_preview_shows_the_draft_with_the_readers_own_template(
    alice_client, client, cbt, alice
):
    data = {**recommendation_editable_values(recommendation=cbt), "title": DRAFT_TITLE}
    recommendation_draft_save(
        recommendation=cbt,
        user=alice,
        data=data,
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    preview = alice_client.get(preview_url(cbt))
    assert preview.status_code == 200
    assert "recommendations/recommendation.html" in [t.name for t in preview.templates]
    text = preview.content.decode()
    assert f'<h1 class="rec-page__title" lang="da">{DRAFT_TITLE}</h1>' in text
    assert "Læserne ser den ikke endnu" in text
    reader = client.get(cbt.get_absolute_url()).content.decode()
    assert DRAFT_TITLE not in reader  # readers still see the published text
    # The recommendation itself is the reader's, with the draft's text in it.
    article = re.compile(r"<article.*?</article>", flags=re.S)
    shown = article.search(text).group().replace(DRAFT_TITLE, cbt.title)
    assert _as_the_sources(shown) == article.search(reader).group()


def _as_the_sources(article: str) -> str:
    """Return a preview of an editor's new sentence as if the source's words.

    The preview says, as the page will once it is published, that the sentence is nkr's.
    """
    assert article.count(EDITORS_SENTENCE) == 1
    return article.replace(EDITORS_SENTENCE, "Ordret fra kilden;")


def test_the_preview_is_for_editors_only(client, bob, cbt):
    assert client.get(preview_url(cbt)).status_code == 302  # to the login page
    client.force_login(bob)
    assert client.get(preview_url(cbt)).status_code in (302, 403)


def _form_values(rec, **changes) -> dict:
    """Return what the editor's form posts: every text field, the edit token and the reason."""
    return {
        **recommendation_editable_values(recommendation=rec),
        "edit_token": recommendation_edit_token(recommendation=rec),
        "change_reason": "",
        **changes,
    }


UNSAVED_TITLE = "Tilbyd kognitiv adfærdsterapi (ikke gemt)."


def test_the_preview_shows_the_unsaved_form_as_readers_will_see_it_and_saves_nothing(
    alice_client, client, cbt
):
    from recommendations.models import AuditEvent, RecommendationDraft

    history, audit = cbt.history.count(), AuditEvent.objects.count()
    assert cbt.strength == "strong"
    response = alice_client.post(
        preview_url(cbt), _form_values(cbt, title=UNSAVED_TITLE, strength="weak")
    )
    assert response.status_code == 200
    assert "recommendations/recommendation.html" in [t.name for t in response.templates]
    text = response.content.decode()
    assert f'<h1 class="rec-page__title" lang="da">{UNSAVED_TITLE}</h1>' in text
    assert "også det, der ikke er gemt" in text and "Forhåndsvisningen gemmer intet" in text
    badge = re.search(r'<span class="grade[^"]*">.*?</span> (.*?)</span>', text).group(1)
    assert badge == "Svag anbefaling for"  # the strength typed, in the reader's own badge
    # Never cached: by the browser, a proxy, or the published pages' cache.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    cbt.refresh_from_db()
    assert (cbt.title, cbt.strength) != (UNSAVED_TITLE, "strong")
    assert not RecommendationDraft.objects.filter(recommendation=cbt).exists()
    assert (cbt.history.count(), AuditEvent.objects.count()) == (history, audit)
    assert UNSAVED_TITLE not in client.get(cbt.get_absolute_url()).content.decode()


def test_the_unsaved_preview_is_the_readers_page_with_the_typed_text(alice_client, client, cbt):
    reader = client.get(cbt.get_absolute_url()).content.decode()
    text = alice_client.post(preview_url(cbt), _form_values(cbt, title=UNSAVED_TITLE))
    article = re.compile(r"<article.*?</article>", flags=re.S)
    shown = article.search(text.content.decode()).group().replace(UNSAVED_TITLE, cbt.title)
    assert _as_the_sources(shown) == article.search(reader).group()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Anbefaling: Dette felt er påkrævet."),
        ({"strength": "very_strong"}, "Styrke: Marker en gyldig valgmulighed."),
        ({"direction": ""}, "Retning: Dette felt er påkrævet."),
        ({"rationale": "Begrundelse\x00"}, "Begrundelse: Null-tegn er ikke tilladte."),
    ],
)
def test_bad_input_in_the_preview_names_the_field_in_danish(alice_client, cbt, changes, message):
    response = alice_client.post(preview_url(cbt), _form_values(cbt, **changes))
    assert response.status_code == 400
    text = response.content.decode()
    assert "Forhåndsvisningen kan ikke vises" in text
    assert message in text
    assert "Intet er gemt" in text


def test_the_unsaved_preview_needs_the_csrf_token_and_the_right_to_edit(alice, bob_client, cbt):
    from django.test import Client

    from tests.recommendations.editing.helpers import user_create

    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(alice)
    assert csrf_checked.post(preview_url(cbt), _form_values(cbt)).status_code == 403
    assert bob_client.post(preview_url(cbt), _form_values(cbt)).status_code == 302  # not staff
    staff_only = Client()
    staff_only.force_login(user_create("sven", is_staff=True))  # staff, not an editor
    assert staff_only.post(preview_url(cbt), _form_values(cbt)).status_code == 403
