"""A small round-robin reverse proxy for the fault tests (asyncio, TCP level, one backend
connection per client connection — the clients send `Connection: close`, so that is one request).

Like nginx with `proxy_next_upstream error`: a backend that refuses the connection is skipped
and the next one tried; a backend that dies before sending a byte of its answer gets the client
a 502 (the request may or may not have been carried out — the client retries with the same
Idempotency-Key); one that dies mid-answer leaves the client with a cut-off response."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading

BAD_GATEWAY = (b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
               b"Connection: close\r\n\r\nBad Gateway")
UNAVAILABLE = (b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 19\r\n"
               b"Connection: close\r\n\r\nService Unavailable")


class Proxy:
    def __init__(self, port: int, backends: list[int], host: str = "127.0.0.1"):
        self.host, self.port, self.backends = host, port, backends
        self._rr = itertools.cycle(range(len(backends)))
        self.stats = {"connections": 0, "connect_failover": 0, "bad_gateway": 0, "unavailable": 0}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    async def _open_backend(self):
        start = next(self._rr)
        for i in range(len(self.backends)):
            port = self.backends[(start + i) % len(self.backends)]
            try:
                return await asyncio.wait_for(asyncio.open_connection(self.host, port), timeout=2)
            except (OSError, TimeoutError):
                self.stats["connect_failover"] += 1
        return None

    async def _pipe(self, reader, writer, seen: list[int] | None = None) -> None:
        try:
            while data := await reader.read(65536):
                if seen is not None:
                    seen[0] += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError, RuntimeError):
                writer.write_eof()

    async def _handle(self, c_reader, c_writer) -> None:
        self.stats["connections"] += 1
        backend = await self._open_backend()
        if backend is None:
            self.stats["unavailable"] += 1
            c_writer.write(UNAVAILABLE)
            await self._close(c_writer)
            return
        b_reader, b_writer = backend
        seen = [0]
        up = asyncio.create_task(self._pipe(c_reader, b_writer))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._pipe(b_reader, c_writer, seen), timeout=120)
        up.cancel()
        if seen[0] == 0:
            self.stats["bad_gateway"] += 1
            with contextlib.suppress(OSError, RuntimeError):
                c_writer.write(BAD_GATEWAY)
        await self._close(c_writer)
        await self._close(b_writer)

    @staticmethod
    async def _close(writer) -> None:
        try:
            writer.close()
            await asyncio.wait_for(writer.wait_closed(), timeout=2)
        except (OSError, TimeoutError, RuntimeError):
            pass

    def start(self) -> None:
        def run():
            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._handle, self.host, self.port, backlog=256))
            self._ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, name="faults-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("proxy did not start")

    def stop(self) -> None:
        if self._loop is None:
            return

        async def shutdown():
            self._server.close()
            await asyncio.sleep(0)

        with contextlib.suppress(Exception):  # best effort at exit
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread:
            self._thread.join(5)
