"""Every signature the platform makes is checked by pyHanko (services.verify) AND by poppler's
pdfsig with the test root in an NSS database; tampering is caught by both."""

import io
import re
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.signatures import backends, services, testpki
from chinhquyenso.signatures.errors import BadPdfError, NoCredentialError
from chinhquyenso.signatures.models import SignatureKind, SignatureRecord

from .helpers import pdfsig

needs_pdfsig = pytest.mark.skipif(not shutil.which("pdfsig") or not shutil.which("certutil"),
                                  reason="poppler-utils / libnss3-tools not installed")
pytestmark = pytest.mark.django_db


def both_ok(pdf, setup, count, total=True):
    reports = services.verify(pdf)
    assert len(reports) == count
    for r in reports:
        assert (r.intact, r.valid, r.trusted, r.modified_after_signing) == (True, True, True, False), r
        assert r.ok
    if setup.nssdb is not None:
        poppler = pdfsig(pdf, setup.nssdb)
        assert len(poppler) == count
        assert all(p["valid"] and p["trusted"] for p in poppler), poppler
        assert poppler[-1]["total"] is total  # B-LT: the DSS is a later revision
    return reports


@needs_pdfsig
def test_personal_then_organization(setup, pdf, leader, commune):
    signed = services.sign_personal(pdf, user=leader, authority="TM. Ủy ban nhân dân", reason="Ban hành")
    both = services.sign_organization(signed, agency=commune, reason="Ban hành")
    reports = both_ok(both, setup, 2)
    person, org = reports
    assert person.signer_name == "Nguyễn Văn Hùng" and person.field_name == "ChuKyCaNhan1"
    assert person.coverage == "entire_revision"  # the seal came after, as a harmless later revision
    assert org.signer_name == "UBND xã Thử Nghiệm" and org.coverage == "entire_file"
    assert person.signing_time.utcoffset().total_seconds() == 7 * 3600
    assert {r.level for r in reports} == {"B-B"}
    assert pdfsig(both, setup.nssdb)[0]["signer"] == "Nguyễn Văn Hùng"
    kinds = list(SignatureRecord.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == [SignatureKind.PERSONAL, SignatureKind.ORGANIZATION]
    assert AuditEntry.objects.filter(action="signature.sign").count() == 2


def test_seal_overlaps_left_third_of_signature(setup, pdf, leader, commune):
    from chinhquyenso.signatures import signing, stamps

    both = services.sign_organization(services.sign_personal(pdf, user=leader), agency=commune)
    widgets = {name: (page, rect) for name, page, rect in signing.signature_widgets(signing.open_pdf(both))}
    page_p, personal = widgets["ChuKyCaNhan1"]
    page_s, seal = widgets["ChuKyCoQuan1"]
    assert page_p == page_s == 1  # last page of the two-page sample
    image = stamps.personal_image_frame(personal)
    third = (image[2] - image[0]) / 3
    assert seal[2] == pytest.approx(image[0] + third, abs=0.5)  # covers the left third, no more
    assert seal[0] < image[0]  # and sits on the left
    assert seal[2] - seal[0] == pytest.approx(35 * stamps.MM, abs=0.5)  # actual size of a 35 mm seal


@needs_pdfsig
def test_attachment_stamp_and_time(setup, pdf, commune):
    signed = services.sign_attachment(pdf, agency=commune, number_symbol="05/QĐ-UBND")
    (report,) = both_ok(signed, setup, 1)
    assert report.field_name == "ChuKyDinhKem1"
    text = _pdftotext(signed, first=1)
    iso = report.signing_time.isoformat()
    assert iso.endswith("+07:00") and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", iso)
    assert "05/QĐ-UBND" in text and iso in text  # the stamp prints the time the signature claims


def _pdftotext(pdf, first=1):
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils not installed")
    proc = subprocess.run(["pdftotext", "-f", str(first), "-l", str(first), "-", "-"], input=pdf,  # noqa: S603,S607
                          capture_output=True, check=True)
    return proc.stdout.decode()


@needs_pdfsig
@pytest.mark.parametrize("level", ["B-T", "B-LT"])
def test_levels(setup, pdf, leader, level):
    signed = services.sign_personal(pdf, user=leader, level=level)
    (report,) = both_ok(signed, setup, 1, total=level != "B-LT")
    assert report.timestamped and report.level == level
    if level == "B-LT":
        assert report.coverage == "entire_revision"  # the DSS is a later, harmless revision


def test_level_from_settings(setup, pdf, leader, settings):
    settings.SIGNATURES_LEVEL = "B-T"
    (report,) = services.verify(services.sign_personal(pdf, user=leader))
    assert report.level == "B-T"


def test_b_t_without_tsa_is_a_clear_error(setup, pdf, leader, settings):
    from chinhquyenso.signatures.errors import SigningConfigError

    settings.SIGNATURES_LOCAL_TSA_DIR = ""
    with pytest.raises(SigningConfigError, match="dấu thời gian"):
        services.sign_personal(pdf, user=leader, level="B-T")
    assert not SignatureRecord.objects.exists()


@needs_pdfsig
def test_tampered_file_detected_by_both(setup, pdf, leader, commune):
    signed = bytearray(services.sign_organization(services.sign_personal(pdf, user=leader), agency=commune))
    at = signed.index(b"stream", 2000) + 40  # inside a compressed stream of the signed range
    signed[at] ^= 0xFF
    reports = services.verify(bytes(signed))
    assert all(not r.intact and not r.ok for r in reports)
    assert "KHÔNG còn giá trị" in reports[0].summary_vi
    poppler = pdfsig(bytes(signed), setup.nssdb)
    assert not any(p["valid"] for p in poppler)
    assert all("Digest Mismatch" in p["raw"] for p in poppler)


@needs_pdfsig
def test_content_changed_after_signing(setup, pdf, commune):
    signed = services.sign_attachment(pdf, agency=commune, number_symbol="12/KH-UBND")
    w = IncrementalPdfFileWriter(io.BytesIO(signed))
    w.add_stream_to_page(0, w.add_object(generic.StreamObject(stream_data=b"1 0 0 rg 50 50 200 200 re f")))
    out = io.BytesIO()
    w.write(out)
    (report,) = services.verify(out.getvalue())
    assert report.intact and report.valid and report.modified_after_signing and not report.ok
    assert "thay đổi sau khi ký" in report.summary_vi
    (poppler,) = pdfsig(out.getvalue(), setup.nssdb)
    assert not poppler["total"]  # poppler: "not total document signed"


def test_untrusted_and_revoked(setup, pdf, leader, settings, tmp_path):
    signed = services.sign_personal(pdf, user=leader)
    other = testpki.build("Some other root")
    settings.SIGNATURES_TRUST_DIR = str(other.write_trust_dir(tmp_path / "other-trust"))
    (report,) = services.verify(signed)
    assert report.intact and report.valid and not report.trusted
    assert "không thuộc tổ chức chứng thực được tin cậy" in report.summary_vi

    # the same signer's certificate revoked in the configured CRL
    pki = setup.pki
    issued = pki.issue("Người bị thu hồi")
    pki.revoke(issued)
    try:
        settings.SIGNATURES_TRUST_DIR = str(pki.write_trust_dir(tmp_path / "revoked-trust"))
        from asn1crypto import keys, x509
        from cryptography.hazmat.primitives import serialization

        signer = backends.CachedKeySigner(
            signing_cert=x509.Certificate.load(issued.cert.public_bytes(serialization.Encoding.DER)),
            signing_key=keys.PrivateKeyInfo.load(issued.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            cert_registry=None,
        )
        from chinhquyenso.signatures import signing

        out = signing.sign(pdf, signer, signing.SignRequest(field_name="X", level="B-B"))
        (report,) = services.verify(out)
        assert report.revoked and not report.ok
    finally:
        pki.revoked_serials.clear()


def make_encrypted(pdf: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    w.encrypt("mat-khau")
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("make", "message"), [
    (lambda pdf: b"", "rỗng"),
    (lambda pdf: b"GIF89a not a pdf", "không phải là tệp PDF"),
    (lambda pdf: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage", "bị hỏng"),
    (lambda pdf: pdf[: len(pdf) // 3], "bị hỏng"),
    (make_encrypted, "mã hóa"),
])
def test_bad_input(setup, pdf, leader, commune, make, message):
    bad = make(pdf)
    for call in (
        lambda: services.sign_personal(bad, user=leader),
        lambda: services.sign_organization(bad, agency=commune),
        lambda: services.sign_attachment(bad, agency=commune, number_symbol="01/TB-UBND"),
        lambda: services.verify(bad),
    ):
        with pytest.raises(BadPdfError, match=message):
            call()
    assert not SignatureRecord.objects.exists()


def test_unsigned_pdf_has_no_reports(setup, pdf):
    assert services.verify(pdf) == []


def test_no_credential(setup, pdf):
    from chinhquyenso.accounts.tests.factories import OfficialFactory

    with pytest.raises(NoCredentialError, match="chưa có chứng thư"):
        services.sign_personal(pdf, user=OfficialFactory())


def test_key_loaded_once(setup, pdf, leader, monkeypatch):
    backend = backends.BACKENDS["pkcs12"]
    calls = []
    original = backend.load
    monkeypatch.setattr(backend, "load", lambda cred: calls.append(cred.pk) or original(cred))
    backends.clear_cache()
    for _ in range(3):
        services.sign_personal(pdf, user=leader)
    assert calls == [setup.person.pk]


def test_new_credential_retires_the_old_one(setup, leader, commune):
    from chinhquyenso.signatures.models import SigningCredential

    old = setup.person
    new = services.create_credential(label="Mới", backend="pkcs12", owner_user=leader, province=commune.province,
                                     config=old.config)
    old.refresh_from_db()
    assert not old.is_active and new.is_active
    assert services.credential_for_user(leader) == new
    assert SigningCredential.objects.filter(owner_user=leader, is_active=True).count() == 1
