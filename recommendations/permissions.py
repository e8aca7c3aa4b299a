"""Who may edit: the "Redaktører" group and its permissions.

Editors revise guidelines and recommendations (drafts, publishing, restoring), record hearing
rounds and responses, and read the audit trail. Everyone else reads the published pages.
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
    "delete_hearingresponse",
    "view_hearingresponselink",
    "add_hearingresponselink",
    "change_hearingresponselink",
    "delete_hearingresponselink",
    "view_auditevent",
    "view_redflag",
    "view_startbackitem",
    # STarT-dk, the validated Danish wording, is entered by an editor (CONTENT.md).
    "change_startbackitem",
)


def editors_group_sync(apps=global_apps, codenames: tuple[str, ...] = EDITOR_PERMISSIONS):
    """Create the editors' group if needed and give it exactly these permissions.

    Migrations pass the list as it was when they were written; when EDITOR_PERMISSIONS
    changes, add a migration that calls this again.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    permissions = list(
        Permission.objects.filter(content_type__app_label="recommendations", codename__in=codenames)
    )
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing (run migrate): {sorted(missing)}")
    group.permissions.set(permissions)
    return group
