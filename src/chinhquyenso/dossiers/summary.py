# ruff: noqa: S608 — SQL text is built from model table/column names only; values are parameters.
"""The summary columns of a dossier (Dossier.DB_MAINTAINED), kept by database triggers
(core.rowsummary) on its components, results and supplement requests — on PostgreSQL and SQLite
alike, whatever writes those rows (services, the national-portal import, bulk loads, the admin).

`SUMMARY.refresh_sql(where)` recomputes them for the dossiers matching `where` (the migration's
backfill, the benchmark generator after a bulk COPY); the triggers run the same expressions for
one dossier.
"""

from chinhquyenso.core.rowsummary import RowSummary
from chinhquyenso.core.sqltime import seconds_between

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


SUMMARY = RowSummary("dossier", D, "dossier_id", CHILDREN, COLUMNS, expressions)
