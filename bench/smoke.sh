#!/usr/bin/env bash
# Small IOC benchmark for CI (seconds): on the database DATABASE_URL names (CI: the PostgreSQL demo
# database, after bench/check_synth.py --smoke added a small synthetic province), or on a
# throwaway SQLite database with the demo when DATABASE_URL is unset; 2,000 more synthetic dossiers
# and 200 reports, a rebuild against the baseline scan, and the IOC pages. Fails if anything
# errors; the timings are informative only (targets are checked at scale by bench/ioc.py).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  DIR="$(mktemp -d)"; trap 'rm -rf "$DIR"' EXIT
  export DATABASE_URL="sqlite:///$DIR/bench-smoke.sqlite3"
  .venv/bin/python manage.py migrate -v0
  .venv/bin/python manage.py load_demo >/dev/null
fi
.venv/bin/python bench/ioc.py --dossiers 2000 --reports 200 --runs 3 --name smoke >/dev/null
cat bench/results/smoke.md
