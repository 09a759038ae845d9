"""Helpers for tests of this app AND of the apps that call it (documents, exchange): a test PKI
wired into settings, credentials for a user and an agency, a sample PDF, and the independent
check with poppler's pdfsig.

    from chinhquyenso.signatures.tests.helpers import signing_setup, pdfsig
    setup = signing_setup(settings, tmp_path, pki, user=leader, agency=commune)   # pki = testpki.build()
    signed = services.sign_personal(pdf, user=leader)
    assert pdfsig(signed, setup.nssdb)[0]["valid"]
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from chinhquyenso.signatures import backends, testpki

PASSPHRASE = "mat-khau-p12-thu-nghiem"  # noqa: S105 — test data


@dataclass
class SigningSetup:
    pki: testpki.TestPKI
    directory: Path
    nssdb: Path | None
    person: object | None = None
    organization: object | None = None


def signing_setup(settings, tmp_path: Path, pki: testpki.TestPKI, *, user=None, agency=None,
                  level: str = "B-B", with_tsa: bool = True) -> SigningSetup:
    """Point the signatures settings at a fresh folder holding the test PKI; give `user` and
    `agency` a PKCS#12 credential with a drawn signature / seal image."""
    from chinhquyenso.signatures import services

    base = tmp_path / "signing"
    settings.SIGNATURES_DIR = str(base)
    settings.SIGNATURES_TRUST_DIR = str(pki.write_trust_dir(base / "trust"))
    settings.SIGNATURES_LOCAL_TSA_DIR = str(pki.write_tsa_dir(base / "tsa")) if with_tsa else ""
    settings.SIGNATURES_TSA_URL = ""
    settings.SIGNATURES_LEVEL = level
    settings.SIGNATURES_ALLOW_FETCHING = False
    backends.clear_cache()
    (base / "keys").mkdir(parents=True, exist_ok=True)
    (base / "keys" / "p12.pass").write_text(PASSPHRASE)
    setup = SigningSetup(pki=pki, directory=base, nssdb=make_nssdb(pki, tmp_path / "nssdb"))
    if user is not None:
        issued = pki.issue(f"{user.full_name}", organization="UBND thử nghiệm", uid=str(user.pk))
        (base / "keys" / f"u{user.pk}.p12").write_bytes(pki.pkcs12(issued, PASSPHRASE.encode()))
        setup.person = services.create_credential(
            label=f"Chữ ký số {user.full_name}", backend="pkcs12", owner_user=user,
            province=_province_of(user, agency),
            config={"p12_path": f"keys/u{user.pk}.p12", "passphrase_file": "keys/p12.pass"},
            image_png=testpki.draw_signature_png(user.full_name),
        )
    if agency is not None:
        issued = pki.issue(agency.name, organization=agency.name)
        (base / "keys" / f"a{agency.pk}.p12").write_bytes(pki.pkcs12(issued, PASSPHRASE.encode()))
        setup.organization = services.create_credential(
            label=f"Chữ ký số {agency.name}", backend="pkcs12", owner_agency=agency, province=agency.province,
            config={"p12_path": f"keys/a{agency.pk}.p12", "passphrase_file": "keys/p12.pass"},
            image_png=testpki.draw_seal_png(agency.name),
        )
    return setup


def _province_of(user, agency):
    if agency is not None:
        return agency.province
    from chinhquyenso.units.tests.factories import ProvinceFactory

    return ProvinceFactory()


def sample_pdf(pages: int = 1, title: str = "QUYẾT ĐỊNH") -> bytes:
    """An A4 official-looking document with Vietnamese text (WeasyPrint)."""
    import fontpkg
    from weasyprint import HTML

    font = Path(fontpkg.path("Noto Serif")).as_uri()
    body = "".join(
        f"<p>Điều {i}. Nội dung thử nghiệm của văn bản hành chính, có dấu tiếng Việt: ễ ộ ẫ ự đ.</p>"
        for i in range(1, 8)
    )
    page_html = f"<h1>{title}</h1><p>Về việc thử nghiệm ký số văn bản điện tử</p>{body}"
    html = (
        f"<style>@font-face{{font-family:S;src:url('{font}')}} @page{{size:A4;margin:20mm 15mm 20mm 30mm}}"
        "body{font-family:S;font-size:13pt} h1{text-align:center;font-size:14pt} .b{page-break-after:always}</style>"
        + "".join(f"<div class='b'>{page_html}</div>" if i < pages - 1 else page_html for i in range(pages))
    )
    return HTML(string=html).write_pdf()


def make_nssdb(pki: testpki.TestPKI, directory: Path) -> Path | None:
    """An NSS database trusting the test root, for pdfsig (None if NSS tools are missing)."""
    if not shutil.which("certutil"):
        return None
    directory.mkdir(parents=True, exist_ok=True)
    root = directory / "root.pem"
    root.write_bytes(pki.root.cert_pem)
    db = f"sql:{directory}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True, capture_output=True)  # noqa: S603,S607
    subprocess.run(["certutil", "-A", "-d", db, "-n", "testroot", "-t", "CT,C,C", "-i", str(root)],  # noqa: S603,S607
                   check=True, capture_output=True)
    return directory


def pdfsig(pdf: bytes, nssdb: Path, tmp_dir: Path | None = None) -> list[dict]:
    """poppler's independent verdict, one dict per signature: signer, valid, trusted, total."""
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf", dir=tmp_dir) as fh:
        fh.write(pdf)
        fh.flush()
        proc = subprocess.run(["pdfsig", "-nssdir", f"sql:{nssdb}", fh.name],  # noqa: S603,S607
                              capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    results = []
    for block in re.split(r"\nSignature #\d+:", "\n" + out)[1:]:
        signer = re.search(r"Signer Certificate Common Name: (.*)", block)
        results.append({
            "signer": signer.group(1).strip() if signer else "",
            "valid": "Signature Validation: Signature is Valid." in block,
            "trusted": "Certificate Validation: Certificate is Trusted." in block,
            "total": "Total document signed" in block and "not total document signed" not in block,
            "raw": block,
        })
    return results
