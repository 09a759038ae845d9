"""Child processes of the fault run: each in its own process group (so kill -9 takes the whole
server, e.g. granian's main process and its worker), logged to a file, restartable, and all
killed at exit — also from atexit and on SIGTERM/SIGINT of the runner."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

_ALL: list[Managed] = []


class Managed:
    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_dir: Path, cwd: Path):
        self.name, self.cmd, self.env, self.cwd = name, cmd, env, cwd
        self.log_path = log_dir / f"{name}.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        self.kills = 0
        _ALL.append(self)

    def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n=== start #{self.starts} at {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(self.cmd, env=self.env, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,  # noqa: S603
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL to the whole process group: no cleanup, no graceful shutdown."""
        if self.proc is None:
            return
        self.kills += 1
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def stop(self, grace: float = 5) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(grace)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything the group left behind
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)


def stop_all() -> None:
    for p in reversed(_ALL):
        with contextlib.suppress(Exception):  # best effort at exit
            p.stop(grace=3)


atexit.register(stop_all)


def wait_http(port: int, path: str = "/api/v1/docs", timeout: float = 60) -> bool:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers={"Connection": "close"})
            status = conn.getresponse().status
            conn.close()
            if status < 500:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False
