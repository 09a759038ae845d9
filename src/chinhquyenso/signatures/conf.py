"""Settings of the signatures app, each read from Django settings first, then the environment,
then a default that lets a laptop run the platform with no signing server at all.

| Setting | Default | Meaning |
|---|---|---|
| SIGNATURES_DIR | <project>/var/signing | key files (PKCS#12), passphrase files, signature/seal images |
| SIGNATURES_TRUST_DIR | SIGNATURES_DIR/trust | trusted roots (*.pem, *.crt, *.cer; PEM or DER), intermediates, CRLs (*.crl) |
| SIGNATURES_LEVEL | B-B | PAdES level of new signatures: B-B, B-T or B-LT |
| SIGNATURES_TSA_URL | "" | RFC 3161 timestamp authority for B-T/B-LT |
| SIGNATURES_LOCAL_TSA_DIR | "" | dev/demo only: a folder with tsa.pem + tsa.key used as a local TSA |
| SIGNATURES_ALLOW_FETCHING | False | let validation fetch CRL/OCSP over the network (production: on) |
| SIGNATURES_STAMP_FONT / _BOLD | Be Vietnam Pro | TTF/OTF for visible stamps (Decree 30 wants Times New Roman: point these at it) |
| SIGNATURES_REMOTE_URL | "" | base URL of the remote-signing service (backend "remote") |
| SIGNATURES_REMOTE_TOKEN_ENV | SIGNATURES_REMOTE_TOKEN | name of the env var holding its bearer token |
"""

import os
from pathlib import Path

from django.conf import settings

LEVELS = ("B-B", "B-T", "B-LT")


def _get(name: str, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return os.environ.get(name, default)


def signing_dir() -> Path:
    value = _get("SIGNATURES_DIR", "")
    return Path(value) if value else Path(settings.BASE_DIR).parent.parent / "var" / "signing"


def trust_dir() -> Path:
    value = _get("SIGNATURES_TRUST_DIR", "")
    return Path(value) if value else signing_dir() / "trust"


def default_level() -> str:
    level = str(_get("SIGNATURES_LEVEL", "B-B")).upper()
    return level if level in LEVELS else "B-B"


def tsa_url() -> str:
    return str(_get("SIGNATURES_TSA_URL", ""))


def local_tsa_dir() -> str:
    return str(_get("SIGNATURES_LOCAL_TSA_DIR", ""))


def allow_fetching() -> bool:
    value = _get("SIGNATURES_ALLOW_FETCHING", False)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def stamp_font(bold: bool = False) -> str:
    return str(_get("SIGNATURES_STAMP_FONT_BOLD" if bold else "SIGNATURES_STAMP_FONT", ""))


def remote_url() -> str:
    return str(_get("SIGNATURES_REMOTE_URL", ""))


def remote_token() -> str:
    return os.environ.get(str(_get("SIGNATURES_REMOTE_TOKEN_ENV", "SIGNATURES_REMOTE_TOKEN")), "")


def resolve(path: str) -> Path:
    """Paths in credential configs are relative to SIGNATURES_DIR unless absolute."""
    p = Path(path)
    return p if p.is_absolute() else signing_dir() / p
