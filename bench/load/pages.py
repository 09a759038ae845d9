"""Citizen pages on a slow network, in headless Chromium (/usr/bin/chromium) driven through the
DevTools protocol (a small client over aiohttp's WebSocket; no browser download, no npm).

For each page: cache disabled (a first visit), Network.emulateNetworkConditions with the profile
below, navigate, wait for the load event; record the load time and every response the page
loaded (URL, type, bytes on the wire). Map tiles are blocked and excluded (they come from the
tile server, not from us). Then the page weight as served: each same-origin resource fetched
again with `Accept-Encoding: br, gzip` (what a browser over HTTPS sends; Chromium offers brotli
only over HTTPS) and the compressed body bytes summed."""

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get("BENCH_CHROMIUM", "/usr/bin/chromium")
# "Slow 3G"-like: 400 kbit/s down and up, 400 ms round trip.
SLOW = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
# --smoke: no throttling (CI checks that the pages load, in seconds).
FAST = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
TILE_PATTERNS = ["*tile.openstreetmap.org*", "*/tiles/*", "*{z}*"]


class Cdp:
    def __init__(self, ws):
        self.ws, self.next_id, self.pending, self.events = ws, 0, {}, asyncio.Queue()

    async def pump(self):
        async for msg in self.ws:
            data = json.loads(msg.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            else:
                await self.events.put(data)

    async def send(self, method: str, **params):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        await self.ws.send_str(json.dumps({"id": self.next_id, "method": method, "params": params}))
        reply = await asyncio.wait_for(fut, 60)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})


def start_browser() -> tuple[subprocess.Popen, str, str]:
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    proc = subprocess.Popen([  # noqa: S603
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
        "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = Path(profile) / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (port_file.exists() and port_file.read_text().strip()):
        time.sleep(0.1)
    port = port_file.read_text().split()[0]
    return proc, port, profile


def page_ws(port: str) -> str:
    for _ in range(50):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as r:  # noqa: S310
            pages = [t for t in json.load(r) if t.get("type") == "page"]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.1)
    raise RuntimeError("Chromium has no page target")


async def _visit(cdp: Cdp, url: str, cookies: list[dict], network: dict | None) -> dict:
    await cdp.send("Network.clearBrowserCookies")
    for c in cookies:
        await cdp.send("Network.setCookie", **c)
    await cdp.send("Network.setCacheDisabled", cacheDisabled=True)
    await cdp.send("Network.emulateNetworkConditions", **(network or
                   {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}))
    while not cdp.events.empty():
        cdp.events.get_nowait()
    responses, sizes, failed = {}, {}, {}
    started = time.perf_counter()
    await cdp.send("Page.navigate", url=url)
    loaded = None
    deadline = started + 120
    while loaded is None and time.perf_counter() < deadline:
        ev = await asyncio.wait_for(cdp.events.get(), deadline - time.perf_counter())
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Network.responseReceived":
            responses[p["requestId"]] = {"url": p["response"]["url"], "status": p["response"]["status"],
                                         "type": p.get("type", ""), "encoding":
                                         {k.lower(): v for k, v in p["response"].get("headers", {}).items()}
                                         .get("content-encoding", "")}
        elif m == "Network.loadingFinished":
            sizes[p["requestId"]] = p.get("encodedDataLength", 0)
        elif m == "Network.loadingFailed":
            failed[p["requestId"]] = p.get("errorText", "")
        elif m == "Page.loadEventFired":
            loaded = time.perf_counter() - started
    # Late finishers (after load) still belong to the first load: give them a moment.
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:
        try:
            ev = await asyncio.wait_for(cdp.events.get(), end - time.perf_counter())
        except TimeoutError:
            break
        if ev.get("method") == "Network.loadingFinished":
            sizes[ev["params"]["requestId"]] = ev["params"].get("encodedDataLength", 0)
    resources = [{**r, "transfer_bytes": sizes.get(rid, 0)} for rid, r in responses.items()]
    return {"load_s": round(loaded, 2) if loaded is not None else None, "resources": resources,
            "failed": list(failed.values())}


async def _run(port: str, pages: list[dict], network: dict) -> list[dict]:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.ws_connect(page_ws(port), max_msg_size=0) as ws:
        cdp = Cdp(ws)
        pump = asyncio.create_task(cdp.pump())
        await cdp.send("Page.enable")
        await cdp.send("Network.enable")
        await cdp.send("Network.setBlockedURLs", urls=TILE_PATTERNS)
        out = []
        for page in pages:
            await _visit(cdp, page["url"], page.get("cookies", []), None)  # warm the server, not the browser
            slow = await _visit(cdp, page["url"], page.get("cookies", []), network)
            out.append({**page, **slow})
        pump.cancel()
        return out


def weight_as_served(url: str, cookie: str = "") -> tuple[int, str]:
    """Compressed body bytes of one resource as the server sends it to a browser over HTTPS."""
    headers = {"Accept-Encoding": "br, gzip", "User-Agent": "bench-load"}
    if cookie:
        headers["Cookie"] = cookie
    import urllib.error

    req = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=30) as r:  # noqa: S310
            body = r.read()
            return len(body), r.headers.get("Content-Encoding", "") or "identity"
    except urllib.error.HTTPError as err:
        return len(err.read()), f"error {err.code}"


def measure(base: str, pages: list[dict], network: dict = SLOW) -> list[dict]:
    """`pages`: [{name, path, cookies: [{name, value}], cookie_header}] → per page: load time on the
    slow profile, what it loaded, bytes on the wire (Chromium) and compressed bytes as served."""
    proc, port, profile = start_browser()
    try:
        host = base.split("//", 1)[1].split(":")[0]
        items = [{"name": p["name"], "url": base + p["path"],
                  "cookies": [{"name": c["name"], "value": c["value"], "domain": host, "path": "/"}
                              for c in p.get("cookies", [])]} for p in pages]
        visited = asyncio.run(_run(port, items, network))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
    results = []
    for spec, v in zip(pages, visited, strict=True):
        own = [r for r in v["resources"] if r["url"].startswith(base)]
        served, kinds = 0, {}
        for r in own:
            n, enc = weight_as_served(r["url"], spec.get("cookie_header", ""))
            r["served_bytes"], r["served_encoding"] = n, enc
            served += n
            kinds[r["type"]] = kinds.get(r["type"], 0) + n
        results.append({
            "name": spec["name"], "path": spec["path"], "load_s": v["load_s"],
            "requests": len(v["resources"]), "failed": v["failed"],
            "transfer_kb_chromium": round(sum(r["transfer_bytes"] for r in v["resources"]) / 1024, 1),
            "served_kb": round(served / 1024, 1),
            "by_type_kb": {k: round(b / 1024, 1) for k, b in sorted(kinds.items())},
            "html_encoding": next((r["served_encoding"] for r in own if r["type"] == "Document"), ""),
            "resources": [{k: r.get(k) for k in ("url", "type", "status", "transfer_bytes", "served_bytes",
                                                 "served_encoding")} for r in v["resources"]],
        })
    return results
