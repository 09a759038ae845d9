#!/usr/bin/env bash
# Tiny IOC benchmark for CI (seconds): a throwaway SQLite database, the demo, 2,000 synthetic
# dossiers and 200 reports, a rebuild and the IOC pages. Fails if anything errors; the timings are
# informative only (targets are checked at scale by bench/ioc.py on PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
DB="$(mktemp -d)/bench-smoke.sqlite3"
export DATABASE_URL="sqlite:///$DB"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_demo >/dev/null
.venv/bin/python bench/ioc.py --dossiers 2000 --reports 200 --runs 3 --name smoke >/dev/null
cat bench/results/smoke.md
rm -rf "$(dirname "$DB")"
