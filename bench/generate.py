#!/usr/bin/env python
"""Synthetic province for benchmarks: deterministic (seeded) and bulk (PostgreSQL COPY; a plain
executemany on SQLite for small sizes), on the demo province's real communes and agencies (run
`manage.py migrate` and `manage.py load_demo` first).

    .venv/bin/python bench/generate.py --dossiers 1000000 --reports 100000 --questions 50000 \\
        --documents 200000 --procedures 2000 [--seed 766] [--years 3] [--rebuild] [--out NAME]

Appends to what is there (codes, numbers and ids continue after the existing ones, and the counters
the services lock are raised past them). Uses DATABASE_URL like manage.py. Prints a JSON summary
with the seconds each part took; --out also writes bench/results/NAME.json and .md.
See bench/README.md ("Synthetic province")."""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")


def parse(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dossiers", type=int, default=2000)
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--questions", type=int, default=0, help="up to 100,000 (the load benchmark searches that many)")
    ap.add_argument("--documents", type=int, default=0)
    ap.add_argument("--procedures", type=int, default=0,
                    help="size of the published catalogue (new procedures are copied from the demo's; 0 = as is)")
    ap.add_argument("--seed", type=int, default=766)
    ap.add_argument("--province", default="38")
    ap.add_argument("--years", type=float, default=3.0, help="length of the period (ending --end)")
    ap.add_argument("--start", default=None, help="first day (default: --years before --end)")
    ap.add_argument("--end", default=None, help="last day (default: today)")
    ap.add_argument("--chunk", type=int, default=25000, help="dossiers per transaction")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the IOC rollups afterwards")
    ap.add_argument("--no-analyze", action="store_true", help="skip ANALYZE of the filled tables (PostgreSQL)")
    ap.add_argument("--out", default=None, help="write bench/results/OUT.json and .md")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args([str(a) for a in argv] if argv is not None else None)
    if not 0 <= args.questions <= 100_000:
        ap.error("--questions: từ 0 đến 100000")
    return args


def main(argv=None) -> dict:
    args = parse(argv)
    import django

    django.setup()
    from django.db import connection, transaction

    from bench.synth import documents, dossiers, procedures, questions, reports
    from bench.synth.base import Context, Writer

    def say(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    from chinhquyenso.workdays.calendar import VN_TZ

    end = datetime.date.fromisoformat(args.end) if args.end else datetime.datetime.now(VN_TZ).date()
    start = (datetime.date.fromisoformat(args.start) if args.start
             else end - datetime.timedelta(days=round(365.25 * args.years)) + datetime.timedelta(days=1))
    t_all = time.perf_counter()
    ctx = Context.load(args.province, args.seed, start, end)
    w = Writer()
    out = {"database": connection.vendor, "seed": args.seed, "start": start.isoformat(), "end": end.isoformat(),
           "requested": {"procedures": args.procedures, "dossiers": args.dossiers, "reports": args.reports,
                         "questions": args.questions, "documents": args.documents},
           "seconds": {}, "cpu_seconds": {"python": {}, "postgres": {}}, "rows": {}}

    def part(name, fn, module):
        t, cpu, pg_cpu = time.perf_counter(), time.process_time(), w.server_cpu()
        with w.bulk(*module.MODELS):
            result = fn()
        out["seconds"][name] = round(time.perf_counter() - t, 1)
        out["cpu_seconds"]["python"][name] = round(time.process_time() - cpu, 1)
        if pg_cpu is not None:
            out["cpu_seconds"]["postgres"][name] = round(w.server_cpu() - pg_cpu, 1)
        out["rows"][name] = result
        say(f"{name}: {out['seconds'][name]} s {json.dumps(result, ensure_ascii=False)}")

    part("procedures", lambda: procedures.generate(ctx, w, args.procedures), procedures)
    def last_id(table: str) -> int:
        with connection.cursor() as cur:
            cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 — a constant table name
            return cur.fetchone()[0]

    def refresh_summaries(label: str, summary, before: int) -> None:
        """The loaded rows' summary columns (their child tables' triggers were off during the COPY)."""
        if not w.pg:
            return
        t = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")  # no IOC journal rows: rebuild
            cur.execute(summary.refresh_sql("d.id > %s"), [before])
        out["seconds"][label] = round(time.perf_counter() - t, 1)
        say(f"{label}: {out['seconds'][label]} s")

    from chinhquyenso.documents.summary import SUMMARY as document_summary
    from chinhquyenso.dossiers.summary import SUMMARY as dossier_summary

    before = last_id("dossiers_dossier")
    t0 = time.perf_counter()
    part("dossiers", lambda: dossiers.generate(
        ctx, w, args.dossiers, chunk=args.chunk,
        progress=lambda n: say(f"  {n} hồ sơ ({time.perf_counter() - t0:.0f} s)")), dossiers)
    refresh_summaries("dossier_summaries", dossier_summary, before)
    part("reports", lambda: reports.generate(ctx, w, args.reports), reports)
    part("questions", lambda: questions.generate(ctx, w, args.questions), questions)
    before = last_id("documents_document")
    part("documents", lambda: documents.generate(ctx, w, args.documents), documents)
    refresh_summaries("document_summaries", document_summary, before)
    if w.pg and not args.no_analyze:
        from bench.synth.base import filled_models

        t = time.perf_counter()
        w.analyze(*filled_models())
        out["seconds"]["analyze"] = round(time.perf_counter() - t, 1)
    out["seconds"]["generate_total"] = round(time.perf_counter() - t_all, 1)
    out["write_seconds_by_table"] = {k: round(v, 1) for k, v in sorted(w.flush_seconds.items(), key=lambda x: -x[1])}
    if args.rebuild:
        from chinhquyenso.dashboard.rollups import rebuild

        t = time.perf_counter()
        out["rebuild"] = rebuild()
        out["seconds"]["rebuild"] = round(time.perf_counter() - t, 1)
    # Kept for bench/ioc.py and older readers.
    out["dossiers"], out["reports"] = out["rows"]["dossiers"]["dossiers"], out["rows"]["reports"]["reports"]
    out["dossier_seconds"], out["report_seconds"] = out["seconds"]["dossiers"], out["seconds"]["reports"]
    if "rebuild" in out["seconds"]:
        out["rebuild_seconds"] = out["seconds"]["rebuild"]
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    if args.out:
        write_results(args.out, out)
    if not args.quiet:
        print(json.dumps(out, ensure_ascii=False))
    return out


def write_results(name: str, out: dict) -> None:
    folder = ROOT / "bench" / "results"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    req = out["requested"]
    md = [f"# Synthetic province — {out['database']}", "",
          f"Seed {out['seed']}, period {out['start']} → {out['end']}; requested: "
          + ", ".join(f"{v:,} {k}" for k, v in req.items()) + ".", "",
          "| Part | Seconds | Rows |", "|---|---:|---|"]
    for key, secs in out["seconds"].items():
        rows = out["rows"].get(key)
        text = ", ".join(f"{k} {v:,}" for k, v in rows.items() if isinstance(v, int)) if isinstance(rows, dict) else ""
        md.append(f"| {key} | {secs} | {text} |")
    mix = out["rows"].get("dossiers", {}).get("status_mix")
    if mix:
        md += ["", "Dossier status mix (national codes): " + ", ".join(f"{k}: {v:,}" for k, v in mix.items()) + "."]
    cpu = out.get("cpu_seconds", {})
    if cpu.get("python"):
        md += ["", "CPU seconds per part (the machine is shared: wall time depends on the others' load, CPU "
                   "time much less):", "", "| Part | Python | PostgreSQL backend |", "|---|---:|---:|"]
        for key, secs in cpu["python"].items():
            md.append(f"| {key} | {secs} | {cpu.get('postgres', {}).get(key, '')} |")
    if out.get("write_seconds_by_table"):
        md += ["", "Wall seconds writing (COPY per table; indexes rebuilt and foreign keys validated at the end "
                   "of each part): " + ", ".join(f"{k} {v}" for k, v in out["write_seconds_by_table"].items()
                                                 if v >= 0.5) + "."]
    md += ["", f"Load average at the end: {', '.join(str(x) for x in out['load_average'])} (2-core machine, shared)."]
    (folder / f"{name}.md").write_text("\n".join(md) + "\n")


if __name__ == "__main__":
    main()
