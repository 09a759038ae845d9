"""Fees paid at the counter or by transfer, and electronic result files.

Neither is a status change, so neither is a row of the transition table; both are writes of the
one-stop officer of the reception agency (the unit that collects fees and returns results under
NĐ 118/2025), locked, audited and synced like every other write.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.accounts.models import Role
from chinhquyenso.core.text import nfc

from ..models import DossierFee, PaymentMethod, PaymentStatus, ResultDocument
from ..workflow import CLOSED, Status
from .common import DossierError, NotAllowed, audit_snapshot, finish_write, lock, roles_held
from .files import check_file

# No fee is collected on a draft or on a dossier that ended without a result (refused, withdrawn,
# stopped); a returned dossier may still have its fee recorded.
NO_FEES_STATUSES = (CLOSED - {Status.RETURNED}) | {Status.DRAFT}


def _officer_at_reception(dossier, actor) -> None:
    held = roles_held(actor, {"reception": dossier.reception_agency})["reception"]
    if Role.ONE_STOP_OFFICER not in held:
        raise NotAllowed(_("Chỉ cán bộ một cửa nơi tiếp nhận hồ sơ được thực hiện việc này."), code="not_officer")


def record_payment(dossier_id, fee_id, *, actor, method: str, reference: str = "") -> DossierFee:
    """Mark one unpaid fee of the dossier as paid (receipt or transfer reference kept)."""
    if method not in PaymentMethod.values:
        raise DossierError(_("Hình thức thanh toán không hợp lệ."), code="bad_method")
    with transaction.atomic():
        dossier = lock(dossier_id)
        _officer_at_reception(dossier, actor)
        if dossier.status in NO_FEES_STATUSES:
            raise DossierError(_("Hồ sơ ở trạng thái này không thu phí."), code="closed")
        fee = dossier.fees.select_for_update().filter(pk=fee_id).first()
        if fee is None:
            raise DossierError(_("Không tìm thấy khoản phí của hồ sơ."), code="no_fee")
        if fee.status != PaymentStatus.UNPAID:
            raise DossierError(_("Khoản phí này đã được ghi nhận trước đó."), code="already_paid")
        before = audit_snapshot(dossier)
        fee.status, fee.method, fee.paid_at = PaymentStatus.PAID, method, timezone.now()
        fee.reference = nfc(reference)[:128]
        fee.save(update_fields=["status", "method", "paid_at", "reference"])
        finish_write(dossier, action="fee_paid", before=before, actor=actor, status_before=dossier.status,
                     update_fields=[], notify_applicant=False)
    return fee


def attach_result(dossier_id, *, actor, name: str, uploaded_file, number_symbol: str = "") -> ResultDocument:
    """Add an electronic result (DVCQG DanhSachGiayToKetQua with DuongDanTepTinKetQua) once the
    dossier is finished or returned; content-checked like every upload."""
    name = nfc(name or "").strip()[:500]
    if not name:
        raise DossierError(_("Vui lòng nhập tên giấy tờ kết quả."), code="missing_name")
    content, content_type, ext = check_file(uploaded_file)
    with transaction.atomic():
        dossier = lock(dossier_id)
        _officer_at_reception(dossier, actor)
        if dossier.status not in (Status.FINISHED, Status.RETURNED):
            raise DossierError(_("Chỉ đính kèm kết quả khi hồ sơ đã xử lý xong."), code="not_finished")
        before = audit_snapshot(dossier)
        digest = hashlib.sha256(content).hexdigest()
        result = ResultDocument(dossier=dossier, province_id=dossier.province_id, name=name, electronic=True,
                                number_symbol=nfc(number_symbol)[:64], issued_at=timezone.now(), created_by=actor)
        result.file.save(f"{dossier.code}-{digest[:12]}.{ext}", ContentFile(content), save=False)
        result.save()
        finish_write(dossier, action="result_attached", before=before, actor=actor, status_before=dossier.status,
                     update_fields=[], notify_applicant=False)
    return result
