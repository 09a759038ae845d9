"""Fault test: reception and workflow at load while processes and the database are killed.

    .venv/bin/python bench/faults/run.py [--smoke] [--tasks database|celery] [--keep]

Everything runs on this machine, on loopback only, and stops by itself:

- its OWN PostgreSQL 15 cluster in a temporary directory on a free port (never the shared 5432);
- the schema and the demo province (`--smoke`: only units, agencies, accounts and procedures);
- two application processes (granian, WSGI, one worker each) behind a round-robin proxy
  (proxy.py), two task workers (`db_worker`, or Celery with `--tasks celery`);
- client threads (load.py) receiving dossiers at the counter, walking them through the
  workflow and registering incoming documents, every request logged client-side.

Phase 1 kills -9 one application process and one worker mid-run and restarts them a few seconds
later (as a supervisor would); phase 2 restarts PostgreSQL (`pg_ctl restart -m immediate`)
mid-run. A small supervisor restarts any child that dies on its own (e.g. a worker that lost its
database) and counts it. Then the load stops, the queue drains, the notification sweep runs as
cron would (cron.py), and verify.py checks the invariants. Results: bench/results/faults-<date>
[-smoke][-celery].json and .md; the exit status is 1 when an invariant fails, 2 when the run itself broke.
Every phase has a time limit; children run in their own process groups and are killed, and the
temporary cluster removed, on every exit path."""

from __future__ import annotations

import argparse
import atexit
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.faults import procs  # noqa: E402
from bench.faults.cluster import Cluster, free_port  # noqa: E402
from bench.faults.load import Client, Config, Log  # noqa: E402
from bench.faults.proxy import Proxy  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
if not Path(PY).exists():
    PY = sys.executable


class RunBroken(Exception):
    pass


def say(msg: str) -> None:
    print(f"[faults {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def child(args: list[str], env: dict, timeout: float, what: str) -> str:
    try:
        r = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    except subprocess.TimeoutExpired:
        raise RunBroken(f"{what}: no result within {timeout:.0f} s") from None
    if r.returncode != 0:
        raise RunBroken(f"{what} failed ({r.returncode}): {(r.stderr or r.stdout)[-3000:]}")
    return r.stdout


class Supervisor(threading.Thread):
    """Restarts a child that died when it was not killed on purpose (systemd Restart=always)."""

    def __init__(self, managed: list[procs.Managed]):
        super().__init__(name="supervisor", daemon=True)
        self.managed = managed
        self.down: set[str] = set()  # names killed on purpose, restarted by the scenario
        self.crashes: dict[str, int] = {}
        self.halt = threading.Event()
        self.lock = threading.Lock()

    def run(self) -> None:
        while not self.halt.wait(1.0):
            with self.lock:
                for m in self.managed:
                    if m.name not in self.down and not m.alive():
                        self.crashes[m.name] = self.crashes.get(m.name, 0) + 1
                        say(f"{m.name} exited on its own (code {m.proc.returncode if m.proc else '?'}); restarting")
                        m.start()


def main() -> int:  # noqa: C901, PLR0915 — one linear scenario reads best in one place
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="short run for CI (light demo, short phases)")
    parser.add_argument("--phase-seconds", type=float, help="load time per phase (default 25 smoke, 90 full)")
    parser.add_argument("--clients", type=int, help="client threads (default 4 smoke, 6 full)")
    parser.add_argument("--tasks", choices=["database", "celery"], default="database")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/15", help="Celery broker (loopback only)")
    parser.add_argument("--pg-restart-mode", choices=["fast", "immediate"], default="immediate")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, data) for inspection")
    parser.add_argument("--results", default=str(ROOT / "bench" / "results"))
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "cqs-faults"),
                        help="folder for a dump of the migrated demo database, keyed by the migrations and demo "
                             "loaders ('none': always migrate)")
    args = parser.parse_args()
    smoke = args.smoke
    phase_s = args.phase_seconds or (25.0 if smoke else 90.0)
    n_clients = args.clients or (4 if smoke else 6)
    started = time.time()
    tmp = Path(tempfile.mkdtemp(prefix="cqs-faults-"))
    cluster = Cluster(tmp / "pg")
    proxy: Proxy | None = None
    report: dict = {
        "run": {"mode": "smoke" if smoke else "full", "tasks_backend": args.tasks, "phase_seconds": phase_s,
                "clients": n_clients, "pg_restart_mode": args.pg_restart_mode, "host": platform.node(),
                "cpus": os.cpu_count(), "started": datetime.datetime.now().isoformat(timespec="seconds")},
        "timings": {}, "events": [],
    }

    def event(what: str, **kw) -> None:
        report["events"].append({"t": round(time.time() - started, 1), "what": what, **kw})
        say(what + (f" {kw}" if kw else ""))

    def cleanup() -> None:
        if proxy is not None:
            proxy.stop()
        procs.stop_all()
        if args.tasks == "celery" and args.broker.startswith("redis://"):
            forget_redis_keys(args.broker, f"faults{os.getpid()}-")
        if args.keep:
            cluster.stop()
            say(f"kept {tmp}")
        else:
            cluster.remove()
            shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(cleanup)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(2))

    supervisor: Supervisor | None = None
    try:
        # --- setup ---------------------------------------------------------------------------
        t0 = time.monotonic()
        cluster.init()
        cluster.start()
        cluster.create_db()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "TASKS_", "CELERY_"))}
        env.update(DATABASE_URL=cluster.url, DJANGO_DEBUG="0", LOG_LEVEL="WARNING", PYTHONPATH=str(ROOT / "src"),
                   MEDIA_ROOT=str(tmp / "media"), DVCQG_DIRECTORY=str(tmp / "dvcqg"), SIGNATURES_DIR=str(tmp / "signing"),
                   STATIC_ROOT=str(tmp / "static"), DJANGO_SETTINGS_MODULE="chinhquyenso.settings",
                   PYTHONUNBUFFERED="1")
        if args.tasks == "celery":
            if not (ROOT / "src" / "chinhquyenso" / "core" / "tasks_celery.py").exists():
                raise RunBroken("--tasks celery needs src/chinhquyenso/core/tasks_celery.py")
            prefix = f"faults{os.getpid()}-"
            env.update(TASKS_BACKEND="celery", CELERY_BROKER_URL=args.broker, CELERY_QUEUE_PREFIX=prefix)
        report["timings"]["cluster_s"] = round(time.monotonic() - t0, 1)
        t0 = time.monotonic()
        key = schema_key(smoke)
        cached = Path(args.cache) / f"{key}.dump" if args.cache != "none" else None
        hit = cached is not None and cached.exists() and cached.with_suffix(".json").exists()
        report["run"]["schema_cache"] = "hit" if hit else ("miss" if cached else "off")
        if hit:
            cluster.restore(cached)
        else:
            child([PY, "manage.py", "migrate", "--noinput", "-v", "0"], env, 900, "migrate")
        report["timings"]["migrate_s"] = round(time.monotonic() - t0, 1)
        # The application processes import Django while the demo loads (they touch the database
        # only when the first request comes).
        logs = tmp / "logs"
        logs.mkdir()
        app_ports = [free_port(), free_port()]
        apps = [procs.Managed(f"app{i + 1}", [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--host",
                                              "127.0.0.1", "--port", str(port), "--workers", "1", "--blocking-threads",
                                              "4", "--no-access-log", "--log-level", "warning",
                                              "chinhquyenso.wsgi:application"], env, logs, ROOT)
                for i, port in enumerate(app_ports)]
        if args.tasks == "celery":
            queues = ",".join(env["CELERY_QUEUE_PREFIX"] + q for q in
                              ["default", "notifications", "signing", "national_sync", "exchange", "rollups"])
            wcmd = [str(ROOT / ".venv/bin/celery"), "-A", "chinhquyenso.celery_app", "worker", "-Q", queues, "-c", "1",
                    "--pool", "solo", "--loglevel", "WARNING", "-n"]
            workers = [procs.Managed(f"worker{i}", [*wcmd, f"faults{i}-{os.getpid()}@%h"], env, logs, ROOT)
                       for i in (1, 2)]
        else:
            workers = [procs.Managed(f"worker{i}", [PY, "manage.py", "db_worker", "--queue-name", "*", "--interval",
                                                    "0.5", "--no-reload", "-v", "1"], env, logs, ROOT)
                       for i in (1, 2)]
        for m in apps:
            m.start()
        t0 = time.monotonic()
        if hit:
            setup = json.loads(cached.with_suffix(".json").read_text())
        else:
            setup = json.loads(child([PY, "bench/faults/setup_db.py", *(["--light"] if smoke else [])], env,
                                     600 if smoke else 1200, "demo setup").strip().splitlines()[-1])
            if cached is not None:
                cluster.dump(cached)
                cached.with_suffix(".json").write_text(json.dumps(setup))
        report["timings"]["demo_s"] = round(time.monotonic() - t0, 1)
        cluster.durable()
        event("database ready", port=cluster.port, procedure=setup["procedure_code"])
        for m in workers:
            m.start()
        for port in app_ports:
            if not procs.wait_http(port, timeout=90):
                raise RunBroken(f"application on port {port} did not answer within 90 s")
        proxy_port = free_port()
        proxy = Proxy(proxy_port, app_ports)
        proxy.start()
        supervisor = Supervisor([*apps, *workers])
        supervisor.start()
        event("processes up", apps=app_ports, proxy=proxy_port)

        # --- load with faults -------------------------------------------------------------------
        client_log = Log(str(tmp / "client.jsonl"))
        cfg = Config(port=proxy_port, tokens=setup["tokens"], reception_agency_id=setup["reception_agency_id"],
                     procedure_version_id=setup["procedure_version_id"], components=setup["components"],
                     clerk_agency_id=setup["clerk_agency_id"])
        stop_clients = threading.Event()
        load_started = time.time()
        clients = [Client(i, cfg, client_log, stop_clients, seed=1000 + i) for i in range(n_clients)]
        for c in clients:
            c.start()

        def kill_and_restart(m: procs.Managed, down_s: float) -> None:
            with supervisor.lock:
                supervisor.down.add(m.name)
                m.kill9()
            event(f"kill -9 {m.name}")
            time.sleep(down_s)
            with supervisor.lock:
                m.start()
                supervisor.down.discard(m.name)
            event(f"restarted {m.name}")

        # Phase 1: processes killed.
        phase1_end = time.monotonic() + phase_s
        time.sleep(phase_s * 0.35)
        def kill_pair(i: int, down_s: float) -> None:
            """kill -9 app i and worker i at the same moment; both back after down_s."""
            killers = [threading.Thread(target=kill_and_restart, args=(m, down_s)) for m in (apps[i], workers[i])]
            for k in killers:
                k.start()
            for k in killers:
                k.join(30)

        kill_pair(0, 3.0)
        if not smoke:
            time.sleep(phase_s * 0.25)
            kill_pair(1, 5.0)
        time.sleep(max(0.0, phase1_end - time.monotonic()))
        report["after_phase1_requests"] = client_log.count

        # Phase 2: the database restarts.
        phase2_end = time.monotonic() + phase_s
        time.sleep(phase_s * 0.4)
        event(f"pg_ctl restart -m {args.pg_restart_mode}")
        down = cluster.restart(args.pg_restart_mode, timeout=60)
        event("database back", seconds=round(down, 1))
        time.sleep(max(0.0, phase2_end - time.monotonic()))

        stop_clients.set()
        for c in clients:
            c.join(60)
        if any(c.is_alive() for c in clients):
            raise RunBroken("client threads did not stop within 60 s")
        report["timings"]["load_s"] = round(time.time() - load_started, 1)
        event("load stopped", requests=client_log.count)

        # --- drain, then cron's sweep, then drain again ------------------------------------------
        def drain(limit: float) -> bool:
            if args.tasks == "celery":
                sql = ("SELECT count(*) FROM notifications_delivery WHERE status NOT IN ('sent','given_up') "
                       "AND (next_attempt_at IS NULL OR next_attempt_at <= now())")
            else:
                # run_after is 9999-01-01 for a task enqueued without a delay (django_tasks_db).
                sql = ("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status='READY' "
                       "AND (run_after <= now() + interval '1 second' OR run_after >= '9999-01-01')")
            deadline = time.monotonic() + limit
            while time.monotonic() < deadline:
                if int(cluster.psql(sql, db=cluster.db).strip() or 0) == 0:
                    return True
                time.sleep(1)
            return False

        t0 = time.monotonic()
        drained = drain(60 if smoke else 180)
        time.sleep(2)
        sweep = json.loads(child([PY, "bench/faults/cron.py", "--stale-after", "5"], env, 120, "sweep").strip()
                           .splitlines()[-1])
        event("sweep", **sweep)
        drained = drain(60 if smoke else 180) and drained
        time.sleep(2)
        report["timings"]["drain_s"] = round(time.monotonic() - t0, 1)
        report["drained"] = drained
        supervisor.halt.set()
        for m in [*workers, *apps]:
            m.stop()
        report["processes"] = {m.name: {"starts": m.starts, "kills": m.kills,
                                        "crashes": supervisor.crashes.get(m.name, 0)} for m in [*apps, *workers]}
        report["proxy"] = dict(proxy.stats)

        # --- verify ------------------------------------------------------------------------------
        t0 = time.monotonic()
        verdict = json.loads(child([PY, "bench/faults/verify.py", client_log.path, str(load_started),
                                    "--tasks", args.tasks], env, 300, "verify").strip().splitlines()[-1])
        report["timings"]["verify_s"] = round(time.monotonic() - t0, 1)
        report.update(verdict)
        for name in ("app1", "app2", "worker1", "worker2"):
            tail = (logs / f"{name}.log").read_text(errors="replace").splitlines()[-8:]
            report.setdefault("log_tails", {})[name] = tail
    except Exception as exc:  # noqa: BLE001 — any breakage of the run itself is reported, exit 2
        report["broken"] = f"{type(exc).__name__}: {exc}" if not isinstance(exc, RunBroken) else str(exc)
        say(f"RUN BROKEN: {exc}")
    finally:
        if supervisor is not None:
            supervisor.halt.set()
        report["timings"]["total_s"] = round(time.time() - started, 1)
        path = write_results(report, Path(args.results), smoke)
        say(f"results: {path}.json / .md")
        cleanup()
        atexit.unregister(cleanup)
    if report.get("broken"):
        return 2
    if report.get("failures"):
        for f in report["failures"]:
            say(f"INVARIANT FAILED: {f['invariant']}: {json.dumps(f['detail'], ensure_ascii=False)[:500]}")
        return 1
    say("all invariants hold")
    return 0


def forget_redis_keys(url: str, prefix: str) -> None:
    """The broker keys of this run's queues (only those: the broker may be shared)."""
    try:
        import redis

        r = redis.Redis.from_url(url)
        keys = list(r.scan_iter(match=f"*{prefix}*"))
        if keys:
            r.delete(*keys)
    except Exception as exc:  # noqa: BLE001 — leftover keys are harmless, say so and go on
        say(f"could not remove the run's broker keys: {exc}")


def schema_key(smoke: bool) -> str:
    """Changes whenever a migration, a demo loader or its data, or the setup script changes."""
    import hashlib

    h = hashlib.sha256(b"light" if smoke else b"full")
    src = ROOT / "src" / "chinhquyenso"
    files = sorted([*src.glob("*/migrations/*.py"), *src.glob("*/demo.py"), *src.glob("*/data/*.json"),
                    *src.glob("*/management/commands/load_*.py"), *src.glob("units/data/*"),
                    ROOT / "bench" / "faults" / "setup_db.py"])
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(ROOT)).encode())
            h.update(f.read_bytes())
    return h.hexdigest()[:20]


def write_results(report: dict, folder: Path, smoke: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    celery = "-celery" if report["run"]["tasks_backend"] == "celery" else ""
    stem = folder / f"faults-{datetime.date.today():%Y-%m-%d}{'-smoke' if smoke else ''}{celery}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    stem.with_suffix(".md").write_text(markdown(report))
    return stem


def markdown(r: dict) -> str:
    run = r["run"]
    lines = [f"# Fault test — {run['started']} ({run['mode']}, tasks: {run['tasks_backend']})", ""]
    if r.get("broken"):
        lines += [f"**The run broke before it could verify:** {r['broken']}", ""]
    verdict = "FAILED" if r.get("failures") or r.get("broken") else "all invariants hold"
    lines += [f"Verdict: **{verdict}**", "",
              f"{run['clients']} clients, {run['phase_seconds']:.0f} s per phase, {run['cpus']} CPUs; "
              f"PostgreSQL restart mode `{run['pg_restart_mode']}`.", "", "## Timeline", ""]
    lines += [f"- {e['t']:>6.1f} s  {e['what']}" + (f" — {', '.join(f'{k}={v}' for k, v in e.items() if k not in ('t', 'what'))}"
              if len(e) > 2 else "") for e in r.get("events", [])]
    req = r.get("requests", {})
    if req:
        lines += ["", "## Requests", "", f"- sent: {req['sent']}",
                  *[f"- {k}: {v}" for k, v in req["by_kind"].items()], "", "Errors by kind (client side):", ""]
        lines += [f"- {k}: {v}" for k, v in req["errors"].items()] or ["- none"]
    for section in ("receptions", "dossier_codes", "slip_numbers", "documents", "workflow", "notifications", "tasks",
                    "processes", "proxy", "timings"):
        if section in r:
            lines += ["", f"## {section.replace('_', ' ').capitalize()}", "", "| | |", "|---|---|"]
            lines += [f"| {k} | {json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v} |"
                      for k, v in r[section].items()]
    lines += ["", "## Invariants", ""]
    if r.get("failures"):
        lines += [f"- **FAILED** {f['invariant']}: `{json.dumps(f['detail'], ensure_ascii=False)[:400]}`"
                  for f in r["failures"]]
    elif not r.get("broken"):
        lines += ["- every acknowledged reception stored exactly once; same answer for a retried Idempotency-Key",
                  "- dossier codes, slip numbers and document numbers unique and gap-free per counter",
                  "- every acknowledged action in the process log once; no dossier half-way",
                  "- every notification created, every delivery handed to the provider exactly once and finished",
                  "- no task of a killed worker left unrecovered; queue drained"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
