"""What a dossier counts as in the Decision 766/QĐ-TTg service-quality indicators, computed by the
DATABASE as stored generated columns of the dossier row (`fact_*`), from that row alone: its dates,
status, supplement summary (dossiers.summary), channel, fees, rating. Nothing in Python writes them,
so they can never be stale, whoever writes the dossier (services, the national import, raw SQL).

The IOC reads them instead of re-deriving them per row: its rollup rebuild is an aggregate over a
covering index of these columns (dashboard.rollups, ADR 0010), its journal copies them, and its
drill-down view lists them. The rules (vn-regulations §2.4, "how DVCQG/766 judges on time" [S]):

- days are local days in Asia/Ho_Chi_Minh: the fixed offset +07:00 (no daylight saving since 1975);
- end = first of Đã xử lý xong (finished_at) > Đã trả kết quả > Dừng xử lý > rút hồ sơ after
  reception; a supplement still pending (status 5) ends the dossier at the request (paused_at);
- the supplement waiting time (completed − requested) is subtracted from the end and the
  re-scheduling the platform applied to NgayHenTra is taken back: on time ⇔ end − wait ≤ due_at − shift,
  stored as a judged due day = due_at − shift + wait (so an unfinished dossier can be judged at any day);
- a second supplement request makes the dossier late (judged due = its reception day);
- processing seconds (finished − received) are rounded (SQLite's julianday arithmetic is floating
  point: truncating lost a second).

Every expression is immutable (PostgreSQL requires it of generated columns): time-zone conversion
by a fixed interval, and arithmetic on the local timestamp rather than on timestamptz (whose
`+ interval` depends on the session's zone).
"""

from django.db import models
from django.db.models import Expression
from django.utils.deconstruct import deconstructible

END = ("COALESCE(finished_at, returned_at, stopped_at, withdrawn_at, "
       "CASE WHEN status = 5 THEN paused_at END)")
NET = "(supplement_wait_seconds - supplement_shift_seconds)"


def _local(expr: str, vendor: str) -> str:
    """The local timestamp (UTC+7) of a stored timestamp."""
    if vendor == "postgresql":
        return f"(({expr}) AT TIME ZONE INTERVAL '+07:00')"
    return f"datetime({expr}, '+7 hours')"


def _day(local: str, vendor: str) -> str:
    return f"({local})::date" if vendor == "postgresql" else f"date({local})"


def _month(local: str, vendor: str) -> str:
    return f"date_trunc('month', {local})::date" if vendor == "postgresql" else f"date({local}, 'start of month')"


def _plus_seconds(local: str, secs: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"({local} + ({secs}) * INTERVAL '1 second')"
    return f"datetime({local}, CAST({secs} AS TEXT) || ' seconds')"


def _seconds(end: str, start: str, vendor: str) -> str:
    if vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({end}) - ({start}))"
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


def _due_local(vendor: str) -> str:
    """The judged due moment (local), or NULL without NgayHenTra."""
    return (f"CASE WHEN due_at IS NULL THEN NULL WHEN supplement_count > 1 THEN {_local('received_at', vendor)} "
            f"ELSE {_plus_seconds(_local('due_at', vendor), NET, vendor)} END")


def sql(name: str, vendor: str) -> str:
    """The generation expression of fact column `name` (columns unqualified, this row only)."""
    true, false = ("TRUE", "FALSE") if vendor == "postgresql" else ("1", "0")
    received, end = _local("received_at", vendor), _local(END, vendor)
    expressions = {
        "fact_received_on": lambda: _day(received, vendor),
        "fact_received_month": lambda: _month(received, vendor),
        "fact_ended_on": lambda: _day(end, vendor),
        "fact_ended_month": lambda: _month(end, vendor),
        "fact_due_on": lambda: _day(_due_local(vendor), vendor),
        "fact_due_month": lambda: _month(_due_local(vendor), vendor),
        "fact_on_time": lambda: (
            f"CASE WHEN {END} IS NULL OR due_at IS NULL THEN NULL WHEN supplement_count > 1 THEN {false} "
            f"WHEN {_seconds(END, 'due_at', vendor)} <= {NET} THEN {true} ELSE {false} END"),
        "fact_finished": lambda: "(finished_at IS NOT NULL)",
        "fact_processing_seconds": lambda: (
            f"CASE WHEN finished_at IS NOT NULL THEN CAST(ROUND({_seconds('finished_at', 'received_at', vendor)}) "
            f"AS BIGINT) ELSE 0 END"),
        "fact_online": lambda: "(channel = 2)",
        "fact_online_delivery": lambda: "(channel = 2 AND result_delivery IN ('online', 'postal'))",
        "fact_fee_bearing": lambda: "(fee_total > 0)",
        "fact_paid_online": lambda: "(fee_total > 0 AND online_payment IN (1, 2))",
        "fact_synced": lambda: "(synced_version > 0)",
        "fact_complaint": lambda: f"(has_complaint = {true} OR COALESCE(rating = 2, {false}))",
        "fact_rated": lambda: "(rating IS NOT NULL)",
        "fact_satisfied": lambda: f"COALESCE(rating = 1, {false})",
    }
    return expressions[name]()


@deconstructible(path="chinhquyenso.dossiers.facts.FactSQL")
class FactSQL(Expression):
    """The generation expression of one fact column, in the connection's SQL dialect."""

    def __init__(self, name: str, output_field=None):
        super().__init__(output_field=output_field)
        self.name = name

    def __eq__(self, other):
        return isinstance(other, FactSQL) and other.name == self.name

    def __hash__(self):
        return hash(("FactSQL", self.name))

    def deconstruct(self):
        return "chinhquyenso.dossiers.facts.FactSQL", (self.name,), {}

    def _resolve_output_field(self):
        return _output_field(self.name)

    def as_sql(self, compiler, connection):
        return sql(self.name, connection.vendor), []


_DATES = ("fact_received_on", "fact_received_month", "fact_ended_on", "fact_ended_month", "fact_due_on",
          "fact_due_month")
_FLAGS = ("fact_finished", "fact_online", "fact_online_delivery", "fact_fee_bearing", "fact_paid_online",
          "fact_synced", "fact_complaint", "fact_rated", "fact_satisfied")


def _output_field(name: str) -> models.Field:
    if name in _DATES:
        return models.DateField(null=True)
    if name == "fact_on_time":
        return models.BooleanField(null=True)
    if name == "fact_processing_seconds":
        return models.BigIntegerField()
    return models.BooleanField()


def generated_fields() -> dict[str, models.GeneratedField]:
    """The fact columns of Dossier (added to the model by dossiers.models)."""
    return {name: models.GeneratedField(expression=FactSQL(name), output_field=_output_field(name), db_persist=True)
            for name in (*_DATES, "fact_on_time", "fact_processing_seconds", *_FLAGS)}


FACT_FIELDS = tuple(generated_fields())
# Columns of the dossier row the IOC reads next to the fact columns (its summary flags and keys).
FACT_INPUTS = ("province_id", "resolving_agency_id", "procedure_id", "procedure_version_id", "vneid_verified",
               "has_digitized_component", "has_reused_component", "has_personal_store_component",
               "has_electronic_result")
