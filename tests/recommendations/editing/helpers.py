import re

from django.contrib.auth.models import User
from django.urls import reverse

from recommendations.models import Recommendation, RecommendationDraft
from recommendations.services import recommendation_editable_values


def change_url(rec: Recommendation) -> str:
    return reverse("admin:recommendations_recommendation_change", args=[rec.pk])


def open_form(client, rec: Recommendation) -> dict:
    """GET the admin change form as an editor would, and return what it would post back."""
    response = client.get(change_url(rec))
    assert response.status_code == 200
    token = re.search(r'name="edit_token" value="([^"]+)"', response.content.decode()).group(1)
    data = {
        key: value or ""
        for key, value in recommendation_editable_values(recommendation=rec).items()
    }
    return {**data, "edit_token": token, "change_reason": ""}


def save(client, rec: Recommendation, form: dict, *, publish: bool = False, **changes):
    """POST the form with `changes`, as "Gem kladde" or "Gem og udgiv"."""
    button = {"_publish": "1"} if publish else {"_continue": "1"}
    assert set(changes) <= {*RecommendationDraft.FIELDS, "change_reason"}
    return client.post(change_url(rec), {**form, **changes, **button})


def user_create(username: str, **fields) -> User:
    """Create a user with the editorial tests' password."""
    return User.objects.create_user(username=username, password="correct horse 42", **fields)
