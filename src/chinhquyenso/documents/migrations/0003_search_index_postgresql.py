"""PostgreSQL: a pg_trgm GIN index on the folded search column, so `search_folded LIKE '%…%'`
(queries.apply_search) is an index scan. SQLite keeps the plain column (docs/adr on document
search). pg_trgm ships with PostgreSQL's contrib package."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS doc_search_trgm_idx ON documents_document USING gin (search_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS doc_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("documents", "0002_seed_types_and_templates")]

    operations = [migrations.RunPython(forwards, backwards)]
