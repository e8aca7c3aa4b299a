"""The vocabulary of the searchable content, trigram-indexed on PostgreSQL for typo matching.

Comparing a typo with every recommendation's whole text (pg_trgm word similarity) cost most of
a search; comparing it with the distinct words, through a trigram index, costs little.
`seed_content` fills the table (docs/architecture.md, "Search").
"""

from django.db import migrations, models

TRIGRAM_INDEX = "recommendations_searchterm_word_trgm"


def trigram_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {TRIGRAM_INDEX} ON recommendations_searchterm "
            "USING gin (word gin_trgm_ops)"
        )


def trigram_index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0009_search_index_and_synonyms"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True)),
            ],
        ),
        migrations.RunPython(trigram_index_create, trigram_index_drop),
    ]
