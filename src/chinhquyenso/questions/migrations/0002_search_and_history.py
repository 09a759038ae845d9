"""Search index and append-only history (see questions/search.py and docs/adr/0011-questions-search.md).

SQLite: an FTS5 table over the Python-folded columns, holding public rows only (services keep
it in sync; search.rebuild() refills it). PostgreSQL: a partial GIN index over a 'simple'
tsvector of the same folded columns, and a pg_trgm index on the folded title for the typo
fallback. QuestionEvent rows refuse UPDATE on both databases (and DELETE on PostgreSQL), like
the audit trail."""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE questions_fts USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO questions_fts(rowid, title, body) SELECT id, search_title, search_body FROM questions_question "
    "WHERE status = 'published' AND NOT is_hidden",
    "CREATE TRIGGER questions_event_append_only BEFORE UPDATE ON questions_questionevent "
    "BEGIN SELECT RAISE(ABORT, 'question history is append-only'); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS questions_event_append_only", "DROP TABLE IF EXISTS questions_fts"]

PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_body), 'B'))"
)
PG_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX question_fts_gin ON questions_question USING gin ({PG_VECTOR}) "
    "WHERE status = 'published' AND NOT is_hidden",
    "CREATE INDEX question_title_trgm ON questions_question USING gin (search_title gin_trgm_ops) "
    "WHERE status = 'published' AND NOT is_hidden",
    """CREATE OR REPLACE FUNCTION questions_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'question history is append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql""",
    "CREATE TRIGGER questions_event_append_only BEFORE UPDATE OR DELETE ON questions_questionevent "
    "FOR EACH ROW EXECUTE FUNCTION questions_event_append_only()",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS questions_event_append_only ON questions_questionevent",
    "DROP FUNCTION IF EXISTS questions_event_append_only()",
    "DROP INDEX IF EXISTS question_title_trgm",
    "DROP INDEX IF EXISTS question_fts_gin",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_UP)
    elif vendor == "postgresql":
        _run(schema_editor, PG_UP)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DOWN)
    elif vendor == "postgresql":
        _run(schema_editor, PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
