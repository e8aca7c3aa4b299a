"""Who may edit: the "Redaktører" group and its permissions.

Editors revise guidelines and recommendations (drafts, publishing, restoring), record hearing
rounds and responses, and read the audit trail. They must also have staff status
(`is_staff`, "Personalestatus"): Django lets only staff into the admin. Everyone else reads
the published pages.
"""

from django.apps import apps as global_apps

EDITORS_GROUP = "Redaktører"

EDITOR_PERMISSIONS = (
    "view_guideline",
    "change_guideline",
    "view_recommendation",
    "change_recommendation",
    "publish_recommendation",
    "view_hearinground",
    "add_hearinground",
    "change_hearinground",
    "view_hearingresponse",
    "add_hearingresponse",
    "change_hearingresponse",
    # No delete_hearingresponse: a received response is a record. An editor sets its
    # disposition instead, and seed_content would bring a deleted seeded response back.
    "view_hearingresponselink",
    "add_hearingresponselink",
    "change_hearingresponselink",
    "delete_hearingresponselink",
    "view_auditevent",
    "view_redflag",
    "view_startbackitem",
    # STarT-dk, the validated Danish wording, is entered by an editor (CONTENT.md).
    "change_startbackitem",
    # Search synonyms (trade names, lay and English words) are data an editor keeps up to date.
    "view_searchsynonym",
    "add_searchsynonym",
    "change_searchsynonym",
    # Another app's permission is named "<app>.<codename>": editors see how often record
    # systems' users set a recommendation's CDS Hooks card aside, and why (docs/integration.md).
    "patients.view_cardfeedback",
)


def editors_group_sync(apps=global_apps, codenames: tuple[str, ...] = EDITOR_PERMISSIONS):
    """Create the editors' group if needed and give it exactly these permissions.

    Migrations pass the list as it was when they were written; when EDITOR_PERMISSIONS
    changes, add a migration that calls this again.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = {name if "." in name else f"recommendations.{name}" for name in codenames}
    permissions = [
        permission
        for permission in Permission.objects.filter(
            codename__in={name.split(".", 1)[1] for name in wanted}
        ).select_related("content_type")
        if f"{permission.content_type.app_label}.{permission.codename}" in wanted
    ]
    found = {f"{p.content_type.app_label}.{p.codename}" for p in permissions}
    missing = {name.removeprefix("recommendations.") for name in wanted - found}
    if missing:
        raise RuntimeError(f"Permissions missing (run migrate): {sorted(missing)}")
    group.permissions.set(permissions)
    return group
