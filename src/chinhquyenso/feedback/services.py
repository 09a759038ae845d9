"""Every write of field reports: one function per use case (ARCHITECTURE habit 1).

Each transition: transaction.atomic → select_for_update on the report → check the workflow table
and who may act → change → append a ReportEvent → audit.record → notifications on commit.
Two operators acting on one report at once serialize on the row lock; the second sees the new
status and gets a TransitionError (a 4xx), never a double transition.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from chinhquyenso.accounts.validators import normalize_phone, validate_phone
from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.workdays.queries import load_calendar

from . import deadlines, geo, notices, photos, queries, workflow
from .models import (
    Category,
    Channel,
    MeToo,
    Photo,
    Report,
    ReportCounter,
    ReporterContact,
    ReportEvent,
    Status,
    Urgency,
)
from .workflow import AGENCY, OPERATOR, REPORTER, RefusalReason, TransitionError

MAX_DESCRIPTION = 4000  # Open311 GeoReport v2: description ≤ 4000 characters
AUDIT_FIELDS = ("status", "agency", "urgency", "due_at", "is_public", "satisfied", "merged_into", "commune")


class Throttled(ValidationError):
    """Too many anonymous submissions from one client or phone number (HTTP 429)."""


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


# --- intake ----------------------------------------------------------------------------------


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_rate_limit(*, client_ip: str, phone: str, now: datetime.datetime) -> None:
    """Anonymous submissions: at most FEEDBACK_ANON_PER_IP_PER_HOUR (default 5) per client address
    and FEEDBACK_ANON_PER_PHONE_PER_DAY (default 5) per phone number. Counted from the stored
    contacts, so the limit holds across processes without a shared cache."""
    hour_ago, day_ago = now - datetime.timedelta(hours=1), now - datetime.timedelta(days=1)
    anonymous = ReporterContact.objects.filter(user__isnull=True)
    if client_ip and anonymous.filter(client_ip=client_ip, created_at__gte=hour_ago).count() >= _limit(
        "FEEDBACK_ANON_PER_IP_PER_HOUR", 5
    ):
        raise Throttled("Bạn đã gửi quá nhiều phản ánh trong một giờ. Vui lòng thử lại sau hoặc đăng nhập.",
                        code="throttled")
    if phone and anonymous.filter(phone=phone, created_at__gte=day_ago).count() >= _limit(
        "FEEDBACK_ANON_PER_PHONE_PER_DAY", 5
    ):
        raise Throttled("Số điện thoại này đã gửi quá nhiều phản ánh trong ngày. Vui lòng thử lại sau.",
                        code="throttled")


def validate_category(category: Category | None, province: AdministrativeUnit) -> Category:
    if category is None:
        raise ValidationError({"category": "Vui lòng chọn lĩnh vực phản ánh."}, code="required")
    if category.province_id != province.pk or not category.is_active:
        raise ValidationError({"category": "Lĩnh vực phản ánh không hợp lệ."}, code="invalid")
    if category.is_out_of_scope:
        # Complaints, denunciations and state secrets are not field reports (iHanoi rules,
        # vn-regulations §6 [S]); the guidance says where they go.
        raise ValidationError(
            {"category": f"“{category.name}” không được tiếp nhận qua kênh phản ánh hiện trường. {category.guidance}"},
            code="out_of_scope",
        )
    if category.children.filter(is_active=True).exists():
        raise ValidationError({"category": "Vui lòng chọn lĩnh vực cụ thể hơn trong nhóm này."}, code="group")
    return category


def _validate_attributes(category: Category, attributes: dict[str, Any] | None) -> dict[str, Any]:
    attributes = attributes or {}
    clean: dict[str, Any] = {}
    for q in category.questions.all():
        value = attributes.get(q.code)
        if value in (None, "", []):
            if q.required:
                raise ValidationError({f"attribute[{q.code}]": f"Vui lòng trả lời: {q.label}"}, code="required")
            continue
        keys = {str(k) for k, _ in (q.choices or [])}
        if q.datatype == q.Datatype.SINGLE and str(value) not in keys:
            raise ValidationError({f"attribute[{q.code}]": f"Giá trị không hợp lệ cho: {q.label}"}, code="invalid")
        if q.datatype == q.Datatype.MULTI:
            value = [value] if isinstance(value, str) else list(value)
            if not set(map(str, value)) <= keys:
                raise ValidationError({f"attribute[{q.code}]": f"Giá trị không hợp lệ cho: {q.label}"}, code="invalid")
        if q.datatype == q.Datatype.NUMBER:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValidationError({f"attribute[{q.code}]": f"Cần một số cho: {q.label}"}, code="invalid") from None
        if isinstance(value, str):
            value = nfc(value)[:1000]
        clean[q.code] = value
    return clean


def _next_number(province_code: str, year: int) -> str:
    counter, _ = ReportCounter.objects.get_or_create(province_code=province_code, year=year)
    ReportCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter = ReportCounter.objects.select_for_update().get(pk=counter.pk)
    return f"PA{province_code}.{year}.{counter.last:06d}"


def submit_report(
    *,
    province: AdministrativeUnit,
    category: Category | None,
    description: str,
    latitude=None,
    longitude=None,
    address: str = "",
    title: str = "",
    name: str = "",
    phone: str = "",
    email: str = "",
    user=None,
    client_ip: str = "",
    uploads: Sequence = (),
    attributes: dict[str, Any] | None = None,
    channel: str = Channel.WEB,
    trusted_client: bool = False,
    now: datetime.datetime | None = None,
) -> Report:
    """A citizen's report from the web, the JSON API or Open311. Login is optional."""
    now = _now(now)
    category = validate_category(category, province)
    description = (description or "").replace("\r\n", "\n").strip()
    errors: dict[str, str] = {}
    if not description:
        errors["description"] = "Vui lòng mô tả nội dung phản ánh."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Nội dung tối đa {MAX_DESCRIPTION} ký tự."
    phone = normalize_phone(phone) if phone else ""
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if errors:
        raise ValidationError(errors)
    address = nfc(address)[:255]
    lat = lon = None
    if latitude not in (None, "") or longitude not in (None, ""):
        lat, lon = geo.parse_point(latitude, longitude)
        commune = geo.locate(province, lat, lon)
    elif address:
        commune = geo.commune_from_address(province, address)
    else:
        raise ValidationError({"location": "Vui lòng chọn vị trí trên bản đồ hoặc nhập địa chỉ."}, code="location")
    clean_attributes = _validate_attributes(category, attributes)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is None:
        # An Open311 client with an api_key speaks for many citizens: only its phone numbers count.
        check_rate_limit(client_ip="" if trusted_client else client_ip, phone=phone, now=now)
    processed = photos.process_all(uploads)
    cal = load_calendar(None)
    with transaction.atomic():
        report = Report.objects.create(
            number=_next_number(province.code, timezone.localtime(now).year),
            province=province, commune=commune, category=category, title=nfc(title)[:200],
            description=description, address=address, latitude=lat, longitude=lon,
            attributes=clean_attributes, channel=channel, received_at=now,
            ack_due_at=deadlines.ack_due(cal, now, category),
        )
        ReporterContact.objects.create(
            report=report, user=user, name=nfc(name)[:150] or (user.get_full_name() if user else ""),
            phone=phone or (getattr(user, "phone", "") or "" if user else ""),
            email=email or (getattr(user, "email", "") or "" if user else ""), client_ip=client_ip[:45],
            created_at=now,
        )
        for p in processed:
            Photo.objects.create(report=report, original=p.original, public=p.public, thumbnail=p.thumbnail,
                                 width=p.width, height=p.height, sha256=p.sha256)
        # No actor on this row: the reporter's identity lives only in ReporterContact.
        ReportEvent.objects.create(report=report, at=now, action="submit", to_status=Status.NEW,
                                   is_public=True, due_at=report.ack_due_at, note="")
        record("feedback.submit", report, after=snapshot(report, AUDIT_FIELDS + ("category", "channel")),
               province_code=province.code)
        notices.on_submitted(report)
    return report


def me_too(report: Report, *, user=None, phone: str = "", client_ip: str = "") -> Report:
    """"Tôi cũng gặp": confirm an open report instead of filing a duplicate."""
    now = timezone.now()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    phone = normalize_phone(phone) if phone else ""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.status not in workflow.OPEN or report.merged_into_id:
            raise ValidationError("Phản ánh này đã được xử lý xong; vui lòng gửi phản ánh mới nếu vấn đề còn.",
                                  code="closed")
        same = Q(user=user) if user is not None else Q(client_ip=client_ip) if client_ip else Q(pk__in=[])
        if phone:
            same |= Q(phone=phone)
        if MeToo.objects.filter(Q(report=report) & same).exists():
            raise ValidationError("Bạn đã xác nhận phản ánh này rồi.", code="duplicate")
        if user is None and client_ip and MeToo.objects.filter(
            client_ip=client_ip, created_at__gte=now - datetime.timedelta(hours=1)
        ).count() >= _limit("FEEDBACK_ANON_PER_IP_PER_HOUR", 5) * 4:
            raise Throttled("Bạn đã thao tác quá nhiều lần. Vui lòng thử lại sau.", code="throttled")
        MeToo.objects.create(report=report, user=user, phone=phone, client_ip=client_ip[:45])
        Report.objects.filter(pk=report.pk).update(me_too_count=F("me_too_count") + 1, version=F("version") + 1)
        report.refresh_from_db()
        record("feedback.me_too", report, after={"me_too_count": report.me_too_count},
               province_code=report.province_code)
    return report


# --- transitions -----------------------------------------------------------------------------


def _authorize(who: str, user, report: Report) -> None:
    """The reporter's own transitions (rate) are checked by the caller: holding the private link."""
    if who == OPERATOR and (user is None or not queries.is_operator(user, report.province_id)):
        raise PermissionDenied("Chỉ cán bộ điều hành IOC của tỉnh được thực hiện thao tác này.")
    if who == AGENCY and (user is None or not queries.is_handler(user, report.agency_id)):
        raise PermissionDenied("Chỉ cơ quan được giao xử lý được thực hiện thao tác này.")


def _locked(report_id: int) -> Report:
    try:
        return Report.objects.select_for_update().select_related("category", "province").get(pk=report_id)
    except Report.DoesNotExist:
        raise ValidationError("Không tìm thấy phản ánh.", code="not_found") from None


def _transition(report_id: int, name: str, user, *, note: str = "", now=None, event: dict | None = None,
                apply=None, expected_version: int | None = None) -> Report:
    now = _now(now)
    note = (note or "").replace("\r\n", "\n").strip()
    t = workflow.get(name)
    if "note" in t.requires and not note:
        raise ValidationError({"note": "Vui lòng ghi rõ lý do."}, code="required")
    with transaction.atomic():
        report = _locked(report_id)
        if expected_version is not None and report.version != expected_version:
            raise TransitionError("Phản ánh vừa được người khác cập nhật. Vui lòng tải lại trang.")
        workflow.check(name, report.status)
        _authorize(t.who, user, report)
        before = snapshot(report, AUDIT_FIELDS)
        from_status = report.status
        if apply is not None:
            apply(report, now)
        if t.target is not None:
            report.status = t.target
        report.version += 1
        report.save()
        ReportEvent.objects.create(
            report=report, at=now, action=name, from_status=from_status, to_status=report.status,
            actor=user if getattr(user, "pk", None) else None, note=note, is_public=t.public,
            agency=report.agency, urgency=report.urgency, due_at=report.due_at, **(event or {}),
        )
        record(f"feedback.{name}", report, before=before, after=snapshot(report, AUDIT_FIELDS),
               province_code=report.province_code)
        notices.on_transition(report, name)
    return report


def accept(report_id: int, user, *, note: str = "", now=None) -> Report:
    def apply(r, now):
        r.accepted_at = now

    return _transition(report_id, "accept", user, note=note, now=now, apply=apply)


def refuse(report_id: int, user, *, reason: str, note: str = "", now=None) -> Report:
    if reason not in RefusalReason.LABELS:
        raise ValidationError({"reason": "Vui lòng chọn lý do từ chối trong danh sách."}, code="invalid")

    def apply(r, now):
        r.refusal_reason = reason
        r.closed_at = now
        r.accepted_at = r.accepted_at or now  # refusing is classifying (766 indicator 5.1)

    full_note = RefusalReason.LABELS[reason] + (f". {note}" if note else "")
    return _transition(report_id, "refuse", user, note=full_note, now=now, apply=apply)


def assign(report_id: int, user, *, agency: Agency | None, urgency: str, now=None, note: str = "") -> Report:
    if agency is None or not agency.is_active:
        raise ValidationError({"agency": "Vui lòng chọn cơ quan xử lý."}, code="required")
    if urgency not in Urgency.values:
        raise ValidationError({"urgency": "Vui lòng chọn mức độ: khẩn, bình thường hoặc phức tạp."}, code="invalid")

    def apply(r, now):
        if agency.province_id != r.province_id:
            raise ValidationError({"agency": "Cơ quan xử lý phải thuộc tỉnh của phản ánh."}, code="invalid")
        r.agency, r.urgency, r.assigned_at = agency, urgency, now
        r.due_at = deadlines.handling_due(load_calendar(agency.pk), now, urgency, r.category)

    return _transition(report_id, "assign", user, note=note, now=now, apply=apply)


def start(report_id: int, user, *, now=None) -> Report:
    return _transition(report_id, "start", user, now=now)


def send_back(report_id: int, user, *, note: str, now=None) -> Report:
    return _transition(report_id, "send_back", user, note=note, now=now)


def submit_result(report_id: int, user, *, result: str, now=None) -> Report:
    result = (result or "").replace("\r\n", "\n").strip()
    if not result:
        raise ValidationError({"result": "Vui lòng nhập kết quả xử lý."}, code="required")
    if len(result) > MAX_DESCRIPTION:
        raise ValidationError({"result": f"Kết quả tối đa {MAX_DESCRIPTION} ký tự."}, code="too_long")

    def apply(r, now):
        r.result, r.handled_at = result, now
        r.handled_on_time = r.due_at is None or now <= r.due_at
        r.publish_due_at = deadlines.publish_due(load_calendar(None), now, r.category)

    return _transition(report_id, "submit_result", user, now=now, apply=apply)


def reject_result(report_id: int, user, *, note: str, now=None) -> Report:
    def apply(r, now):
        r.handled_at = r.handled_on_time = r.publish_due_at = None

    return _transition(report_id, "reject_result", user, note=note, now=now, apply=apply)


def publish(report_id: int, user, *, now=None) -> Report:
    def apply(r, now):
        r.is_public, r.published_at, r.closed_at = True, now, now

    return _transition(report_id, "publish", user, now=now, apply=apply)


def close(report_id: int, user, *, note: str, now=None) -> Report:
    def apply(r, now):
        r.closed_at = now

    return _transition(report_id, "close", user, note=note, now=now, apply=apply)


def rate(report_id: int, *, satisfied: bool, comment: str = "", user=None, now=None) -> Report:
    """The reporter rates the result. Whoever holds the report's private link (public_id, sent in
    the receipt) or is the signed-in reporter may rate; callers check that. Not satisfied →
    reopened in the same transaction (a repeated complaint for 766 indicator 5.3)."""
    now = _now(now)
    if satisfied not in (True, False):
        raise ValidationError({"satisfied": "Vui lòng chọn hài lòng hoặc không hài lòng."}, code="required")
    with transaction.atomic():
        report = _locked(report_id)
        if report.rated_at is not None and report.closed_at is not None and report.rated_at >= report.closed_at:
            raise TransitionError("Phản ánh này đã được đánh giá.")

        def apply(r, now):
            r.satisfied, r.rated_at = satisfied, now

        label = "Hài lòng" if satisfied else "Không hài lòng"
        # The rating row names no actor: a signed-in reporter would otherwise be named to the agency.
        report = _transition(report_id, "rate", None, now=now, apply=apply,
                             note=f"{label}. {nfc(comment)[:1000]}".strip(". ").strip())
        if not satisfied:
            report = _reopen(report, now)
    return report


def _reopen(report: Report, now) -> Report:
    def apply(r, now):
        r.reopen_count += 1
        r.is_public = r.is_public  # a published report stays public, now "đang xử lý lại"
        r.handled_at = r.handled_on_time = r.publish_due_at = r.closed_at = None
        r.assigned_at = now
        r.due_at = deadlines.handling_due(load_calendar(r.agency_id), now, r.urgency or Urgency.NORMAL, r.category)

    return _transition(report.pk, "reopen", None, now=now, apply=apply)


def merge(duplicate_id: int, target_id: int, user, *, now=None) -> Report:
    """Operator merges a duplicate into the report it repeats; the duplicate's confirmations move
    to the target. Both rows are locked in id order so two merges cannot deadlock."""
    now = _now(now)
    if duplicate_id == target_id:
        raise ValidationError({"target": "Không thể gộp một phản ánh vào chính nó."}, code="invalid")
    with transaction.atomic():
        locked = {r.pk: r for r in Report.objects.select_for_update().filter(pk__in=sorted([duplicate_id, target_id]))
                  .order_by("pk")}
        if len(locked) != 2:
            raise ValidationError({"target": "Không tìm thấy phản ánh cần gộp."}, code="not_found")
        target = locked[target_id]
        if target.status not in workflow.OPEN or target.merged_into_id:
            raise ValidationError({"target": "Chỉ gộp vào một phản ánh đang mở."}, code="invalid")
        if target.province_id != locked[duplicate_id].province_id:
            raise ValidationError({"target": "Hai phản ánh thuộc hai tỉnh khác nhau."}, code="invalid")

        def apply(r, now):
            r.merged_into_id, r.closed_at = target.pk, now

        dup = _transition(duplicate_id, "merge", user, now=now, apply=apply, note=f"Gộp vào {target.number}")
        Report.objects.filter(pk=target.pk).update(
            me_too_count=F("me_too_count") + 1 + dup.me_too_count, version=F("version") + 1
        )
        ReportEvent.objects.create(report=target, at=now, action="absorb", from_status=target.status,
                                   to_status=target.status, actor=user, note=f"Gộp phản ánh trùng {dup.number}")
        record("feedback.absorb", target, after={"merged": dup.number}, province_code=target.province_code)
    return dup


def set_commune(report_id: int, user, *, commune: AdministrativeUnit | None) -> Report:
    """The operator corrects the commune (the nearest-centroid guess can pick a neighbour near a
    boundary, see geo.py). Not a status change: one internal history row and an audit entry."""
    with transaction.atomic():
        report = _locked(report_id)
        _authorize(OPERATOR, user, report)
        if commune is None or commune.province_id != report.province_id or commune.level != "commune":
            raise ValidationError({"commune": "Vui lòng chọn xã, phường thuộc tỉnh của phản ánh."}, code="invalid")
        before = snapshot(report, AUDIT_FIELDS)
        report.commune = commune
        report.version += 1
        report.save(update_fields=["commune", "version", "updated_at"])
        ReportEvent.objects.create(report=report, action="set_commune", from_status=report.status,
                                   to_status=report.status, actor=user, note=commune.full_name)
        record("feedback.set_commune", report, before=before, after=snapshot(report, AUDIT_FIELDS),
               province_code=report.province_code)
    return report


ACTIONS = {
    "accept": accept, "refuse": refuse, "assign": assign, "start": start, "send_back": send_back,
    "submit_result": submit_result, "reject_result": reject_result, "publish": publish, "close": close,
}


def reporter_of(user, report: Report) -> bool:
    return bool(user and getattr(user, "is_authenticated", False)
                and ReporterContact.objects.filter(report=report, user=user).exists())


__all__ = ["ACTIONS", "REPORTER", "Throttled", "submit_report", "me_too", "merge", "rate"]


# --- configuration ---------------------------------------------------------------------------

CATEGORY_FIELDS = ("province", "parent", "code", "name", "icon", "description", "kind", "guidance", "keywords",
                   "ack_hours", "urgent_hours", "normal_days", "complex_days", "publish_days", "order", "is_active")


def clean_category(category: Category) -> None:
    """Rules of the category tree: two levels, parent in the same province, out-of-scope kinds
    carry guidance, deadlines positive."""
    errors = {}
    if category.parent_id:
        parent = category.parent
        if parent.province_id != category.province_id:
            errors["parent"] = "Nhóm cha phải thuộc cùng tỉnh."
        elif parent.parent_id or (category.pk and parent.pk == category.pk):
            errors["parent"] = "Cây lĩnh vực chỉ có hai cấp: nhóm và lĩnh vực."
    if category.kind == "out_of_scope" and not nfc(category.guidance):
        errors["guidance"] = "Loại không thuộc phạm vi phải có hướng dẫn nơi gửi đúng kênh."
    for f in ("ack_hours", "urgent_hours", "normal_days", "complex_days", "publish_days"):
        if not getattr(category, f):
            errors[f] = "Thời hạn phải lớn hơn 0."
    if errors:
        raise ValidationError(errors)


def save_category(category: Category) -> Category:
    """Create or change a category (admin), audited."""
    category.name, category.description = nfc(category.name), (category.description or "").strip()
    category.guidance = (category.guidance or "").strip()
    clean_category(category)
    with transaction.atomic():
        before = None
        if category.pk:
            old = Category.objects.select_for_update().get(pk=category.pk)
            before = snapshot(old, CATEGORY_FIELDS)
        category.save()
        record("feedback.category_save", category, before=before, after=snapshot(category, CATEGORY_FIELDS),
               province_code=category.province.code)
    return category
