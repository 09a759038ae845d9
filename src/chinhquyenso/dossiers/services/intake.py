"""How dossiers come in: an online draft submitted by the applicant, a walk-in dossier received at
the counter, a dossier imported from the national public-service portal."""

import datetime
import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import has_role
from chinhquyenso.accounts.validators import normalize_phone
from chinhquyenso.agencies.models import SERVICE_CENTRE_KINDS, Agency, AgencyKind
from chinhquyenso.core.text import fold, is_digits, nfc
from chinhquyenso.procedures.models import OnlineLevel, ProcedureVersion, StepKind, VersionStatus

from .. import deadlines
from ..models import ApplicantKind, Dossier, DossierComponent, DossierFee, ResultDelivery, SlipKind
from ..workflow import Channel, Status
from . import versions
from .common import (
    Conflict,
    DossierError,
    NotAllowed,
    append_log,
    audit_snapshot,
    bump_sync,
    calendar_for,
    finish_write,
    issue_slip,
    lock,
    next_code,
    now_or,
)
from .files import check_file
from .transitions import enter_step, fmt

APPLICANT_FIELDS = {
    # key in the applicant dict → (model field, max length)
    "name": ("applicant_name", 255), "id_number": ("applicant_id_number", 32),
    "address": ("applicant_address", 500), "phone": ("applicant_phone", 20), "email": ("applicant_email", 254),
    "representative_name": ("representative_name", 255), "representative_id_number": ("representative_id_number", 32),
    "representative_phone": ("representative_phone", 20), "representative_relation": ("representative_relation", 255),
}


def _published(version) -> ProcedureVersion:
    if not isinstance(version, ProcedureVersion):
        version = ProcedureVersion.objects.filter(pk=version).first() if is_digits(str(version)) else None
    if version is None or version.status != VersionStatus.PUBLISHED:
        raise DossierError(_("Thủ tục không tồn tại hoặc chưa được công bố."), code="bad_procedure")
    return version


def apply_applicant(dossier: Dossier, data: dict | None) -> None:
    """Copy the applicant's details (BM.01 fields) onto the dossier, normalised and validated."""
    if data is None:
        return
    if not isinstance(data, dict):
        raise DossierError(_("Thông tin người nộp hồ sơ không hợp lệ."), code="bad_applicant")
    for key, (field, length) in APPLICANT_FIELDS.items():
        if key in data:
            value = nfc(str(data[key] or ""))
            if key.endswith("phone") and value:
                value = normalize_phone(value)
                if not is_digits(value) or not 8 <= len(value) <= 11:
                    raise DossierError(_("Số điện thoại không hợp lệ."), code="bad_phone")
            if key.endswith("id_number") and value and not value.replace("-", "").isalnum():
                raise DossierError(_("Số định danh không hợp lệ."), code="bad_id_number")
            if len(value) > length:
                raise DossierError(_("Thông tin “%(f)s” quá dài.") % {"f": key}, code="too_long")
            setattr(dossier, field, value)
    if "kind" in data:
        if data["kind"] not in ApplicantKind.values:
            raise DossierError(_("Loại chủ hồ sơ không hợp lệ."), code="bad_kind")
        dossier.applicant_kind = data["kind"]
    if data.get("birth_date"):
        value = data["birth_date"]
        day = value if isinstance(value, datetime.date) else parse_date(str(value)) if _date_like(value) else None
        if day is None:
            raise DossierError(_("Ngày sinh không hợp lệ."), code="bad_birth_date")
        dossier.applicant_birth_date = day
    if "subject" in data:
        dossier.subject = nfc(str(data["subject"] or ""))[:5000]
    if "sets_count" in data:
        try:
            dossier.sets_count = max(1, min(99, int(data["sets_count"])))
        except (TypeError, ValueError):
            raise DossierError(_("Số bộ hồ sơ không hợp lệ."), code="bad_sets") from None
    dossier.applicant_name_folded = fold(dossier.applicant_name)[:255]


def _date_like(value) -> bool:
    try:
        return parse_date(str(value)) is not None
    except ValueError:
        return False


def default_resolving_agency(version: ProcedureVersion, reception: Agency) -> Agency:
    """The version's competent agency; for commune-level procedures (a kind, not an agency) the
    People's Committee the reception centre belongs to."""
    if version.competent_agency_id:
        return version.competent_agency
    if reception.parent_id and reception.parent.kind == version.competent_agency_kind:
        return reception.parent
    return reception


def default_reception_agency(resolving: Agency) -> Agency:
    """The one-stop centre that receives for `resolving`: its own centre, else the province's."""
    if resolving.kind in SERVICE_CENTRE_KINDS:
        return resolving
    centre = Agency.objects.filter(parent=resolving, kind__in=SERVICE_CENTRE_KINDS, is_active=True).order_by("path").first()
    if centre is None:
        centre = Agency.objects.filter(province_id=resolving.province_id, kind=AgencyKind.PROVINCE_SERVICE_CENTRE,
                                       is_active=True).order_by("path").first()
    return centre or resolving


def _new_dossier(version, *, reception, resolving, channel, result_delivery) -> Dossier:
    if channel not in Channel.values:
        raise DossierError(_("Kênh nộp hồ sơ không hợp lệ."), code="bad_channel")
    if result_delivery not in ResultDelivery.values:
        raise DossierError(_("Hình thức nhận kết quả không hợp lệ."), code="bad_delivery")
    d = Dossier(
        province_id=version.province_id, procedure_id=version.procedure_id, procedure_version=version,
        legal_time=version.legal_time, time_unit=version.time_unit, fee_total=versions.parts(version).total_fee,
        status=Status.DRAFT, channel=channel, reception_agency=reception, resolving_agency=resolving,
        current_agency=reception, result_delivery=result_delivery,
    )
    # The receipt and the audit entry read the procedure and the province: reuse them when the
    # caller loaded the version with them (select_related) instead of reading them again.
    for name in ("procedure", "province"):
        field = ProcedureVersion._meta.get_field(name)
        if field.is_cached(version):
            setattr(d, name, field.get_cached_value(version))
    return d


def _copy_fees(dossier: Dossier) -> list[DossierFee]:
    return DossierFee.objects.bulk_create([
        DossierFee(dossier=dossier, province_id=dossier.province_id, spec=fee, kind=fee.kind, code=fee.code,
                   name=fee.name, amount=fee.amount)
        for fee in versions.parts(dossier.procedure_version).fees
    ])


def start_draft(*, user, procedure_version, resolving_agency=None, reception_agency=None, applicant: dict | None = None,
                result_delivery: str = ResultDelivery.ONLINE, delivery_address: str = "",
                at: datetime.datetime | None = None) -> Dossier:
    """A citizen starts filing online (status 0, no code yet). The applicant defaults to the
    account's own details; fees are copied from the version (the promise the citizen sees)."""
    version = _published(procedure_version)
    if version.online_level == OnlineLevel.NONE:
        raise DossierError(_("Thủ tục này chưa cung cấp dịch vụ công trực tuyến."), code="not_online")
    resolving = resolving_agency or version.competent_agency
    if resolving is None:
        raise DossierError(_("Vui lòng chọn cơ quan giải quyết."), code="missing_agency")
    reception = reception_agency or default_reception_agency(resolving)
    with transaction.atomic():
        d = _new_dossier(version, reception=reception, resolving=resolving, channel=Channel.ONLINE,
                         result_delivery=result_delivery)
        d.applicant_user = user
        apply_applicant(d, {"name": user.full_name, "phone": user.phone or "", "email": user.email or "",
                            "id_number": user.personal_id or ""})
        apply_applicant(d, applicant)
        d.delivery_address = nfc(delivery_address)[:500]
        d.save()
        _copy_fees(d)
        finish_write(d, action="start_draft", before=None, actor=user, status_before=None, notify_applicant=False)
    return d


def save_draft(dossier, *, user, applicant: dict | None = None, form_data: dict | None = None,
               result_delivery: str | None = None, delivery_address: str | None = None) -> Dossier:
    """Save the citizen's answers so far (resume later)."""
    with transaction.atomic():
        d = lock(dossier)
        if d.applicant_user_id != user.pk:
            raise NotAllowed(_("Bạn không có quyền sửa hồ sơ này."), code="not_owner")
        if d.status != Status.DRAFT:
            raise Conflict(_("Hồ sơ đã nộp, không sửa được."), code="not_draft")
        before = audit_snapshot(d)
        apply_applicant(d, applicant)
        if form_data is not None:
            if not isinstance(form_data, dict):
                raise DossierError(_("Dữ liệu tờ khai không hợp lệ."), code="bad_form")
            d.form_data = {str(k)[:100]: (nfc(v) if isinstance(v, str) else v) for k, v in form_data.items()}
        if result_delivery is not None:
            if result_delivery not in ResultDelivery.values:
                raise DossierError(_("Hình thức nhận kết quả không hợp lệ."), code="bad_delivery")
            d.result_delivery = result_delivery
        if delivery_address is not None:
            d.delivery_address = nfc(delivery_address)[:500]
        finish_write(d, action="save_draft", before=before, actor=user, status_before=d.status, notify_applicant=False)
    return d


def _missing_components(d: Dossier) -> list[str]:
    have = set(d.components.filter(is_deleted=False).exclude(file="").values_list("spec_id", flat=True))
    return [spec.name for spec in d.procedure_version.components.all() if spec.required and spec.pk not in have]


def submit(dossier, *, user, idempotency_key: str = "", at: datetime.datetime | None = None) -> Dossier:
    """Draft → 1 (Mới đăng ký) with its code. A double submission (same dossier again, or the same
    Idempotency-Key) returns the dossier already submitted instead of making a second one."""
    key = (idempotency_key or "").strip()[:128]
    if key:
        existing = Dossier.objects.filter(submitted_by_id=user.pk, idempotency_key=key).first()
        if existing is not None:
            return existing
    now = now_or(at)
    try:
        with transaction.atomic():
            d = lock(dossier)
            if d.applicant_user_id != user.pk:
                raise NotAllowed(_("Bạn không có quyền nộp hồ sơ này."), code="not_owner")
            if d.status != Status.DRAFT:
                if d.submitted_by_id == user.pk:
                    return d  # already submitted: a refresh or a double click
                raise Conflict(_("Hồ sơ không còn là bản nháp."), code="not_draft")
            if not d.applicant_name.strip():
                raise DossierError(_("Vui lòng nhập họ tên người nộp hồ sơ."), code="missing_name")
            if not (d.applicant_phone or d.applicant_email):
                raise DossierError(_("Vui lòng nhập số điện thoại hoặc thư điện tử để nhận thông báo."),
                                   code="missing_contact")
            missing = _missing_components(d)
            if missing:
                raise DossierError(_("Còn thiếu giấy tờ bắt buộc: %(list)s.") % {"list": "; ".join(missing)},
                                   code="missing_components")
            before = audit_snapshot(d)
            d.code = next_code(d.reception_agency, now)
            d.status, d.submitted_at, d.submitted_by, d.idempotency_key = Status.NEW, now, user, key
            d.current_agency, d.current_role, d.current_step = d.reception_agency, Role.ONE_STOP_OFFICER, None
            append_log(d, action="submit", status_before=Status.DRAFT, actor=user, actor_role="applicant",
                       agency=d.reception_agency, at=now, content=_("Nộp hồ sơ trực tuyến."),
                       receiver_role=Role.ONE_STOP_OFFICER, receiver_agency=d.reception_agency)
            finish_write(d, action="submit", before=before, actor=user, status_before=Status.DRAFT)
    except IntegrityError:
        # The same Idempotency-Key raced us on another draft: return the one that won.
        existing = Dossier.objects.filter(submitted_by_id=user.pk, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return existing
    return d


def _prepare_components(version, components: list) -> list[dict]:
    """Validate the counter's component list (and any scanned files) before anything is written."""
    if not isinstance(components, (list, tuple)):
        raise DossierError(_("Danh sách giấy tờ không hợp lệ."), code="bad_components")
    specs = {s.pk: s for s in versions.parts(version).components}
    rows = []
    for item in components:
        if not isinstance(item, dict):
            raise DossierError(_("Danh sách giấy tờ không hợp lệ."), code="bad_components")
        spec = item.get("spec")
        spec_id = getattr(spec, "pk", spec)
        spec = specs.get(int(spec_id)) if is_digits(str(spec_id or "")) else None
        if spec_id not in (None, "") and spec is None:
            raise DossierError(_("Thành phần hồ sơ không thuộc thủ tục này."), code="bad_spec")
        name = spec.name if spec else nfc(str(item.get("name") or ""))
        if not name:
            raise DossierError(_("Vui lòng nhập tên giấy tờ."), code="missing_name")
        checked = check_file(item["file"]) if item.get("file") is not None else None
        rows.append({"spec": spec, "name": name, "item": item, "checked": checked})
    have = {r["spec"].pk for r in rows if r["spec"]}
    missing = [s.name for s in specs.values() if s.required and s.pk not in have]
    if missing:
        raise DossierError(_("Còn thiếu giấy tờ bắt buộc: %(list)s.") % {"list": "; ".join(missing)},
                           code="missing_components")
    return rows


def _store_components(d: Dossier, rows: list[dict], actor) -> list[DossierComponent]:
    """The dossier's documents in one INSERT (the scans stored first)."""
    made = []
    for r in rows:
        item, spec, checked = r["item"], r["spec"], r["checked"]
        c = DossierComponent(
            dossier=d, province_id=d.province_id, spec=spec, name=r["name"][:1000],
            originals=int(item.get("originals", spec.originals if spec else 0) or 0),
            copies=int(item.get("copies", spec.copies if spec else 0) or 0),
            digitized=bool(item.get("digitized", checked is not None)), reused=bool(item.get("reused")),
            from_personal_store=bool(item.get("from_personal_store")), uploaded_by=actor,
        )
        if checked is not None:
            content, ctype, ext = checked
            c.sha256, c.size, c.content_type = hashlib.sha256(content).hexdigest(), len(content), ctype
            c.file_name = nfc(getattr(item["file"], "name", "") or "")[:200] or f"tep.{ext}"
            c.file.save(f"{c.sha256[:16]}.{ext}", ContentFile(content), save=False)
        made.append(c)
    return DossierComponent.objects.bulk_create(made) if made else []


def receive_at_counter(*, officer, reception_agency, procedure_version, applicant: dict, components: list,
                       resolving_agency=None, channel: int = Channel.IN_PERSON,
                       result_delivery: str = ResultDelivery.COUNTER, delivery_address: str = "",
                       idempotency_key: str = "", at: datetime.datetime | None = None) -> Dossier:
    """A walk-in (or postal) dossier received by a one-stop officer: created directly in status 2
    with its code, due date, receipt (BM.01) and log. `components`: dicts with `spec` (a
    ComponentSpec or id) or `name`, optional `file` (scan → digitised), originals, copies, reused,
    from_personal_store. Retrying with the same idempotency_key returns the first dossier.

    A new dossier comes back with `reception_rows`: the rows this call wrote (log, components,
    fees, slips, and the empty results and supplements) — what the API answers with, instead of
    reading back what the transaction has just written."""
    version = _published(procedure_version)
    if channel not in (Channel.IN_PERSON, Channel.POSTAL):
        raise DossierError(_("Tiếp nhận tại quầy chỉ cho hồ sơ nộp trực tiếp hoặc qua bưu chính."), code="bad_channel")
    if not has_role(officer, Role.ONE_STOP_OFFICER, reception_agency):
        raise NotAllowed(_("Bạn không phải cán bộ một cửa của %(a)s.") % {"a": reception_agency.name},
                         code="not_officer")
    key = (idempotency_key or "").strip()[:128]
    if key:
        existing = Dossier.objects.filter(submitted_by_id=officer.pk, idempotency_key=key).first()
        if existing is not None:
            return existing
    rows = _prepare_components(version, components)
    now = now_or(at)
    resolving = resolving_agency or default_resolving_agency(version, reception_agency)
    # Everything the row holds is settled before it is written: one INSERT, no UPDATE of the whole
    # row afterwards (which also journalled the dossier twice for the IOC rollups).
    d = _new_dossier(version, reception=reception_agency, resolving=resolving, channel=channel,
                     result_delivery=result_delivery)
    apply_applicant(d, applicant)
    if not d.applicant_name:
        raise DossierError(_("Vui lòng nhập họ tên người nộp hồ sơ."), code="missing_name")
    d.delivery_address = nfc(delivery_address)[:500]
    d.status = Status.RECEIVED
    d.submitted_at = d.received_at = now
    d.submitted_by, d.idempotency_key = officer, key
    clock = deadlines.initial_due(calendar_for(reception_agency.pk), now, d.legal_time, d.time_unit, channel)
    d.counting_started_at, d.due_at, d.original_due_at = clock.counting_started_at, clock.due_at, clock.due_at
    first = versions.parts(version).first_step
    enter_step(d, first if first is not None and first.kind == StepKind.RECEIVE else None, now, officer)
    d.current_role = Role.ONE_STOP_OFFICER
    bump_sync(d)
    with transaction.atomic():
        d.code = next_code(reception_agency, now)  # the counter row stays locked from here to commit
        d.save(force_insert=True)
        fees = _copy_fees(d)
        stored = _store_components(d, rows, officer)
        log = append_log(d, action="receive_at_counter", status_before=None, actor=officer,
                         actor_role=Role.ONE_STOP_OFFICER, agency=reception_agency, at=now, receiver=officer,
                         receiver_role=Role.ONE_STOP_OFFICER, receiver_agency=reception_agency, step=d.current_step,
                         due_at=d.current_step_due_at, seq=1,
                         content=_("Tiếp nhận hồ sơ tại Bộ phận một cửa; hẹn trả kết quả %(due)s.") % {
                             "due": fmt(d.due_at)})
        slip = issue_slip(d, SlipKind.RECEIPT, actor=officer, at=now)
        finish_write(d, action="receive_at_counter", before=None, actor=officer, status_before=None, saved=True)
    d.reception_rows = {"log": [log], "components": stored, "fees": fees, "slips": [slip] if slip else [],
                        "results": [], "supplements": []}
    return d


def import_from_national_portal(*, procedure_version, reception_agency, applicant: dict, national_reference: str,
                                submitted_at: datetime.datetime, components: list | None = None,
                                resolving_agency=None, code: str = "", form_data: dict | None = None,
                                result_delivery: str = ResultDelivery.ONLINE, actor=None,
                                applicant_user=None) -> Dossier:
    """A dossier filed on the national public-service portal (Cổng DVCQG) arrives as status 1,
    channel 2. Idempotent on `national_reference`. `code` is the portal's MaHoSo when it assigned
    one; otherwise ours is generated. Components: dicts with spec or name, optional `file`
    (bytes or a file object), reused, from_personal_store. `applicant_user`: the local account the
    portal's VNeID identity maps to, if any (lets the citizen follow and rate it here)."""
    version = _published(procedure_version)
    reference = (national_reference or "").strip()[:64]
    if not reference:
        raise DossierError(_("Thiếu mã hồ sơ trên Cổng DVCQG."), code="missing_reference")
    existing = Dossier.objects.filter(national_reference=reference).first()
    if existing is not None:
        return existing
    if submitted_at is None or submitted_at.tzinfo is None:
        raise DossierError(_("Thời điểm nộp hồ sơ phải kèm múi giờ."), code="bad_date")
    rows = []
    for item in components or []:
        if isinstance(item, dict) and isinstance(item.get("file"), (bytes, bytearray)):
            item = {**item, "file": ContentFile(bytes(item["file"]), name=str(item.get("file_name") or "tep"))}
        rows.append(item)
    prepared = _prepare_components(version, rows) if rows else []
    resolving = resolving_agency or default_resolving_agency(version, reception_agency)
    with transaction.atomic():
        d = _new_dossier(version, reception=reception_agency, resolving=resolving, channel=Channel.ONLINE,
                         result_delivery=result_delivery)
        apply_applicant(d, applicant)
        if not d.applicant_name:
            raise DossierError(_("Vui lòng nhập họ tên người nộp hồ sơ."), code="missing_name")
        if code and Dossier.objects.filter(code=code).exists():
            raise Conflict(_("Mã hồ sơ %(c)s đã tồn tại.") % {"c": code}, code="duplicate_code")
        d.code = code.strip()[:64] if code else next_code(reception_agency, submitted_at)
        d.status, d.submitted_at, d.national_reference = Status.NEW, submitted_at, reference
        d.applicant_user = applicant_user
        d.form_data = form_data if isinstance(form_data, dict) else {}
        d.current_role = Role.ONE_STOP_OFFICER
        d.save()
        _copy_fees(d)
        _store_components(d, prepared, actor)
        append_log(d, action="import_national", status_before=None, actor=actor, actor_role="applicant",
                   agency=reception_agency, at=submitted_at, receiver_role=Role.ONE_STOP_OFFICER,
                   receiver_agency=reception_agency, content=_("Hồ sơ nộp trên Cổng Dịch vụ công quốc gia."))
        finish_write(d, action="import_national", before=None, actor=actor, status_before=None)
    return d
