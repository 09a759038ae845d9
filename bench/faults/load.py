"""The clients of the fault run: threads that receive dossiers at the counter through the API
(officer's token + Idempotency-Key), walk them through the workflow (transfer → forward →
approve → return_result, each with the right official's token) and register incoming documents.
Every attempt is appended to a JSON-lines log with its status and answer (dossier id and code,
document id and number), which verify.py matches against the database.

Retries: a reception whose outcome is unknown (connection cut, 502/503, 5xx, timeout) is sent
again with the SAME Idempotency-Key — the platform must return the first dossier, not make a
second. A workflow action with an unknown outcome is retried too; a 409 then means "already done"
when the dossier is found in the next status. Document registrations have no idempotency key in
the API, so they are never retried: an unknown outcome is recorded as such."""

from __future__ import annotations

import http.client
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field

# action → (token owner, status after)
CHAIN = [("transfer", "motcua", 4), ("forward", "chuyenvien", 4), ("approve", "lanhdao", 9),
         ("return_result", "motcua", 10)]
RETRYABLE = {0, 500, 502, 503, 504}


@dataclass
class Config:
    port: int
    tokens: dict[str, str]
    reception_agency_id: int
    procedure_version_id: int
    components: list[dict]
    clerk_agency_id: int
    documents_every: int = 2  # one document registration per N receptions (0: none)
    timeout: float = 30.0
    max_retries: int = 12


@dataclass
class Log:
    path: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    count: int = 0

    def write(self, **row) -> None:
        row["t"] = round(time.time(), 3)
        line = json.dumps(row, ensure_ascii=False)
        with self.lock:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line + "\n")
            self.count += 1


def request(port: int, method: str, path: str, token: str, body: dict | None, headers: dict | None = None,
            timeout: float = 30.0) -> tuple[int, dict | None, str]:
    """(status, JSON answer or None, error kind). Status 0 = no HTTP answer at all."""
    data = json.dumps(body).encode() if body is not None else None
    h = {"Authorization": f"Bearer {token}", "Connection": "close", "Accept": "application/json"}
    if data is not None:
        h["Content-Type"] = "application/json"
    h.update(headers or {})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        raw = resp.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = None
        return resp.status, payload, "" if resp.status < 500 else f"http_{resp.status}"
    except TimeoutError:
        return 0, None, "timeout"
    except ConnectionRefusedError:
        return 0, None, "refused"
    except (http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionResetError, BrokenPipeError):
        return 0, None, "cut"
    except (OSError, http.client.HTTPException) as exc:
        return 0, None, type(exc).__name__
    finally:
        conn.close()


class Client(threading.Thread):
    def __init__(self, n: int, cfg: Config, log: Log, stop_at: threading.Event, seed: int):
        super().__init__(name=f"client-{n}", daemon=True)
        self.n, self.cfg, self.log, self.stop_event = n, cfg, log, stop_at
        self.rng = random.Random(seed)
        self.pending: list[dict] = []  # dossiers in the workflow: {"id", "code", "step"}
        self.receptions = 0

    def run(self) -> None:
        while not self.stop_event.is_set():
            # Keep a few dossiers in flight; receive when the pipeline is short.
            if len(self.pending) < 3 or self.rng.random() < 0.35:
                self.receive()
                if self.cfg.documents_every and self.receptions % self.cfg.documents_every == 0:
                    self.register_document()
            elif self.pending:
                self.advance(self.pending[self.rng.randrange(len(self.pending))])

    def _sleep_retry(self, attempt: int) -> None:
        time.sleep(min(3.0, 0.2 * 2 ** attempt) * (0.5 + self.rng.random()))

    def receive(self) -> None:
        key = f"faults-{uuid.uuid4()}"
        self.receptions += 1
        body = {
            "reception_agency_id": self.cfg.reception_agency_id,
            "procedure_version_id": self.cfg.procedure_version_id,
            "applicant": {"name": f"Người nộp thử tải {self.n}-{self.receptions}",
                          "phone": f"09{self.rng.randrange(10**7, 10**8)}"},
            "components": self.cfg.components,
        }
        for attempt in range(self.cfg.max_retries + 1):
            t0 = time.monotonic()
            status, data, err = request(self.cfg.port, "POST", "/api/v1/dossiers/counter", self.cfg.tokens["motcua"],
                                        body, {"Idempotency-Key": key}, self.cfg.timeout)
            dossier_id = data.get("id") if isinstance(data, dict) and 200 <= status < 300 else None
            code = data.get("code") if dossier_id else None
            self.log.write(kind="receive", key=key, attempt=attempt, status=status, error=err, dossier_id=dossier_id,
                           code=code, ms=round((time.monotonic() - t0) * 1000))
            if 200 <= status < 300:
                self.pending.append({"id": dossier_id, "code": code, "step": 0})
                return
            if status not in RETRYABLE or self.stop_event.is_set() and attempt >= 2:
                return
            self._sleep_retry(attempt)

    def advance(self, d: dict) -> None:
        action, who, after = CHAIN[d["step"]]
        path = f"/api/v1/dossiers/{d['id']}/actions/{action}"
        for attempt in range(self.cfg.max_retries + 1):
            t0 = time.monotonic()
            status, data, err = request(self.cfg.port, "POST", path, self.cfg.tokens[who], {}, None, self.cfg.timeout)
            self.log.write(kind="action", action=action, dossier_id=d["id"], attempt=attempt, status=status, error=err,
                           status_after=data.get("status") if isinstance(data, dict) else None,
                           ms=round((time.monotonic() - t0) * 1000))
            if 200 <= status < 300 or (status == 409 and attempt > 0 and self._reached(d, who, after)):
                d["step"] += 1
                if d["step"] == len(CHAIN):
                    self.pending.remove(d)
                return
            if status not in RETRYABLE or self.stop_event.is_set() and attempt >= 2:
                if status not in RETRYABLE:
                    self.pending.remove(d)  # a refusal we did not expect: verify.py reports it
                return
            self._sleep_retry(attempt)

    def _reached(self, d: dict, who: str, after: int) -> bool:
        status, data, _ = request(self.cfg.port, "GET", f"/api/v1/dossiers/{d['id']}", self.cfg.tokens[who], None,
                                  None, self.cfg.timeout)
        return status == 200 and isinstance(data, dict) and data.get("status", -1) >= after

    def register_document(self) -> None:
        body = {"agency_id": self.cfg.clerk_agency_id, "doc_type": "cong-van",
                "subject": f"Văn bản đến thử tải {self.n}-{self.receptions}", "issuing_agency_name": "Sở Nội vụ",
                "number_symbol": f"{self.receptions}/SNV-TT"}
        t0 = time.monotonic()
        status, data, err = request(self.cfg.port, "POST", "/api/v1/documents/incoming", self.cfg.tokens["vanthu"],
                                    body, None, self.cfg.timeout)
        ok = 200 <= status < 300 and isinstance(data, dict)
        self.log.write(kind="document", status=status, error=err, document_id=data.get("id") if ok else None,
                       register_number=data.get("register_number") if ok else None,
                       detail=(data or {}).get("detail") if not ok and isinstance(data, dict) else None,
                       ms=round((time.monotonic() - t0) * 1000))
