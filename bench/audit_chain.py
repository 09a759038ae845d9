# ruff: noqa: S608 — a developer tool: SQL built from constants.
#!/usr/bin/env python
"""Audit hash chain benchmark (docs/adr/0013-audit-hash-chain.md): what sealing costs per entry.

Same run, same database, committed transactions of one audit entry each (fsync included):
- baseline: the entry inserted as before the chain (no content hash, no seal: the session runs
  with session_replication_role = replica, so the seal trigger does not fire);
- chained: audit.services.record() — content hash in Python, seal at commit (PostgreSQL) or at
  insert (SQLite);
each with 1 writer and with --threads writers at once (throughput), then audit_verify's walk.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cqs_audit \
      .venv/bin/python bench/audit_chain.py --entries 2000 --threads 4 --truncate

It writes into the audit trail of that database and empties it afterwards (--truncate is
required when the trail is not empty): use a scratch database. Writes bench/results/audit-chain-*.
"""

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")


def _plain_insert(i: int):
    from django.utils import timezone

    from chinhquyenso.audit.models import AuditEntry

    AuditEntry(at=timezone.now(), actor_repr="bench", via="command", action="bench.plain", object_type="bench.row",
               object_id=str(i), object_repr=f"row {i}", after={"i": i, "name": "Phường Ba Đình"},
               province_code="01").save(force_insert=True)


def _chained_insert(i: int):
    from chinhquyenso.audit.services import append

    append(actor_id=None, actor_repr="bench", ip="", user_agent="", via="command", action="bench.chained",
           object_type="bench.row", object_id=str(i), object_repr=f"row {i}", before=None,
           after={"i": i, "name": "Phường Ba Đình"}, province_code="01")


def run(kind: str, total: int, threads: int) -> dict:
    """`total` committed one-entry transactions spread over `threads` writers."""
    from django.db import connection, connections, transaction

    insert = _plain_insert if kind == "baseline" else _chained_insert
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def writer(n: int):
        mine = []
        try:
            if kind == "baseline" and connection.vendor == "postgresql":
                with connection.cursor() as cur:
                    cur.execute("SET session_replication_role = replica")
            barrier.wait()
            for i in range(n, total, threads):
                t = time.perf_counter()
                with transaction.atomic():
                    insert(i)
                mine.append(time.perf_counter() - t)
        finally:
            connections.close_all()
            with lock:
                latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "kind": kind, "threads": threads, "entries": len(latencies), "seconds": round(elapsed, 3),
        "entries_per_s": round(len(latencies) / elapsed, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 3),
        "median_ms": round(statistics.median(latencies) * 1000, 3),
        "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 3),
    }


def in_one_transaction(kind: str, total: int) -> dict:
    """`total` entries in a single transaction: the per-entry work without the commit's fsync (the
    seal of all of them runs at that one commit on PostgreSQL and is included)."""
    from django.db import connection, transaction

    insert = _plain_insert if kind == "baseline" else _chained_insert
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SET session_replication_role = {'replica' if kind == 'baseline' else 'origin'}")
    t = time.perf_counter()
    with transaction.atomic():
        for i in range(total):
            insert(i)
    elapsed = time.perf_counter() - t
    return {"kind": kind, "entries": total, "seconds": round(elapsed, 3),
            "us_per_entry": round(elapsed / total * 1e6, 1)}


def components() -> dict:
    """The parts of the chained path, measured on their own so a loaded machine's latency does
    not hide them: the content hash in Python, and (PostgreSQL) the seal trigger's server time as
    EXPLAIN ANALYZE reports it when the constraint fires at the statement instead of at commit."""
    import re
    import timeit

    from django.db import connection, transaction
    from django.utils import timezone

    from chinhquyenso.audit import chain

    fields = {"at": timezone.now(), "actor_id": 7, "actor_repr": "Nguyễn Văn A", "ip": "203.0.113.9",
              "user_agent": "Mozilla/5.0", "via": "web", "action": "dossier.transition",
              "object_type": "dossiers.dossier", "object_id": "123456", "object_repr": "G22.38.01-251121-0001",
              "before": {"status": "2", "due_at": "2026-11-28T10:00:00+07:00"},
              "after": {"status": "4", "due_at": "2026-12-05T10:00:00+07:00"}, "province_code": "38"}
    n = 20000
    result = {"content_hash_us": round(timeit.timeit(lambda: chain.content_hash(fields), number=n) / n * 1e6, 2)}
    if connection.vendor == "postgresql":
        times = []
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for i in range(300):
                cur.execute(
                    "EXPLAIN (ANALYZE, FORMAT TEXT) INSERT INTO audit_auditentry (at, actor_repr, ip, user_agent, via,"
                    " action, object_type, object_id, object_repr, before, after, province_code, content_hash,"
                    " prev_hash, hash) VALUES (now(), 'bench', '', '', 'command', 'bench.explain', 'bench.row', %s,"
                    " '', NULL, '{\"i\": 1}', '01', %s, '', '')", [str(i), "a" * 64])
                plan = "\n".join(r[0] for r in cur.fetchall())
                seal = re.search(r"Trigger for constraint audit_chain_seal: time=([0-9.]+)", plan)
                insert = re.search(r"Execution Time: ([0-9.]+)", plan)
                times.append((float(seal.group(1)), float(insert.group(1))))
            transaction.set_rollback(True)
        times = times[20:]  # warm-up
        result["seal_trigger_ms_median"] = round(statistics.median(t[0] for t in times), 4)
        result["insert_with_seal_ms_median"] = round(statistics.median(t[1] for t in times), 4)
    return result


def truncate():
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE audit_auditentry, audit_chainhead")
        else:
            cur.execute("DELETE FROM audit_auditentry")
            cur.execute("DELETE FROM audit_chainhead")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--truncate", action="store_true", help="empty a non-empty audit trail first")
    parser.add_argument("--name", default="")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection

    from chinhquyenso.audit import chain
    from chinhquyenso.audit.models import AuditEntry

    if AuditEntry.objects.exists() and not args.truncate:
        sys.exit("The audit trail of this database is not empty: use a scratch database, or --truncate.")
    truncate()
    rows = []
    for threads in (1, args.threads):
        for kind in ("baseline", "chained"):
            rows.append(run(kind, args.entries, threads))
            print(rows[-1], flush=True)
            truncate()
    batch = []
    for _ in range(3):  # alternate, so drift in the machine's load hits both alike
        for kind in ("baseline", "chained"):
            batch.append(in_one_transaction(kind, args.entries))
            print(batch[-1], flush=True)
            truncate()
    per_entry = {k: statistics.median(b["us_per_entry"] for b in batch if b["kind"] == k)
                 for k in ("baseline", "chained")}
    parts = components()
    print(parts, flush=True)
    # the verification walk, over a chain as long as the runs wrote
    for _ in range(2):
        run("chained", args.entries, args.threads)
    count = AuditEntry.objects.count()
    t = time.perf_counter()
    result = chain.verify()
    walk = time.perf_counter() - t
    assert result.broken is None and result.checked == count, result
    truncate()

    base1, chain1 = rows[0], rows[1]
    baseN, chainN = rows[2], rows[3]
    summary = {
        "database": connection.vendor, "entries": args.entries, "threads": args.threads, "runs": rows,
        "components": parts,
        "load_average": os.getloadavg(),
        "one_transaction": batch,
        "us_per_entry_in_one_transaction": per_entry,
        "overhead_us_per_entry_in_one_transaction": round(per_entry["chained"] - per_entry["baseline"], 1),
        "overhead_ms_per_entry_1_writer": round(chain1["mean_ms"] - base1["mean_ms"], 3),
        "throughput_ratio_n_writers": round(chainN["entries_per_s"] / baseN["entries_per_s"], 3),
        "verify": {"entries": count, "seconds": round(walk, 3), "entries_per_s": round(count / walk)},
    }
    name = args.name or f"audit-chain-{connection.vendor}"
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(summary, indent=2))
    lines = [
        f"# Audit hash chain — {connection.vendor}, {args.entries} one-entry transactions per run",
        "",
        "| run | writers | entries/s | mean ms | median ms | p95 ms |",
        "|---|---|---|---|---|---|",
        *[f"| {r['kind']} | {r['threads']} | {r['entries_per_s']} | {r['mean_ms']} | {r['median_ms']} | {r['p95_ms']} |"
          for r in rows],
        "",
        f"Overhead per entry, one writer: {summary['overhead_ms_per_entry_1_writer']} ms. "
        f"Throughput with {args.threads} writers, chained / baseline: {summary['throughput_ratio_n_writers']}.",
        f"{args.entries} entries in one transaction (no per-entry fsync), median of 3: "
        f"baseline {per_entry['baseline']} µs/entry, chained {per_entry['chained']} µs/entry "
        f"(+{summary['overhead_us_per_entry_in_one_transaction']} µs).",
        f"Parts: content hash {parts['content_hash_us']} µs in Python"
        + (f"; seal trigger {parts['seal_trigger_ms_median']} ms server time (median; the whole INSERT with it "
           f"{parts['insert_with_seal_ms_median']} ms)" if "seal_trigger_ms_median" in parts else "") + ".",
        f"Load average during the run: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores).",
        f"audit_verify walk: {count} entries in {summary['verify']['seconds']} s "
        f"({summary['verify']['entries_per_s']} entries/s).",
    ]
    (out / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
