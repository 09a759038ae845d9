# ruff: noqa: S608 — SQL text is built from model table/column names only; values are parameters.
"""The dossier → fact SQL, shared by the incremental update (one dossier) and the rebuild (all).

One statement, two vendors: only date/time arithmetic differs between PostgreSQL and SQLite, so
those few fragments are functions of the connection vendor. Days are local days in Asia/Ho_Chi_Minh
(UTC+7, no daylight saving), the day a Vietnamese official would write on the register.

The rules (vn-regulations §2.4, "how DVCQG/766 judges on time" [S]):
- end = first of Đã xử lý xong (finished_at) > Đã trả kết quả > Dừng xử lý > rút hồ sơ after
  reception; a supplement still pending ends the dossier at the request (paused_at, status 5).
- supplement waiting time (completed − requested, calendar time) is subtracted from the end; the
  due date compared with is NgayHenTra without the re-scheduling the platform applied when the
  supplement came in (due_after − due_before), i.e. on time ⇔ end − wait ≤ due_at − shift.
  Written as a judged due = due_at − shift + wait (so unfinished dossiers can be judged at any day).
- a second supplement request makes the dossier late (judged due = its reception day).
- only received dossiers (NgayTiepNhan set) have facts; refusals at reception never do.
"""

from django.db import connection

from chinhquyenso.agencies.models import Agency
from chinhquyenso.dossiers.models import Dossier, DossierComponent, ResultDocument, SupplementRequest
from chinhquyenso.procedures.models import ProcedureVersion

from ..models import COUNTERS, DossierFact, Rollup

# How many times fact_select(where) repeats its condition (3 per-dossier subqueries + outer WHERE).
FACT_PARAMS = 4
FACT_COLUMNS = (
    "dossier_id", "province_id", "unit_id", "agency_id", "procedure_id", "received_on", "ended_on", "due_on",
    "on_time", "finished", "processing_seconds", "online", "full_online_proc", "processed_online", "fee_bearing",
    "paid_online", "digitized_input", "e_result", "paper_result", "paper_result_e", "digitized", "reused",
    "personal_store", "vneid", "synced", "complaint", "rated", "satisfied",
)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def local_date(expr: str) -> str:
    if is_postgres():
        return f"(({expr}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    return f"date({expr}, '+7 hours')"


def seconds_between(end: str, start: str) -> str:
    if is_postgres():
        return f"EXTRACT(EPOCH FROM ({end}) - ({start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def add_seconds(ts: str, secs: str) -> str:
    if is_postgres():
        return f"(({ts}) + ({secs}) * INTERVAL '1 second')"
    return f"datetime({ts}, CAST(CAST(ROUND({secs}) AS INTEGER) AS TEXT) || ' seconds')"


def month_start(expr: str) -> str:
    if is_postgres():
        return f"date_trunc('month', {expr})::date"
    return f"date({expr}, 'start of month')"


def fact_select(where: str = "") -> str:
    """SELECT producing FACT_COLUMNS in order; `where` is an extra condition on `d` (with %s)."""
    d, a, v = Dossier._meta.db_table, Agency._meta.db_table, ProcedureVersion._meta.db_table
    s, c, r = SupplementRequest._meta.db_table, DossierComponent._meta.db_table, ResultDocument._meta.db_table
    end = ("COALESCE(d.finished_at, d.returned_at, d.stopped_at, d.withdrawn_at, "
           "CASE WHEN d.status = 5 THEN d.paused_at END)")
    net = "(COALESCE(sw.wait, 0) - COALESCE(sw.shift, 0))"
    inner_where = "WHERE completed_at IS NOT NULL" + (f" AND dossier_id IN (SELECT d.id FROM {d} d WHERE {where})"  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters
                                                      if where else "")

    def only() -> str:
        return f" WHERE dossier_id IN (SELECT d.id FROM {d} d WHERE {where})" if where else ""  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters

    # Component and result flags are pre-aggregated per dossier and hash-joined (one pass over
    # each table in a rebuild; a single index lookup for one dossier).
    comps = (f"SELECT dossier_id, "  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters
             f"MAX(CASE WHEN digitized = TRUE AND is_deleted = FALSE THEN 1 ELSE 0 END) AS dig, "
             f"MAX(CASE WHEN reused = TRUE AND is_deleted = FALSE THEN 1 ELSE 0 END) AS reu, "
             f"MAX(CASE WHEN from_personal_store = TRUE AND is_deleted = FALSE THEN 1 ELSE 0 END) AS per "
             f"FROM {c}{only()} GROUP BY dossier_id")
    results = (f"SELECT dossier_id, MAX(CASE WHEN electronic = TRUE THEN 1 ELSE 0 END) AS ele "  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters
               f"FROM {r}{only()} GROUP BY dossier_id")
    digitized_input = "COALESCE(cf.dig, 0) = 1"
    e_result = "COALESCE(rf.ele, 0) = 1"

    return f"""
SELECT d.id, d.province_id, a.unit_id, d.resolving_agency_id, d.procedure_id,
  {local_date('d.received_at')},
  {local_date(end)},
  CASE WHEN d.due_at IS NULL THEN NULL
       WHEN d.supplement_count > 1 THEN {local_date('d.received_at')}
       ELSE {local_date(add_seconds('d.due_at', net))} END,
  CASE WHEN {end} IS NULL OR d.due_at IS NULL THEN NULL
       WHEN d.supplement_count > 1 THEN FALSE
       WHEN {seconds_between(end, 'd.due_at')} <= {net} THEN TRUE ELSE FALSE END,
  CASE WHEN d.finished_at IS NOT NULL THEN TRUE ELSE FALSE END,
  CASE WHEN d.finished_at IS NOT NULL THEN CAST({seconds_between('d.finished_at', 'd.received_at')} AS BIGINT)
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
  COALESCE(cf.reu, 0) = 1,
  COALESCE(cf.per, 0) = 1,
  d.vneid_verified,
  CASE WHEN d.synced_version > 0 THEN TRUE ELSE FALSE END,
  CASE WHEN d.has_complaint = TRUE OR d.rating = 2 THEN TRUE ELSE FALSE END,
  CASE WHEN d.rating IS NOT NULL THEN TRUE ELSE FALSE END,
  CASE WHEN d.rating = 1 THEN TRUE ELSE FALSE END
FROM {d} d
JOIN {a} a ON a.id = d.resolving_agency_id
JOIN {v} v ON v.id = d.procedure_version_id
LEFT JOIN (SELECT dossier_id,
                  SUM({seconds_between('completed_at', 'requested_at')}) AS wait,
                  SUM(COALESCE({seconds_between('due_after', 'due_before')}, 0)) AS shift
           FROM {s} {inner_where} GROUP BY dossier_id) sw ON sw.dossier_id = d.id
LEFT JOIN ({comps}) cf ON cf.dossier_id = d.id
LEFT JOIN ({results}) rf ON rf.dossier_id = d.id
WHERE d.received_at IS NOT NULL{' AND ' + where if where else ''}
"""  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters


# --- rollups from facts, in SQL (rebuild) -------------------------------------------------------

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


def _branch(grain: str, day_col: str, exprs: dict, *, by_procedure: bool, monthly: bool, where: str,
            source: str = "") -> str:
    """One contribution (received / ended / due) of one grain, already summed per rollup key, with
    the counters it does not touch as 0 — so the final GROUP BY only merges three small sets."""
    start = month_start(f"f.{day_col}") if monthly else f"f.{day_col}"
    # Counts cast back to INTEGER: the outer SUM over BIGINT would use slow NUMERIC arithmetic.
    cols = ", ".join((f"SUM({exprs[name]}) AS {name}" if name == "processing_seconds"
                      else f"CAST(SUM({exprs[name]}) AS INTEGER) AS {name}") if name in exprs else f"0 AS {name}"
                     for name in COUNTERS)
    proc = "f.procedure_id" if by_procedure else "0"
    cond = f"f.{day_col} IS NOT NULL" + (f" AND {where}" if where else "")
    return (f"SELECT '{grain}' AS grain, {start} AS start, f.agency_id, {proc} AS procedure_id, "  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters
            f"MAX(f.unit_id) AS unit_id, MAX(f.province_id) AS province_id, {cols} "
            f"FROM {source or DossierFact._meta.db_table} f WHERE {cond} GROUP BY {start}, f.agency_id"
            + (", f.procedure_id" if by_procedure else ""))


BRANCHES_PER_GRAIN = 3


def _branches(grain: str, where: str = "", source: str = "") -> list[str]:
    by_procedure = monthly = grain == "p"
    return [_branch(grain, day_col, exprs, by_procedure=by_procedure, monthly=monthly, where=where, source=source)
            for day_col, exprs in (("received_on", RECEIVED_EXPR), ("ended_on", ENDED_EXPR), ("due_on", DUE_EXPR))]


def _merge_insert(branches: list[str]) -> str:
    sums = ", ".join(f"SUM({name})" for name in COUNTERS)
    names = ", ".join(COUNTERS)
    union = "\nUNION ALL\n".join(branches)
    return (f"INSERT INTO {Rollup._meta.db_table} (grain, start, agency_id, procedure_id, unit_id, province_id, {names}) "  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters
            f"SELECT grain, start, agency_id, procedure_id, MAX(unit_id), MAX(province_id), {sums} "
            f"FROM ({union}) x GROUP BY grain, start, agency_id, procedure_id")


def rollup_insert(where: str = "", grain: str = "d") -> str:
    """INSERT one grain ("d" = day × agency, "p" = month × agency × procedure) of Rollup from
    DossierFact (optionally only facts matching `where`, used BRANCHES_PER_GRAIN times).
    Each of the three contributions is aggregated on its own (a hash aggregate over the facts with
    only its own counters), then the three small results are merged — instead of one GROUP BY over
    three rows per fact with every counter."""
    return _merge_insert(_branches(grain, where))


def facts_and_rollups_insert(where: str = "") -> str:
    """PostgreSQL only: ONE statement that inserts the facts (fact_select) and, from the rows it
    returns, the "d" and "p" grains — the facts are computed once and never read back from the
    table (a data-modifying CTE is materialized once; its six aggregates scan it in memory).
    Parameters: those of fact_select(where)."""
    cols = ", ".join(FACT_COLUMNS)
    branches = _branches("d", source="f") + _branches("p", source="f")
    return (f"WITH f AS (INSERT INTO {DossierFact._meta.db_table} ({cols}) {fact_select(where)} RETURNING *) "
            + _merge_insert(branches))


def month_from_procedure_rows(where: str = "") -> str:
    """Grain m = grain p summed over procedures (a few hundred thousand rows at most)."""
    table = Rollup._meta.db_table
    names = ", ".join(COUNTERS)
    sums = ", ".join(f"SUM({name})" for name in COUNTERS)
    cond = "grain = 'p'" + (f" AND {where}" if where else "")
    return (f"INSERT INTO {table} (grain, start, agency_id, procedure_id, unit_id, province_id, {names}) "  # nosec B608  # — table names from _meta, constant fragments; values are %s parameters
            f"SELECT 'm', start, agency_id, 0, MAX(unit_id), MAX(province_id), {sums} FROM {table} "
            f"WHERE {cond} GROUP BY start, agency_id")
