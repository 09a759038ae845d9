"""`perform()`: execute any row of workflow.TRANSITIONS, generically, plus each row's own rule.

The generic part (one place for every action): lock the dossier (select_for_update), check the
source status, who may act (APPLICANT = the dossier's account; officials must hold one of the
row's roles at the agency named by its `scope`; SYSTEM = actor None, only from tasks), the step
kind, the required payload fields; then the handler applies the change; then the process log row,
audit entry, sync bump, and the event + applicant notification on commit (common.finish_write).
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chinhquyenso.accounts.models import Role, User
from chinhquyenso.accounts.queries import has_role
from chinhquyenso.core.text import nfc
from chinhquyenso.procedures.models import StepKind
from chinhquyenso.workdays.calendar import VN_TZ

from .. import deadlines
from ..models import (
    Dossier,
    DossierFee,
    Extension,
    PaymentMethod,
    PaymentStatus,
    Rating,
    ResultDocument,
    SlipKind,
    SupplementRequest,
)
from ..workflow import APPLICANT, CLOCK_RUNNING, RESUME, SAME, SYSTEM, Channel, Status, Transition, transition
from .common import (
    Conflict,
    DossierError,
    NotAllowed,
    append_log,
    audit_snapshot,
    calendar_for,
    finish_write,
    issue_slip,
    lock,
    now_or,
    roles_held,
)

OFFICER, SPECIALIST, LEADER = Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER
ROLE_PREFERENCE = (OFFICER, SPECIALIST, LEADER)

REQUIRED_MESSAGES = {
    "reason": gettext_lazy("Vui lòng nhập lý do."),
    "items": gettext_lazy("Vui lòng liệt kê đầy đủ các giấy tờ cần bổ sung (yêu cầu một lần)."),
    "obligations": gettext_lazy("Vui lòng nêu các khoản nghĩa vụ tài chính phải thực hiện."),
    "new_due_at": gettext_lazy("Vui lòng chọn ngày hẹn trả mới."),
    "rating": gettext_lazy("Vui lòng chọn mức độ hài lòng."),
}


def fmt(instant: datetime.datetime | None) -> str:
    return instant.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y") if instant else ""


def _scope_agency(dossier: Dossier, scope: str):
    return {"current": dossier.current_agency, "reception": dossier.reception_agency,
            "resolving": dossier.resolving_agency}[scope]


def authorise(dossier: Dossier, t: Transition, actor) -> str:
    """The role `actor` acts in for transition `t` on `dossier`, or NotAllowed."""
    if actor is None:
        if SYSTEM in t.roles:
            return SYSTEM
        raise NotAllowed(_("Thao tác này phải do người có thẩm quyền thực hiện."), code="system_not_allowed")
    if APPLICANT in t.roles and dossier.applicant_user_id and actor.pk == dossier.applicant_user_id:
        return APPLICANT
    official = t.roles - {APPLICANT, SYSTEM}
    if official:
        held = roles_held(actor, {"scope": _scope_agency(dossier, t.scope)})["scope"] & official
        if t.step_kinds:  # a step of the internal process: only its role acts on it
            held &= {dossier.current_role}
            other = dossier.current_assignee_id and dossier.current_assignee_id != actor.pk
            if held and other and dossier.current_role != LEADER \
                    and LEADER not in roles_held(actor, {"s": dossier.current_agency})["s"]:
                raise NotAllowed(_("Hồ sơ đang được giao cho %(name)s xử lý.") % {
                    "name": dossier.current_assignee.full_name}, code="assigned_to_other")
        for role in ROLE_PREFERENCE:
            if role in held:
                return role
    raise NotAllowed(_("Bạn không có quyền “%(action)s” đối với hồ sơ này.") % {"action": t.label},
                     code="role_not_allowed")


def _require(t: Transition, payload: dict) -> None:
    for name in t.requires:
        value = payload.get(name)
        if value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, tuple, dict)) and not value):
            raise DossierError(REQUIRED_MESSAGES.get(name, _("Thiếu thông tin bắt buộc: %(f)s.") % {"f": name}),
                               code=f"missing_{name}")


def _steps(dossier: Dossier) -> list:
    return list(dossier.procedure_version.steps.select_related("agency").order_by("order"))


def _agency_for_step(dossier: Dossier, step):
    """Liên thông: an INTER_AGENCY step hands the dossier to its agency (or, by kind, to the agency
    of that kind in the dossier's area); other steps sit with the resolving agency."""
    if step is None:
        return dossier.resolving_agency
    if step.kind == StepKind.INTER_AGENCY:
        if step.agency_id:
            return step.agency
        if step.agency_kind:
            from chinhquyenso.agencies.models import Agency

            found = (Agency.objects.filter(kind=step.agency_kind, province_id=dossier.province_id, is_active=True)
                     .order_by("path").first())
            if found is not None:
                return found
        raise Conflict(_("Chưa xác định được cơ quan liên thông cho bước “%(s)s”.") % {"s": step.name},
                       code="no_inter_agency")
    if step.kind in (StepKind.RECEIVE, StepKind.RETURN):
        return dossier.reception_agency
    return dossier.resolving_agency


def _assignee(payload: dict, role: str, agency) -> User | None:
    raw = payload.get("assignee")
    if raw in (None, ""):
        return None
    user = raw if isinstance(raw, User) else User.objects.filter(pk=_int(raw, _("Người được giao"))).first()
    if user is None or not user.is_active or not has_role(user, role, agency):
        raise DossierError(_("Người được giao không giữ vai trò “%(role)s” tại %(agency)s.") % {
            "role": Role(role).label, "agency": agency.name}, code="bad_assignee")
    return user


def _int(value, label: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise DossierError(_("%(label)s không hợp lệ.") % {"label": label}, code="bad_number") from None


def enter_step(dossier: Dossier, step, now: datetime.datetime, assignee=None) -> None:
    cal = calendar_for(dossier)
    dossier.current_step = step
    dossier.current_role = step.role if step is not None else ""
    dossier.current_agency = _agency_for_step(dossier, step)
    dossier.current_assignee = assignee
    dossier.current_step_started_at = now
    dossier.current_step_due_at = deadlines.step_due(cal, now, step.quarters) if step is not None else None


def _next_step(dossier: Dossier, *, after=None, skip=(StepKind.RECEIVE,)):
    order = after.order if after is not None else -1
    return next((s for s in _steps(dossier) if s.order > order and s.kind not in skip), None)


# --- handlers: (dossier, payload, actor, role, now) -> log content -------------------------------

def _receive(d, p, actor, role, now):
    cal = calendar_for(d)
    d.received_at = now
    clock = deadlines.initial_due(cal, now, d.legal_time, d.time_unit, d.channel)
    d.counting_started_at, d.due_at, d.original_due_at = clock.counting_started_at, clock.due_at, clock.due_at
    first = next(iter(_steps(d)), None)
    enter_step(d, first if first is not None and first.kind == StepKind.RECEIVE else None, now, actor)
    d.current_role = OFFICER
    issue_slip(d, SlipKind.RECEIPT, at=now, actor=actor)
    return _("Tiếp nhận hồ sơ; hẹn trả kết quả %(due)s.") % {"due": fmt(d.due_at)}


def _refuse(d, p, actor, role, now):
    d.refused_at = now
    d.current_role, d.current_assignee, d.current_step = "", None, None
    issue_slip(d, SlipKind.REFUSAL, at=now, actor=actor, data={"reason": nfc(p["reason"])})
    return _("Từ chối tiếp nhận: %(r)s") % {"r": nfc(p["reason"])}


def _transfer(d, p, actor, role, now):
    step = _next_step(d, after=d.current_step if d.current_step and d.current_step.kind == StepKind.RECEIVE else None)
    if step is None:
        raise Conflict(_("Quy trình nội bộ của thủ tục chưa có bước xử lý."), code="no_step")
    agency = _agency_for_step(d, step)
    enter_step(d, step, now, _assignee(p, step.role, agency))
    return _("Chuyển hồ sơ đến %(agency)s: %(step)s.") % {"agency": agency.name, "step": step.name}


def _forward(d, p, actor, role, now):
    step = _next_step(d, after=d.current_step, skip=(StepKind.RECEIVE,))
    if step is None or step.kind == StepKind.RETURN:
        raise Conflict(_("Đây là bước cuối của quy trình xử lý; hãy trình phê duyệt kết quả."), code="last_step")
    agency = _agency_for_step(d, step)
    enter_step(d, step, now, _assignee(p, step.role, agency))
    note = nfc(p.get("note") or "")
    return _("Chuyển bước: %(step)s.") % {"step": step.name} + (f" {note}" if note else "")


def _send_back(d, p, actor, role, now):
    earlier = [s for s in _steps(d) if s.order < d.current_step.order and s.kind not in (StepKind.RECEIVE, StepKind.RETURN)]
    if not earlier:
        raise Conflict(_("Không có bước trước để trả lại."), code="no_previous_step")
    step = earlier[-1]
    enter_step(d, step, now, _assignee(p, step.role, _agency_for_step(d, step)))
    return _("Trả lại bước “%(step)s”: %(r)s") % {"step": step.name, "r": nfc(p["reason"])}


def _approve(d, p, actor, role, now):
    note = ""
    if d.due_at is not None and now > d.due_at:
        if not d.extended:
            # The issue: "blocks finishing a late dossier without an apology slip on record" (BM.04, §2.4 [V]).
            raise Conflict(_("Hồ sơ đã quá hạn (%(due)s). Phải có Phiếu xin lỗi và đề nghị gia hạn (BM.04) "
                             "trước khi kết thúc xử lý.") % {"due": fmt(d.due_at)}, code="late_without_apology")
        # Extended once already and late again: a second extension is not allowed, so finishing is
        # allowed but the delay must be explained on the control sheet.
        if not (p.get("reason") or "").strip():
            raise DossierError(_("Hồ sơ đã quá ngày hẹn trả sau gia hạn; vui lòng nhập lý do chậm trễ."),
                               code="missing_reason")
        note = _(" Quá hạn sau gia hạn: %(r)s") % {"r": nfc(p["reason"])}
    for item in p.get("results") or []:
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            raise DossierError(_("Mỗi giấy tờ kết quả phải có tên."), code="bad_result")
        ResultDocument.objects.create(
            dossier=d, province_id=d.province_id, name=nfc(str(item["name"]))[:500],
            code=str(item.get("code") or "")[:64], number_symbol=str(item.get("number_symbol") or "")[:64],
            electronic=bool(item.get("electronic")), issued_at=now, created_by=actor,
        )
    d.finished_at = now
    ret = next((s for s in _steps(d) if s.kind == StepKind.RETURN), None)
    enter_step(d, ret, now, None)
    d.current_role, d.current_agency = OFFICER, d.reception_agency
    return _("Phê duyệt kết quả, chuyển Bộ phận một cửa trả kết quả.") + note


def _return_result(d, p, actor, role, now):
    d.returned_at = now
    d.current_step, d.current_role, d.current_assignee, d.current_step_due_at = None, "", None, None
    return _("Trả kết quả cho người nộp hồ sơ.")


def _items(raw) -> list[str]:
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines()]
    if not isinstance(raw, (list, tuple)):
        raise DossierError(REQUIRED_MESSAGES["items"], code="missing_items")
    items = [nfc(str(i.get("name", "") if isinstance(i, dict) else i)) for i in raw]
    items = [i for i in items if i]
    if not items:
        raise DossierError(REQUIRED_MESSAGES["items"], code="missing_items")
    return items


def _request_supplement(d, p, actor, role, now):
    cal = calendar_for(d)
    if d.channel == Channel.ONLINE and d.submitted_at and not deadlines.supplement_window_open(cal, d.submitted_at, now):
        raise Conflict(_("Hồ sơ trực tuyến chỉ được yêu cầu bổ sung trong 08 giờ làm việc kể từ khi nộp (%(at)s).")
                       % {"at": fmt(d.submitted_at)}, code="supplement_window_closed")
    items = _items(p["items"])
    d.paused_at = now
    d.supplement_count += 1
    SupplementRequest.objects.create(
        dossier=d, province_id=d.province_id, requested_at=now, requested_by=actor, items=items,
        reason=nfc(p["reason"]), respond_by=deadlines.supplement_respond_by(cal, now), due_before=d.due_at,
    )
    issue_slip(d, SlipKind.SUPPLEMENT, at=now, actor=actor, data={"items": items, "reason": nfc(p["reason"])})
    again = _(" (lần %(n)d — hồ sơ bị tính là trễ hạn theo Bộ chỉ số 766)") % {"n": d.supplement_count} \
        if d.supplement_count > 1 else ""
    return _("Yêu cầu bổ sung%(again)s: %(items)s. Lý do: %(r)s") % {
        "again": again, "items": "; ".join(items), "r": nfc(p["reason"])}


def _supply(d, p, actor, role, now):
    req = d.supplements.filter(completed_at__isnull=True).order_by("-requested_at").first()
    resumed = d.resume_status or Status.RECEIVED
    content = _("Đã bổ sung hồ sơ.")
    if resumed in CLOCK_RUNNING and d.due_at is not None and d.paused_at is not None:
        clock, restarted = deadlines.resumed_due(calendar_for(d), channel=d.channel, legal_time=d.legal_time,
                                                 unit=d.time_unit, due_at=d.due_at, paused_at=d.paused_at,
                                                 resumed_at=now)
        if restarted:
            d.counting_started_at = clock.counting_started_at
            content += _(" Thời hạn giải quyết được tính lại từ đầu; hẹn trả mới %(due)s.") % {"due": fmt(clock.due_at)}
        else:
            content += _(" Thời gian chờ bổ sung không tính vào thời hạn; hẹn trả mới %(due)s.") % {"due": fmt(clock.due_at)}
        d.due_at = clock.due_at
    if req is not None:
        req.completed_at, req.completed_note, req.due_after = now, nfc(p.get("note") or ""), d.due_at
        req.save(update_fields=["completed_at", "completed_note", "due_after"])
    d.status, d.resume_status, d.paused_at = resumed, None, None
    if d.current_step is not None:
        d.current_step_started_at = now
        d.current_step_due_at = deadlines.step_due(calendar_for(d), now, d.current_step.quarters)
    return content


def _amount(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DossierError(_("Số tiền không hợp lệ."), code="bad_amount") from None
    if amount < 0 or amount != amount.to_integral_value() or amount > Decimal("1e13"):
        raise DossierError(_("Số tiền không hợp lệ."), code="bad_amount")
    return amount


def _request_financial(d, p, actor, role, now):
    rows = p["obligations"]
    if not isinstance(rows, (list, tuple)) or not all(isinstance(r, dict) and str(r.get("name") or "").strip() for r in rows):
        raise DossierError(REQUIRED_MESSAGES["obligations"], code="missing_obligations")
    for r in rows:
        DossierFee.objects.create(dossier=d, province_id=d.province_id, kind="obligation", name=nfc(str(r["name"]))[:500],
                                  code=str(r.get("code") or "")[:64], amount=_amount(r.get("amount", 0)))
    return _("Yêu cầu thực hiện nghĩa vụ tài chính: %(list)s.") % {
        "list": "; ".join(f"{nfc(str(r['name']))} {_amount(r.get('amount', 0)):,.0f} đ" for r in rows)}


def _confirm_payment(d, p, actor, role, now):
    method = p.get("method") or PaymentMethod.CASH
    if method not in PaymentMethod.values:
        raise DossierError(_("Hình thức thanh toán không hợp lệ."), code="bad_method")
    d.fees.filter(kind="obligation", status=PaymentStatus.UNPAID).update(
        status=PaymentStatus.PAID, method=method, paid_at=now, reference=str(p.get("reference") or "")[:128])
    d.status, d.resume_status = d.resume_status or Status.PROCESSING, None
    return _("Đã thực hiện nghĩa vụ tài chính.")


def _close(field):
    def handler(d, p, actor, role, now):
        setattr(d, field, now)
        d.current_role, d.current_assignee, d.current_step, d.current_step_due_at = "", None, None, None
        d.paused_at = None
        d.supplements.filter(completed_at__isnull=True).update(completed_note=nfc(p["reason"])[:1000])
        return nfc(p["reason"])
    return handler


def _parse_due(value, cal) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        result = value if value.tzinfo else value.replace(tzinfo=VN_TZ)
    elif isinstance(value, datetime.date):
        result = cal.closing_of(value)
    else:
        text = str(value).strip()
        parsed = parse_datetime(text) if "T" in text or " " in text else None
        day = None if parsed else parse_date(text)
        if parsed is None and day is None:
            raise DossierError(_("Ngày hẹn trả mới không hợp lệ."), code="bad_date")
        result = (parsed if parsed.tzinfo else parsed.replace(tzinfo=VN_TZ)) if parsed else cal.closing_of(day)
    return result


def _extend(d, p, actor, role, now):
    cal = calendar_for(d)
    if d.extended or Extension.objects.filter(dossier_id=d.pk).exists():
        raise Conflict(_("Hồ sơ đã được gia hạn một lần; không được gia hạn lần nữa."), code="extended_once")
    if d.due_at is None:
        raise Conflict(_("Hồ sơ chưa có ngày hẹn trả."), code="no_due")
    if not deadlines.extension_allowed(cal, d.due_at, now):
        raise Conflict(_("Phiếu xin lỗi và gia hạn phải gửi chậm nhất 01 ngày làm việc trước ngày hẹn trả (%(due)s).")
                       % {"due": fmt(d.due_at)}, code="extension_too_late")
    new_due = _parse_due(p["new_due_at"], cal)
    if new_due <= d.due_at:
        raise DossierError(_("Ngày hẹn trả mới phải sau ngày hẹn trả hiện tại."), code="bad_date")
    Extension.objects.create(dossier=d, province_id=d.province_id, created_at=now, signed_by=actor,
                             reason=nfc(p["reason"]), old_due_at=d.due_at, new_due_at=new_due)
    old = d.due_at
    d.extended, d.due_at = True, new_due
    d.due_soon_notified_at = d.overdue_notified_at = None
    issue_slip(d, SlipKind.APOLOGY, at=now, actor=actor, data={"reason": nfc(p["reason"]), "old_due_at": old.isoformat(),
                                                        "new_due_at": new_due.isoformat()})
    return _("Xin lỗi và gia hạn: hẹn trả %(old)s → %(new)s. Lý do: %(r)s") % {
        "old": fmt(old), "new": fmt(new_due), "r": nfc(p["reason"])}


def _rate(d, p, actor, role, now):
    if d.rated_at is not None:
        raise Conflict(_("Hồ sơ đã được đánh giá."), code="already_rated")
    rating = _int(p["rating"], _("Mức độ hài lòng"))
    if rating not in Rating.values:
        raise DossierError(_("Mức độ hài lòng không hợp lệ."), code="bad_rating")
    d.rating, d.rating_comment, d.rated_at = rating, nfc(p.get("comment") or "")[:2000], now
    return _("Đánh giá: %(r)s.") % {"r": Rating(rating).label}


HANDLERS = {
    "receive": _receive, "refuse": _refuse, "transfer": _transfer, "forward": _forward, "send_back": _send_back,
    "approve": _approve, "return_result": _return_result, "request_supplement": _request_supplement,
    "supply": _supply, "request_financial": _request_financial, "confirm_payment": _confirm_payment,
    "withdraw": _close("withdrawn_at"), "stop": _close("stopped_at"), "extend": _extend, "rate": _rate,
}


def perform(dossier_id, action: str, *, actor, at: datetime.datetime | None = None, **payload) -> Dossier:
    """Execute `action` (a workflow.TRANSITIONS row other than "submit", which is services.submit)
    on the dossier, as `actor` (a User; None = the platform itself, for tasks only).

    Raises DossierError (400: missing or bad field), NotAllowed (403: role/agency), NotFound (404),
    Conflict (409: wrong status or step, time rule). `at` is internal (demo replay)."""
    if action == "submit":
        raise DossierError(_("Dùng chức năng nộp hồ sơ để nộp bản nháp."), code="use_submit")
    try:
        t = transition(action)
    except ValueError:
        raise DossierError(_("Thao tác không hợp lệ."), code="bad_action") from None
    now = now_or(at)
    with transaction.atomic():
        d = lock(dossier_id)
        if d.status not in t.sources:
            raise Conflict(_("Hồ sơ đang ở trạng thái “%(status)s”, không thể “%(action)s”.") % {
                "status": Status(d.status).label, "action": t.label}, code="wrong_status")
        if t.step_kinds and (d.current_step is None or d.current_step.kind not in t.step_kinds):
            step = d.current_step.name if d.current_step else _("không có")
            raise Conflict(_("Bước hiện tại (%(step)s) không cho phép “%(action)s”.") % {"step": step, "action": t.label},
                           code="wrong_step")
        role = authorise(d, t, actor)
        _require(t, payload)
        before, status_before = audit_snapshot(d), d.status
        acting_agency = _scope_agency(d, t.scope)
        if t.target in (Status.SUPPLEMENT, Status.FINANCIAL):
            d.resume_status = status_before  # where supply / confirm_payment go back to
        if t.target not in (RESUME, SAME):
            d.status = t.target
        content = HANDLERS[action](d, payload, actor, role, now)
        append_log(d, action=action, status_before=status_before, actor=actor, actor_role=role,
                   agency=acting_agency, at=now, content=content, receiver=d.current_assignee,
                   receiver_role=d.current_role, receiver_agency=d.current_agency if d.current_role else None,
                   step=d.current_step, due_at=d.current_step_due_at if d.current_role else None)
        finish_write(d, action=action, before=before, actor=actor, status_before=status_before,
                     context={"reason": nfc(payload.get("reason") or "")})
    return d
