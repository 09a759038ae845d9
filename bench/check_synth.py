#!/usr/bin/env python
"""Check a generated province (bench/synth/check.py says what is checked); exit 1 on a failure.

    DATABASE_URL=... .venv/bin/python bench/check_synth.py [--dossiers N --reports N ...]
    DATABASE_URL=... .venv/bin/python bench/check_synth.py --smoke

--smoke first generates a small province into that database (it needs `migrate` and `load_demo`
done; seconds on SQLite), then checks it — the CI form. The counts given are minimums."""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")

SMOKE = {"procedures": 60, "dossiers": 2000, "reports": 300, "questions": 300, "documents": 600}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="generate a small province first, then check")
    for key in SMOKE:
        ap.add_argument(f"--{key}", type=int, default=0, help=f"expect at least this many {key}")
    args = ap.parse_args(argv)
    expect = {k: getattr(args, k) for k in SMOKE}
    t0 = time.perf_counter()
    if args.smoke:
        from bench import generate

        expect = {k: max(v, expect[k]) for k, v in SMOKE.items()}
        generate.main([*(x for k, v in SMOKE.items() for x in (f"--{k}", v)), "--quiet"])
    else:
        import django

        django.setup()
    t1 = time.perf_counter()
    from bench.synth import check

    result = check.run(expect)
    for name, passed, detail in result.results:
        print(f"{'ok  ' if passed else 'FAIL'} {name}" + (f" — {detail}" if detail else ""))
    passed = sum(1 for r in result.results if r[1])
    print(f"synth: {passed} passed, {len(result.failed)} failed"
          + (f" (generate {t1 - t0:.1f} s, " if args.smoke else " (") + f"check {time.perf_counter() - t1:.1f} s)")
    return 1 if result.failed else 0


if __name__ == "__main__":
    sys.exit(main())
