"""The editors' group, and a first history record for recommendations seeded before history.

Recommendations loaded before django-simple-history was added have no history record, so their
history page would be empty: record their current text as the version they are at.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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
    "delete_hearingresponse",
    "view_hearingresponselink",
    "add_hearingresponselink",
    "change_hearingresponselink",
    "delete_hearingresponselink",
    "view_auditevent",
    "view_redflag",
    "view_startbackitem",
    "change_startbackitem",
)


def editors_group_create(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    app_config = apps.get_app_config("recommendations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    editors_group_sync(apps, EDITOR_PERMISSIONS)


def editors_group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Redaktører").delete()


def first_versions_record(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    HistoricalRecommendation = apps.get_model("recommendations", "HistoricalRecommendation")
    recorded = set(HistoricalRecommendation.objects.values_list("id", flat=True))
    fields = [field.attname for field in Recommendation._meta.concrete_fields]
    records = []
    for rec in Recommendation.objects.exclude(pk__in=recorded):
        rec.published_at = rec.published_at or rec.updated_at
        rec.save(update_fields=["published_at"])
        records.append(
            HistoricalRecommendation(
                **{name: getattr(rec, name) for name in fields},
                history_date=rec.published_at,
                history_type="+",
                history_change_reason="Udgivet før versionshistorikken blev indført.",
            )
        )
    HistoricalRecommendation.objects.bulk_create(records)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("recommendations", "0002_editorial_workflow"),
    ]

    operations = [
        migrations.RunPython(editors_group_create, editors_group_delete),
        migrations.RunPython(first_versions_record, migrations.RunPython.noop),
    ]
