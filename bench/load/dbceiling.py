# ruff: noqa: S608 — SQL built from the models' own table and column names.
"""The database ceiling: the rows one counter reception writes, as raw SQL in a loop (psycopg, same
database, no Django in the loop), reported as transactions/s.

One transaction = lock + bump the agency's daily counter (SELECT … FOR UPDATE, UPDATE), INSERT the
dossier row, its fee rows and component rows, the process-log row (after its MAX(seq) read), lock
+ bump the receipt's slip counter, INSERT the receipt (BM.01) row, INSERT the two audit entries —
what dossiers.services.receive_at_counter writes, minus what raw SQL does not need (the second
UPDATE of the dossier row in finish_write, savepoints, the reads of the request).

The INSERT statements and their values are taken once from a dossier the real endpoint received
(so the rows have the same width and the same indexes are maintained); the loop then changes only
the code, the foreign keys and the numbers."""

import multiprocessing
import time

from django.db import connection
from django.db.models.sql import InsertQuery


def _insert(model, obj, fields=None):
    # Generated columns (dossiers.facts) are computed by the database: never in an INSERT.
    fields = fields or [f for f in model._meta.local_concrete_fields if not f.primary_key and not f.generated]
    q = InsertQuery(model)
    q.insert_values(fields, [obj])
    compiler = q.get_compiler(connection=connection)
    compiler.returning_fields = [model._meta.pk]
    (sql, params), = compiler.as_sql()
    names = [f.attname for f in fields]
    # JSON values come wrapped in an adapter object: keep plain data (picklable), re-wrapped in the loop.
    params = [("__json__", p.obj) if hasattr(p, "obj") else p for p in params]
    return sql, params, names


def templates(dossier_id: int) -> dict:
    """INSERT statements (SQL + params) built from the rows of one real counter reception."""
    from chinhquyenso.audit.models import AuditEntry
    from chinhquyenso.dossiers.models import (
        DailyCounter,
        Dossier,
        DossierComponent,
        DossierFee,
        ProcessLogEntry,
        Slip,
        SlipCounter,
    )

    d = Dossier.objects.get(pk=dossier_id)
    slip = Slip.objects.filter(dossier_id=d.pk).order_by("id").first()
    audits = list(AuditEntry.objects.filter(object_type__in=["dossiers.dossier", "dossiers.slip"],
                                            object_id__in=[str(d.pk), str(slip.pk)]).order_by("id"))
    t = {
        "counter_table": DailyCounter._meta.db_table, "slip_counter_table": SlipCounter._meta.db_table,
        "log_table": ProcessLogEntry._meta.db_table,
        "slip_key": (slip.agency_id, slip.year, slip.kind),
        "dossier": _insert(Dossier, d),
        "fees": [_insert(DossierFee, f) for f in DossierFee.objects.filter(dossier_id=d.pk)],
        "components": [_insert(DossierComponent, c) for c in DossierComponent.objects.filter(dossier_id=d.pk)],
        "log": _insert(ProcessLogEntry, ProcessLogEntry.objects.filter(dossier_id=d.pk).order_by("seq").first()),
        "slip": _insert(Slip, slip),
        "audits": [_insert(AuditEntry, _unsealed(a)) for a in audits],
        "agency_code": d.reception_agency.code,
    }
    return t


def _unsealed(entry):
    """An audit entry as written, before the hash chain seals it at commit (seq, prev_hash, hash
    are filled by the deferred trigger on PostgreSQL: the raw INSERT leaves them to it as the
    service does)."""
    fresh = type(entry)()
    for name in ("seq", "prev_hash", "hash"):
        if hasattr(fresh, name):
            setattr(entry, name, getattr(fresh, name))
    return entry


def _set(params, names, **values):
    out = list(params)
    for k, v in values.items():
        out[names.index(k)] = v
    return out


def _loop(args) -> int:
    import datetime

    import psycopg
    from psycopg.types.json import Jsonb

    url, t, agencies, seconds, worker = args
    def fix(params):
        return [Jsonb(p[1]) if isinstance(p, tuple) and len(p) == 2 and p[0] == "__json__" else p for p in params]

    for key in ("dossier", "log", "slip"):
        sql, params, names = t[key]
        t[key] = (sql, fix(params), names)
    t["fees"] = [(s, fix(p), n) for s, p, n in t["fees"]]
    t["components"] = [(s, fix(p), n) for s, p, n in t["components"]]
    t["audits"] = [(s, fix(p), n) for s, p, n in t["audits"]]
    day = datetime.date(2000 + worker, 1, 1)  # a day of its own: never collides with real codes
    done = 0
    with psycopg.connect(url) as conn:
        deadline = time.perf_counter() + seconds
        i = 0
        while time.perf_counter() < deadline:
            agency_id, code = agencies[i % len(agencies)]
            i += 1
            with conn.transaction():
                cur = conn.cursor()
                row = cur.execute(f"SELECT id, last FROM {t['counter_table']} WHERE agency_id = %s AND day = %s FOR UPDATE",
                                  [agency_id, day]).fetchone()
                if row is None:
                    row = cur.execute(f"INSERT INTO {t['counter_table']} (agency_id, day, last) VALUES (%s, %s, 0) "
                                      "RETURNING id, last", [agency_id, day]).fetchone()
                last = row[1] + 1
                cur.execute(f"UPDATE {t['counter_table']} SET last = %s WHERE id = %s", [last, row[0]])
                dcode = f"BENCH{worker}-{code}-{day:%y%m%d}-{last:06d}"
                sql, params, names = t["dossier"]
                did = cur.execute(sql, _set(params, names, code=dcode, reception_agency_id=agency_id,
                                            current_agency_id=agency_id)).fetchone()[0]
                for sql, params, names in t["fees"]:
                    cur.execute(sql, _set(params, names, dossier_id=did))
                for sql, params, names in t["components"]:
                    cur.execute(sql, _set(params, names, dossier_id=did))
                seq = cur.execute(f"SELECT MAX(seq) FROM {t['log_table']} WHERE dossier_id = %s", [did]).fetchone()[0]
                sql, params, names = t["log"]
                cur.execute(sql, _set(params, names, dossier_id=did, seq=(seq or 0) + 1, agency_id=agency_id))
                s_agency, s_year, s_kind = t["slip_key"]
                srow = cur.execute(f"SELECT id, last FROM {t['slip_counter_table']} WHERE agency_id = %s AND year = %s "
                                   "AND kind = %s FOR UPDATE", [agency_id, 2000 + worker, s_kind]).fetchone()
                if srow is None:
                    srow = cur.execute(f"INSERT INTO {t['slip_counter_table']} (agency_id, year, kind, last) "
                                       "VALUES (%s, %s, %s, 0) RETURNING id, last", [agency_id, 2000 + worker, s_kind]).fetchone()
                cur.execute(f"UPDATE {t['slip_counter_table']} SET last = %s WHERE id = %s", [srow[1] + 1, srow[0]])
                sql, params, names = t["slip"]
                sid = cur.execute(sql, _set(params, names, dossier_id=did, agency_id=agency_id, year=2000 + worker,
                                            number=srow[1] + 1, symbol=f"{dcode}/BM01")).fetchone()[0]
                for n, (sql, params, names) in enumerate(t["audits"]):
                    cur.execute(sql, _set(params, names, object_id=str(did if n == len(t["audits"]) - 1 else sid)))
            done += 1
    return done


def measure(url: str, t: dict, agencies: list[tuple[int, str]], *, clients: int, seconds: float) -> dict:
    """`clients` processes, each looping the transaction for `seconds`; returns transactions/s."""
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        started = time.perf_counter()
        counts = pool.map(_loop, [(url, t, agencies, seconds, w) for w in range(clients)])
        elapsed = time.perf_counter() - started
    total = sum(counts)
    return {"clients": clients, "transactions": total, "seconds": round(seconds, 1),
            "tps": round(total / seconds, 1), "wall_seconds": round(elapsed, 1)}

