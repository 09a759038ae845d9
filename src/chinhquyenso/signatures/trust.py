"""The trust store and the timestamp authority, both configured by files and settings.

Trust store (SIGNATURES_TRUST_DIR): every *.pem / *.crt / *.cer (PEM or DER, one or many
certificates) — self-signed ones are trust anchors (the national root CA of the Government's
specialised PKI, the public root of Bộ KH&CN/NEAC…), the others intermediates used to build
paths; every *.crl (PEM or DER) is revocation data for offline validation. Loaded once and
reloaded when a file in the folder changes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from asn1crypto import crl as acrl
from asn1crypto import pem
from asn1crypto import x509 as ax509
from django.utils.translation import gettext as _
from pyhanko_certvalidator import ValidationContext

from . import conf
from .errors import SigningConfigError

CERT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}

_lock = threading.Lock()
_cache: dict = {}


def _blocks(data: bytes) -> list[bytes]:
    if pem.detect(data):
        return [der for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [data]


def _fingerprint(directory: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in directory.iterdir() if p.is_file()))
    except OSError:
        return ()


def load_trust_store(directory: Path | None = None) -> tuple[list, list, list]:
    """(roots, intermediates, crls) from the trust folder; unreadable files are skipped."""
    directory = Path(directory or conf.trust_dir())
    key = (str(directory), _fingerprint(directory))
    with _lock:
        if _cache.get("key") == key:
            return _cache["value"]
    roots, others, crls = [], [], []
    if directory.is_dir():
        for path in sorted(directory.iterdir()):
            suffix = path.suffix.lower()
            try:
                data = path.read_bytes()
                if suffix in CERT_SUFFIXES:
                    for der in _blocks(data):
                        cert = ax509.Certificate.load(der)
                        cert.native  # noqa: B018 — parse now so a bad file is skipped, not fatal later
                        (roots if cert.self_signed else others).append(cert)
                elif suffix == ".crl":
                    for der in _blocks(data):
                        crl = acrl.CertificateList.load(der)
                        crl.native  # noqa: B018
                        crls.append(crl)
            except (OSError, ValueError, TypeError):
                continue
    value = (roots, others, crls)
    with _lock:
        _cache["key"], _cache["value"] = key, value
    return value


def validation_context(*, for_signing: bool = False) -> ValidationContext:
    roots, others, crls = load_trust_store()
    return ValidationContext(
        trust_roots=roots, other_certs=others, crls=crls, allow_fetching=conf.allow_fetching(),
        revocation_mode="soft-fail",
    )


def trust_roots():
    return load_trust_store()[0]


def timestamper():
    """The TSA for B-T and B-LT: an RFC 3161 service by URL, or (dev/demo) a local one."""
    url = conf.tsa_url()
    if url:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        return HTTPTimeStamper(url)
    local = conf.local_tsa_dir()
    if local:
        return _local_timestamper(local)
    raise SigningConfigError(
        _("Mức ký B-T/B-LT cần máy chủ cấp dấu thời gian: hãy đặt SIGNATURES_TSA_URL.")
    )


_tsa_cache: dict = {}


def _local_timestamper(directory: str):
    from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    base = Path(directory)
    key = (str(base), _fingerprint(base))
    if _tsa_cache.get("key") != key:
        try:
            tsa_cert = load_cert_from_pemder(str(base / "tsa.pem"))
            tsa_key = load_private_key_from_pemder(str(base / "tsa.key"), passphrase=None)
            chain = [load_cert_from_pemder(str(base / "root.pem"))] if (base / "root.pem").exists() else []
        except (OSError, ValueError) as exc:
            raise SigningConfigError(_("Không đọc được máy chủ cấp dấu thời gian cục bộ: %(err)s") % {"err": exc}) from exc
        _tsa_cache["key"] = key
        _tsa_cache["value"] = DummyTimeStamper(
            tsa_cert=tsa_cert, tsa_key=tsa_key, certs_to_embed=SimpleCertificateStore.from_certs(chain)
        )
    return _tsa_cache["value"]
