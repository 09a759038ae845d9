"""The process log (phiếu kiểm soát, BM.05) is append-only at the database level too, like the
audit trail (audit/migrations/0002): PostgreSQL refuses UPDATE and DELETE of its rows; SQLite
refuses UPDATE (its test flush must still delete)."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION dossier_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'dossier process log is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER dossier_log_append_only BEFORE UPDATE OR DELETE ON dossiers_processlogentry
    FOR EACH ROW EXECUTE FUNCTION dossier_log_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS dossier_log_append_only ON dossiers_processlogentry;
DROP FUNCTION IF EXISTS dossier_log_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER dossier_log_append_only BEFORE UPDATE ON dossiers_processlogentry
BEGIN SELECT RAISE(ABORT, 'dossier process log is append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS dossier_log_append_only;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
