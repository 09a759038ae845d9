# ruff: noqa: S608 — SQL text is built from model table/column names only; values are parameters.
"""Summary columns of a parent row kept by database triggers on its child tables — on PostgreSQL
and SQLite alike, whatever writes the children (services, imports, bulk loads, the admin). Used
for the dossier (its components, results, supplement requests: dossiers.summary) and the official
document (its files and recipients: documents.summary), so that list pages and the IOC read one
row instead of probing child tables per parent.

A RowSummary is its columns and, for a parent id given as an SQL expression, one SQL expression per
column. `update_sql` writes them only when a value differs (no write when an unrelated column of a
child changes); `refresh_sql(where)` recomputes them for many parents (migrations' backfill, the
benchmark generator after a COPY with triggers off).
"""

from collections.abc import Callable
from dataclasses import dataclass

from .sqltime import is_postgres


@dataclass(frozen=True)
class RowSummary:
    name: str  # PostgreSQL function names: <name>_summary_refresh / <name>_summary_touch
    parent: str  # parent table
    fk: str  # the children's column holding the parent id
    children: tuple[str, ...]
    columns: tuple[str, ...]
    expressions: Callable[[str, str | None], tuple[str, ...]]  # (parent id SQL, vendor) → values

    def update_sql(self, parent_id: str, vendor: str | None) -> str:
        values = self.expressions(parent_id, vendor)
        p, names = self.parent, ", ".join(self.columns)
        new = ", ".join(f"s.v{i}" for i in range(len(self.columns)))
        sets = ", ".join(f"{c} = s.v{i}" for i, c in enumerate(self.columns))
        select = ", ".join(f"{e} AS v{i}" for i, e in enumerate(values))
        if is_postgres(vendor):
            cols = ", ".join(f"t.{c}" for c in self.columns)
            return (f"UPDATE {p} t SET {sets} FROM (SELECT {select}) s "  # nosec B608 — names from _meta and constants
                    f"WHERE t.id = {parent_id} AND ({cols}) IS DISTINCT FROM ({new})")
        # SQLite: UPDATE … FROM, row values compared with IS NOT.
        return (f"UPDATE {p} SET {sets} FROM (SELECT {select}) s "  # nosec B608 — names from _meta and constants
                f"WHERE {p}.id = {parent_id} AND ({names}) IS NOT ({new})")

    def refresh_sql(self, where: str = "", vendor: str | None = None, alias: str = "d") -> str:
        """Recompute the summary of every parent matching `where` (a condition on `alias`, with %s)."""
        p, pairs = self.parent, list(zip(self.columns, self.expressions(f"{alias}.id", vendor), strict=True))
        if is_postgres(vendor):
            sets = ", ".join(f"{c} = {e}" for c, e in pairs)
            return f"UPDATE {p} {alias} SET {sets}" + (f" WHERE {where}" if where else "")  # nosec B608 — names from _meta and constants
        # SQLite has no alias on the UPDATE target: a correlated alias through a rowid subquery.
        sets = ", ".join(f"{c} = (SELECT {e} FROM {p} {alias} WHERE {alias}.id = {p}.id)" for c, e in pairs)  # nosec B608 — names from _meta and constants
        return f"UPDATE {p} SET {sets}" + (f" WHERE id IN (SELECT {alias}.id FROM {p} {alias} WHERE {where})" if where else "")  # nosec B608 — names from _meta and constants

    def create_triggers(self, vendor: str) -> list[str]:
        statements = []
        fk = self.fk
        if vendor == "postgresql":
            statements.append(f"""
CREATE OR REPLACE FUNCTION {self.name}_summary_refresh(pid bigint) RETURNS void AS $$
BEGIN
    {self.update_sql('pid', vendor)};
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION {self.name}_summary_touch() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM {self.name}_summary_refresh(OLD.{fk}); END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{fk} <> OLD.{fk}) THEN
        PERFORM {self.name}_summary_refresh(NEW.{fk});
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;""")
            for table in self.children:
                statements.append(f"CREATE TRIGGER {table}_summary AFTER INSERT OR UPDATE OR DELETE ON {table} "
                                  f"FOR EACH ROW EXECUTE FUNCTION {self.name}_summary_touch()")
        elif vendor == "sqlite":
            for table in self.children:
                statements.append(f"CREATE TRIGGER {table}_summary_i AFTER INSERT ON {table} BEGIN "
                                  f"{self.update_sql(f'NEW.{fk}', vendor)}; END")
                statements.append(f"CREATE TRIGGER {table}_summary_u AFTER UPDATE ON {table} BEGIN "
                                  f"{self.update_sql(f'OLD.{fk}', vendor)}; {self.update_sql(f'NEW.{fk}', vendor)}; END")
                statements.append(f"CREATE TRIGGER {table}_summary_d AFTER DELETE ON {table} BEGIN "
                                  f"{self.update_sql(f'OLD.{fk}', vendor)}; END")
        return statements

    def drop_triggers(self, vendor: str) -> list[str]:
        if vendor == "postgresql":
            return [*(f"DROP TRIGGER IF EXISTS {t}_summary ON {t}" for t in self.children),
                    f"DROP FUNCTION IF EXISTS {self.name}_summary_touch()",
                    f"DROP FUNCTION IF EXISTS {self.name}_summary_refresh(bigint)"]
        if vendor == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {t}_summary_{e}" for t in self.children for e in "iud"]
        return []


def save_without(instance, maintained: frozenset[str], super_save, *args, **kwargs) -> None:
    """Model.save() for a model with database-maintained columns: an update never writes them back,
    so an object loaded before a child changed cannot undo its summary."""
    if not instance._state.adding and not kwargs.get("force_insert"):
        fields = kwargs.get("update_fields")
        if fields is None:
            fields = [f.name for f in instance._meta.concrete_fields if not f.primary_key]
        kwargs["update_fields"] = [f for f in fields if f not in maintained]
    super_save(*args, **kwargs)
