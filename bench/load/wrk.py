"""wrk runs with the Lua script lua/rotate.lua: requests rotated from a list, latency percentiles
back as JSON."""

import json
import subprocess
import tempfile
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua" / "rotate.lua"


def run(base: str, requests: list[tuple], *, connections: int, duration: float, threads: int = 1,
        headers: dict | None = None, xff: bool = False, timeout: str = "10s") -> dict:
    """`requests`: (method, path, body[, "Header: value"]) — rotated. Returns requests/s, latency percentiles (ms),
    errors. wrk takes a CPU share on the same 2 cores: one thread keeps it small."""
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        for method, path, body, *header in requests:
            line = "\t".join([method, path, body, *header])
            assert line.count("\t") <= 3 and "\n" not in line
            f.write(line + "\n")
        listing = f.name
    cmd = ["wrk", "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
           "--timeout", timeout, "-s", str(LUA)]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    cmd += [base + requests[0][1], "--", listing, "xff" if xff else "-"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    Path(listing).unlink()
    line = next((x for x in out.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        raise RuntimeError("wrk gave no result:\n" + out)
    raw = json.loads(line[8:])
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect_errors"] + raw["read_errors"] + raw["write_errors"] + raw["status_errors"] + raw["timeouts"]
    return {
        "connections": connections, "seconds": round(seconds, 1), "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1), "errors": errors, "status_errors": raw["status_errors"],
        **{f"{k}_ms": round(raw[f"{k}_us"] / 1000, 1) for k in ("p50", "p90", "p95", "p99", "max", "mean")},
    }
