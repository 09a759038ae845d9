# ruff: noqa: S608 — SQL text is built from model table/column names only; values are parameters.
"""The dossier → fact → rollup SQL, ONE text for the rebuild (over the dossiers), the incremental
fold (over journal images, signed) and the drill-down view (dashboard_dossierfact).

Only date/time arithmetic differs between PostgreSQL and SQLite (core.sqltime). A dossier's fact is
a function of its own row: its components, results and supplement requests are summarised on it
by database triggers (dossiers.summary), so every statement here reads one table plus two small
ones (agencies for the unit, procedure versions for the online level and paper result).

The rules (vn-regulations §2.4, "how DVCQG/766 judges on time" [S]):
- end = first of Đã xử lý xong (finished_at) > Đã trả kết quả > Dừng xử lý > rút hồ sơ after
  reception; a supplement still pending ends the dossier at the request (paused_at, status 5).
- supplement waiting time (completed − requested, calendar time) is subtracted from the end; the
  due date compared with is NgayHenTra without the re-scheduling the platform applied when the
  supplement came in (due_after − due_before), i.e. on time ⇔ end − wait ≤ due_at − shift.
  Written as a judged due = due_at − shift + wait (so unfinished dossiers can be judged at any day).
- a second supplement request makes the dossier late (judged due = its reception day).
- only received dossiers (NgayTiepNhan set) have facts; refusals at reception never do.
- processing seconds are rounded (SQLite's julianday arithmetic is floating point; truncating lost a
  second).
"""

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.sqltime import add_seconds, is_postgres, local_date, month_start, seconds_between
from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.procedures.models import ProcedureVersion

from ..models import COUNTERS, IMAGE_COLUMNS, PROCEDURE_COUNTERS, Rollup, RollupJournal

FACT_COLUMNS = (
    "dossier_id", "province_id", "unit_id", "agency_id", "procedure_id", "received_on", "ended_on", "due_on",
    "on_time", "finished", "processing_seconds", "online", "full_online_proc", "processed_online", "fee_bearing",
    "paid_online", "digitized_input", "e_result", "paper_result", "paper_result_e", "digitized", "reused",
    "personal_store", "vneid", "synced", "complaint", "rated", "satisfied",
)
DOSSIERS = Dossier._meta.db_table
JOURNAL = RollupJournal._meta.db_table
ROLLUP = Rollup._meta.db_table
# A rollup row is one grain's counters for one key: (day or month, agency) or (month, province,
# procedure); the unused part of the key is 0.
KEY = ("province_id", "grain", "start", "agency_id", "procedure_id")


def fact_select(source: str = DOSSIERS, *, id_col: str = "id", sign: str | None = None, where: str = "",
                vendor: str | None = None) -> str:
    """SELECT producing FACT_COLUMNS (then `sign` if given) for the rows of `source` aliased `d`
    (the dossier table, or journal images with the same column names); `where` is an extra
    condition on `d` (with %s). The agency and version are LEFT JOINs on their primary keys (every
    dossier has both: foreign keys), so a query that reads none of their columns skips them."""
    a, v = Agency._meta.db_table, ProcedureVersion._meta.db_table
    end = ("COALESCE(d.finished_at, d.returned_at, d.stopped_at, d.withdrawn_at, "
           "CASE WHEN d.status = 5 THEN d.paused_at END)")
    net = "(d.supplement_wait_seconds - d.supplement_shift_seconds)"
    digitized_input = "d.has_digitized_component = TRUE"
    e_result = "d.has_electronic_result = TRUE"

    def day(expr: str) -> str:
        return local_date(expr, vendor)

    return f"""
SELECT d.{id_col}, d.province_id, a.unit_id, d.resolving_agency_id, d.procedure_id,
  {day('d.received_at')},
  {day(end)},
  CASE WHEN d.due_at IS NULL THEN NULL
       WHEN d.supplement_count > 1 THEN {day('d.received_at')}
       ELSE {day(add_seconds('d.due_at', net, vendor))} END,
  CASE WHEN {end} IS NULL OR d.due_at IS NULL THEN NULL
       WHEN d.supplement_count > 1 THEN FALSE
       WHEN {seconds_between(end, 'd.due_at', vendor)} <= {net} THEN TRUE ELSE FALSE END,
  CASE WHEN d.finished_at IS NOT NULL THEN TRUE ELSE FALSE END,
  CASE WHEN d.finished_at IS NOT NULL THEN CAST(ROUND({seconds_between('d.finished_at', 'd.received_at', vendor)}) AS BIGINT)
       ELSE 0 END,
  CASE WHEN d.channel = 2 THEN TRUE ELSE FALSE END,
  CASE WHEN v.online_level = 'toan_trinh' THEN TRUE ELSE FALSE END,
  CASE WHEN d.channel = 2 AND v.online_level = 'toan_trinh' AND d.result_delivery IN ('online', 'postal')
       THEN TRUE ELSE FALSE END,
  CASE WHEN d.fee_total > 0 THEN TRUE ELSE FALSE END,
  CASE WHEN d.fee_total > 0 AND d.online_payment IN (1, 2) THEN TRUE ELSE FALSE END,
  {digitized_input},
  {e_result},
  v.result_paper,
  CASE WHEN v.result_paper = TRUE AND {e_result} THEN TRUE ELSE FALSE END,
  CASE WHEN {digitized_input} AND {e_result} THEN TRUE ELSE FALSE END,
  d.has_reused_component = TRUE,
  d.has_personal_store_component = TRUE,
  d.vneid_verified,
  CASE WHEN d.synced_version > 0 THEN TRUE ELSE FALSE END,
  CASE WHEN d.has_complaint = TRUE OR d.rating = 2 THEN TRUE ELSE FALSE END,
  CASE WHEN d.rating IS NOT NULL THEN TRUE ELSE FALSE END,
  CASE WHEN d.rating = 1 THEN TRUE ELSE FALSE END{', ' + sign if sign else ''}
FROM {source} d
LEFT JOIN {a} a ON a.id = d.resolving_agency_id
LEFT JOIN {v} v ON v.id = d.procedure_version_id
WHERE d.received_at IS NOT NULL{' AND ' + where if where else ''}
"""  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters


def view_sql(vendor: str) -> str:
    cols = ", ".join(FACT_COLUMNS)
    return f"CREATE VIEW dashboard_dossierfact ({cols}) AS {fact_select(vendor=vendor)}"


# --- rollups from facts ---------------------------------------------------------------------------

RECEIVED_EXPR = {
    "received": "1",
    **{name: f"CASE WHEN f.{name} = TRUE THEN 1 ELSE 0 END" for name in (
        "online", "full_online_proc", "processed_online", "fee_bearing", "paid_online", "digitized_input", "e_result",
        "paper_result", "paper_result_e", "digitized", "reused", "personal_store", "vneid", "synced", "complaint",
        "rated", "satisfied")},
}
ENDED_EXPR = {
    "ended": "1",
    "ended_judged": "CASE WHEN f.on_time IS NOT NULL THEN 1 ELSE 0 END",
    "ended_on_time": "CASE WHEN f.on_time = TRUE THEN 1 ELSE 0 END",
    "finished": "CASE WHEN f.finished = TRUE THEN 1 ELSE 0 END",
    "processing_seconds": "f.processing_seconds",
}
DUE_EXPR = {"due": "1", "due_on_time": "CASE WHEN f.on_time = TRUE THEN 1 ELSE 0 END"}
CONTRIBUTIONS = {"received": ("received_on", RECEIVED_EXPR), "ended": ("ended_on", ENDED_EXPR),
                 "due": ("due_on", DUE_EXPR)}
# grain: (monthly, by procedure (province-wide) instead of by agency, contributions). The procedure
# grain serves the per-procedure figures (3.2, 4.2, 5.6, average time), which read the received and
# ended cohorts only; scopes below the province read those from their own dossiers (figures.py).
GRAINS = {"d": (False, False, ("received", "ended", "due")),
          "m": (True, False, ("received", "ended", "due")),
          "p": (True, True, ("received", "ended"))}
ROW_COLUMNS = (*KEY, "unit_id", *COUNTERS)


def _branch(grain: str, contribution: str, *, signed: bool, vendor: str | None) -> str:
    """One contribution (received / ended / due) of one grain, summed per rollup key, with the
    counters it does not touch as 0 — so the final GROUP BY only merges small sets. Columns:
    KEY, then COUNTERS (the agency's unit is joined by _merged)."""
    monthly, by_procedure, _ = GRAINS[grain]
    day_col, exprs = CONTRIBUTIONS[contribution]
    if by_procedure:
        exprs = {name: expr for name, expr in exprs.items() if name in PROCEDURE_COUNTERS}
    start = month_start(f"f.{day_col}", vendor) if monthly else f"f.{day_col}"

    def total(expr: str) -> str:
        return f"SUM(f.sign * ({expr}))" if signed else f"SUM({expr})"

    # Counts cast back to INTEGER: the outer SUM over BIGINT would use slow NUMERIC arithmetic.
    cols = ", ".join((f"{total(exprs[name])} AS {name}" if name == "processing_seconds"
                      else f"CAST({total(exprs[name])} AS INTEGER) AS {name}") if name in exprs else f"0 AS {name}"
                     for name in COUNTERS)
    if by_procedure:
        keys, group = "f.province_id, 0 AS agency_id, f.procedure_id", "f.province_id, f.procedure_id"
    else:
        keys, group = "MAX(f.province_id) AS province_id, f.agency_id, 0 AS procedure_id", "f.agency_id"
    return (f"SELECT '{grain}' AS grain, {start} AS start, {keys}, {cols} "  # nosec B608 — names from _meta and constants; values are %s parameters
            f"FROM f WHERE f.{day_col} IS NOT NULL GROUP BY {start}, {group}")


def _procedure_cube(vendor: str | None) -> tuple[str, list[str]]:
    """Grain p of a REBUILD in one scan instead of one per contribution: the facts are summed per
    (province, procedure, reception month, end month) — ~84k rows at 1M dossiers — into the CTE
    `pc`, then summed per reception month (received cohort) and per end month (ended cohort). The
    same numbers as the p branches of _merged (the fold uses those); the tests compare both."""
    rx = {n: e for n, e in RECEIVED_EXPR.items() if n in PROCEDURE_COUNTERS}
    ex = {n: e for n, e in ENDED_EXPR.items() if n in PROCEDURE_COUNTERS}
    r_month, e_month = month_start("f.received_on", vendor), month_start("f.ended_on", vendor)

    def typed(expr: str, name: str) -> str:
        return f"CAST({expr} AS {'BIGINT' if name == 'processing_seconds' else 'INTEGER'})"

    sums = [typed(f"SUM({e})", n) + f" AS r_{n}" for n, e in rx.items()]
    sums += [typed(f"SUM(CASE WHEN f.ended_on IS NOT NULL THEN {e} ELSE 0 END)", n) + f" AS e_{n}" for n, e in ex.items()]
    cte = (f"pc AS (SELECT f.province_id, f.procedure_id, {r_month} AS r_month, {e_month} AS e_month, "  # nosec B608 — names from _meta and constants; values are %s parameters
           f"{', '.join(sums)} FROM f GROUP BY f.province_id, f.procedure_id, {r_month}, {e_month})")
    selects = []
    for month, prefix, names in (("r_month", "r_", rx), ("e_month", "e_", ex)):
        cols = ", ".join(typed(f"SUM({prefix}{n})", n) + f" AS {n}" if n in names else f"0 AS {n}" for n in COUNTERS)
        selects.append(f"SELECT 'p' AS grain, {month} AS start, province_id, 0 AS agency_id, procedure_id, {cols} "  # nosec B608 — names from _meta and constants; values are %s parameters
                       f"FROM pc WHERE {month} IS NOT NULL GROUP BY {month}, province_id, procedure_id")
    return cte, selects


def _merged(grains: str, *, signed: bool, vendor: str | None, extra: tuple[str, ...] = ()) -> str:
    """SELECT of rollup rows (ROW_COLUMNS) from the facts `f` (and `extra` SELECTs of KEY and
    COUNTERS); the agency's unit is looked up once per row here, so contributions that read no
    other fact of the agency scan the dossiers alone."""
    branches = [_branch(grain, contribution, signed=signed, vendor=vendor)
                for grain in grains for contribution in GRAINS[grain][2]] + list(extra)
    sums = ", ".join(f"SUM(x.{name}) AS {name}" for name in COUNTERS)
    union = "\nUNION ALL\n".join(branches)
    having = " OR ".join(f"SUM(x.{name}) <> 0" for name in COUNTERS) if signed else ""
    key = ", ".join(f"x.{name}" for name in KEY)
    return (f"SELECT {key}, COALESCE(MAX(a.unit_id), 0) AS unit_id, {sums} "  # nosec B608 — names from _meta and constants; values are %s parameters
            f"FROM ({union}) x LEFT JOIN {Agency._meta.db_table} a ON a.id = x.agency_id "
            f"WHERE TRUE GROUP BY {key}" + (f" HAVING {having}" if having else ""))


def _rebuild_select(where: str, vendor: str | None, *, materialized: bool) -> str:
    """WITH facts (and the procedure cube) SELECT the rows of grains d and p."""
    cube, selects = _procedure_cube(vendor)
    fact = _fact_cte(DOSSIERS, id_col="id", sign=None, where=where, vendor=vendor, materialized=materialized)
    return f"WITH {fact}, {cube} " + _merged("d", signed=False, vendor=vendor, extra=tuple(selects))


def _fact_cte(source: str, *, id_col: str, sign: str | None, where: str, vendor: str | None,
              materialized: bool = True) -> str:
    cols = ", ".join(FACT_COLUMNS) + (", sign" if sign else "")
    how = ("MATERIALIZED " if materialized else "NOT MATERIALIZED ") if is_postgres(vendor) else ""
    return f"f ({cols}) AS {how}({fact_select(source, id_col=id_col, sign=sign, where=where, vendor=vendor)})"


def _insert_head() -> str:
    return f"INSERT INTO {ROLLUP} ({', '.join(ROW_COLUMNS)}) "


REBUILD_TABLE = "dashboard_rollup_rebuild"


def rebuild_insert(where: str = "", vendor: str | None = None) -> str:
    """SQLite: ONE statement — the facts of the dossiers (matching `where`, a condition on `d` with
    %s) summed into the "d" and "p" grains ("m" is then summed from "d": month_from_day_rows)."""
    return _insert_head() + _rebuild_select(where, vendor, materialized=True)


def rebuild_create(where: str = "") -> str:
    """PostgreSQL: the same SELECT as rebuild_insert into a temporary table. CREATE TABLE AS may run
    its query in parallel (INSERT … SELECT never does on PostgreSQL 15), and the fact CTE is NOT
    MATERIALIZED so that each contribution's scan computes only the fact columns it sums."""
    return (f"CREATE TEMPORARY TABLE {REBUILD_TABLE} ON COMMIT DROP AS "
            + _rebuild_select(where, "postgresql", materialized=False))


def rebuild_from_temp() -> str:
    cols = ", ".join(ROW_COLUMNS)
    return _insert_head() + f"SELECT {cols} FROM {REBUILD_TABLE}"  # nosec B608 — constant names


def fold_upsert(source: str, vendor: str | None = None) -> str:
    """Add the signed contributions of the journal images in `source` (a table or a CTE name) to
    the rollups of all three grains, creating missing rows (ON CONFLICT … DO UPDATE, both vendors).
    Keys are written in order, so concurrent folds lock rollup rows in the same order."""
    updates = ", ".join(f"{name} = {ROLLUP}.{name} + excluded.{name}" for name in COUNTERS)
    return (_insert_head() + _merged("dmp", signed=True, vendor=vendor)
            + f" ORDER BY {', '.join(str(i + 1) for i in range(len(KEY)))}"  # the KEY columns come first
            + f" ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {updates}")  # nosec B608 — names from _meta and constants; values are %s parameters


def fold_statement(vendor: str | None = None) -> str:
    """PostgreSQL: take (DELETE … RETURNING) every committed journal row and fold it, in one statement."""
    images = ", ".join(IMAGE_COLUMNS)
    return (f"WITH j AS (DELETE FROM {JOURNAL} RETURNING sign, dossier_id, {images}), "  # nosec B608 — names from _meta and constants; values are %s parameters
            + _fact_cte("j", id_col="dossier_id", sign="d.sign", where="", vendor=vendor) + " "
            + fold_upsert("f", vendor))


def fold_statement_upto(vendor: str | None = None) -> str:
    """SQLite: fold the journal rows with id <= %s (then deleted by the caller, same transaction)."""
    return (f"WITH {_fact_cte(f'(SELECT * FROM {JOURNAL} WHERE id <= %s)', id_col='dossier_id', sign='d.sign', where='', vendor=vendor)} "  # nosec B608 — names from _meta and constants; values are %s parameters
            + fold_upsert("f", vendor))


def month_from_day_rows(where: str = "", vendor: str | None = None) -> str:
    """Grain m = grain d summed per month (each contribution is keyed by its own day in both)."""
    names = ", ".join(COUNTERS)
    sums = ", ".join(f"SUM({name})" for name in COUNTERS)
    cond = "grain = 'd'" + (f" AND {where}" if where else "")
    month = month_start("start", vendor)
    return (f"INSERT INTO {ROLLUP} (grain, start, province_id, agency_id, procedure_id, unit_id, {names}) "  # nosec B608 — names from _meta and constants; values are %s parameters
            f"SELECT 'm', {month}, MAX(province_id), agency_id, 0, MAX(unit_id), {sums} FROM {ROLLUP} "
            f"WHERE {cond} GROUP BY {month}, agency_id")


# --- the journal trigger --------------------------------------------------------------------------

# Columns whose change alters a fact; synced_version and status only through what the fact reads.
_WATCHED = tuple(c for c in IMAGE_COLUMNS if c not in ("synced_version", "status"))


def _changed(vendor: str) -> str:
    differs = "IS DISTINCT FROM" if vendor == "postgresql" else "IS NOT"
    parts = [f"OLD.{c} {differs} NEW.{c}" for c in _WATCHED]
    parts += [f"(OLD.synced_version > 0) {differs} (NEW.synced_version > 0)",
              f"(OLD.status = 5) {differs} (NEW.status = 5)"]
    return "(" + " OR ".join(parts) + ")"


def _journal_insert(row: str, sign: int) -> str:
    images = ", ".join(IMAGE_COLUMNS)
    values = ", ".join(f"{row}.{c}" for c in IMAGE_COLUMNS)
    return f"INSERT INTO {JOURNAL} (sign, dossier_id, {images}) VALUES ({sign}, {row}.id, {values})"  # nosec B608 — names from _meta and constants; values are %s parameters


def journal_triggers(vendor: str) -> list[str]:
    """The trigger that appends old/new images of received dossiers to the journal."""
    received_new, received_old = "NEW.received_at IS NOT NULL", "OLD.received_at IS NOT NULL"
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
