"""The seam for remote signing ("ký số từ xa"): the key stays with a signing service and only a
digest leaves the platform. Vendors' products differ, so the platform speaks one small JSON
interface (below); an adapter service next to the vendor's API translates if needed.

JSON interface (all bodies UTF-8 JSON, `Authorization: Bearer <token>`):

    GET  {base}/credentials/{credential_id}/certificates
         200 {"certificates": ["<base64 DER>", ...]}        signer first, then its chain
    POST {base}/credentials/{credential_id}/sign
         {"digest": "<base64>", "digest_algorithm": "sha256", "signature_algorithm": "rsassa_pkcs1v15"}
         200 {"signature": "<base64>"}                      done at once (HSM behind the service)
         202 {"transaction_id": "..."}                       the holder must confirm (phone app);
    GET  {base}/transactions/{transaction_id}                   then poll this until
         200 {"status": "pending"} | {"status": "done", "signature": "<base64>"}
             | {"status": "rejected", "reason": "..."}

`digest` is the hash of the CMS signed attributes; the service returns the raw signature over it
(for RSA PKCS#1 v1.5: over the DigestInfo of that hash, i.e. a "prehashed" signature).
"""

from __future__ import annotations

import base64
import hashlib
import time
from abc import ABC, abstractmethod

from asn1crypto import x509 as ax509
from django.utils.translation import gettext as _
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from . import conf
from .errors import SigningConfigError


class RemoteSigningService(ABC):
    """What the platform needs from a remote-signing service."""

    @abstractmethod
    def certificates(self, credential_id: str) -> list[bytes]:
        """DER certificates: the signer's first, then the chain."""

    @abstractmethod
    def sign_digest(self, credential_id: str, digest: bytes, digest_algorithm: str, signature_algorithm: str) -> bytes:
        """The raw signature over `digest` (blocks until the holder confirmed, or raises)."""


class HttpRemoteSigningService(RemoteSigningService):
    def __init__(self, base_url: str, token: str = "", *, timeout: float = 15.0, poll_interval: float = 2.0,
                 max_wait: float = 120.0, session=None):
        import requests

        if not base_url:
            raise SigningConfigError(_("Chưa cấu hình địa chỉ dịch vụ ký số từ xa (SIGNATURES_REMOTE_URL)."))
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self.http = session or requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def _json(self, method: str, path: str, **kwargs) -> tuple[int, dict]:
        import requests

        try:
            response = self.http.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise SigningConfigError(_("Không kết nối được dịch vụ ký số từ xa: %(err)s") % {"err": exc}) from exc
        if response.status_code >= 400:
            raise SigningConfigError(
                _("Dịch vụ ký số từ xa trả lỗi %(code)s.") % {"code": response.status_code}
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise SigningConfigError(_("Dịch vụ ký số từ xa trả về dữ liệu không hợp lệ.")) from exc
        if not isinstance(body, dict):
            raise SigningConfigError(_("Dịch vụ ký số từ xa trả về dữ liệu không hợp lệ."))
        return response.status_code, body

    @staticmethod
    def _b64(value, what: str) -> bytes:
        try:
            return base64.b64decode(value, validate=True)
        except (TypeError, ValueError) as exc:
            raise SigningConfigError(_("Dịch vụ ký số từ xa trả %(what)s không hợp lệ.") % {"what": what}) from exc

    def certificates(self, credential_id: str) -> list[bytes]:
        _status, body = self._json("GET", f"/credentials/{credential_id}/certificates")
        certs = body.get("certificates")
        if not isinstance(certs, list) or not certs:
            raise SigningConfigError(_("Dịch vụ ký số từ xa không trả chứng thư."))
        return [self._b64(c, "chứng thư") for c in certs]

    def sign_digest(self, credential_id, digest, digest_algorithm, signature_algorithm) -> bytes:
        status, body = self._json("POST", f"/credentials/{credential_id}/sign", json={
            "digest": base64.b64encode(digest).decode(), "digest_algorithm": digest_algorithm,
            "signature_algorithm": signature_algorithm,
        })
        if status == 200 and "signature" in body:
            return self._b64(body["signature"], "chữ ký")
        transaction_id = body.get("transaction_id")
        if status != 202 or not transaction_id:
            raise SigningConfigError(_("Dịch vụ ký số từ xa trả về dữ liệu không hợp lệ."))
        deadline = time.monotonic() + self.max_wait
        while True:
            _s, body = self._json("GET", f"/transactions/{transaction_id}")
            state = body.get("status")
            if state == "done":
                return self._b64(body.get("signature"), "chữ ký")
            if state == "rejected":
                raise SigningConfigError(
                    _("Người ký đã từ chối trên dịch vụ ký số từ xa: %(reason)s") % {"reason": body.get("reason", "")}
                )
            if time.monotonic() >= deadline:
                raise SigningConfigError(_("Hết thời gian chờ người ký xác nhận trên dịch vụ ký số từ xa."))
            time.sleep(self.poll_interval)


def default_service() -> RemoteSigningService:
    return HttpRemoteSigningService(conf.remote_url(), conf.remote_token())


class RemoteSigner(signers.Signer):
    """A pyHanko signer whose raw signature comes from a RemoteSigningService."""

    def __init__(self, service: RemoteSigningService, credential_id: str):
        ders = service.certificates(credential_id)
        try:
            certs = [ax509.Certificate.load(d) for d in ders]
            certs[0].native  # noqa: B018 — force a parse now, not in the middle of signing
        except ValueError as exc:
            raise SigningConfigError(_("Chứng thư từ dịch vụ ký số từ xa không đọc được.")) from exc
        self.service = service
        self.credential_id = credential_id
        super().__init__(signing_cert=certs[0], cert_registry=SimpleCertificateStore.from_certs(certs[1:]))

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:
            return bytes(2 * self.signing_cert.public_key.byte_size + 16)
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        digest = hashlib.new(digest_algorithm, data).digest()
        return self.service.sign_digest(self.credential_id, digest, digest_algorithm, mechanism.signature_algo)
