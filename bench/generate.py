#!/usr/bin/env python
"""Synthetic province for benchmarks and screenshots: deterministic (seeded), bulk inserts, the demo
province's real communes (run `manage.py migrate` and `manage.py load_demo` first).

    .venv/bin/python bench/generate.py --dossiers 200000 --reports 20000 [--seed 766] [--rebuild]

Uses DATABASE_URL like manage.py. Never run by the tests."""

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


def main(argv=None) -> dict:
    import django

    django.setup()
    from bench.synth import dossiers, reports
    from bench.synth.base import Context

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--dossiers", type=int, default=2000)
    ap.add_argument("--reports", type=int, default=200)
    ap.add_argument("--seed", type=int, default=766)
    ap.add_argument("--province", default="38")
    ap.add_argument("--start", default="2025-07-01")
    ap.add_argument("--end", default=None, help="last day (default: today)")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the IOC rollups afterwards")
    args = ap.parse_args(argv)
    end = datetime.date.fromisoformat(args.end) if args.end else datetime.date.today()
    ctx = Context.load(args.province, args.seed, datetime.date.fromisoformat(args.start), end)
    from chinhquyenso.dossiers.models import Dossier

    first = Dossier.objects.filter(code__startswith=f"SYN-{args.province}-").count() + 1
    t0 = time.perf_counter()
    dossiers.generate(ctx, args.dossiers, start_number=first,
                      progress=lambda n: print(f"  {n} hồ sơ ({time.perf_counter() - t0:.0f} s)", file=sys.stderr))
    t1 = time.perf_counter()
    from chinhquyenso.feedback.models import Report

    reports.generate(ctx, args.reports, start_number=Report.objects.filter(number__startswith="SYN-").count() + 1)
    t2 = time.perf_counter()
    out = {"dossiers": args.dossiers, "reports": args.reports, "seed": args.seed,
           "dossier_seconds": round(t1 - t0, 1), "report_seconds": round(t2 - t1, 1)}
    if args.rebuild:
        from chinhquyenso.dashboard.rollups import rebuild

        rebuild()
        out["rebuild_seconds"] = round(time.perf_counter() - t2, 1)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
