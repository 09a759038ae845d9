"""Outbound/inbound plugin for the national public-service portal (ARCHITECTURE.md habit 8).

settings.DOSSIER_NATIONAL_PORTAL (all keys optional):

    {"BACKEND": "chinhquyenso.dossiers.national.transports.HttpTransport",
     "URL": "https://…/dongbohoso",         # POST one payload per dossier
     "FETCH_URL": "https://…/layhosomoi",   # GET dossiers filed on the portal (import)
     "ACK_URL": "https://…/xacnhan",        # POST {MaHoSo, ok, message} after an import attempt
     "TOKEN": "…", "UNIT_CODE": "000.00.00.H56", "TIMEOUT": 20}

    {"BACKEND": "chinhquyenso.dossiers.national.transports.FileTransport",   # the default (dev)
     "DIRECTORY": "var/dvcqg"}   # writes outbox/<code>.json, reads inbox/*.json

Errors: TransientSyncError (retry with back-off: timeouts, connection errors, 5xx, 429) and
PermanentSyncError (the portal refused the content: 4xx, or a body with error_code ≠ 0, the
DVCQG reply shape `{error_code, message}` of vn-regulations §2.6 [S]; a published provincial
integration also treats `error_code == 0` as success [S])."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "chinhquyenso.dossiers.national.transports.FileTransport"


class SyncError(Exception):
    permanent = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransientSyncError(SyncError):
    pass


class PermanentSyncError(SyncError):
    permanent = True


@dataclass(frozen=True)
class SendResult:
    reference: str = ""  # the portal's id of the dossier, when it returns one


@dataclass(frozen=True)
class Incoming:
    """One dossier filed on the portal, as fetched: `ref` identifies it for ack()."""

    ref: str
    body: Any
    meta: dict = field(default_factory=dict)


class BaseTransport:
    def __init__(self, options: dict[str, Any]):
        self.options = {k.upper(): v for k, v in options.items()}

    def option(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.options.get(name, default)
        if required and not value:
            raise ImproperlyConfigured(f"DOSSIER_NATIONAL_PORTAL['{name}'] chưa được cấu hình.")
        return value

    def send(self, payload: dict) -> SendResult:
        raise NotImplementedError

    def fetch(self) -> list[Incoming]:
        raise NotImplementedError

    def ack(self, item: Incoming, *, ok: bool, message: str = "") -> None:
        raise NotImplementedError


def _portal_reply(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reply_message(body: dict, fallback: str) -> str:
    code, message = body.get("error_code"), body.get("message")
    if code is None and not message:
        return fallback
    return f"Cổng DVCQG trả lỗi {code}: {message or ''}".strip()


class HttpTransport(BaseTransport):
    """JSON over HTTPS with a bearer token."""

    def _headers(self) -> dict:
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        token = self.option("TOKEN")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def _call(self, method: str, url: str, body: dict | None = None) -> dict:
        timeout = float(self.option("TIMEOUT", 20))
        try:
            response = requests.request(method, url, json=body, headers=self._headers(), timeout=timeout)
        except requests.Timeout:
            raise TransientSyncError(f"Quá thời gian chờ Cổng DVCQG ({timeout:g} giây).") from None
        except requests.RequestException as exc:
            raise TransientSyncError(f"Không kết nối được Cổng DVCQG: {type(exc).__name__}.") from None
        reply = _portal_reply(response)
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientSyncError(_reply_message(reply, f"Cổng DVCQG tạm thời lỗi (HTTP {response.status_code})."))
        if response.status_code >= 400:
            raise PermanentSyncError(_reply_message(reply, f"Cổng DVCQG từ chối (HTTP {response.status_code})."))
        code = reply.get("error_code", 0)
        if str(code) not in ("0", "", "None"):
            raise PermanentSyncError(_reply_message(reply, "Cổng DVCQG từ chối hồ sơ."))
        return reply

    def send(self, payload: dict) -> SendResult:
        body = {"madonvi": self.option("UNIT_CODE", ""), **payload}
        reply = self._call("POST", self.option("URL", required=True), body)
        reference = reply.get("IdHoSo") or reply.get("id") or ""
        return SendResult(reference=str(reference)[:64])

    def fetch(self) -> list[Incoming]:
        reply = self._call("GET", self.option("FETCH_URL", required=True))
        items = reply.get("result") or reply.get("data") or []
        if not isinstance(items, list):
            raise PermanentSyncError("Cổng DVCQG trả danh sách hồ sơ không đúng định dạng.")
        out = []
        for n, item in enumerate(items):
            ref = item.get("HoSo", item).get("MaHoSo", "") if isinstance(item, dict) else ""
            out.append(Incoming(ref=str(ref) or f"#{n}", body=item))
        return out

    def ack(self, item: Incoming, *, ok: bool, message: str = "") -> None:
        url = self.option("ACK_URL")
        if url:
            self._call("POST", url, {"MaHoSo": item.ref, "ok": ok, "message": message})


class FileTransport(BaseTransport):
    """For development and tests: one JSON file per payload in <DIRECTORY>/outbox; imports read
    <DIRECTORY>/inbox/*.json and move each file to done/ or rejected/ (with <name>.error.txt)."""

    @property
    def root(self) -> Path:
        default = Path(settings.MEDIA_ROOT).parent / "dvcqg"
        return Path(self.option("DIRECTORY") or default)

    def _dir(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def send(self, payload: dict) -> SendResult:
        code = payload.get("HoSo", {}).get("MaHoSo") or "unknown"
        safe = "".join(ch if ch.isalnum() or ch in ".-_" else "_" for ch in code)
        outbox = self._dir("outbox")
        # Write then rename: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=outbox, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=2)
        os.replace(tmp, outbox / f"{safe}.json")
        return SendResult(reference=code)

    def fetch(self) -> list[Incoming]:
        out = []
        for path in sorted(self._dir("inbox").glob("*.json")):
            raw = path.read_bytes()
            try:
                body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                body = {"__invalid__": f"Tệp không phải JSON UTF-8 hợp lệ: {exc}"}
            out.append(Incoming(ref=path.name, body=body, meta={"path": str(path)}))
        return out

    def ack(self, item: Incoming, *, ok: bool, message: str = "") -> None:
        path = Path(item.meta["path"])
        if not path.exists():
            return
        target = self._dir("done" if ok else "rejected")
        os.replace(path, target / path.name)
        if not ok:
            (target / f"{path.name}.error.txt").write_text(message + "\n", encoding="utf-8")


def get_transport() -> BaseTransport:
    config = dict(getattr(settings, "DOSSIER_NATIONAL_PORTAL", None) or {})
    backend = config.pop("BACKEND", None) or DEFAULT_BACKEND
    try:
        cls = import_string(backend)
    except ImportError as exc:
        raise ImproperlyConfigured(f"Không tải được plugin Cổng DVCQG {backend}: {exc}") from exc
    return cls(config)
