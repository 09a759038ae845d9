"""Transport plugins (ARCHITECTURE.md habit 8): how packages travel between organs.

settings.EXCHANGE_TRANSPORTS maps a code to a BACKEND class path plus options (other keys are
passed lower-cased), as NOTIFICATION_CHANNELS does:

    EXCHANGE_TRANSPORTS = {
        "directory": {"BACKEND": "chinhquyenso.exchange.transports.DirectoryTransport",
                      "ROOT": "/srv/edxml-drop"},
        "lgsp": {"BACKEND": "chinhquyenso.exchange.transports.LgspHttpTransport",
                 "URL": "https://lgsp.example.gov.vn/edoc", "SYSTEM_ID": "...", "SECRET_KEY": "...",
                 "TIMEOUT": 30},
    }

Without the setting, only "directory" exists, dropping into MEDIA_ROOT/exchange-drop.

Each endpoint names its transport. A transport can
- send(envelope) → SendResult, raising TransientTransportError (retry later) or
  PermanentTransportError (retrying cannot help);
- fetch(endpoint) → the packages waiting for one of our hosted organs;
- ack(endpoint, remote_id) once a fetched package is safely stored, so it is not fetched again.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class OutgoingEnvelope:
    message_uuid: str
    from_address: str  # our organ's transport address (its OrganId by default)
    to_address: str  # the recipient's transport address
    kind: str  # "document" or "status"
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class SendResult:
    remote_id: str = ""


@dataclass(frozen=True)
class FetchedPackage:
    remote_id: str
    data: bytes = field(repr=False)


class TransportError(Exception):
    permanent = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class TransientTransportError(TransportError):
    """The axis may accept the same package later: retry with back-off."""


class PermanentTransportError(TransportError):
    permanent = True


class BaseTransport:
    def __init__(self, code: str, options: dict[str, Any]):
        self.code = code
        self.options = options

    def option(self, name: str, default: Any = None, *, required: bool = False) -> Any:
        value = self.options.get(name, default)
        if required and not value:
            raise ImproperlyConfigured(f"EXCHANGE_TRANSPORTS[{self.code!r}][{name.upper()!r}] is required by {type(self).__name__}")
        return value

    def send(self, envelope: OutgoingEnvelope) -> SendResult:
        raise NotImplementedError

    def fetch(self, address: str, *, limit: int = 100) -> Iterator[FetchedPackage]:
        raise NotImplementedError

    def ack(self, address: str, remote_id: str) -> None:
        raise NotImplementedError


# --- directory drop (development, tests, air-gapped hand-over) --------------------------------

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class DirectoryTransport(BaseTransport):
    """A shared folder: ROOT/<address>/inbox/ receives packages, ROOT/<address>/outbox/ keeps a
    copy of what was sent, ROOT/<address>/done/ holds fetched packages after ack. Files appear in
    an inbox atomically (written to a temporary name in the same folder, then renamed), so a
    poller never reads half a package. Two platform instances sharing ROOT can exchange."""

    def root(self) -> Path:
        configured = self.option("root") or os.path.join(settings.MEDIA_ROOT, "exchange-drop")
        return Path(configured)

    def _folder(self, address: str, box: str) -> Path:
        if not _SAFE.match(address or ""):
            raise PermanentTransportError(f"Địa chỉ thư mục không hợp lệ: «{address[:70]}».")
        folder = self.root() / address / box
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    @staticmethod
    def _write_atomic(folder: Path, name: str, data: bytes) -> None:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def send(self, envelope: OutgoingEnvelope) -> SendResult:
        # A time prefix keeps the inbox in arrival order (a 01 is read before the 03 that follows).
        name = f"{time.time_ns():020d}-{envelope.message_uuid}.edxml"
        try:
            self._write_atomic(self._folder(envelope.from_address, "outbox"), name, envelope.data)
            self._write_atomic(self._folder(envelope.to_address, "inbox"), name, envelope.data)
        except OSError as exc:
            raise TransientTransportError(f"Không ghi được vào thư mục trao đổi: {exc}") from exc
        return SendResult(remote_id=name)

    def fetch(self, address: str, *, limit: int = 100) -> Iterator[FetchedPackage]:
        folder = self._folder(address, "inbox")
        for path in sorted(folder.glob("*.edxml"))[:limit]:
            try:
                data = path.read_bytes()
            except FileNotFoundError:  # another poller took it
                continue
            yield FetchedPackage(remote_id=path.name, data=data)

    def ack(self, address: str, remote_id: str) -> None:
        if not _SAFE.match(remote_id):
            return
        source = self._folder(address, "inbox") / remote_id
        target = self._folder(address, "done") / remote_id
        with contextlib.suppress(FileNotFoundError):
            os.replace(source, target)


# --- HTTP to the provincial integration platform (LGSP) ---------------------------------------


class LgspHttpTransport(BaseTransport):
    """The provincial integration platform (LGSP), which relays to the national document axis.

    Modelled on the VPCP exchange SDK's operations (`sendEdoc`, `getReceivedEdocList`,
    `getEdoc`, `updateStatus`; JSON headers `servicetype: eDoc`, `messagetype: edoc|status`;
    credentials SystemId + SecretKey — vn-regulations §4.1 [S]). The HTTP paths, header names and
    response fields below are [I]: every one is an option, so a province's platform is
    configured, not coded. Responses must be JSON {"status": "OK", ...}; anything else is an error.
    """

    DEFAULTS = {
        "send_path": "/sendEdoc",
        "list_path": "/getReceivedEdocList",
        "get_path": "/getEdoc",
        "ack_path": "/updateStatus",
        "system_id_header": "systemid",
        "secret_header": "secret",
        "timeout": 30,
    }

    def _opt(self, name: str) -> Any:
        return self.options.get(name, self.DEFAULTS.get(name))

    def _url(self, path_option: str) -> str:
        return str(self.option("url", required=True)).rstrip("/") + str(self._opt(path_option))

    def _headers(self, **extra: str) -> dict[str, str]:
        headers = {
            self._opt("system_id_header"): str(self.option("system_id", required=True)),
            self._opt("secret_header"): str(self.option("secret_key", required=True)),
            "servicetype": "eDoc",
        }
        headers.update({k: v for k, v in extra.items() if v})
        return headers

    def _call(self, method: str, path_option: str, **kwargs) -> requests.Response:
        try:
            response = requests.request(method, self._url(path_option), timeout=float(self._opt("timeout")), **kwargs)
        except requests.RequestException as exc:
            raise TransientTransportError(f"Không kết nối được nền tảng LGSP: {type(exc).__name__}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise TransientTransportError(f"LGSP trả lỗi tạm thời HTTP {response.status_code}.")
        if response.status_code >= 400:
            raise PermanentTransportError(f"LGSP từ chối yêu cầu: HTTP {response.status_code} {response.text[:200]}")
        return response

    @staticmethod
    def _json(response: requests.Response) -> dict:
        try:
            body = response.json()
        except ValueError as exc:
            raise TransientTransportError("LGSP trả về dữ liệu không phải JSON.") from exc
        if not isinstance(body, dict):
            raise TransientTransportError("LGSP trả về JSON không đúng dạng.")
        if str(body.get("status", "")).upper() != "OK":
            detail = str(body.get("ErrorDesc") or body.get("errorDesc") or body.get("message") or "")[:200]
            raise PermanentTransportError(f"LGSP báo lỗi: {detail or 'không rõ nguyên nhân'}")
        return body

    def send(self, envelope: OutgoingEnvelope) -> SendResult:
        response = self._call(
            "POST",
            "send_path",
            data=envelope.data,
            headers={
                **self._headers(
                    messagetype="status" if envelope.kind == "status" else "edoc",
                    **{"from": envelope.from_address, "to": envelope.to_address},
                ),
                "Content-Type": "application/xml; charset=utf-8",
                "X-Message-Id": envelope.message_uuid,
            },
        )
        body = self._json(response)
        return SendResult(remote_id=str(body.get("DocId") or body.get("docId") or "")[:128])

    def fetch(self, address: str, *, limit: int = 100) -> Iterator[FetchedPackage]:
        for messagetype in ("edoc", "status"):
            body = self._json(self._call("GET", "list_path", headers=self._headers(messagetype=messagetype, to=address)))
            items = body.get("data") or body.get("knobsticks") or []
            if not isinstance(items, list):
                raise TransientTransportError("LGSP trả về danh sách không đúng dạng.")
            for item in items[:limit]:
                doc_id = str((item or {}).get("DocId") or (item or {}).get("docId") or "")[:128] if isinstance(item, dict) else ""
                if not doc_id:
                    continue
                response = self._call("GET", "get_path", headers=self._headers(docid=doc_id, to=address))
                yield FetchedPackage(remote_id=doc_id, data=response.content)

    def ack(self, address: str, remote_id: str) -> None:
        self._json(self._call("POST", "ack_path", headers=self._headers(docid=remote_id, status="done", to=address)))


# --- registry --------------------------------------------------------------------------------

DEFAULT_TRANSPORTS = {"directory": {"BACKEND": "chinhquyenso.exchange.transports.DirectoryTransport"}}


def configured_transports() -> dict[str, dict]:
    return getattr(settings, "EXCHANGE_TRANSPORTS", None) or DEFAULT_TRANSPORTS


@functools.cache
def get_transport(code: str) -> BaseTransport:
    conf = configured_transports().get(code)
    if not conf or "BACKEND" not in conf:
        raise ImproperlyConfigured(f"Exchange transport {code!r} is not configured in EXCHANGE_TRANSPORTS")
    try:
        backend = import_string(conf["BACKEND"])
    except ImportError as exc:
        raise ImproperlyConfigured(f"Cannot import exchange transport {conf['BACKEND']!r}: {exc}") from exc
    if not (isinstance(backend, type) and issubclass(backend, BaseTransport)):
        raise ImproperlyConfigured(f"{conf['BACKEND']!r} is not an exchange BaseTransport subclass")
    return backend(code, {key.lower(): value for key, value in conf.items() if key != "BACKEND"})


@receiver(setting_changed)
def _reset_registry(*, setting: str, **kwargs) -> None:
    if setting in ("EXCHANGE_TRANSPORTS", "MEDIA_ROOT"):
        get_transport.cache_clear()


def new_message_uuid() -> uuid.UUID:
    return uuid.uuid4()
