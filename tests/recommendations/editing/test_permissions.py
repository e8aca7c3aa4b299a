"""Who may do what: anonymous visitors, readers, editors and superusers."""

import logging

import pytest
from django.contrib.auth.models import Group, User

from recommendations.permissions import EDITOR_PERMISSIONS, EDITORS_GROUP

from .helpers import change_url, open_form, save

ADMIN_EDIT_PAGES = [
    "/admin/recommendations/recommendation/{pk}/change/",
    "/admin/recommendations/recommendation/{pk}/discard/",
    "/admin/recommendations/recommendation/{pk}/restore/1/",
]


def test_the_newest_migration_that_syncs_the_group_gives_it_todays_permissions():
    from importlib import import_module
    from pathlib import Path

    import recommendations.migrations as package

    names = sorted(path.stem for path in Path(package.__file__).parent.glob("0*.py"))
    modules = [import_module(f"recommendations.migrations.{name}") for name in names]
    newest = [module for module in modules if hasattr(module, "EDITOR_PERMISSIONS")][-1]
    # Another app's permission ("patients.view_cardfeedback") is granted by its own migration.
    own = tuple(name for name in EDITOR_PERMISSIONS if "." not in name)
    assert newest.EDITOR_PERMISSIONS == own, "add a migration that syncs them"


def test_editors_cannot_delete_a_received_hearing_response(editors_group):
    # A response is a record: the editor sets its disposition (and seed_content would
    # otherwise bring a deleted seeded response back).
    codenames = set(editors_group.permissions.values_list("codename", flat=True))
    assert "delete_hearingresponse" not in codenames
    assert "change_hearingresponse" in codenames


def test_the_editors_group_holds_exactly_the_editing_permissions(editors_group):
    group = Group.objects.get(name=EDITORS_GROUP)
    codenames = {
        codename if app == "recommendations" else f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
    assert codenames == set(EDITOR_PERMISSIONS)
    assert "publish_recommendation" in codenames
    assert "delete_recommendation" not in codenames


@pytest.mark.parametrize("url", ADMIN_EDIT_PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, cbt, url):
    response = client.get(url.format(pk=cbt.pk))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("url", ADMIN_EDIT_PAGES)
def test_a_signed_in_reader_cannot_reach_the_edit_pages_and_the_refusal_is_logged(
    bob_client, cbt, url, caplog
):
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        response = bob_client.get(url.format(pk=cbt.pk), follow=True)
    assert response.redirect_chain[0][0].startswith("/admin/login/")
    assert "permission_denied" in caplog.text and "username='bob'" in caplog.text


def test_a_reader_cannot_post_a_change(bob_client, client, cbt):
    response = bob_client.post(change_url(cbt), {"title": "Hacket", "_publish": "1"})
    assert response.status_code == 302
    cbt.refresh_from_db()
    assert cbt.title != "Hacket"


def test_staff_without_editing_rights_get_a_danish_403_that_is_logged(cbt, caplog):
    from django.test import Client

    user = User.objects.create_user("staff-only", password="x", is_staff=True)
    client = Client()
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="nkr.audit"):
        response = client.get(change_url(cbt))
    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()
    assert "permission_denied" in caplog.text and "/change/" in caplog.text


def test_an_editor_can_edit_and_publish_but_not_add_or_delete_recommendations(alice_client, cbt):
    page = alice_client.get(change_url(cbt)).content.decode()
    assert 'name="_publish"' in page and "Gem kladde" in page
    assert alice_client.get("/admin/recommendations/recommendation/add/").status_code == 403
    delete = f"/admin/recommendations/recommendation/{cbt.pk}/delete/"
    assert alice_client.get(delete).status_code == 403


def test_the_admin_speaks_danish_to_editors(alice_client, cbt):
    page = alice_client.get("/admin/").content.decode()
    assert "nkr · redaktion" in page
    assert "Høringssvar" in page and "Anbefalinger" in page
    form = alice_client.get(change_url(cbt)).content.decode()
    assert "Begrundelse for ændringen" in form


def test_a_superuser_can_publish(sara_client, opioids):
    form = open_form(sara_client, opioids)
    response = save(
        sara_client, opioids, form, publish=True, title="Ny tekst.", change_reason="Test."
    )
    assert response.status_code == 302
    opioids.refresh_from_db()
    assert opioids.version == 2


def test_an_editor_without_the_publish_right_sees_no_publish_button_and_cannot_force_it(
    cbt, erik, erik_client
):
    from django.contrib.auth.models import Permission

    erik.groups.clear()
    for codename in ("view_recommendation", "change_recommendation"):
        erik.user_permissions.add(Permission.objects.get(codename=codename))
    page = erik_client.get(change_url(cbt)).content.decode()
    assert 'name="_publish"' not in page
    form = open_form(erik_client, cbt)
    response = save(erik_client, cbt, form, publish=True, title="X", change_reason="Y")
    assert response.status_code == 403
    cbt.refresh_from_db()
    assert cbt.version == 2


def test_a_guideline_text_change_needs_a_reason_and_is_kept_in_history(alice_client, content):
    from recommendations.models import Guideline

    guideline = Guideline.objects.get(slug="child-msk-pain")
    url = f"/admin/recommendations/guideline/{guideline.pk}/change/"
    data = {
        key: getattr(guideline, key)
        for key in ("title", "short_title", "population", "source", "note", "note_source")
    }
    data.update(
        {
            "recommendations-TOTAL_FORMS": "0",
            "recommendations-INITIAL_FORMS": "0",
            "recommendations-MIN_NUM_FORMS": "0",
            "recommendations-MAX_NUM_FORMS": "0",
        }
    )
    data["short_title"] = "Smerter hos børn og unge"

    refused = alice_client.post(url, {**data, "change_reason": ""})
    accepted = alice_client.post(url, {**data, "change_reason": "Kortere menutekst."})

    assert refused.status_code == 200
    assert "Skriv en begrundelse" in refused.content.decode()
    assert accepted.status_code == 302, accepted.content.decode()[:3000]
    guideline.refresh_from_db()
    assert guideline.short_title == "Smerter hos børn og unge"
    newest = guideline.history.order_by("-history_date").first()
    assert newest.history_change_reason == "Kortere menutekst."
    assert newest.history_user.username == "alice"


@pytest.mark.parametrize("page", ADMIN_EDIT_PAGES[1:])
@pytest.mark.parametrize("pk", ["abc", "1.5", "²"])
def test_an_id_that_is_no_number_in_an_admin_action_url_is_a_404(sara_client, content, page, pk):
    assert sara_client.get(page.format(pk=pk)).status_code == 404
