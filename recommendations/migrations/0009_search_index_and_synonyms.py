"""Search: a stored, indexed search document per recommendation, and synonyms as data.

On PostgreSQL the pg_trgm extension (typo matching) is created, with a GIN index on the
stored tsvector and a trigram GIN index on the case-folded text; SQLite gets neither (its
search is the Python fallback). Editors may view, add and change synonyms: the "Redaktører"
group is synced to today's permissions, keeping patients.view_cardfeedback (patients.0002).
`seed_content` fills the index (docs/architecture.md, "Search").
"""

import django.contrib.postgres.search
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

from recommendations.permissions import editors_group_sync

# The editors' permissions as of this migration (recommendations.permissions has the current);
# patients.0002 granted the other app's permission, which this reset must keep.
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
    "view_searchsynonym",
    "add_searchsynonym",
    "change_searchsynonym",
)
OTHER_APPS_PERMISSIONS = ("patients.view_cardfeedback",)
POSTGRESQL_INDEXES = (
    "CREATE INDEX recommendation_search_vector_gin ON recommendations_recommendation "
    "USING gin (search_vector)",
    "CREATE INDEX recommendation_search_text_trgm ON recommendations_recommendation "
    "USING gin (search_text gin_trgm_ops)",
)


def search_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_INDEXES:
            schema_editor.execute(statement)


def search_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("recommendation_search_vector_gin", "recommendation_search_text_trgm"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def editors_synonyms_grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs these now.
    app_config = apps.get_app_config("recommendations")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    editors_group_sync(apps, (*EDITOR_PERMISSIONS, *OTHER_APPS_PERMISSIONS))


def editors_synonyms_revoke(apps, schema_editor):
    editors_group_sync(
        apps,
        (
            *(name for name in EDITOR_PERMISSIONS if not name.endswith("searchsynonym")),
            *OTHER_APPS_PERMISSIONS,
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0008_version_origin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("patients", "0002_editors_see_card_feedback"),
    ]

    operations = [
        migrations.AddField(
            model_name="recommendation",
            name="search_aliases",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="search_extra",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="search_terms",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="search_text",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="recommendation",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.CreateModel(
            name="HistoricalSearchSynonym",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                (
                    "origin",
                    models.CharField(
                        choices=[
                            ("published", "Udgivet"),
                            ("seeded", "Indlæst fra kilden"),
                            ("hearing_draft", "Høringsudkast (ikke udgivet)"),
                        ],
                        default="published",
                        max_length=16,
                    ),
                ),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("updated_at", models.DateTimeField(blank=True, editable=False)),
                (
                    "term",
                    models.CharField(
                        help_text="Med små bogstaver", max_length=100, verbose_name="søgeord"
                    ),
                ),
                (
                    "target",
                    models.CharField(
                        help_text="Ordet, som anbefalingernes tekst bruger",
                        max_length=100,
                        verbose_name="indholdets ord",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("trade_name", "Handelsnavn"),
                            ("drug_class", "Lægemiddelgruppe"),
                            ("lay", "Hverdagsord"),
                            ("english", "Engelsk"),
                            ("condition", "Tilstand"),
                        ],
                        max_length=20,
                        verbose_name="type",
                    ),
                ),
                ("atc_code", models.CharField(blank=True, max_length=7, verbose_name="ATC-kode")),
                ("source", models.TextField(verbose_name="kilde")),
                (
                    "source_checked",
                    models.BooleanField(
                        default=False,
                        help_text="Sæt kun flueben, når opslaget er kontrolleret i den nævnte kilde",
                        verbose_name="kilden er kontrolleret",
                    ),
                ),
                ("seeded_fingerprint", models.CharField(blank=True, editable=False, max_length=64)),
                ("history_change_reason", models.TextField(null=True)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical søgesynonym",
                "verbose_name_plural": "historical søgesynonymer",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="SearchSynonym",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "term",
                    models.CharField(
                        help_text="Med små bogstaver", max_length=100, verbose_name="søgeord"
                    ),
                ),
                (
                    "target",
                    models.CharField(
                        help_text="Ordet, som anbefalingernes tekst bruger",
                        max_length=100,
                        verbose_name="indholdets ord",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("trade_name", "Handelsnavn"),
                            ("drug_class", "Lægemiddelgruppe"),
                            ("lay", "Hverdagsord"),
                            ("english", "Engelsk"),
                            ("condition", "Tilstand"),
                        ],
                        max_length=20,
                        verbose_name="type",
                    ),
                ),
                ("atc_code", models.CharField(blank=True, max_length=7, verbose_name="ATC-kode")),
                ("source", models.TextField(verbose_name="kilde")),
                (
                    "source_checked",
                    models.BooleanField(
                        default=False,
                        help_text="Sæt kun flueben, når opslaget er kontrolleret i den nævnte kilde",
                        verbose_name="kilden er kontrolleret",
                    ),
                ),
                ("seeded_fingerprint", models.CharField(blank=True, editable=False, max_length=64)),
            ],
            options={
                "verbose_name": "søgesynonym",
                "verbose_name_plural": "søgesynonymer",
                "ordering": ["kind", "term", "target"],
                "constraints": [
                    models.UniqueConstraint(fields=("term", "target"), name="unique_synonym_pair")
                ],
            },
        ),
        TrigramExtension(),
        migrations.RunPython(search_indexes_create, search_indexes_drop),
        migrations.RunPython(editors_synonyms_grant, editors_synonyms_revoke),
    ]
