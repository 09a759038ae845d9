"""Rollups maintained incrementally from `dossiers.events.dossier_changed` (docs/adr IOC rollups).

- `refresh_dossier(id)`: recompute the dossier's fact with the shared SQL (rollups.sql), subtract
  what the previous fact contributed, add the new contribution, in one transaction with the
  dossier row locked (two events of one dossier serialize; different dossiers do not block).
- `rebuild(province=None)`: delete and recompute facts and rollups in SQL (INSERT … SELECT), the
  same statement the incremental path runs for one dossier, so both must agree (tested).
"""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from chinhquyenso.dossiers.models import Dossier

from .. import pagecache
from ..models import COUNTERS, DossierFact, Grain, Rollup
from . import sql

log = logging.getLogger(__name__)

RECEIVED_FLAGS = tuple(name for name in sql.RECEIVED_EXPR if name != "received")


def _fetch_fact(dossier_id: int) -> dict | None:
    with connection.cursor() as cur:
        cur.execute(sql.fact_select("d.id = %s"), [dossier_id] * sql.FACT_PARAMS)
        row = cur.fetchone()
    if row is None:
        return None
    fact = dict(zip(sql.FACT_COLUMNS, row, strict=True))
    for key in ("received_on", "ended_on", "due_on"):
        if isinstance(fact[key], str):
            fact[key] = datetime.date.fromisoformat(fact[key])
    for key in ("on_time", "finished", *RECEIVED_FLAGS):
        if fact[key] is not None:
            fact[key] = bool(fact[key])
    fact["processing_seconds"] = int(fact["processing_seconds"] or 0)
    return fact


def _as_dict(fact: DossierFact) -> dict:
    return {name: getattr(fact, name if name != "province_id" else "province_id") for name in sql.FACT_COLUMNS}


def contributions(fact: dict | None) -> dict[tuple, dict[str, int]]:
    """{(grain, start, agency_id, procedure_id, unit_id, province_id): {counter: n}} of one fact."""
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if fact is None:
        return out
    parts = [(fact["received_on"], {"received": 1, **{k: int(bool(fact[k])) for k in RECEIVED_FLAGS}})]
    if fact["ended_on"] is not None:
        parts.append((fact["ended_on"], {
            "ended": 1, "ended_judged": int(fact["on_time"] is not None), "ended_on_time": int(fact["on_time"] is True),
            "finished": int(bool(fact["finished"])), "processing_seconds": int(fact["processing_seconds"] or 0)}))
    if fact["due_on"] is not None:
        parts.append((fact["due_on"], {"due": 1, "due_on_time": int(fact["on_time"] is True)}))
    for day, counters in parts:
        keys = (
            (Grain.DAY, day, 0),
            (Grain.MONTH, day.replace(day=1), 0),
            (Grain.PROCEDURE, day.replace(day=1), fact["procedure_id"]),
        )
        for grain, start, procedure in keys:
            key = (str(grain), start, fact["agency_id"], procedure, fact["unit_id"], fact["province_id"])
            for name, n in counters.items():
                out[key][name] += n
    return out


def _apply(delta: dict[tuple, dict[str, int]]) -> None:
    for (grain, start, agency_id, procedure_id, unit_id, province_id), counters in delta.items():
        changes = {name: n for name, n in counters.items() if n}
        if not changes:
            continue
        key = {"grain": grain, "start": start, "agency_id": agency_id, "procedure_id": procedure_id}
        updated = Rollup.objects.filter(**key).update(**{name: F(name) + n for name, n in changes.items()})
        if updated:
            continue
        try:
            with transaction.atomic():
                Rollup.objects.create(**key, unit_id=unit_id, province_id=province_id, **changes)
        except IntegrityError:  # created concurrently by another dossier's event
            Rollup.objects.filter(**key).update(**{name: F(name) + n for name, n in changes.items()})


def refresh_dossier(dossier_id: int) -> None:
    with transaction.atomic():
        # Serialize events of the same dossier (the first fact of a dossier has no row to lock).
        if not Dossier.objects.select_for_update().filter(pk=dossier_id).exists():
            return
        old_row = DossierFact.objects.filter(pk=dossier_id).first()
        old = _as_dict(old_row) if old_row else None
        new = _fetch_fact(dossier_id)
        if old == new:
            return
        delta: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key, counters in contributions(new).items():
            for name, n in counters.items():
                delta[key][name] += n
        for key, counters in contributions(old).items():
            for name, n in counters.items():
                delta[key][name] -= n
        _apply(delta)
        if new is None:
            DossierFact.objects.filter(pk=dossier_id).delete()
        else:
            values = {k: v for k, v in new.items() if k != "dossier_id"}
            DossierFact.objects.update_or_create(dossier_id=dossier_id, defaults=values)


def on_dossier_changed(sender, dossier_id, **kwargs) -> None:
    """Receiver of dossiers.events.dossier_changed (connected in apps.py). A failure is logged and
    never breaks the dossier write that already committed; `rebuild_rollups` repairs.
    With settings.DASHBOARD_ROLLUPS_IN_TASK the update runs in a "rollups" queue task instead
    (dashboard.tasks.refresh_rollups), so the writer does not wait for it."""
    try:
        if getattr(settings, "DASHBOARD_ROLLUPS_IN_TASK", False):
            from ..tasks import refresh_rollups

            refresh_rollups.enqueue(dossier_id)
            return
        refresh_dossier(dossier_id)
        pagecache.invalidate()
    except Exception:  # noqa: BLE001 — the dossier write committed; the rollup can be rebuilt
        log.exception("IOC rollup update failed for dossier %s", dossier_id)


def _drop_secondary_indexes(cur, tables: tuple[str, ...]) -> list[str]:
    """Drop the plain (non-constraint) indexes of `tables`, returning their definitions: building an
    index once over the loaded rows is cheaper than maintaining it row by row (PostgreSQL, inside
    the rebuild's transaction, so nobody ever sees the tables without them)."""
    cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", [list(tables)])
    found = cur.fetchall()
    for name, _definition in found:
        cur.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def rebuild(province_id: int | None = None) -> dict:
    """Recompute facts and rollups from the dossiers, in SQL. Returns row counts."""
    where_d = "d.province_id = %s" if province_id else ""
    where_f = "f.province_id = %s" if province_id else ""
    params = [province_id] if province_id else []
    cols = ", ".join(sql.FACT_COLUMNS)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cur:
        indexes: list[str] = []
        if province_id:
            Rollup.objects.filter(province_id=province_id).delete()
            DossierFact.objects.filter(province_id=province_id).delete()
        elif postgres:
            # Fresh files instead of deleting into bloated tables and indexes (the lock is held
            # only until this transaction commits; pages wait for it rather than read half a rebuild).
            cur.execute(f"TRUNCATE {Rollup._meta.db_table}, {DossierFact._meta.db_table}")
            indexes = _drop_secondary_indexes(cur, (Rollup._meta.db_table, DossierFact._meta.db_table))
        else:
            Rollup.objects.all().delete()
            DossierFact.objects.all().delete()
        if postgres:
            # Hash aggregates of the rebuild fit in memory instead of spilling sorts to disk.
            cur.execute("SET LOCAL work_mem = '256MB'")
            # Facts and the d/p grains in one statement: the facts are computed once, aggregated
            # from memory, never read back from the table.
            cur.execute(sql.facts_and_rollups_insert(where_d), params * sql.FACT_PARAMS)
        else:
            # fact_select repeats the condition in each per-dossier subquery and the outer query.
            cur.execute(f"INSERT INTO {DossierFact._meta.db_table} ({cols}) {sql.fact_select(where_d)}",
                        params * sql.FACT_PARAMS)
            for grain in ("d", "p"):
                cur.execute(sql.rollup_insert(where_f, grain), params * sql.BRANCHES_PER_GRAIN)
        cur.execute(sql.month_from_procedure_rows("province_id = %s" if province_id else ""), params)
        for definition in indexes:
            cur.execute(definition)
    facts = DossierFact.objects.filter(province_id=province_id) if province_id else DossierFact.objects.all()
    rollups = Rollup.objects.filter(province_id=province_id) if province_id else Rollup.objects.all()
    pagecache.invalidate()
    return {"facts": facts.count(), "rollups": rollups.count()}


__all__ = ["COUNTERS", "contributions", "on_dossier_changed", "rebuild", "refresh_dossier"]
