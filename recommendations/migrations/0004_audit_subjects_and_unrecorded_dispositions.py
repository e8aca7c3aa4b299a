"""Audit events for texts without drafts and refused edits; "not recorded" dispositions.

Editors no longer delete hearing responses: a received response is a record (the working
group's disposition says what became of it), and seed_content would bring a deleted one back.
"""

import django.db.models.deletion
from django.db import migrations, models

from recommendations.permissions import editors_group_sync

# The editors' permissions as of this migration (recommendations.permissions has the current).
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
    "view_hearingresponselink",
    "add_hearingresponselink",
    "change_hearingresponselink",
    "delete_hearingresponselink",
    "view_auditevent",
    "view_redflag",
    "view_startbackitem",
    "change_startbackitem",
)


def editors_permissions_sync(apps, schema_editor):
    editors_group_sync(apps, EDITOR_PERMISSIONS)


def editors_permissions_restore(apps, schema_editor):
    editors_group_sync(apps, (*EDITOR_PERMISSIONS, "delete_hearingresponse"))


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0003_editors_group_and_first_versions"),
    ]

    operations = [
        migrations.RunPython(editors_permissions_sync, editors_permissions_restore),
        migrations.AddField(
            model_name="auditevent",
            name="subject",
            field=models.CharField(
                blank=True,
                help_text="fx startback/3 eller red-flag/cauda",
                max_length=200,
                verbose_name="indhold",
            ),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="text",
            field=models.JSONField(blank=True, null=True, verbose_name="tekst"),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("seeded", "Indlæst fra fixtures"),
                    ("draft_saved", "Kladde gemt"),
                    ("draft_discarded", "Kladde kasseret"),
                    ("published", "Udgivet"),
                    ("restored", "Gendannet som ny version"),
                    ("edit_refused", "Gem afvist: samtidig redigering"),
                    ("content_changed", "Tekst ændret (gælder straks)"),
                ],
                max_length=20,
                verbose_name="handling",
            ),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="recommendation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="audit_events",
                to="recommendations.recommendation",
                verbose_name="anbefaling",
            ),
        ),
        migrations.AlterField(
            model_name="hearingresponse",
            name="disposition",
            field=models.CharField(
                choices=[
                    ("pending", "Afventer behandling"),
                    ("accepted", "Taget til følge"),
                    ("partly_accepted", "Delvist taget til følge"),
                    ("not_accepted", "Ikke taget til følge"),
                    ("noted", "Taget til efterretning"),
                    ("not_recorded", "Ikke oplyst i kilden"),
                ],
                default="pending",
                max_length=20,
                verbose_name="arbejdsgruppens stillingtagen",
            ),
        ),
        migrations.AlterField(
            model_name="historicalhearingresponse",
            name="disposition",
            field=models.CharField(
                choices=[
                    ("pending", "Afventer behandling"),
                    ("accepted", "Taget til følge"),
                    ("partly_accepted", "Delvist taget til følge"),
                    ("not_accepted", "Ikke taget til følge"),
                    ("noted", "Taget til efterretning"),
                    ("not_recorded", "Ikke oplyst i kilden"),
                ],
                default="pending",
                max_length=20,
                verbose_name="arbejdsgruppens stillingtagen",
            ),
        ),
    ]
