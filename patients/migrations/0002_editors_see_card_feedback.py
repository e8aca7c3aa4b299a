"""Editors see the record systems' feedback on the CDS Hooks cards (docs/integration.md).

The "Redaktører" group was made before the patients app had any permission to give; this adds
patients.view_cardfeedback to it in databases that already have the group. It adds rather
than resets the group's permissions, so it does not undo what the recommendations migrations
gave the group. It runs after the latest of them that resets the group
(recommendations.0004); a later migration that resets the group with editors_group_sync must
list "patients.view_cardfeedback" (recommendations.permissions.EDITOR_PERMISSIONS has it).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS_GROUP = "Redaktører"
PERMISSION = "view_cardfeedback"


def editors_feedback_grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs this one now.
    app_config = apps.get_app_config("patients")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="patients", codename=PERMISSION)
    )


def editors_feedback_revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=EDITORS_GROUP):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="patients", codename=PERMISSION)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("patients", "0001_initial"),
        ("recommendations", "0004_audit_subjects_and_unrecorded_dispositions"),
    ]

    operations = [migrations.RunPython(editors_feedback_grant, editors_feedback_revoke)]
