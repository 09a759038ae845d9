"""PostgreSQL: the search reads a narrow table of the public answers, questions_search (question,
province, topic, published_at, weighted vector), instead of the wide question rows — the
PostgreSQL counterpart of SQLite's FTS5 table (ADR 0011). Measured at 100,000 answers
(bench/load): to keep the newest 500 matches of a phrase the search reads a few thousand rows;
question rows (question, answer and their folded copies, ~2 kB) cost one page read each, often
outside the buffer cache, plus TOAST reads for the vector (median 36 ms, p95 140 ms over the
twenty load-test phrases); rows of ~800 bytes, ten to a page, take 10 ms median, 23 ms p95.

Kept by the database, not by Python, so every writer keeps it right (services, admin, bulk loads,
restores): triggers on questions_question, ENABLE ALWAYS so that bulk loads running with
session_replication_role = replica (bench/generate.py) fire them too. Inserts are handled per
statement through a transition table (a COPY of 100,000 rows is one set-based insert); updates of
the columns it depends on, and deletes, per row; TRUNCATE empties it. The stored generated column
search_vector of migration 0004 and its GIN index are dropped: the vector lives here only.
SQLite: nothing to do (its FTS5 table is kept by search.sync())."""

from django.db import migrations

VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, {t}search_title), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, {t}search_body), 'B')"
)
PUBLIC = "{t}.status = 'published' AND NOT {t}.is_hidden"
COLUMNS = "question_id, province_id, topic_id, published_at, vector"
UPSERT = (
    " ON CONFLICT (question_id) DO UPDATE SET province_id = EXCLUDED.province_id, topic_id = EXCLUDED.topic_id,"
    " published_at = EXCLUDED.published_at, vector = EXCLUDED.vector"
)


def _select(t: str) -> str:
    return (f"SELECT {t}.id, {t}.province_id, {t}.topic_id, COALESCE({t}.published_at, {t}.received_at), "
            f"{VECTOR.format(t=t + '.')}")


PG_UP = [
    "CREATE TABLE questions_search (question_id bigint PRIMARY KEY, province_id bigint NOT NULL,"
    " topic_id bigint NOT NULL, published_at timestamptz NOT NULL, vector tsvector NOT NULL)",
    # In the row (compressed if need be), not in the TOAST table: the search tests every vector it reads.
    "ALTER TABLE questions_search ALTER COLUMN vector SET STORAGE MAIN",
    "CREATE INDEX questions_search_vector ON questions_search USING gin (vector)",
    # The newest answers first, of a province or of one of its topics (search._PG_WINDOW).
    "CREATE INDEX questions_search_recent ON questions_search (province_id, published_at DESC, question_id DESC)",
    "CREATE INDEX questions_search_topic_recent ON questions_search"
    " (province_id, topic_id, published_at DESC, question_id DESC)",
    f"""CREATE FUNCTION questions_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO questions_search ({COLUMNS}) {_select("n")} FROM inserted n WHERE {PUBLIC.format(t="n")}{UPSERT};
  RETURN NULL;
END $$""",
    (f"CREATE FUNCTION questions_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n"  # nosec B608 — this module's constants
     f"  IF TG_OP = 'UPDATE' AND {PUBLIC.format(t='NEW')} THEN\n"
     f"    INSERT INTO questions_search ({COLUMNS}) VALUES (NEW.id, NEW.province_id, NEW.topic_id,\n"
     f"      COALESCE(NEW.published_at, NEW.received_at), {VECTOR.format(t='NEW.')}){UPSERT};\n"
     "  ELSE\n    DELETE FROM questions_search WHERE question_id = OLD.id;\n  END IF;\n  RETURN NULL;\nEND $$"),
    """CREATE FUNCTION questions_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE questions_search;
  RETURN NULL;
END $$""",
    "CREATE TRIGGER questions_search_inserted AFTER INSERT ON questions_question"
    " REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION questions_search_inserted()",
    "CREATE TRIGGER questions_search_changed AFTER UPDATE OF status, is_hidden, province_id, topic_id, published_at,"
    " received_at, search_title, search_body OR DELETE ON questions_question"
    " FOR EACH ROW EXECUTE FUNCTION questions_search_changed()",
    "CREATE TRIGGER questions_search_truncated AFTER TRUNCATE ON questions_question"
    " FOR EACH STATEMENT EXECUTE FUNCTION questions_search_truncated()",
    "ALTER TABLE questions_question ENABLE ALWAYS TRIGGER questions_search_inserted",
    "ALTER TABLE questions_question ENABLE ALWAYS TRIGGER questions_search_changed",
    "ALTER TABLE questions_question ENABLE ALWAYS TRIGGER questions_search_truncated",
    # In publication order, as the triggers will go on adding them: the newest are read together.
    f"INSERT INTO questions_search ({COLUMNS}) {_select('q')} FROM questions_question q WHERE {PUBLIC.format(t='q')}"
    " ORDER BY 4",
    "DROP INDEX IF EXISTS question_fts_gin",
    "ALTER TABLE questions_question DROP COLUMN IF EXISTS search_vector",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS questions_search_inserted ON questions_question",
    "DROP TRIGGER IF EXISTS questions_search_changed ON questions_question",
    "DROP TRIGGER IF EXISTS questions_search_truncated ON questions_question",
    "DROP FUNCTION IF EXISTS questions_search_inserted()",
    "DROP FUNCTION IF EXISTS questions_search_changed()",
    "DROP FUNCTION IF EXISTS questions_search_truncated()",
    "DROP TABLE IF EXISTS questions_search",
    "ALTER TABLE questions_question ADD COLUMN search_vector tsvector GENERATED ALWAYS AS"
    f" ({VECTOR.format(t='')}) STORED",
    "CREATE INDEX question_fts_gin ON questions_question USING gin (search_vector)"
    " WHERE status = 'published' AND NOT is_hidden",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":
        for sql in statements:
            schema_editor.execute(sql)


def forwards(apps, schema_editor):
    _run(schema_editor, PG_UP)


def backwards(apps, schema_editor):
    _run(schema_editor, PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("questions", "0005_ioc_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
