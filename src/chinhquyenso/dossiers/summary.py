# ruff: noqa: S608 — SQL text is built from model table/column names only; values are parameters.
"""The summary columns of a dossier (Dossier.DB_MAINTAINED), kept by database triggers on its
components, results and supplement requests — on PostgreSQL and SQLite alike, whatever writes
those rows (services, the national-portal import, bulk loads, the admin).

`refresh_sql(where)` recomputes them for the dossiers matching `where` (the migration's backfill,
the benchmark generator after a bulk COPY); the triggers run the same expressions for one dossier.
"""

from chinhquyenso.core.sqltime import is_postgres, seconds_between

from .models import Dossier, DossierComponent, ResultDocument, SupplementRequest

D = Dossier._meta.db_table
CHILDREN = (DossierComponent._meta.db_table, ResultDocument._meta.db_table, SupplementRequest._meta.db_table)
COLUMNS = ("has_digitized_component", "has_reused_component", "has_personal_store_component",
           "has_electronic_result", "supplement_wait_seconds", "supplement_shift_seconds")


def expressions(dossier_id: str, vendor: str | None = None) -> tuple[str, ...]:
    """The six values, in COLUMNS order, for the dossier whose id is the SQL expression `dossier_id`."""
    c, r, s = CHILDREN
    flag = "SELECT 1 FROM {c} x WHERE x.dossier_id = {id} AND x.{col} = TRUE AND x.is_deleted = FALSE"
    wait = seconds_between("x.completed_at", "x.requested_at", vendor)
    shift = f"COALESCE({seconds_between('x.due_after', 'x.due_before', vendor)}, 0)"
    sums = "SELECT CAST(ROUND(COALESCE(SUM({e}), 0)) AS BIGINT) FROM {s} x WHERE x.dossier_id = {id} AND x.completed_at IS NOT NULL"
    return (
        f"EXISTS({flag.format(c=c, id=dossier_id, col='digitized')})",
        f"EXISTS({flag.format(c=c, id=dossier_id, col='reused')})",
        f"EXISTS({flag.format(c=c, id=dossier_id, col='from_personal_store')})",
        f"EXISTS(SELECT 1 FROM {r} x WHERE x.dossier_id = {dossier_id} AND x.electronic = TRUE)",  # nosec B608 — names from _meta and constants; values are %s parameters
        f"({sums.format(e=wait, s=s, id=dossier_id)})",
        f"({sums.format(e=shift, s=s, id=dossier_id)})",
    )


def _update(dossier_id: str, vendor: str | None) -> str:
    """UPDATE the dossier `dossier_id` only when a value differs (no write, no IOC journal row, when
    an unrelated column of a component changes)."""
    values = expressions(dossier_id, vendor)
    cols = ", ".join(f"d.{c}" if is_postgres(vendor) else c for c in COLUMNS)
    names = ", ".join(COLUMNS)
    new = ", ".join(f"s.v{i}" for i in range(len(COLUMNS)))
    sets = ", ".join(f"{c} = s.v{i}" for i, c in enumerate(COLUMNS))
    select = ", ".join(f"{e} AS v{i}" for i, e in enumerate(values))
    if is_postgres(vendor):
        return (f"UPDATE {D} d SET {sets} FROM (SELECT {select}) s "  # nosec B608 — names from _meta and constants; values are %s parameters
                f"WHERE d.id = {dossier_id} AND ({cols}) IS DISTINCT FROM ({new})")
    # SQLite: UPDATE … FROM, row values compared with IS NOT.
    return (f"UPDATE {D} SET {sets} FROM (SELECT {select}) s "  # nosec B608 — names from _meta and constants; values are %s parameters
            f"WHERE {D}.id = {dossier_id} AND ({names}) IS NOT ({new})")


def refresh_sql(where: str = "", vendor: str | None = None) -> str:
    """Recompute the summary of every dossier matching `where` (a condition on `d`, with %s)."""
    sets = ", ".join(f"{c} = {e}" for c, e in zip(COLUMNS, expressions("d.id", vendor), strict=True))
    if is_postgres(vendor):
        return f"UPDATE {D} d SET {sets}" + (f" WHERE {where}" if where else "")  # nosec B608 — names from _meta and constants; values are %s parameters
    # SQLite has no alias on the UPDATE target: a correlated alias through a rowid subquery.
    sets = ", ".join(f"{c} = (SELECT {e} FROM {D} d WHERE d.id = {D}.id)"  # nosec B608 — names from _meta and constants; values are %s parameters
                     for c, e in zip(COLUMNS, expressions("d.id", vendor), strict=True))
    return f"UPDATE {D} SET {sets}" + (f" WHERE id IN (SELECT d.id FROM {D} d WHERE {where})" if where else "")  # nosec B608 — names from _meta and constants; values are %s parameters


def create_triggers(vendor: str) -> list[str]:
    statements = []
    if vendor == "postgresql":
        statements.append(f"""
CREATE OR REPLACE FUNCTION dossier_summary_refresh(did bigint) RETURNS void AS $$
BEGIN
    {_update('did', vendor)};
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION dossier_summary_touch() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM dossier_summary_refresh(OLD.dossier_id); END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.dossier_id <> OLD.dossier_id) THEN
        PERFORM dossier_summary_refresh(NEW.dossier_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;""")
        for table in CHILDREN:
            statements.append(f"CREATE TRIGGER {table}_summary AFTER INSERT OR UPDATE OR DELETE ON {table} "
                              f"FOR EACH ROW EXECUTE FUNCTION dossier_summary_touch()")
    elif vendor == "sqlite":
        for table in CHILDREN:
            statements.append(f"CREATE TRIGGER {table}_summary_i AFTER INSERT ON {table} BEGIN "
                              f"{_update('NEW.dossier_id', vendor)}; END")
            statements.append(f"CREATE TRIGGER {table}_summary_u AFTER UPDATE ON {table} BEGIN "
                              f"{_update('OLD.dossier_id', vendor)}; {_update('NEW.dossier_id', vendor)}; END")
            statements.append(f"CREATE TRIGGER {table}_summary_d AFTER DELETE ON {table} BEGIN "
                              f"{_update('OLD.dossier_id', vendor)}; END")
    return statements


def drop_triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS {t}_summary ON {t}" for t in CHILDREN),
                "DROP FUNCTION IF EXISTS dossier_summary_touch()", "DROP FUNCTION IF EXISTS dossier_summary_refresh(bigint)"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_summary_{e}" for t in CHILDREN for e in "iud"]
    return []
