"""Rollups maintained incrementally through the dossier journal (docs/adr/0010-ioc-rollups.md).

- A database trigger on the dossier table appends, in the writer's own transaction, the old image
  (sign −1) and the new image (+1) of a received dossier whenever a column the indicators read
  changes (rollups.sql.journal_triggers). Nothing a writer does can be missed or counted twice:
  the images commit or roll back with the write.
- `fold()` turns every committed journal row into signed rollup deltas (the same fact SQL as the
  rebuild, over the images instead of the dossiers) and deletes them, in one transaction. It runs
  after each dossier write commits (`dossiers.events.dossier_changed`), or in a "rollups" queue
  task with settings.DASHBOARD_ROLLUPS_IN_TASK. A fold that fails leaves its rows in the journal
  for the next one: there is nothing to repair.
- `rebuild(province=None)`: recompute the rollups from the dossiers in one SQL statement — two
  sorted aggregates over covering indexes of the dossiers' fact columns (dossiers.facts) and the
  few facts with a day in the day-row window — and drop the journal rows it covers.
- Day rows (grain d) exist from `day_rows_since()` on: the running month and the month the 30-day
  chart reaches back into. Closed periods read months; a day row before the window is never
  written by a fold or a rebuild (settings.IOC_DAY_ROWS_DAYS; None keeps every day).
"""

import datetime
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from chinhquyenso.workdays.calendar import VN_TZ

from .. import pagecache
from ..models import COUNTERS, Rollup, RollupJournal
from . import sql

log = logging.getLogger(__name__)

# PostgreSQL: folds take this transaction-level advisory lock, so they apply deltas one at a time
# (a second fold waits, then folds what the first did not see). Rebuilds lock the journal table.
FOLD_LOCK = 766_2025


def day_rows_since(today: datetime.date | None = None) -> datetime.date:
    """The first day with day rows: the first of the month IOC_DAY_ROWS_DAYS (default 31) days back,
    so the running month and a 30-day chart ending today are always covered (from 1 March: 29
    January → 1 January). None in the setting: every day (date.min)."""
    days = getattr(settings, "IOC_DAY_ROWS_DAYS", 31)
    if days is None:
        return datetime.date.min
    today = today or timezone.localdate(timezone=VN_TZ)
    return (today - datetime.timedelta(days=days)).replace(day=1)


def fold() -> bool:
    """Fold the committed journal into the rollups. Returns whether there was anything to fold."""
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
            cur.execute(f"SELECT EXISTS(SELECT 1 FROM {sql.JOURNAL})")  # noqa: S608  # nosec B608 — constant table name
            pending = bool(cur.fetchone()[0])
            if pending:
                cur.execute(sql.fold_statement(), [day_rows_since()] * 3)
            return pending
        cur.execute(f"SELECT MAX(id) FROM {sql.JOURNAL}")  # noqa: S608  # nosec B608 — constant table name
        upto = cur.fetchone()[0]
        pending = upto is not None
        if pending:
            cur.execute(sql.fold_statement_upto(), [upto, *[day_rows_since()] * 3])
            cur.execute(f"DELETE FROM {sql.JOURNAL} WHERE id <= %s", [upto])  # noqa: S608  # nosec B608 — constant table name
        return pending


def on_dossier_changed(sender, dossier_id, **kwargs) -> None:
    """Receiver of dossiers.events.dossier_changed (connected in apps.py). A failure is logged and
    never breaks the dossier write that already committed; its journal rows wait for the next fold.
    With settings.DASHBOARD_ROLLUPS_IN_TASK the fold runs in a "rollups" queue task instead
    (dashboard.tasks.refresh_rollups), so the writer does not wait for it."""
    try:
        if getattr(settings, "DASHBOARD_ROLLUPS_IN_TASK", False):
            from ..tasks import refresh_rollups

            refresh_rollups.enqueue(dossier_id)
            return
        if fold():
            pagecache.invalidate()
    except Exception:  # noqa: BLE001 — the dossier write committed; its journal rows stay for the next fold
        log.exception("IOC rollup fold failed after a change of dossier %s", dossier_id)


def _drop_secondary_indexes(cur, table: str) -> list[str]:
    """Drop the indexes of `table` but its primary key — the rollup key's unique constraint too —
    returning the statements that re-create them: building an index once over the loaded rows is
    cheaper than maintaining it row by row (PostgreSQL, inside the rebuild's transaction, so nobody
    ever sees the table without them)."""
    cur.execute("SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.conrelid = %s::regclass AND c.contype = 'u'", [table])
    constraints = cur.fetchall()
    cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [table])
    indexes = cur.fetchall()
    for name, _definition in constraints:
        cur.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cur.execute(f'DROP INDEX "{name}"')
    return ([f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints]
            + [definition for _name, definition in indexes])


def rebuild(province_id: int | None = None) -> dict:
    """Recompute the rollups from the dossiers, in SQL. Returns the received dossiers counted and
    the rollup rows written."""
    where = "d.province_id = %s" if province_id else ""
    params = [province_id] if province_id else []
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cur:
        indexes: list[str] = []
        if postgres:
            # Writers append to the journal in their own transactions: hold them off until this one
            # commits, so every change is either in the scan below or folded after it, never both.
            cur.execute(f"LOCK TABLE {sql.JOURNAL} IN EXCLUSIVE MODE")
            cur.execute("SET LOCAL work_mem = '256MB'")  # the hash aggregates fit in memory
            # JIT compiling the wide aggregate costs ~1 s of the rebuild at 1M dossiers and gains less.
            cur.execute("SET LOCAL jit = off")
            # Each contribution's scan runs with parallel workers even though its result has ~10⁵
            # groups (the planner's default costs judge gathering them dearer than it is).
            cur.execute("SET LOCAL parallel_setup_cost = 0")
            cur.execute("SET LOCAL parallel_tuple_cost = 0")
        if province_id:
            RollupJournal.objects.filter(province_id=province_id).delete()
            Rollup.objects.filter(province_id=province_id).delete()
        elif postgres:
            # Fresh files instead of deleting into bloated tables and indexes (pages wait for the
            # lock rather than read half a rebuild).
            cur.execute(f"TRUNCATE {Rollup._meta.db_table}, {sql.JOURNAL}")
            indexes = _drop_secondary_indexes(cur, Rollup._meta.db_table)
        else:
            RollupJournal.objects.all().delete()
            Rollup.objects.all().delete()
        params = sql.rebuild_params(params, day_rows_since())
        if postgres:
            cur.execute(sql.rebuild_create(where), params)
            cur.execute(sql.rebuild_from_temp())
            # Dropped now, not at commit: a caller's outer transaction may rebuild again.
            cur.execute(f"DROP TABLE {sql.REBUILD_TABLE}")
        else:
            cur.execute(sql.rebuild_insert(where), params)
        for definition in indexes:
            cur.execute(definition)
    rollups = Rollup.objects.filter(province_id=province_id) if province_id else Rollup.objects.all()
    pagecache.invalidate()
    counted = rollups.filter(grain="m").aggregate(n=Sum("received"))["n"] or 0
    return {"dossiers": counted, "rollups": rollups.count()}


__all__ = ["COUNTERS", "day_rows_since", "fold", "on_dossier_changed", "rebuild"]
