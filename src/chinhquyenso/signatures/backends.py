"""Signer backends: where a credential's private key lives (ARCHITECTURE.md habit 8 — every
external system is a plugin behind a small registry).

    pkcs12  a .p12/.pfx file on disk (servers holding an agency key; tests; the demo)
    pkcs11  a USB token or HSM through its PKCS#11 module (tested with SoftHSM2)
    remote  a remote-signing service (the seam for "ký số từ xa" products) — see remote.py

Keys are loaded ONCE per credential and process and kept: loading a PKCS#12 file costs tens of
milliseconds and pyHanko's SimpleSigner even re-parses the key on every raw signature
(stack.md §3.2), so `CachedKeySigner` keeps the parsed `cryptography` key object. A token
session stays open; a lock per credential serialises its use, because PKCS#11 sessions must not
be shared by threads signing at the same time.
"""

from __future__ import annotations

import contextlib
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from django.utils.translation import gettext as _
from pyhanko.sign import signers
from pyhanko.sign.general import get_pyca_cryptography_hash

from . import conf
from .errors import SigningConfigError


class CachedKeySigner(signers.SimpleSigner):
    """SimpleSigner that parses its private key once instead of on every signature."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pyca_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            algo = mechanism.signature_algo
        except ValueError:
            algo = mechanism["algorithm"].native
        key = self._pyca_key
        if algo == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            return key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        return super().sign_raw(data, digest_algorithm)  # PSS, EdDSA…: the general path


def secret_from(config: dict, env_key: str, file_key: str) -> str | None:
    """A passphrase or PIN, read from the environment variable or the file the config names —
    never from the database."""
    if config.get(env_key):
        value = os.environ.get(config[env_key])
        if value is None:
            raise SigningConfigError(_("Biến môi trường %(name)s chưa được đặt.") % {"name": config[env_key]})
        return value
    if config.get(file_key):
        try:
            return conf.resolve(config[file_key]).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SigningConfigError(_("Không đọc được tệp bí mật %(path)s.") % {"path": config[file_key]}) from exc
    return None


class SignerBackend(ABC):
    """A way to reach a private key. `load` may be slow; the registry caches what it returns."""

    key: str = ""

    @abstractmethod
    def load(self, credential) -> signers.Signer: ...

    def cache_key(self, credential) -> tuple:
        """What invalidates the cached signer: by default the backend config."""
        return (credential.pk, self.key, repr(sorted(credential.config.items())))

    def close(self, signer) -> None:  # noqa: B027 — optional hook
        """Release what `load` opened (token sessions)."""


class Pkcs12Backend(SignerBackend):
    key = "pkcs12"

    def cache_key(self, credential) -> tuple:
        path = conf.resolve(credential.config.get("p12_path", ""))
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            mtime = None
        return (*super().cache_key(credential), mtime)

    def load(self, credential) -> signers.Signer:
        cfg = credential.config
        if not cfg.get("p12_path"):
            raise SigningConfigError(_("Chứng thư “%(label)s” chưa khai báo tệp PKCS#12.") % {"label": credential.label})
        path = conf.resolve(cfg["p12_path"])
        passphrase = secret_from(cfg, "passphrase_env", "passphrase_file")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningConfigError(_("Không đọc được tệp khóa %(path)s.") % {"path": str(path)}) from exc
        from cryptography.hazmat.primitives.serialization import pkcs12

        try:
            key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode() if passphrase else None)
        except ValueError as exc:
            raise SigningConfigError(_("Sai mật khẩu hoặc tệp PKCS#12 hỏng: %(path)s.") % {"path": str(path)}) from exc
        if key is None or cert is None:
            raise SigningConfigError(_("Tệp PKCS#12 không có khóa bí mật và chứng thư."))
        from asn1crypto import keys as akeys
        from asn1crypto import x509 as ax509
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        der = lambda c: c.public_bytes(serialization.Encoding.DER)  # noqa: E731
        key_info = akeys.PrivateKeyInfo.load(
            key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        )
        chain = [ax509.Certificate.load(der(c)) for c in (extra or [])]
        return CachedKeySigner(
            signing_cert=ax509.Certificate.load(der(cert)), signing_key=key_info,
            cert_registry=SimpleCertificateStore.from_certs(chain),
        )


class Pkcs11Backend(SignerBackend):
    """A token or HSM. The session is opened once and kept with the cached signer."""

    key = "pkcs11"

    def load(self, credential) -> signers.Signer:
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as p11

        cfg = credential.config
        for required in ("module_path", "token_label", "key_label"):
            if not cfg.get(required):
                raise SigningConfigError(_("Cấu hình PKCS#11 thiếu “%(key)s”.") % {"key": required})
        pin = secret_from(cfg, "pin_env", "pin_file")
        try:
            session = p11.open_pkcs11_session(
                cfg["module_path"], token_criteria=TokenCriteria(label=cfg["token_label"]), user_pin=pin
            )
        except Exception as exc:  # python-pkcs11 raises many unrelated types
            raise SigningConfigError(_("Không mở được thiết bị ký số: %(err)s") % {"err": exc}) from exc
        signer = p11.PKCS11Signer(
            session, key_label=cfg["key_label"], cert_label=cfg.get("cert_label") or cfg["key_label"],
            other_certs_to_pull=None,
        )
        signer._cqs_session = session
        return signer

    def close(self, signer) -> None:
        session = getattr(signer, "_cqs_session", None)
        if session is not None:
            session.close()


class RemoteBackend(SignerBackend):
    key = "remote"

    def load(self, credential) -> signers.Signer:
        from .remote import RemoteSigner, default_service

        credential_id = credential.config.get("credential_id")
        if not credential_id:
            raise SigningConfigError(_("Chứng thư ký từ xa chưa khai báo mã (credential_id)."))
        return RemoteSigner(default_service(), credential_id)


BACKENDS: dict[str, SignerBackend] = {}


def register(backend: SignerBackend) -> SignerBackend:
    BACKENDS[backend.key] = backend
    return backend


for _backend in (Pkcs12Backend(), Pkcs11Backend(), RemoteBackend()):
    register(_backend)


@dataclass
class _Entry:
    cache_key: tuple
    signer: signers.Signer
    lock: threading.Lock


_cache: dict[int, _Entry] = {}
_cache_lock = threading.Lock()


def get_backend(key: str) -> SignerBackend:
    try:
        return BACKENDS[key]
    except KeyError:
        raise SigningConfigError(_("Không có kiểu lưu khóa “%(key)s”.") % {"key": key}) from None


@contextmanager
def signer_for(credential) -> Iterator[signers.Signer]:
    """The credential's signer, loaded on first use and kept; held exclusively while in use."""
    backend = get_backend(credential.backend)
    wanted = backend.cache_key(credential)
    with _cache_lock:
        entry = _cache.get(credential.pk)
        if entry is None or entry.cache_key != wanted:
            if entry is not None:
                backend.close(entry.signer)
            entry = _Entry(wanted, backend.load(credential), threading.Lock())
            _cache[credential.pk] = entry
    with entry.lock:
        yield entry.signer


def clear_cache() -> None:
    with _cache_lock:
        for pk, entry in list(_cache.items()):
            with contextlib.suppress(Exception):  # closing a dead session is not worth raising
                get_backend(entry.cache_key[1]).close(entry.signer)
            _cache.pop(pk, None)
