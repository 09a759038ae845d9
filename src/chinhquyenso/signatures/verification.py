"""Verification of the signatures in any PDF (our own or received), against the trust store.

For each signature: is the signed byte range intact, is the cryptographic signature valid, does
the certificate chain lead to a configured root (and is it not revoked), who signed and when,
what the signature covers, and whether the file was changed after signing in a way that is not
just a later signature, form filling or validation data (pyHanko's difference analysis).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import asdict, dataclass

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from . import trust
from .errors import BadPdfError
from .signing import VN_TZ, open_pdf

logger = logging.getLogger(__name__)

COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "entire_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "entire_revision",
}
COVERAGE_VI = {
    "entire_file": "toàn bộ tệp",
    "entire_revision": "toàn bộ phiên bản tại thời điểm ký (có cập nhật sau đó)",
    "partial": "một phần tệp",
}
# Later revisions that do not change what was signed: more signatures, filled fields, DSS and
# document timestamps (PAdES B-LT/B-LTA).
HARMLESS = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}


@dataclass
class SignatureReport:
    field_name: str
    signer_name: str
    signer_subject: str
    issuer: str
    signing_time: dt.datetime | None
    timestamped: bool
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    coverage: str  # entire_file | entire_revision | partial
    modified_after_signing: bool
    level: str  # B-B | B-T | B-LT | B-LTA
    summary_vi: str

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.revoked and not self.modified_after_signing

    def as_dict(self) -> dict:
        data = asdict(self)
        data["signing_time"] = self.signing_time.isoformat() if self.signing_time else None
        data["ok"] = self.ok
        return data


def _name(cert) -> tuple[str, str, str]:
    subject = cert.subject
    native = subject.native
    cn = native.get("common_name", "") if isinstance(native, dict) else ""
    if isinstance(cn, list):
        cn = ", ".join(cn)
    return str(cn) or subject.human_friendly, subject.human_friendly, cert.issuer.human_friendly


def _summary(r: SignatureReport) -> str:
    if not r.intact:
        return _("Tệp đã bị sửa trong phần được ký: chữ ký KHÔNG còn giá trị.")
    if not r.valid:
        return _("Chữ ký không hợp lệ về mật mã.")
    if r.modified_after_signing:
        return _("Chữ ký đúng nhưng nội dung tệp đã bị thay đổi sau khi ký.")
    if r.revoked:
        return _("Chứng thư số của người ký đã bị thu hồi.")
    if not r.trusted:
        return _("Chữ ký đúng, tệp nguyên vẹn, nhưng chứng thư số không thuộc tổ chức chứng thực được tin cậy.")
    return _("Chữ ký hợp lệ, chứng thư số tin cậy; tệp không bị thay đổi nội dung sau khi ký.")


def verify(pdf: bytes) -> list[SignatureReport]:
    """One report per signature (document timestamps count towards the level, not as signers).
    Raises BadPdfError for input that is not a readable, unencrypted PDF."""
    open_pdf(pdf)  # the same input checks and messages as signing
    try:
        reader = PdfFileReader(io.BytesIO(bytes(pdf)), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 — any parse failure of a damaged file
        raise BadPdfError(_("Tệp PDF bị hỏng, không đọc được chữ ký.")) from exc
    has_dss = "/DSS" in reader.root
    has_doc_ts = any(s.sig_object_type == "/DocTimeStamp" for s in embedded)
    reports = []
    for sig in embedded:
        if sig.sig_object_type != "/Sig":
            continue
        reports.append(_report(sig, has_dss, has_doc_ts))
    return reports


def _report(sig, has_dss: bool, has_doc_ts: bool) -> SignatureReport:
    field_name = str(sig.field_name or "")
    diff_failed = False
    try:
        status = validate_pdf_signature(sig, trust.validation_context())
    except Exception as exc:  # noqa: BLE001 — e.g. a damaged later revision breaks the diff analysis
        logger.info("signature %s: full validation failed (%s); retrying without difference analysis", field_name, exc)
        diff_failed = True
        try:
            status = validate_pdf_signature(sig, trust.validation_context(), skip_diff=True)
        except Exception as exc2:  # noqa: BLE001 — a malformed signature is reported, not raised
            logger.info("signature %s could not be validated: %s", field_name, exc2)
            status = None
    if status is None:
        return SignatureReport(
            field_name=field_name, signer_name="", signer_subject="", issuer="", signing_time=None,
            timestamped=False, intact=False, valid=False, trusted=False, revoked=False, coverage="partial",
            modified_after_signing=True, level="", summary_vi=_("Không đọc được chữ ký: dữ liệu chữ ký bị hỏng."),
        )
    signer_name, subject, issuer = _name(status.signing_cert)
    timestamped = status.timestamp_validity is not None
    moment = status.timestamp_validity.timestamp if timestamped else status.signer_reported_dt
    coverage = COVERAGE.get(status.coverage, "partial")
    modified = coverage != "entire_file" and (
        diff_failed or status.modification_level not in HARMLESS or status.docmdp_ok is False
    )
    level = "B-B"
    if timestamped:
        level = "B-T"
        if has_dss:
            level = "B-LTA" if has_doc_ts else "B-LT"
    report = SignatureReport(
        field_name=field_name, signer_name=signer_name, signer_subject=subject, issuer=issuer,
        signing_time=moment.astimezone(VN_TZ) if moment else None, timestamped=timestamped,
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        revoked=bool(status.revoked), coverage=coverage, modified_after_signing=bool(modified), level=level,
        summary_vi="",
    )
    report.summary_vi = _summary(report)
    return report
