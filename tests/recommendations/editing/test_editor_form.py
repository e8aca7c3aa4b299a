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
    assert shown == article.search(reader).group()


def test_the_preview_is_for_editors_only(client, bob, cbt):
    assert client.get(preview_url(cbt)).status_code == 302  # to the login page
    client.force_login(bob)
    assert client.get(preview_url(cbt)).status_code in (302, 403)
