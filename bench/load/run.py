#!/usr/bin/env python
# ruff: noqa: S603, S607 — a developer tool: fixed commands (wrk, granian, psql, our manage.py).
"""Load benchmark: the project under granian (WSGI, 2 workers, production settings, WhiteNoise) on
loopback, on PostgreSQL, driven by wrk; every figure reported with its ratio to a baseline measured
in the same run (docs: bench/README.md, "Load benchmarks").

    .venv/bin/python bench/load/run.py                  # full run on cqs_load (fills it first)
    .venv/bin/python bench/load/run.py --fresh          # drop, migrate and load_demo first
    DATABASE_URL=postgres://… .venv/bin/python bench/load/run.py --smoke   # CI: < 2 minutes
    .venv/bin/python bench/load/run.py --only counter   # framework ceiling, counter reception, database ceiling
    .venv/bin/python bench/load/run.py --only counter --rollups-in-task   # IOC fold in a db_worker task

The counter reception is reported with the CPU it costs per request (granian processes, this
database's PostgreSQL backends, the task worker) and with what the database's backends wait on
(pg_stat_activity sampled every 50 ms): where the time goes, not only how much there is.

Writes bench/results/load-<date>.json and .md (smoke: var/bench-load/load-smoke.*). Exits 1 when a
request fails or a page errors (targets missed are reported, not failed)."""

import argparse
import contextlib
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
PY = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/cqs_load"

from bench.load import server as srv  # noqa: E402
from bench.load import wrk  # noqa: E402


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def manage(*args, env: dict, quiet: bool = True) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env={**os.environ, **env}, check=True,
                   stdout=subprocess.DEVNULL if quiet else None)


def fresh_database(url: str, env: dict) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    log(f"migrate + load_demo on {name}")
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_demo", env=env)


def collect_static(env: dict) -> None:
    """Production collectstatic (hashed names, gzip + brotli) into var/bench-load/static, skipped
    when the manifest is newer than every source static file (it takes minutes on 2 cores)."""
    from django.contrib.staticfiles import finders

    manifest = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    if manifest.exists():
        newest = max((storage.path(path) for finder in finders.get_finders()
                      for path, storage in finder.list([])), key=lambda p: Path(p).stat().st_mtime)
        if Path(newest).stat().st_mtime < manifest.stat().st_mtime:
            return
    log("collectstatic (production storage: hashed, compressed)")
    t = time.perf_counter()
    manage("collectstatic", "--noinput", "-v0", env=env)
    log(f"  {time.perf_counter() - t:.0f} s")


def generator_options() -> str:
    return subprocess.run([PY, "bench/generate.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ}).stdout


def fill(args, env: dict) -> dict:
    """Bring the database to the requested totals (dossiers, field reports, Q&A entries) through
    bench/generate.py, which appends; questions through bench/load/data.fill_questions when the
    generator has no --questions. Then the IOC rollups rebuilt."""
    from bench.load import data
    from chinhquyenso.dossiers.models import Dossier
    from chinhquyenso.feedback.models import Report
    from chinhquyenso.questions.models import Question

    out = {}
    want = {"--dossiers": args.dossiers - Dossier.objects.count(), "--reports": args.reports - Report.objects.count()}
    questions_by_generator = "--questions" in generator_options()
    if questions_by_generator:
        want["--questions"] = args.questions - Question.objects.count()
    gen_args = [str(x) for k, n in want.items() for x in (k, max(0, n))]
    t = time.perf_counter()
    if any(n > 0 for n in want.values()):
        log(f"bench/generate.py {' '.join(gen_args)} --rebuild")
        subprocess.run([PY, "bench/generate.py", *gen_args, "--rebuild", "--quiet"], cwd=ROOT,
                       env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
        out["generate_seconds"] = round(time.perf_counter() - t, 1)
    elif args.rebuild:
        from chinhquyenso.dashboard.rollups import rebuild

        log("IOC rollups rebuild")
        rebuild()
        out["rebuild_seconds"] = round(time.perf_counter() - t, 1)
    if not questions_by_generator and Question.objects.count() < args.questions:
        log("bulk fill of published questions (bench/load/data.py)")
        t = time.perf_counter()
        data.fill_questions(args.questions - Question.objects.count() + data.published_questions(data.province()),
                            progress=lambda n: log(f"  {n} questions"))
        out["questions_fill_seconds"] = round(time.perf_counter() - t, 1)
    out["questions_source"] = "bench/generate.py" if questions_by_generator else "bench/load/data.fill_questions"
    return out


def sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        counts = {}
        for key, table in (("dossiers", "dossiers_dossier"), ("process_log", "dossiers_processlogentry"),
                           ("audit", "audit_auditentry"), ("reports", "feedback_report"),
                           ("questions", "questions_question"), ("rollups", "dashboard_rollup")):
            cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — constant table names
            counts[key] = cur.fetchone()[0]
        cur.execute("SELECT COUNT(*) FROM questions_question WHERE status = 'published' AND NOT is_hidden")
        counts["questions_published"] = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        counts["database_size"] = cur.fetchone()[0]
    return counts


def vacuum(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def machine() -> dict:
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return ""

    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    mem = next((ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")), "0")
    from django.db import connection

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(int(mem) / 1024 / 1024, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "postgresql": connection.pg_version if connection.vendor == "postgresql" else connection.vendor,
            "granian": first([str(ROOT / ".venv/bin/granian"), "--version"]),
            "wrk": first(["wrk", "-v"]), "chromium": first([os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium"),
                                                            "--version"])}


def preflight(base: str, checks: list[tuple[str, str, str, dict, int, str]]) -> list[str]:
    """One request per measured endpoint before any load: the expected status and a marker in the
    body, so a benchmark of error pages cannot pass for one of real pages."""
    import urllib.error
    import urllib.request

    problems = []
    for name, method, path, headers, status, marker in checks:
        body = headers.pop("__body__", None)
        req = urllib.request.Request(base + path, method=method, headers=headers,  # noqa: S310
                                     data=body.encode() if body else None)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
                got, text = r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as err:
            got, text = err.code, err.read().decode("utf-8", "replace")
        if got != status or marker not in text:
            problems.append(f"{name}: {method} {path} → {got} (expected {status} with “{marker}”)")
    return problems


class WaitSampler:
    """What this database's active backends are doing, sampled every 50 ms in a thread of its own
    (its own connection) during a measured run: the share of samples per wait event tells lock
    waits (Lock, LWLock), WAL flushes (IO WALSync/WALWrite) and client round trips (Client)
    from running (no wait event: on CPU)."""

    def __init__(self, url: str, interval: float = 0.05):
        import threading

        self.url, self.interval, self.counts, self.samples = url, interval, {}, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.wait(self.interval):
                rows = conn.execute(
                    "SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU'), left(query, 40) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid()").fetchall()
                self.samples += 1
                for event, query in rows:
                    if event.startswith("Lock") or event.startswith("LWLock"):
                        event = f"{event} ({' '.join(query.split()[:3])})"
                    self.counts[event] = self.counts.get(event, 0) + 1

    def __enter__(self) -> "WaitSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def result(self) -> dict:
        """Average number of active backends in each state (backends × time / time)."""
        if not self.samples:
            return {}
        top = sorted(self.counts.items(), key=lambda kv: -kv[1])[:8]
        return {event: round(n / self.samples, 2) for event, n in top}


def measure_http(base: str, plan: dict, *, duration: float, warmup: float, cpu=None) -> dict:
    """wrk per endpoint: a short warm-up, then the measured run. `cpu`: a callable giving CPU seconds
    used so far per part (server, database…); the measured run's share is reported per request."""
    results = {}
    for key, spec in plan.items():
        log(f"wrk {key} c={spec['connections']}")
        if warmup:
            wrk.run(base, spec["requests"], connections=spec["connections"], duration=warmup,
                    headers=spec.get("headers"), xff=spec.get("xff", False))
        before = cpu() if cpu else {}
        with WaitSampler(spec["sample_waits"]) if spec.get("sample_waits") else contextlib.nullcontext() as sampler:
            results[key] = wrk.run(base, spec["requests"], connections=spec["connections"], duration=duration,
                                   threads=2 if spec["connections"] >= 8 else 1,
                                   headers=spec.get("headers"), xff=spec.get("xff", False))
        if sampler:
            results[key]["database_backends_by_wait"] = sampler.result()
        results[key]["load_average"] = [round(x, 2) for x in os.getloadavg()]
        if cpu and results[key]["requests"]:
            after = cpu()
            results[key]["cpu_ms_per_request"] = {
                part: round((after[part] - before.get(part, 0.0)) * 1000 / results[key]["requests"], 2)
                for part in after}
        log(f"  {results[key]['rps']} req/s, p99 {results[key]['p99_ms']} ms, errors {results[key]['errors']}"
            + (f", CPU ms/request {results[key]['cpu_ms_per_request']}" if "cpu_ms_per_request" in results[key] else ""))
    return results


def cpu_probe(server, worker=None):
    """CPU seconds so far of the granian processes, of this database's PostgreSQL backends (not the
    other databases' on the shared server) and of the task worker, if any. Backends are keyed by
    pid, so one that connects during the run counts from zero."""
    from django.db import connection

    def probe() -> dict:
        with connection.cursor() as cur:
            cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            backends = [row[0] for row in cur.fetchall()]
        out = {"app": sum(srv.cpu_seconds(p) for p in [server.proc.pid, *server.worker_pids()]),
               "database": sum(srv.cpu_seconds(p) for p in backends)}
        if worker is not None:
            out["task_worker"] = srv.cpu_seconds(worker.proc.pid)
        return out

    return probe


def signature_times(runs: int) -> dict:
    """PAdES invisible signature (signatures.services.sign_invisible, B-B, the demo PKI's leader
    key from PKCS#12, cached after the first use), median of `runs`; baseline: the bare RSA-2048
    PKCS#1 v1.5 signature of a SHA-256 digest with a key of the same size (cryptography)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from chinhquyenso.signatures import services
    from chinhquyenso.signatures.models import SigningCredential
    from chinhquyenso.signatures.tests.helpers import sample_pdf

    cred = SigningCredential.objects.filter(is_active=True, owner_user__username="lanhdao").first()
    if cred is None:
        return {"error": "no demo signing credential (load_demo makes one)"}
    pdf = sample_pdf(pages=2)  # a two-page official letter with embedded Vietnamese fonts
    services.sign_invisible(pdf, credential=cred)  # loads and caches the key
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = services.sign_invisible(pdf, credential=cred)
        times.append((time.perf_counter() - t) * 1000)
    assert out.startswith(b"%PDF") and b"/ByteRange" in out
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    base = []
    for _ in range(runs):
        t = time.perf_counter()
        key.sign(b"x" * 32, padding.PKCS1v15(), hashes.SHA256())
        base.append((time.perf_counter() - t) * 1000)
    median, floor = statistics.median(times), statistics.median(base)
    return {"runs": runs, "median_ms": round(median, 1), "p90_ms": round(sorted(times)[int(runs * 0.9) - 1], 1),
            "pdf_bytes": len(pdf), "baseline_rsa_sign_ms": round(floor, 2), "ratio_to_rsa": round(median / floor, 1)}



def measure_counter(base: str, officers: list[dict], conns: int, duration: float, warmup: float, cpu=None) -> dict:
    """POST /api/v1/dossiers/counter: each request from one of the officers (token + body of
    their own centre), rotated, so receptions at several centres run in parallel as in a
    province; every 201 is a real dossier (code, due date, receipt, log, audit)."""
    reqs = [("POST", "/api/v1/dossiers/counter", o["body"], f"Authorization: Bearer {o['token']}") for o in officers]
    plan = {"counter_reception": {"requests": reqs, "connections": conns, "sample_waits": os.environ["DATABASE_URL"],
                                  "headers": {"Content-Type": "application/json"}}}
    return measure_http(base, plan, duration=duration, warmup=warmup, cpu=cpu)


def citizen_pages(base: str, citizen_session: str, wizard_path: str, smoke: bool) -> list[dict]:
    from bench.load import pages

    specs = [
        {"name": "home", "path": "/"},
        {"name": "procedure catalogue", "path": "/thu-tuc/"},
        {"name": "filing wizard, first step (signed in)", "path": wizard_path,
         "cookies": [{"name": "sessionid", "value": citizen_session}], "cookie_header": f"sessionid={citizen_session}"},
        {"name": "dossier lookup", "path": "/ho-so/tra-cuu/"},
        {"name": "field report form", "path": "/phan-anh/gui/"},
    ]
    baseline = {"name": "baseline: 1 small JSON response", "path": "/__bench__/ping"}
    network = pages.FAST if smoke else pages.SLOW
    log(f"Chromium: {len(specs)} citizen pages, network {network}")
    measured = pages.measure(base, [baseline, *specs], network)
    base_load = measured[0]["load_s"] or 0
    for m in measured[1:]:
        m["load_over_baseline"] = round(m["load_s"] / base_load, 1) if m["load_s"] and base_load else None
        log(f"  {m['name']}: {m['served_kb']} KB as served, load {m['load_s']} s")
    return measured


def evaluate(r: dict) -> None:
    h = r["http"]
    ceiling = h["framework_ceiling"]["rps"]
    for m in h.values():
        m["over_framework_ceiling"] = round(m["rps"] / ceiling, 3) if ceiling else None
    db = r["database_ceiling"]["tps"]
    c = h["counter_reception"]
    c["over_database_ceiling"] = round(c["rps"] / db, 3) if db else None
    sig = r["signature"]
    ran = {k: bool(m["requests"]) for k, m in h.items()}
    met = {
        "counter reception ≥ 200/s": c["rps"] >= TARGETS["counter_rps"],
        "counter reception p99 < 250 ms": ran["counter_reception"] and c["p99_ms"] < TARGETS["counter_p99_ms"],
        "counter reception ≥ 30% of database ceiling": (c["over_database_ceiling"] or 0) >= TARGETS["counter_over_db"],
    }
    if "lookup" in h:  # not in a --only counter run
        lk, qa = h["lookup"], h["qa_search_c1"]
        met = {
            "lookup ≥ 50% of framework ceiling": lk["over_framework_ceiling"] >= TARGETS["lookup_rps_over_ceiling"],
            "lookup p99 < 50 ms": ran["lookup"] and lk["p99_ms"] < TARGETS["lookup_p99_ms"],
            **met,
            "Q&A search p95 < 50 ms (1 connection)": ran["qa_search_c1"] and qa["p95_ms"] < TARGETS["search_p95_ms"],
            "Q&A search p95 < 50 ms (all connections)": ran["qa_search"] and h["qa_search"]["p95_ms"] < TARGETS["search_p95_ms"],
        }
    if sig:
        met["PAdES invisible signature ≤ 40 ms"] = "median_ms" in sig and sig["median_ms"] <= TARGETS["signature_median_ms"]
    for p in r.get("pages", [])[1:]:
        met[f"page “{p['name']}” < 60 KB"] = p["served_kb"] < TARGETS["page_kb"]
    r["met"] = met


ROWS = [
    ("framework_ceiling", "Framework ceiling: bare Django view, small JSON"),
    ("lookup", "Public dossier lookup (code + phone)"),
    ("counter_reception", "Counter reception, POST /api/v1/dossiers/counter"),
    ("officer_queue", "Officer queue page (50 rows)"),
    ("officer_queue_c1", "Officer queue page, 1 connection"),
    ("ioc", "IOC page /ioc/ (ioc user)"),
    ("ioc_c1", "IOC page, 1 connection"),
    ("qa_search", "Q&A search /hoi-dap/?q="),
    ("qa_search_c1", "Q&A search, 1 connection"),
]


def write(r: dict, name: str, smoke: bool) -> None:
    out = (srv.VAR if smoke else ROOT / "bench" / "results")
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(r, indent=2, ensure_ascii=False, default=str) + "\n")
    d, m = r["data"], r["machine"]
    md = [f"# Load benchmark — {r['started'][:10]} ({r['kind']})", "",
          f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; PostgreSQL {m['postgresql']}; "
          f"{m['granian']}; {m['wrk']}; {m['chromium']}. Shared with other work: load average at the end "
          f"{', '.join(map(str, r['load_average_end']))}.", "",
          f"Server: {r['settings']}; loopback; wrk with {r['connections']} connections (unless said), "
          f"{r['duration_s']} s per run after a warm-up.", "",
          f"Data: {d['dossiers']:,} dossiers, {d['process_log']:,} process-log rows, {d['audit']:,} audit entries, "
          f"{d['reports']:,} field reports, {d['questions_published']:,} published Q&A entries, {d['rollups']:,} IOC "
          f"rollups; database {d['database_size']}.", "",
          "| Measure | req/s | p50 ms | p95 ms | p99 ms | errors | ratio | load avg |", "|---|---|---|---|---|---|---|---|"]
    h = r["http"]
    for key, label in ROWS:
        if key not in h:
            continue
        x = h[key]
        ratio = f"{x['over_framework_ceiling']:.2f} × framework"
        if key == "counter_reception":
            ratio += f"; {x['over_database_ceiling']:.2f} × database"
        if key == "framework_ceiling":
            ratio = "1 (baseline)"
        md.append(f"| {label} (c={x['connections']}) | {x['rps']} | {x['p50_ms']} | {x['p95_ms']} | {x['p99_ms']} | "
                  f"{x['errors']} | {ratio} | {x['load_average'][0]} |")
    cpu = h.get("counter_reception", {}).get("cpu_ms_per_request")
    if cpu:
        md += ["", "CPU per counter reception during the measured run (ms; /proc of the granian processes, of this "
                   "database's PostgreSQL backends" + (", of the task worker" if "task_worker" in cpu else "") + "): "
               + ", ".join(f"{k} {v}" for k, v in cpu.items()) + f" — {sum(cpu.values()):.1f} ms in all, on 2 cores."]
    waits = h.get("counter_reception", {}).get("database_backends_by_wait")
    if waits:
        md += ["", "This database's active backends during the counter run, on average, by wait event (CPU = none): "
               + ", ".join(f"{k} {v}" for k, v in waits.items()) + "."]
    db = r["database_ceiling"]
    md += ["", "Database ceiling (the counter reception's rows in raw SQL, psycopg, server stopped): " +
           ", ".join(f"{x['clients']} client(s) {x['tps']} tx/s" for x in db["runs"]) + f" → ceiling **{db['tps']} tx/s**."]
    sig = r["signature"]
    if "median_ms" in sig:
        md += ["", f"PAdES invisible signature (signatures.services.sign_invisible, B-B, cached PKCS#12 key, "
                   f"{sig['pdf_bytes']:,}-byte PDF): median **{sig['median_ms']} ms** of {sig['runs']} (p90 {sig['p90_ms']} ms);"
                   f" baseline bare RSA-2048 signature {sig['baseline_rsa_sign_ms']} ms → {sig['ratio_to_rsa']} ×."]
    if r.get("pages"):
        profile = "no throttling (smoke)" if r["kind"] == "smoke" else "400 kbit/s down/up and 400 ms RTT"
        md += ["", f"Citizen pages, first load in headless Chromium, cache off, {profile}; "
                   "size = compressed bytes as served (`Accept-Encoding: br, gzip`) of everything the page loads from us "
                   "(map tiles excluded); transfer = what Chromium received over plain HTTP (gzip only, headers included).",
               "", "| Page | KB as served | HTML encoding | transfer KB | requests | load s | × baseline load |",
               "|---|---|---|---|---|---|---|"]
        for p in r["pages"]:
            md.append(f"| {p['name']} (`{p['path']}`) | {p['served_kb']} | {p['html_encoding']} | "
                      f"{p['transfer_kb_chromium']} | {p['requests']} | {p['load_s']} | {p.get('load_over_baseline', 1)} |")
    md += ["", "Targets:", ""] + [f"- {k}: **{'met' if v else 'MISSED'}**" for k, v in r["met"].items()]
    if r.get("failures"):
        md += ["", "Failures:", ""] + [f"- {f}" for f in r["failures"]]
    if r.get("notes"):
        md += ["", "Notes:", ""] + [f"- {n}" for n in r["notes"]]
    (out / f"{name}.md").write_text("\n".join(md) + "\n")
    print("\n".join(md))


TARGETS = {
    "lookup_rps_over_ceiling": 0.5, "lookup_p99_ms": 50,
    "counter_rps": 200, "counter_p99_ms": 250, "counter_over_db": 0.3,
    "search_p95_ms": 50, "signature_median_ms": 40, "page_kb": 60,
}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="CI: tiny durations, few connections, small data (< 2 min)")
    ap.add_argument("--fresh", action="store_true", help="drop and re-create the database, migrate, load_demo")
    ap.add_argument("--dossiers", type=int, default=None, help="synthetic dossiers wanted (default 200000; smoke 0)")
    ap.add_argument("--reports", type=int, default=None, help="synthetic field reports wanted (default 20000)")
    ap.add_argument("--questions", type=int, default=None, help="published Q&A entries wanted (default 100000)")
    ap.add_argument("--duration", type=float, default=None, help="seconds per measured wrk run (default 10)")
    ap.add_argument("--connections", type=int, default=None, help="wrk connections (default 16)")
    ap.add_argument("--officers", type=int, default=16, help="commune one-stop centres receiving in parallel")
    ap.add_argument("--no-pages", action="store_true", help="skip the Chromium page measurements")
    ap.add_argument("--threads", type=int, default=8, help="granian blocking threads (and backpressure) per worker")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the IOC rollups even when nothing was generated")
    ap.add_argument("--only", choices=("all", "counter"), default="all",
                    help="counter: the framework ceiling, the counter reception and the database ceiling only")
    ap.add_argument("--rollups-in-task", action="store_true",
                    help="the server with DASHBOARD_ROLLUPS_IN_TASK=1, and a db_worker on the rollups queue running "
                         "during the measurements (the IOC fold is deferred, still paid on this machine)")
    ap.add_argument("--name", default=None)
    args = ap.parse_args(argv)
    counter_only = args.only == "counter"
    smoke = args.smoke
    # A SIGTERM (CI's timeout, Ctrl-C from a wrapper) unwinds like an exception: the server stops.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args.dossiers = args.dossiers if args.dossiers is not None else (0 if smoke else 200_000)
    args.reports = args.reports if args.reports is not None else (0 if smoke else 20_000)
    args.questions = args.questions if args.questions is not None else (500 if smoke else 100_000)
    duration = args.duration or (2 if smoke else 10)
    warmup = 1 if smoke else 3
    conns = args.connections or (4 if smoke else 16)
    url = os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not url.startswith("postgres"):
        raise SystemExit("Cần PostgreSQL: DATABASE_URL=postgres://…/<cơ sở dữ liệu riêng cho benchmark>")
    env = srv.production_env(url)
    env["DASHBOARD_ROLLUPS_IN_TASK"] = "1" if args.rollups_in_task else "0"
    if smoke:
        env["BENCH_STATIC"] = "finders"  # bench/load/settings.py: no collectstatic in CI's minutes
    os.environ.update(env)
    if args.fresh:
        fresh_database(url, env)
    else:  # the code measured is the working tree's: its schema too
        manage("migrate", "--noinput", "-v0", env=env)
    import django

    django.setup()
    from bench.load import data, dbceiling

    result: dict = {"kind": "smoke" if smoke else "full", "started": datetime.datetime.now().isoformat(timespec="seconds"),
                    "database_url": url.split("@")[-1], "settings": "DJANGO_ENV=production, DEBUG off, WhiteNoise "
                    "(compressed manifest), granian WSGI 2 workers, CONN_MAX_AGE 60",
                    "duration_s": duration, "connections": conns, "targets": TARGETS,
                    "only": args.only, "rollups_in_task": args.rollups_in_task}
    result["fill"] = fill(args, env)
    log("VACUUM ANALYZE")
    vacuum(url)
    result["data"] = sizes()
    log(f"data: {result['data']}")
    if not smoke:
        collect_static(env)

    # Who does what: sessions as after the login form, API tokens for one-stop officers.
    officers = data.counter_officers(args.officers)
    if not counter_only:
        sessions = {u: data.session_for(u) for u in ("motcua", "ioc", "congdan")}
        pairs = data.lookup_pairs(2000)
        if not pairs:
            raise SystemExit("Không có hồ sơ để tra cứu: chạy load_demo trước.")
        from urllib.parse import quote, urlencode

        lookups = [("GET", "/ho-so/tra-cuu/?" + urlencode({"ma": c, "dien_thoai": p}), "") for c, p in pairs]
        searches = [("GET", "/hoi-dap/?" + urlencode({"q": q}), "") for q in data.SEARCHES]
        version = data.counter_version(data.province())
        wizard_path = f"/ho-so/nop/{quote(version.procedure.code)}/"
        result["queue_rows"] = data.queue_ready("motcua")

    server = srv.Server(env, threads=args.threads).start()
    result["settings"] += f", granian --blocking-threads {args.threads} --backpressure {args.threads} per worker"
    if args.rollups_in_task:
        result["settings"] += ", DASHBOARD_ROLLUPS_IN_TASK=1 with one db_worker on the rollups queue"
    log(f"granian on {server.base} (workers {server.worker_pids()})")
    worker = srv.TaskWorker(env, queues="rollups").start() if args.rollups_in_task else None
    failures: list[str] = []
    try:
        bearer = {"Authorization": f"Bearer {officers[0]['token']}", "Content-Type": "application/json"}
        checks = [
            ("framework ceiling", "GET", "/__bench__/ping", {}, 200, '"ok": true'),
            ("counter reception", "POST", "/api/v1/dossiers/counter", {**bearer, "__body__": officers[0]["body"]},
             201, '"code"'),
        ]
        plan = {"framework_ceiling": {"requests": [("GET", "/__bench__/ping", "")], "connections": conns}}
        if not counter_only:
            checks[1:1] = [
                ("lookup", "GET", lookups[0][1], {"X-Forwarded-For": "198.18.255.1"}, 200, pairs[0][0]),
                ("officer queue", "GET", "/ho-so/xu-ly/", {"Cookie": f"sessionid={sessions['motcua']}"}, 200, "</html>"),
                ("ioc", "GET", "/ioc/", {"Cookie": f"sessionid={sessions['ioc']}"}, 200, "</html>"),
                ("q&a search", "GET", searches[0][1], {}, 200, "</html>"),
            ]
            plan.update({
                "lookup": {"requests": lookups, "connections": conns, "xff": True},
                "officer_queue": {"requests": [("GET", "/ho-so/xu-ly/", "")], "connections": conns,
                                  "headers": {"Cookie": f"sessionid={sessions['motcua']}"}},
                "officer_queue_c1": {"requests": [("GET", "/ho-so/xu-ly/", "")], "connections": 1,
                                     "headers": {"Cookie": f"sessionid={sessions['motcua']}"}},
                "ioc": {"requests": [("GET", "/ioc/", "")], "connections": conns,
                        "headers": {"Cookie": f"sessionid={sessions['ioc']}"}},
                "ioc_c1": {"requests": [("GET", "/ioc/", "")], "connections": 1,
                           "headers": {"Cookie": f"sessionid={sessions['ioc']}"}},
                "qa_search": {"requests": searches, "connections": conns},
                "qa_search_c1": {"requests": searches, "connections": 1},
            })
        failures += preflight(server.base, checks)
        if failures:
            raise RuntimeError("; ".join(failures))
        result["http"] = measure_http(server.base, plan, duration=duration, warmup=warmup)
        result["http"].update(measure_counter(server.base, officers, conns, duration, warmup,
                                              cpu=cpu_probe(server, worker)))
        try:
            result["pages"] = [] if args.no_pages or counter_only else citizen_pages(
                server.base, sessions["congdan"], wizard_path, smoke)
        except Exception as exc:  # noqa: BLE001 — recorded; the other figures are still written
            failures.append(f"citizen pages: {exc!r}")
            result["pages"] = []
    finally:
        server.stop()
        if worker is not None:
            result["rollups_worker"] = worker.stop()
            result.setdefault("notes", []).append(
                f"IOC rollups folded by a db_worker (queue rollups) during the run: "
                f"{result['rollups_worker'].get('cpu_seconds')} CPU s over all the measurements.")
    # The database ceiling, with the server stopped (the same two cores for the database).
    from chinhquyenso.dossiers.models import Dossier

    template_id = Dossier.objects.filter(submitted_by_id=officers[0]["user_id"]).order_by("-id").values_list(
        "id", flat=True).first()
    t = dbceiling.templates(template_id)
    agencies = [(o["agency_id"], f"A{o['agency_id']}") for o in officers]
    db_runs = []
    for clients in ((1, 2) if smoke else (1, 2, 4)):
        log(f"database ceiling, {clients} client(s)")
        db_runs.append(dbceiling.measure(url, t, agencies, clients=clients, seconds=duration))
        log(f"  {db_runs[-1]['tps']} transactions/s")
    result["database_ceiling"] = {"runs": db_runs, "tps": max(r["tps"] for r in db_runs)}
    if counter_only:
        result["signature"] = {}
    else:
        log("PAdES signature")
        result["signature"] = signature_times(10 if smoke else 50)
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    result["machine"] = machine()
    evaluate(result)
    for key, r in result["http"].items():
        if not r["requests"]:
            failures.append(f"{key}: no request completed in {r['seconds']} s")
        if r["errors"]:
            failures.append(f"{key}: {r['errors']} failed requests of {r['requests']}")
    for p in result.get("pages", []):
        if any(str(x.get("served_encoding", "")).startswith("error") for x in p["resources"]):
            failures.append(f"page {p['name']}: a resource answered with an error")
        if p["load_s"] is None:
            failures.append(f"page {p['name']}: no load event")
    result["failures"] = failures
    write(result, args.name or ("load-smoke" if smoke else f"load-{datetime.date.today():%Y-%m-%d}"), smoke)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
