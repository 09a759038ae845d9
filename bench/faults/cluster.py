"""A throw-away PostgreSQL 15 cluster in a temporary directory on a free loopback port.

initdb refuses to run as root, so every server command runs as the `postgres` OS user (runuser)
when we are root. The shared server on 5432 is never touched: this cluster has its own data
directory, port and socket directory."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def pg_bin(name: str) -> str:
    for d in BIN_DIRS:
        if (d / name).exists():
            return str(d / name)
    found = shutil.which(name)
    if found:
        return found
    raise FileNotFoundError(f"PostgreSQL binary {name!r} not found (install postgresql-15)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, root: Path, port: int | None = None, db: str = "cqs_faults"):
        self.root = root
        self.data = root / "pgdata"
        self.sock = root / "pgsock"
        self.log = root / "postgres.log"
        self.port = port or free_port()
        self.db = db
        self.as_postgres = os.geteuid() == 0
        self.started = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.db}"

    def _run(self, args: list[str], timeout: float = 60, check: bool = True) -> subprocess.CompletedProcess:
        cmd = (["runuser", "-u", "postgres", "--"] if self.as_postgres else []) + args
        r = subprocess.run(cmd, check=False, timeout=timeout, capture_output=True, text=True)  # noqa: S603
        if check and r.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:1])} failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()}")
        return r

    def init(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        if self.as_postgres:
            # The postgres user must be able to reach the folder (mkdtemp makes parents 0700).
            for parent in [self.root, *self.root.parents]:
                if parent == Path(parent.anchor) or parent == Path(tempfile.gettempdir()):
                    break
                os.chmod(parent, os.stat(parent).st_mode | 0o711)  # noqa: S103 — traverse only, no listing
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.sock, "postgres", "postgres")
            os.chmod(self.root, 0o755)  # noqa: S103 — the cluster's own folder, owned by postgres
        self._run([pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8", "--no-sync"], timeout=120)
        conf = self.data / "postgresql.conf"
        extra = (
            f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.sock}'\n"
            "max_connections = 100\nshared_buffers = 128MB\n"
            # Fast while the schema and demo are loaded; durable() switches to crash-safe settings.
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "logging_collector = off\n"
        )
        with conf.open("a") as f:
            f.write(extra)

    def start(self, timeout: float = 60) -> None:
        self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(int(timeout)),
                   "start"], timeout=timeout + 10)
        self.started = True
        self.wait_ready(timeout)

    def restart(self, mode: str = "fast", timeout: float = 60) -> float:
        """pg_ctl restart -m fast|immediate; returns the seconds until the server answered again."""
        t0 = time.monotonic()
        self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(int(timeout)),
                   "-m", mode, "restart"], timeout=timeout + 10)
        self.wait_ready(timeout)
        return time.monotonic() - t0

    def durable(self) -> None:
        """Crash-safe settings for the fault phases; the fast restart checkpoints everything
        written with fsync off first."""
        self.psql("ALTER SYSTEM SET fsync = on")
        self.psql("ALTER SYSTEM SET synchronous_commit = on")
        self.psql("ALTER SYSTEM SET full_page_writes = on")
        self.psql("CHECKPOINT")
        self.restart("fast")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = subprocess.run([pg_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],  # noqa: S603
                               check=False, timeout=10)
            if r.returncode == 0:
                return
            time.sleep(0.2)
        raise TimeoutError(f"PostgreSQL on port {self.port} not ready after {timeout} s")

    def psql(self, sql: str, db: str | None = None, timeout: float = 60) -> str:
        r = subprocess.run([pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",  # noqa: S603
                            "-d", db or "postgres", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql],
                           check=True, timeout=timeout, capture_output=True, text=True)
        return r.stdout

    def create_db(self) -> None:
        self.psql(f"CREATE DATABASE {self.db}")

    def dump(self, path: Path, timeout: float = 600) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        subprocess.run([pg_bin("pg_dump"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-Fc",  # noqa: S603
                        "-f", str(tmp), self.db], check=True, timeout=timeout, capture_output=True)
        tmp.replace(path)

    def restore(self, path: Path, timeout: float = 600) -> None:
        r = subprocess.run([pg_bin("pg_restore"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",  # noqa: S603
                            "-d", self.db, "--no-owner", "-j", "2", str(path)],
                           check=False, timeout=timeout, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {r.stderr[-2000:]}")

    def stop(self) -> None:
        if self.data.exists():
            self._run([pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "-t", "30", "stop"],
                      timeout=40, check=False)
        self.started = False

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
