"""The vocabulary's trigram index becomes GiST, which the planner uses at this size.

The GIN index of 0010 was never used: at a few thousand short words the planner estimates a
sequential scan cheaper, so every typo lookup computed similarity() with every word (about
1.3 ms each, four lookups in a two-word query). A GiST index serves both lookups search.py
makes: `word % q` (the typo candidates) and `ORDER BY word <-> q LIMIT n` (the nearest
words), in about 0.2 ms each.
"""

from django.db import migrations

GIN_INDEX = "recommendations_searchterm_word_trgm"
GIST_INDEX = "recommendations_searchterm_word_trgm_gist"


def gist_index_create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
        schema_editor.execute(
            f"CREATE INDEX {GIST_INDEX} ON recommendations_searchterm "
            "USING gist (word gist_trgm_ops)"
        )


def gin_index_restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIST_INDEX}")
        schema_editor.execute(
            f"CREATE INDEX {GIN_INDEX} ON recommendations_searchterm "
            "USING gin (word gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0011_recommendation_provenance_verified"),
    ]

    operations = [migrations.RunPython(gist_index_create, gin_index_restore)]
