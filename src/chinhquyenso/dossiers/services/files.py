"""Component files: checked by content before anything is stored.

Accepted: PDF, JPEG, PNG, recognised by their magic bytes (the name and the browser's content
type are not trusted). PDFs must open with pypdf and have at least one page; images must pass
Pillow's verify(). Size limit: settings.DOSSIER_MAX_UPLOAD_BYTES (default 10 MB). On any error
nothing is written (no file, no row)."""

import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chinhquyenso.accounts.models import Role
from chinhquyenso.core.text import is_digits, nfc

from ..models import DossierComponent
from ..workflow import Status
from .common import DossierError, NotAllowed, audit_snapshot, finish_write, lock, roles_held

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
# Who may add files, by dossier status: the applicant while preparing or supplementing; the
# one-stop officer of the reception agency while receiving (scanning paper = digitisation).
APPLICANT_STATUSES = {Status.DRAFT, Status.SUPPLEMENT}
OFFICER_STATUSES = {Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT}


def max_upload_bytes() -> int:
    return int(getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def check_file(uploaded_file) -> tuple[bytes, str, str]:
    """(content, content type, extension) of an acceptable file, or DossierError."""
    if uploaded_file is None:
        raise DossierError(_("Vui lòng chọn tệp."), code="no_file")
    limit = max_upload_bytes()
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise DossierError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": limit // (1024 * 1024)}, code="too_large")
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1) if hasattr(uploaded_file, "read") else bytes(uploaded_file)
    if len(content) > limit:
        raise DossierError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": limit // (1024 * 1024)}, code="too_large")
    if not content:
        raise DossierError(_("Tệp rỗng."), code="empty_file")
    kind = next(((ctype, ext) for magic, ctype, ext in MAGIC if content.startswith(magic)), None)
    if kind is None:
        raise DossierError(_("Chỉ nhận tệp PDF, JPEG hoặc PNG (nội dung tệp không phải các định dạng này)."),
                           code="bad_type")
    ctype, ext = kind
    if ctype == "application/pdf":
        _check_pdf(content)
    else:
        _check_image(content)
    return content, ctype, ext


def _check_pdf(content: bytes) -> None:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise DossierError(_("Tệp PDF có mật khẩu; vui lòng nộp tệp không đặt mật khẩu."), code="encrypted_pdf")
        if len(reader.pages) < 1:
            raise ValueError("no page")
        reader.pages[0].mediabox  # noqa: B018 — touching the first page parses it
    except DossierError:
        raise
    except Exception:
        raise DossierError(_("Tệp PDF bị hỏng hoặc không đọc được."), code="broken_pdf") from None


def _check_image(content: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except Exception:
        raise DossierError(_("Tệp ảnh bị hỏng hoặc không đọc được."), code="broken_image") from None


def _may_attach(dossier, actor) -> bool:
    if dossier.applicant_user_id and actor.pk == dossier.applicant_user_id and dossier.status in APPLICANT_STATUSES:
        return True
    if dossier.status in OFFICER_STATUSES:
        return Role.ONE_STOP_OFFICER in roles_held(actor, {"r": dossier.reception_agency})["r"]
    return False


def attach_component(dossier, *, actor, spec=None, uploaded_file, name: str = "", digitized: bool = False,
                     reused: bool = False, from_personal_store: bool = False) -> DossierComponent:
    """Add a file for one component of the dossier (spec = a ComponentSpec of the dossier's
    version, or None with `name` for another document). The file is checked before anything is
    stored; a spec that already has a file on a draft is replaced (the old row is marked deleted)."""
    content, ctype, ext = check_file(uploaded_file)
    with transaction.atomic():
        d = lock(dossier)
        if not _may_attach(d, actor):
            raise NotAllowed(_("Bạn không thể thêm giấy tờ vào hồ sơ ở trạng thái này."), code="attach_not_allowed")
        spec_id = getattr(spec, "pk", spec)
        if spec_id not in (None, ""):
            spec = d.procedure_version.components.filter(pk=spec_id).first() if is_digits(str(spec_id)) else None
            if spec is None:
                raise DossierError(_("Thành phần hồ sơ không thuộc thủ tục này."), code="bad_spec")
        else:
            spec = None
            if not nfc(name):
                raise DossierError(_("Vui lòng nhập tên giấy tờ."), code="missing_name")
        before = audit_snapshot(d)
        if spec is not None and d.status == Status.DRAFT:
            d.components.filter(spec=spec, is_deleted=False).update(is_deleted=True)
        original = nfc(getattr(uploaded_file, "name", "") or "")[:200] or f"tep.{ext}"
        component = DossierComponent(
            dossier=d, province_id=d.province_id, spec=spec, name=spec.name if spec else nfc(name)[:1000],
            originals=spec.originals if spec else 0, copies=spec.copies if spec else 0,
            file_name=original, content_type=ctype, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
            digitized=digitized, reused=reused, from_personal_store=from_personal_store, uploaded_by=actor,
        )
        component.file.save(f"{component.sha256[:16]}.{ext}", ContentFile(content), save=False)
        component.save()
        if d.status != Status.DRAFT:
            finish_write(d, action="attach_component", before=before, actor=actor, status_before=d.status,
                         update_fields=[], notify_applicant=False)
    return component


def remove_component(component: DossierComponent, *, actor) -> None:
    """The applicant removes a file from a draft (kept, flagged IsDeleted)."""
    with transaction.atomic():
        d = lock(component.dossier_id)
        if d.status != Status.DRAFT or d.applicant_user_id != actor.pk:
            raise NotAllowed(_("Chỉ xóa được giấy tờ của bản nháp của chính bạn."), code="remove_not_allowed")
        DossierComponent.objects.filter(pk=component.pk, dossier_id=d.pk).update(is_deleted=True)
