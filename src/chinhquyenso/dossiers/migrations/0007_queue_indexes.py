"""PostgreSQL: the officers' "all dossiers" list newest first, and its count, from index ranges
(dossiers.queries.NewestFirst). One partial index per agency column the scope tests, keyed
(agency, received_at DESC, id DESC) over non-draft dossiers; the resolving and current ones also
carry the agency columns tested before them, so each disjoint part of the scope ("else resolving",
"else current") is an index-only range, and the current one holds only dossiers whose current
agency is neither their reception nor their resolving agency (the only ones its part can return). Built CONCURRENTLY: a live table keeps taking writes.
SQLite filters the list with the OR (queries.NewestFirst) and needs none of them."""

from django.db import migrations

NOT_DRAFT = "status <> 0"
INDEXES = {
    "dossier_reception_recent": ("reception_agency_id", "", NOT_DRAFT),
    "dossier_resolving_recent": ("resolving_agency_id", " INCLUDE (reception_agency_id)", NOT_DRAFT),
    # Only dossiers held by a third agency (inter-agency steps): a few, where the others hold all.
    "dossier_current_recent": ("current_agency_id", " INCLUDE (reception_agency_id, resolving_agency_id)",
                               f"{NOT_DRAFT} AND current_agency_id <> reception_agency_id"
                               " AND current_agency_id <> resolving_agency_id"),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (column, include, where) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON dossiers_dossier "
            f"({column}, received_at DESC, id DESC){include} WHERE {where}"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    dependencies = [("dossiers", "0006_fact_columns")]
    operations = [migrations.RunPython(forwards, backwards)]
