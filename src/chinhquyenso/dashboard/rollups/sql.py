# ruff: noqa: S608 — SQL text is built from model table/column names only; values are parameters.
"""The fact → rollup SQL: ONE text for the rebuild (over the dossiers), the incremental fold (over
journal images, signed) and the drill-down view (dashboard_dossierfact).

What a dossier counts as (its days, on time, processing seconds, flags) is computed by the database
as generated columns of the dossier row (dossiers.facts, where the rules of vn-regulations §2.4 are
written down); the journal copies those columns, so the rebuild and the fold read the same stored
values and nothing here re-derives them. Only the procedure version's two attributes (online level,
paper result — frozen once published) are joined.

Day rows (grain d) are kept from `since` on (dashboard.rollups.day_rows_since: the running month and
the days before it that the 30-day chart shows); months (m) and procedures (p) always cover all time.
"""

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.sqltime import is_postgres
from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.procedures.models import ProcedureVersion

from ..models import COUNTERS, IMAGE_COLUMNS, PROCEDURE_COUNTERS, Rollup, RollupJournal

FACT_COLUMNS = (
    "dossier_id", "province_id", "unit_id", "agency_id", "procedure_id", "received_on", "ended_on", "due_on",
    "on_time", "finished", "processing_seconds", "online", "full_online_proc", "processed_online", "fee_bearing",
    "paid_online", "digitized_input", "e_result", "paper_result", "paper_result_e", "digitized", "reused",
    "personal_store", "vneid", "synced", "complaint", "rated", "satisfied",
)
# Also in the view and the CTEs (not in the DossierFact model): the months of the three days.
MONTH_COLUMNS = ("received_month", "ended_month", "due_month")
DOSSIERS = Dossier._meta.db_table
JOURNAL = RollupJournal._meta.db_table
ROLLUP = Rollup._meta.db_table
# A rollup row is one grain's counters for one key: (day or month, agency) or (month, province,
# procedure); the unused part of the key is 0.
KEY = ("province_id", "grain", "start", "agency_id", "procedure_id")


def fact_select(source: str = DOSSIERS, *, id_col: str = "id", sign: str | None = None, where: str = "") -> str:
    """SELECT producing FACT_COLUMNS + MONTH_COLUMNS (then `sign` if given) for the rows of `source`
    aliased `d` (the dossier table, or journal images with the same column names); `where` is an
    extra condition on `d` (with %s). The agency and version are LEFT JOINs on their primary keys
    (every dossier has both: foreign keys), so a query that reads none of their columns skips them."""
    a, v = Agency._meta.db_table, ProcedureVersion._meta.db_table
    full_online = "v.online_level = 'toan_trinh'"
    return f"""
SELECT d.{id_col}, d.province_id, a.unit_id, d.resolving_agency_id, d.procedure_id,
  d.fact_received_on, d.fact_ended_on, d.fact_due_on, d.fact_on_time, d.fact_finished, d.fact_processing_seconds,
  d.fact_online,
  CASE WHEN {full_online} THEN TRUE ELSE FALSE END,
  CASE WHEN d.fact_online_delivery = TRUE AND {full_online} THEN TRUE ELSE FALSE END,
  d.fact_fee_bearing, d.fact_paid_online, d.has_digitized_component, d.has_electronic_result,
  v.result_paper,
  CASE WHEN v.result_paper = TRUE AND d.has_electronic_result = TRUE THEN TRUE ELSE FALSE END,
  CASE WHEN d.has_digitized_component = TRUE AND d.has_electronic_result = TRUE THEN TRUE ELSE FALSE END,
  d.has_reused_component, d.has_personal_store_component, d.vneid_verified, d.fact_synced, d.fact_complaint,
  d.fact_rated, d.fact_satisfied, d.fact_received_month, d.fact_ended_month, d.fact_due_month{', ' + sign if sign else ''}
FROM {source} d
LEFT JOIN {a} a ON a.id = d.resolving_agency_id
LEFT JOIN {v} v ON v.id = d.procedure_version_id
WHERE d.fact_received_on IS NOT NULL{' AND ' + where if where else ''}
"""  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters


def view_sql(vendor: str | None = None) -> str:
    cols = ", ".join(FACT_COLUMNS + MONTH_COLUMNS)
    return f"CREATE VIEW dashboard_dossierfact ({cols}) AS {fact_select()}"


# --- rollups from facts ---------------------------------------------------------------------------

# Each counter is a count of the contribution's facts matching a condition (None: all of them), but
# processing_seconds, a sum.
RECEIVED_WHEN = {"received": None, **{name: f"f.{name} = TRUE" for name in (
    "online", "full_online_proc", "processed_online", "fee_bearing", "paid_online", "digitized_input", "e_result",
    "paper_result", "paper_result_e", "digitized", "reused", "personal_store", "vneid", "synced", "complaint",
    "rated", "satisfied")}}
ENDED_WHEN = {"ended": None, "ended_judged": "f.on_time IS NOT NULL", "ended_on_time": "f.on_time = TRUE",
              "finished": "f.finished = TRUE", "processing_seconds": None}
DUE_WHEN = {"due": None, "due_on_time": "f.on_time = TRUE"}
# contribution: (its day, its month, its counters)
CONTRIBUTIONS = {"received": ("received_on", "received_month", RECEIVED_WHEN),
                 "ended": ("ended_on", "ended_month", ENDED_WHEN),
                 "due": ("due_on", "due_month", DUE_WHEN)}
# grain: (monthly, by procedure (province-wide) instead of by agency, contributions). The procedure
# grain serves the per-procedure figures (3.2, 4.2, 5.6, average time), which read the received and
# ended cohorts only; scopes below the province read those from their own dossiers (figures.py).
GRAINS = {"d": (False, False, ("received", "ended", "due")),
          "m": (True, False, ("received", "ended", "due")),
          "p": (True, True, ("received", "ended"))}
ROW_COLUMNS = (*KEY, "unit_id", *COUNTERS)


def _total(name: str, cond: str | None, *, signed: bool) -> str:
    """SQL summing counter `name` over the facts `f` (signed: journal images, ±1 each)."""
    if name == "processing_seconds":
        value = "f.sign * f.processing_seconds" if signed else "f.processing_seconds"
        return f"COALESCE(SUM({value}), 0)"
    if not signed:
        return f"COUNT(*) FILTER (WHERE {cond})" if cond else "COUNT(*)"
    return f"COALESCE(SUM(f.sign) FILTER (WHERE {cond}), 0)" if cond else "SUM(f.sign)"


def _typed(expr: str, name: str) -> str:
    # Counts cast to INTEGER: an outer SUM over BIGINT would use slow NUMERIC arithmetic.
    return f"CAST({expr} AS {'BIGINT' if name == 'processing_seconds' else 'INTEGER'})"


def _counters(present: dict[str, str]) -> str:
    """All COUNTERS in order: the given SQL per name, 0 for the others."""
    return ", ".join(f"{present[name]} AS {name}" if name in present else f"0 AS {name}" for name in COUNTERS)


def _branch(grain: str, contribution: str, *, signed: bool) -> str:
    """One contribution (received / ended / due) of one grain summed per rollup key from the facts
    `f`: KEY, then COUNTERS (the agency's unit is joined by _merged). Day rows only from `since`
    (a %s parameter) on."""
    monthly, by_procedure, _ = GRAINS[grain]
    day_col, month_col, conds = CONTRIBUTIONS[contribution]
    if by_procedure:
        conds = {name: cond for name, cond in conds.items() if name in PROCEDURE_COUNTERS}
    start = f"f.{month_col}" if monthly else f"f.{day_col}"
    cols = _counters({name: _typed(_total(name, cond, signed=signed), name) for name, cond in conds.items()})
    if by_procedure:
        keys, group = "f.province_id, 0 AS agency_id, f.procedure_id", "f.province_id, f.procedure_id"
    else:
        keys, group = "MAX(f.province_id) AS province_id, f.agency_id, 0 AS procedure_id", "f.agency_id"
    since = "" if monthly else f" AND f.{day_col} >= %s"
    return (f"SELECT '{grain}' AS grain, {start} AS start, {keys}, {cols} "  # nosec B608 — names from _meta and constants; values are %s parameters
            f"FROM f WHERE f.{day_col} IS NOT NULL{since} GROUP BY {start}, {group}")


def _cube(name: str, keys: tuple[str, ...], contributions: dict[str, tuple[str, dict]]) -> str:
    """CTE `name`: the facts summed per `keys` (the columns of a covering index of the dossiers, in
    its order, so PostgreSQL aggregates the sorted index without hashing), one column per
    contribution's counter, prefixed by the contribution's first letter."""
    sums = [_typed(_total(counter, cond, signed=False), counter) + f" AS {c[0]}_{counter}"
            for c, (_, conds) in contributions.items() for counter, cond in conds.items()]
    extra = ", MAX(f.province_id) AS province_id" if "f.province_id" not in keys else ""
    return (f"{name} AS (SELECT {', '.join(keys)}{extra}, {', '.join(sums)} FROM f "  # nosec B608 — constant names
            f"GROUP BY {', '.join(keys)})")


def _from_cube(cube: str, grain: str, month: str, prefix: str, counters: dict, agency: str, procedure: str,
               group: str) -> str:
    cols = _counters({n: _typed(f"SUM({prefix}_{n})", n) for n in counters})
    return (f"SELECT '{grain}' AS grain, {month} AS start, MAX(province_id) AS province_id, {agency} AS agency_id, "  # nosec B608 — constant names
            f"{procedure} AS procedure_id, {cols} FROM {cube} WHERE {month} IS NOT NULL GROUP BY {month}, {group}")


def _rebuild_ctes() -> tuple[list[str], list[str]]:
    """The CTEs and rollup SELECTs of a rebuild but the facts CTE `f`: grain m from the agency cube
    `ac` (agency × reception, end and due months), grain p from the procedure cube `pc`, grain d
    from `w` — the facts with a day from `since` on (3 parameters, then 3 in the d branches)."""
    agency_cube = _cube("ac", ("f.agency_id", "f.received_month", "f.ended_month", "f.due_month"),
                        {c: (m, conds) for c, (_, m, conds) in CONTRIBUTIONS.items()})
    p_conds = {c: (m, {n: w for n, w in conds.items() if n in PROCEDURE_COUNTERS})
               for c, (_, m, conds) in CONTRIBUTIONS.items() if c in GRAINS["p"][2]}
    procedure_cube = _cube("pc", ("f.province_id", "f.procedure_id", "f.received_month", "f.ended_month"), p_conds)
    # Only the columns the day branches read (all in the agency index: no heap visit on PostgreSQL).
    needed = ", ".join(c for c in FACT_COLUMNS if c not in ("dossier_id", "unit_id", "procedure_id"))
    window = (f"w AS (SELECT {needed} FROM f "  # nosec B608 — constant names
              "WHERE f.received_on >= %s OR f.ended_on >= %s OR f.due_on >= %s)")
    selects = [_from_cube("ac", "m", m, c[0], conds, "agency_id", "0", "agency_id")
               for c, (_, m, conds) in CONTRIBUTIONS.items()]
    selects += [_from_cube("pc", "p", m, c[0], conds, "0", "procedure_id", "province_id, procedure_id")
                for c, (m, conds) in p_conds.items()]
    selects += [_branch("d", c, signed=False).replace("FROM f ", "FROM w f ", 1) for c in GRAINS["d"][2]]
    return [agency_cube, procedure_cube, window], selects


def _merged(branches: list[str], *, signed: bool) -> str:
    """SELECT of rollup rows (ROW_COLUMNS) from SELECTs of KEY and COUNTERS; the agency's unit is
    looked up once per row here, so contributions that read no other fact of the agency scan the
    dossiers alone."""
    sums = ", ".join(f"SUM(x.{name}) AS {name}" for name in COUNTERS)
    union = "\nUNION ALL\n".join(branches)
    having = " OR ".join(f"SUM(x.{name}) <> 0" for name in COUNTERS) if signed else ""
    key = ", ".join(f"x.{name}" for name in KEY)
    return (f"SELECT {key}, COALESCE(MAX(a.unit_id), 0) AS unit_id, {sums} "  # nosec B608 — names from _meta and constants; values are %s parameters
            f"FROM ({union}) x LEFT JOIN {Agency._meta.db_table} a ON a.id = x.agency_id "
            f"WHERE TRUE GROUP BY {key}" + (f" HAVING {having}" if having else ""))


def _fact_cte(source: str, *, id_col: str, sign: str | None, where: str, vendor: str | None,
              materialized: bool = True) -> str:
    cols = ", ".join(FACT_COLUMNS + MONTH_COLUMNS) + (", sign" if sign else "")
    how = ("MATERIALIZED " if materialized else "NOT MATERIALIZED ") if is_postgres(vendor) else ""
    return f"f ({cols}) AS {how}({fact_select(source, id_col=id_col, sign=sign, where=where)})"


def rebuild_select(where: str = "", vendor: str | None = None) -> str:
    """The rows of all three grains for the dossiers matching `where` (a condition on `d` with %s),
    in one statement. Parameters: those of `where`, then `since` six times (rebuild_params)."""
    fact = _fact_cte(DOSSIERS, id_col="id", sign=None, where=where, vendor=vendor, materialized=False)
    ctes, selects = _rebuild_ctes()
    return f"WITH {fact}, {', '.join(ctes)} " + _merged(selects, signed=False)


def rebuild_params(where_params: list, since) -> list:
    return [*where_params, since, since, since, since, since, since]


def _insert_head() -> str:
    return f"INSERT INTO {ROLLUP} ({', '.join(ROW_COLUMNS)}) "


REBUILD_TABLE = "dashboard_rollup_rebuild"


def rebuild_insert(where: str = "", vendor: str | None = None) -> str:
    """SQLite: ONE statement inserting rebuild_select."""
    return _insert_head() + rebuild_select(where, vendor)


def rebuild_create(where: str = "") -> str:
    """PostgreSQL: rebuild_select into a temporary table. CREATE TABLE AS may run its query in
    parallel (INSERT … SELECT never does on PostgreSQL 15), and the fact CTE is NOT MATERIALIZED so
    that each cube reads only its covering index."""
    return f"CREATE TEMPORARY TABLE {REBUILD_TABLE} ON COMMIT DROP AS " + rebuild_select(where, "postgresql")


def rebuild_from_temp() -> str:
    cols = ", ".join(ROW_COLUMNS)
    return _insert_head() + f"SELECT {cols} FROM {REBUILD_TABLE}"  # nosec B608 — constant names


def fold_upsert() -> str:
    """Add the signed contributions of the journal images (the facts CTE `f`) to the rollups of all
    three grains, creating missing rows (ON CONFLICT … DO UPDATE, both vendors). Keys are written in
    order, so concurrent folds lock rollup rows in the same order. Parameters: `since` three times."""
    updates = ", ".join(f"{name} = {ROLLUP}.{name} + excluded.{name}" for name in COUNTERS)
    branches = [_branch(grain, c, signed=True) for grain in "dmp" for c in GRAINS[grain][2]]
    return (_insert_head() + _merged(branches, signed=True)
            + f" ORDER BY {', '.join(str(i + 1) for i in range(len(KEY)))}"  # the KEY columns come first
            + f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}")  # nosec B608 — names from _meta and constants; values are %s parameters


def fold_statement(vendor: str | None = None) -> str:
    """PostgreSQL: take (DELETE … RETURNING) every committed journal row and fold it, in one
    statement. Parameters: `since` three times."""
    images = ", ".join(IMAGE_COLUMNS)
    return (f"WITH j AS (DELETE FROM {JOURNAL} RETURNING sign, dossier_id, {images}), "  # nosec B608 — names from _meta and constants; values are %s parameters
            + _fact_cte("j", id_col="dossier_id", sign="d.sign", where="", vendor=vendor) + " " + fold_upsert())


def fold_statement_upto(vendor: str | None = None) -> str:
    """SQLite: fold the journal rows with id <= %s (then deleted by the caller, same transaction);
    then `since` three times."""
    return (f"WITH {_fact_cte(f'(SELECT * FROM {JOURNAL} WHERE id <= %s)', id_col='dossier_id', sign='d.sign', where='', vendor=vendor)} "  # nosec B608 — names from _meta and constants; values are %s parameters
            + fold_upsert())


# --- the journal trigger --------------------------------------------------------------------------

def _changed(vendor: str) -> str:
    """Whether a column the image copies changed: the facts are generated columns, so a change that
    alters no fact (an address, a sync-version bump past the first) writes nothing."""
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    return "(" + " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in IMAGE_COLUMNS) + ")"


def _journal_insert(row: str, sign: int) -> str:
    images = ", ".join(IMAGE_COLUMNS)
    values = ", ".join(f"{row}.{c}" for c in IMAGE_COLUMNS)
    return f"INSERT INTO {JOURNAL} (sign, dossier_id, {images}) VALUES ({sign}, {row}.id, {values})"  # nosec B608 — names from _meta and constants; values are %s parameters


def journal_triggers(vendor: str) -> list[str]:
    """The trigger that appends old/new images of received dossiers to the journal."""
    received_new, received_old = "NEW.fact_received_on IS NOT NULL", "OLD.fact_received_on IS NOT NULL"
    if vendor == "postgresql":
        return [f"""
CREATE OR REPLACE FUNCTION dashboard_rollup_journal() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND {received_old} THEN {_journal_insert('OLD', -1)}; END IF;
    IF TG_OP <> 'DELETE' AND {received_new} THEN {_journal_insert('NEW', 1)}; END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
                f"CREATE TRIGGER dashboard_journal_i AFTER INSERT ON {DOSSIERS} FOR EACH ROW WHEN ({received_new}) "
                f"EXECUTE FUNCTION dashboard_rollup_journal()",
                f"CREATE TRIGGER dashboard_journal_u AFTER UPDATE ON {DOSSIERS} FOR EACH ROW "
                f"WHEN (({received_old} OR {received_new}) AND {_changed(vendor)}) EXECUTE FUNCTION dashboard_rollup_journal()",
                f"CREATE TRIGGER dashboard_journal_d AFTER DELETE ON {DOSSIERS} FOR EACH ROW WHEN ({received_old}) "
                f"EXECUTE FUNCTION dashboard_rollup_journal()"]
    if vendor == "sqlite":
        return [f"CREATE TRIGGER dashboard_journal_i AFTER INSERT ON {DOSSIERS} WHEN {received_new} BEGIN "
                f"{_journal_insert('NEW', 1)}; END",
                f"CREATE TRIGGER dashboard_journal_u_old AFTER UPDATE ON {DOSSIERS} WHEN {received_old} AND "
                f"{_changed(vendor)} BEGIN {_journal_insert('OLD', -1)}; END",
                f"CREATE TRIGGER dashboard_journal_u_new AFTER UPDATE ON {DOSSIERS} WHEN {received_new} AND "
                f"{_changed(vendor)} BEGIN {_journal_insert('NEW', 1)}; END",
                f"CREATE TRIGGER dashboard_journal_d AFTER DELETE ON {DOSSIERS} WHEN {received_old} BEGIN "
                f"{_journal_insert('OLD', -1)}; END"]
    return []


def drop_journal_triggers(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [*(f"DROP TRIGGER IF EXISTS dashboard_journal_{e} ON {DOSSIERS}" for e in "iud"),
                "DROP FUNCTION IF EXISTS dashboard_rollup_journal()"]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS dashboard_journal_{e}" for e in ("i", "u_old", "u_new", "d")]
    return []
