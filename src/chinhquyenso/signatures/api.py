"""POST /api/v1/signatures/verify — the verification report of an uploaded PDF (not stored)."""

from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile

from chinhquyenso.accounts.auth import api_auth

from .errors import BadPdfError
from .forms import MAX_UPLOAD_BYTES
from .services import verify

router = Router(tags=["signatures"])


class SignatureReportOut(Schema):
    field_name: str
    signer_name: str
    signer_subject: str
    issuer: str
    signing_time: str | None
    timestamped: bool
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    coverage: str
    modified_after_signing: bool
    level: str
    summary_vi: str
    ok: bool


class ErrorOut(Schema):
    detail: str


@router.post("/verify", auth=api_auth, response={200: list[SignatureReportOut], 400: ErrorOut, 413: ErrorOut},
             summary="Kiểm tra chữ ký số trên tệp PDF")
def verify_pdf(request, file: File[UploadedFile]):
    """Upload a PDF as multipart field `file`. One report per signature: intact, valid, trusted
    (against the configured trust store), signer, signing time (+07:00), coverage, whether the file
    was changed after signing, PAdES level and a Vietnamese summary. The file is not stored."""
    if file.size > MAX_UPLOAD_BYTES:
        raise HttpError(413, "Tệp quá lớn: tối đa 20 MB.")
    try:
        reports = verify(b"".join(file.chunks()))
    except BadPdfError as exc:
        raise HttpError(400, exc.message) from exc
    return [r.as_dict() for r in reports]
