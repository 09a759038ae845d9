"""The project under granian (WSGI, 2 workers) on loopback with production settings, as
docs/setup.md deploys it, plus the bench-only URLconf (bench/load/settings.py)."""

import atexit
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench-load"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str) -> dict:
    """Environment shared by the runner (which prepares data and sessions) and the server: the
    same SECRET_KEY, so sessions made here are valid there."""
    return {
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback stands for the TLS proxy in front (docs/setup.md).
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": str(VAR / "static"),
        "LOG_LEVEL": "WARNING",
        # MEDIA_ROOT and SIGNATURES_DIR: inherited (the demo's keys live where load_demo put them).
    }


class Server:
    def __init__(self, env: dict, workers: int = 2, threads: int = 8):
        # threads: granian's blocking threads per worker. Its default for WSGI lets each worker grow
        # to a hundred threads, each keeping its own PostgreSQL connection (CONN_MAX_AGE 60): under
        # load that exhausted the server's max_connections (100) in the first full run.
        self.env, self.workers, self.threads, self.port, self.proc = env, workers, threads, free_port(), None
        self.log = VAR / "granian.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        VAR.mkdir(parents=True, exist_ok=True)
        cmd = [str(ROOT / ".venv" / "bin" / "granian"), "--interface", "wsgi", "--workers", str(self.workers),
               "--blocking-threads", str(self.threads), "--backpressure", str(self.threads),
               "--host", "127.0.0.1", "--port", str(self.port), "chinhquyenso.wsgi:application"]
        atexit.register(self.stop)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **self.env},  # noqa: S603
                                     stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"granian stopped at start: see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/__bench__/ping", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"granian did not answer within 180 s: see {self.log}")

    def stop(self) -> None:
        """SIGTERM to granian, then SIGKILL to its process group (its own session: only the server
        and its workers) if it has not stopped within 15 s."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout  # noqa: S603, S607
        return [int(x) for x in out.split()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class TaskWorker:
    """`manage.py db_worker` on some queues, with the server's environment: work the requests
    deferred to a task (DASHBOARD_ROLLUPS_IN_TASK) is done on the same machine while it is
    measured, as a production worker would, instead of piling up unseen."""

    def __init__(self, env: dict, queues: str):
        self.env, self.queues, self.proc = env, queues, None
        self.log = VAR / f"db_worker-{queues.replace(',', '-').replace('*', 'all')}.log"

    def start(self) -> "TaskWorker":
        VAR.mkdir(parents=True, exist_ok=True)
        cmd = [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "db_worker", "--queue-name", self.queues,
               "--interval", "0.5", "--no-reload", "--no-startup-delay"]
        atexit.register(self.stop)
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **self.env},  # noqa: S603
                                     stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def stop(self) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            return {}
        cpu = cpu_seconds(self.proc.pid)
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        return {"queues": self.queues, "cpu_seconds": round(cpu, 1)}
