"""Every write of the Q&A app (ARCHITECTURE.md habit 1): one function per use case, each in one
transaction with the question row locked, history appended, the audit entry written and the
notifications sent on commit.

The audit snapshot leaves the asker's identity out: officials of the handling agency may read a
question's audit history, and they must never learn who asked.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.accounts.models import Role, RoleAssignment, User
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.accounts.validators import normalize_phone, validate_phone
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import fold, nfc
from chinhquyenso.notifications.services import Contact, notify
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.calendar import VN_TZ
from chinhquyenso.workdays.queries import load_calendar

from . import deadlines, search, workflow
from .models import Counter, DeadlineProfile, Flag, Question, QuestionEvent, Status, Topic, TopicRoute

logger = logging.getLogger(__name__)

TITLE_MIN, TITLE_MAX = 10, 200
BODY_MIN, BODY_MAX = 20, 5000
NOTE_MAX = 5000
ANSWER_MAX = 20000
REASON_MAX = 500
AUDIT_FIELDS = (
    "code", "status", "agency", "assignee", "topic", "procedure", "classification", "refusal_reason",
    "refuse_due", "more_info_due", "answer_due", "publish_due", "resolved_at", "resolved_on_time",
    "published_at", "is_hidden", "hidden_reason", "is_faq",
)


class RateLimited(Exception):
    """Too many anonymous questions from one client address or one phone number (HTTP 429)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Submitted:
    question: Question
    token: str  # shown once to an anonymous asker: code + token follow the question


# --- helpers ---------------------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return (now or timezone.now()).astimezone(VN_TZ)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(question: Question, token: str | None) -> bool:
    return bool(token and question.token_hash and hmac.compare_digest(question.token_hash, hash_token(token)))


def limits_for(province: AdministrativeUnit | int) -> deadlines.Limits:
    province_id = province if isinstance(province, int) else province.pk
    row = DeadlineProfile.objects.filter(province_id=province_id).first()
    if row is None:
        return deadlines.Limits()
    return deadlines.Limits(row.refuse_days, row.more_info_days, row.answer_days, row.publish_days, row.warn_days)


def _audit_snapshot(question: Question) -> dict:
    return snapshot(question, AUDIT_FIELDS)


def _event(question: Question, action: str, actor, from_status: str, *, note: str = "", data: dict | None = None,
           is_public: bool = False, at: datetime.datetime | None = None) -> QuestionEvent:
    return QuestionEvent.objects.create(
        question=question, province_code=question.province_code, actor=actor if getattr(actor, "pk", None) else None,
        action=action, from_status=from_status, to_status=question.status, note=note, data=data or {},
        is_public=is_public, at=at or timezone.now(),
    )


def _clean_text(value: str | None, label: str, *, minimum: int = 0, maximum: int = NOTE_MAX, multiline: bool = True) -> str:
    """NFC text, HTML kept as text (it is escaped on output). Empty, too short or too long → 4xx."""
    raw = str(value or "")
    if "\x00" in raw:
        raise ValidationError(_("%(label)s chứa ký tự không hợp lệ.") % {"label": label})
    if multiline:
        import unicodedata

        text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").strip()
    else:
        text = nfc(raw)
    if minimum and len(text) < minimum:
        raise ValidationError(_("%(label)s phải có ít nhất %(n)d ký tự.") % {"label": label, "n": minimum})
    if len(text) > maximum:
        raise ValidationError(_("%(label)s không được dài quá %(n)d ký tự.") % {"label": label, "n": maximum})
    return text


def _refresh_search_columns(question: Question) -> None:
    question.search_title = fold(question.title)[:200]
    question.search_body = fold(f"{question.body}\n{question.additional_info}\n{question.answer}")


def _calendar(question: Question):
    return load_calendar(question.agency_id)


def _set_intake_clocks(question: Question, start: datetime.datetime) -> None:
    clocks = deadlines.intake_clocks(_calendar(question), start, limits_for(question.province_id))
    question.clock_started_at = start
    question.refuse_due = clocks.refuse_due
    question.more_info_due = clocks.more_info_due
    question.answer_due = clocks.answer_due


# --- routing ---------------------------------------------------------------------------------


def route_for(topic: Topic, unit: AdministrativeUnit | None) -> Agency:
    """Competent agency: the topic's route for the commune, else the topic's default agency, else
    the province's People's Committee (its operators then transfer it by hand)."""
    if unit is not None:
        route = TopicRoute.objects.filter(topic=topic, unit=unit, agency__is_active=True).select_related("agency").first()
        if route is not None:
            return route.agency
    if topic.default_agency_id and topic.default_agency.is_active:
        return topic.default_agency
    fallback = Agency.objects.filter(province_id=topic.province_id, kind=AgencyKind.PROVINCE_PC, is_active=True).first()
    if fallback is None:
        raise ValidationError(_("Tỉnh chưa cấu hình cơ quan tiếp nhận câu hỏi cho chủ đề này."))
    return fallback


def _next_code(province: AdministrativeUnit, now: datetime.datetime) -> str:
    counter, _created = Counter.objects.get_or_create(province=province, year=now.year)
    counter = Counter.objects.select_for_update().get(pk=counter.pk)
    counter.value = F("value") + 1
    counter.save(update_fields=["value"])
    counter.refresh_from_db(fields=["value"])
    return f"HD-{province.code}-{now.year}-{counter.value:06d}"


# --- rate limit ------------------------------------------------------------------------------


def _check_rate(client_ip: str, phone: str, now: datetime.datetime) -> None:
    """Anonymous questions: at most QUESTIONS_MAX_PER_IP per hour from one address and
    QUESTIONS_MAX_PER_PHONE per day for one phone number (counted from the stored questions, so
    every process shares the count)."""
    per_ip = int(getattr(settings, "QUESTIONS_MAX_PER_IP", 5))
    per_phone = int(getattr(settings, "QUESTIONS_MAX_PER_PHONE", 3))
    if client_ip and Question.objects.filter(
        client_ip=client_ip, received_at__gte=now - datetime.timedelta(hours=1)
    ).count() >= per_ip:
        raise RateLimited(_("Bạn đã gửi quá nhiều câu hỏi trong một giờ. Vui lòng thử lại sau hoặc đăng nhập."))
    if phone and Question.objects.filter(
        asker_phone=phone, received_at__gte=now - datetime.timedelta(days=1)
    ).count() >= per_phone:
        raise RateLimited(_("Số điện thoại này đã gửi quá nhiều câu hỏi trong ngày. Vui lòng thử lại vào ngày mai."))


# --- submit ----------------------------------------------------------------------------------


def submit(*, topic: Topic | None, title: str, body: str, asker_name: str = "", asker_phone: str = "",
           asker_email: str = "", asker_address: str = "", unit: AdministrativeUnit | None = None,
           procedure=None, user: User | None = None, client_ip: str = "",
           now: datetime.datetime | None = None) -> Submitted:
    """A citizen or business asks a question. Login is optional; anonymous askers must leave a
    phone number or an e-mail address to be told about the answer."""
    now = _now(now)
    if topic is None or not topic.is_active:
        raise ValidationError({"topic": _("Vui lòng chọn chủ đề câu hỏi.")})
    errors: dict[str, str] = {}
    fields = {}
    for name, value, label, lo, hi in (
        ("title", title, _("Tiêu đề"), TITLE_MIN, TITLE_MAX),
        ("body", body, _("Nội dung câu hỏi"), BODY_MIN, BODY_MAX),
    ):
        try:
            fields[name] = _clean_text(value, label, minimum=lo, maximum=hi, multiline=name == "body")
        except ValidationError as e:
            errors[name] = e.messages[0]
    authenticated = user is not None and user.is_authenticated
    name = nfc(asker_name) or (user.full_name if authenticated else "")
    phone = normalize_phone(asker_phone) if asker_phone else (user.phone or "" if authenticated else "")
    email = (asker_email or "").strip() or (user.email or "" if authenticated else "")
    if not name:
        errors["asker_name"] = _("Vui lòng nhập họ và tên.")
    elif len(name) > 150:
        errors["asker_name"] = _("Họ và tên không được dài quá 150 ký tự.")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as e:
            errors["asker_phone"] = e.messages[0]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["asker_email"] = _("Địa chỉ thư điện tử không hợp lệ.")
    if not authenticated and not phone and not email:
        errors["asker_phone"] = _("Vui lòng để lại số điện thoại hoặc thư điện tử để nhận câu trả lời.")
    if len(nfc(asker_address)) > 255:
        errors["asker_address"] = _("Địa chỉ không được dài quá 255 ký tự.")
    if unit is not None and (unit.level != Level.COMMUNE or unit.province_id != topic.province_id or unit.valid_to):
        errors["unit"] = _("Xã, phường không thuộc tỉnh của chủ đề đã chọn.")
    if procedure is not None and procedure.province_id != topic.province_id:
        errors["procedure"] = _("Thủ tục không thuộc danh mục của tỉnh này.")
    if errors:
        raise ValidationError(errors)

    token = secrets.token_urlsafe(18)
    with transaction.atomic():
        if not authenticated:
            _check_rate(client_ip, phone, now)
        province = topic.province
        question = Question(
            code=_next_code(province, now), province=province, unit=unit, topic=topic, procedure=procedure,
            agency=route_for(topic, unit), status=Status.SUBMITTED, asker=user if authenticated else None,
            asker_name=name, asker_phone=phone, asker_email=email, asker_address=nfc(asker_address),
            client_ip=client_ip[:45], token_hash=hash_token(token), received_at=now, **fields,
        )
        _refresh_search_columns(question)
        _set_intake_clocks(question, now)
        question.save()
        _event(question, "submit", user if authenticated else None, "", at=now,
               data={"agency": question.agency_id, "answer_due": question.answer_due.isoformat()})
        record("question.submit", question, after=_audit_snapshot(question), province_code=province.code)
        _notify_asker(question, "question.received")
    return Submitted(question, token)


# --- transitions -----------------------------------------------------------------------------


def may(user, question: Question, name: str, *, token: str | None = None) -> bool:
    """Whether `user` (or the holder of `token`) may take transition `name` on `question` now."""
    transition = workflow.get(name)
    if question.status not in transition.sources:
        return False
    if workflow.ASKER in transition.roles:
        return _is_asker(user, question, token)
    if name == "draft" and question.assignee_id is not None and getattr(user, "pk", None) != question.assignee_id:
        return False
    return visible_agencies(user, transition.roles).filter(pk=question.agency_id).exists()


def _is_asker(user, question: Question, token: str | None) -> bool:
    if getattr(user, "is_authenticated", False) and question.asker_id == user.pk:
        return True
    return token_matches(question, token)


def allowed_transitions(user, question: Question, *, token: str | None = None) -> list[workflow.Transition]:
    return [t for t in workflow.available_from(question.status) if may(user, question, t.name, token=token)]


def act(question: Question | int, name: str, user, *, token: str | None = None, note: str = "", reason: str = "",
        agency: Agency | None = None, assignee: User | None = None, answer: str = "", classification: str = "",
        now: datetime.datetime | None = None) -> Question:
    """Take transition `name` (workflow.TRANSITIONS) on a question, under a row lock."""
    transition = workflow.get(name)
    now = _now(now)
    pk = question if isinstance(question, int) else question.pk
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("province", "agency", "topic").get(pk=pk)
        if question.status not in transition.sources:
            raise ValidationError(
                _("Không thể “%(action)s” khi câu hỏi đang ở trạng thái “%(status)s”.")
                % {"action": transition.label, "status": question.get_status_display()}
            )
        if not may(user, question, name, token=token):
            raise PermissionDenied(_("Bạn không có quyền “%(action)s” câu hỏi này.") % {"action": transition.label})
        before = _audit_snapshot(question)
        from_status = question.status
        actor = user if getattr(user, "is_authenticated", False) else None
        note = _clean_text(note, _("Ghi chú"), maximum=NOTE_MAX)
        if "note" in transition.requires and not note:
            raise ValidationError({"note": _("Vui lòng nhập nội dung.")})
        if classification:
            from .models import Classification

            if classification not in Classification.values:
                raise ValidationError({"classification": _("Phân loại không hợp lệ.")})
            question.classification = classification
        data: dict = {}
        notify_event = ""
        is_public = False
        handler = _HANDLERS[name]
        result = handler(question, actor=actor, note=note, reason=reason, agency=agency, assignee=assignee,
                         answer=answer, now=now, data=data)
        if result:
            notify_event = result
        question.status = transition.target
        _refresh_search_columns(question)
        question.save()
        if name == "publish":
            is_public = True
        _event(question, name, actor, from_status, note=note, data=data, is_public=is_public, at=now)
        record(f"question.{name}", question, before=before, after=_audit_snapshot(question),
               province_code=question.province_code)
        search.sync(question)
        if notify_event:
            _notify_asker(question, notify_event)
    return question


def _resolve(question: Question, now: datetime.datetime, due: datetime.datetime | None) -> None:
    """First resolution of the request (refusal, supplement request or approval) — what 5.2
    counts as handled, on time when not after its due instant."""
    if question.resolved_at is None:
        question.resolved_at = now
        question.resolved_on_time = due is None or now <= due


def _route(question, *, agency, now, data, **_kw):
    if agency is None:
        raise ValidationError({"agency": _("Vui lòng chọn cơ quan tiếp nhận.")})
    if agency.province_id != question.province_id or not agency.is_active:
        raise ValidationError({"agency": _("Cơ quan phải đang hoạt động và thuộc cùng tỉnh.")})
    if agency.pk == question.agency_id:
        raise ValidationError({"agency": _("Câu hỏi đã ở cơ quan này.")})
    data.update({"from_agency": question.agency_id, "to_agency": agency.pk})
    question.agency = agency
    question.assignee = None
    # "15 ngày làm việc kể từ ngày gửi hoặc lần chuyển gần nhất" (DVCQG rule, vn-regulations §3).
    _set_intake_clocks(question, now)


def _refuse(question, *, reason, now, data, **_kw):
    from .models import RefusalReason

    if reason not in RefusalReason.values:
        raise ValidationError({"reason": _("Vui lòng chọn lý do từ chối.")})
    question.refusal_reason = reason
    data["reason"] = reason
    _resolve(question, now, question.refuse_due)
    return "question.refused"


def _request_info(question, *, note, now, data, **_kw):
    question.info_requested_count += 1
    data["count"] = question.info_requested_count
    _resolve(question, now, question.more_info_due)
    return "question.info_requested"


def _provide_info(question, *, note, now, data, **_kw):
    stamp = timezone.localtime(now, VN_TZ).strftime("%d/%m/%Y %H:%M")
    addition = f"[{stamp}] {note}"
    question.additional_info = f"{question.additional_info}\n{addition}".strip() if question.additional_info else addition
    if len(question.additional_info) > BODY_MAX * 2:
        raise ValidationError({"note": _("Thông tin bổ sung quá dài.")})
    # The supplemented request is a new sending: the clocks and the resolution restart.
    question.resolved_at = None
    question.resolved_on_time = None
    _set_intake_clocks(question, now)


def _assign(question, *, assignee, data, **_kw):
    if assignee is None:
        raise ValidationError({"assignee": _("Vui lòng chọn chuyên viên.")})
    if not visible_agencies(assignee, [Role.SPECIALIST]).filter(pk=question.agency_id).exists():
        raise ValidationError({"assignee": _("Người được giao không phải chuyên viên của cơ quan trả lời.")})
    question.assignee = assignee
    data["assignee"] = assignee.pk


def _draft(question, *, actor, answer, data, **_kw):
    text = _clean_text(answer, _("Nội dung trả lời"), minimum=20, maximum=ANSWER_MAX)
    question.answer = text
    if question.assignee_id is None:
        question.assignee = actor
    data["answer"] = text


def _return(question, *, data, **_kw):
    data["returned"] = True


def _approve(question, *, actor, now, data, **_kw):
    if not question.answer:
        raise ValidationError(_("Chưa có nội dung trả lời để duyệt."))
    question.approved_at = now
    question.approved_by = actor
    question.publish_due = deadlines.publish_due(_calendar(question), now, limits_for(question.province_id))
    _resolve(question, now, question.answer_due)
    data["publish_due"] = question.publish_due.isoformat()


def _publish(question, *, now, data, **_kw):
    question.published_at = now
    question.published_on_time = question.publish_due is None or now <= question.publish_due
    return "question.published"


_HANDLERS = {
    "route": _route, "refuse": _refuse, "request_info": _request_info, "provide_info": _provide_info,
    "assign": _assign, "draft": _draft, "return": _return, "approve": _approve, "publish": _publish,
}
assert set(_HANDLERS) == set(workflow.TRANSITIONS)


# --- asker feedback, moderation, curation ----------------------------------------------------


def rate(question: Question, user, satisfied: bool, *, token: str | None = None) -> Question:
    """The asker says whether the answer satisfied them (indicator 5.3)."""
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("province").get(pk=question.pk)
        if question.status != Status.PUBLISHED:
            raise ValidationError(_("Chỉ đánh giá được câu hỏi đã có trả lời công khai."))
        if not _is_asker(user, question, token):
            raise PermissionDenied(_("Chỉ người hỏi mới đánh giá được câu trả lời."))
        before = _audit_snapshot(question)
        question.satisfied = bool(satisfied)
        question.rated_at = timezone.now()
        question.save(update_fields=["satisfied", "rated_at", "updated_at"])
        _event(question, "rate", user, question.status, data={"satisfied": question.satisfied})
        record("question.rate", question, before=before, after={"satisfied": question.satisfied},
               province_code=question.province_code)
    return question


def flag(question: Question, reason: str, *, user=None, client_ip: str = "") -> Flag:
    """Anyone may report a published Q&A as wrong or improper; moderators see the flags."""
    reason = _clean_text(reason, _("Lý do"), minimum=5, maximum=REASON_MAX, multiline=False)
    with transaction.atomic():
        question = Question.objects.select_for_update().select_related("province").get(pk=question.pk)
        if not question.is_public:
            raise ValidationError(_("Chỉ báo cáo được nội dung đang công khai."))
        per_ip = int(getattr(settings, "QUESTIONS_MAX_FLAGS_PER_IP", 10))
        if client_ip and Flag.objects.filter(
            client_ip=client_ip, created_at__gte=timezone.now() - datetime.timedelta(hours=1)
        ).count() >= per_ip:
            raise RateLimited(_("Bạn đã gửi quá nhiều báo cáo. Vui lòng thử lại sau."))
        authenticated = getattr(user, "is_authenticated", False)
        item = Flag.objects.create(question=question, province_code=question.province_code, reason=reason,
                                   reporter=user if authenticated else None, client_ip=client_ip[:45])
        question.flag_count += 1
        question.save(update_fields=["flag_count", "updated_at"])
        _event(question, "flag", user if authenticated else None, question.status, note=reason)
        record("question.flag", question, after={"flag": item.pk}, province_code=question.province_code)
    return item


def _moderate(question: Question, user) -> Question:
    question = Question.objects.select_for_update().select_related("province", "agency").get(pk=question.pk)
    if not visible_agencies(user, workflow.MODERATOR_ROLES).filter(pk=question.agency_id).exists():
        raise PermissionDenied(_("Bạn không có quyền kiểm duyệt câu hỏi này."))
    return question


def hide(question: Question, user, reason: str) -> Question:
    """Take a published Q&A off the public site with a reason; the asker is told."""
    reason = _clean_text(reason, _("Lý do ẩn"), minimum=5, maximum=REASON_MAX, multiline=False)
    with transaction.atomic():
        question = _moderate(question, user)
        if question.is_hidden:
            raise ValidationError(_("Câu hỏi đã bị ẩn."))
        if question.status != Status.PUBLISHED:
            raise ValidationError(_("Chỉ ẩn được câu hỏi đã công khai."))
        before = _audit_snapshot(question)
        question.is_hidden = True
        question.hidden_reason = reason
        question.is_faq = False
        question.save()
        Flag.objects.filter(question=question, resolved_at__isnull=True).update(resolved_at=timezone.now())
        _event(question, "hide", user, question.status, note=reason)
        record("question.hide", question, before=before, after=_audit_snapshot(question),
               province_code=question.province_code)
        search.sync(question)
        _notify_asker(question, "question.hidden", {"reason": reason})
    return question


def unhide(question: Question, user) -> Question:
    with transaction.atomic():
        question = _moderate(question, user)
        if not question.is_hidden:
            raise ValidationError(_("Câu hỏi đang hiển thị."))
        before = _audit_snapshot(question)
        question.is_hidden = False
        question.hidden_reason = ""
        question.save()
        _event(question, "unhide", user, question.status)
        record("question.unhide", question, before=before, after=_audit_snapshot(question),
               province_code=question.province_code)
        search.sync(question)
    return question


def dismiss_flags(question: Question, user) -> int:
    with transaction.atomic():
        question = _moderate(question, user)
        count = Flag.objects.filter(question=question, resolved_at__isnull=True).update(resolved_at=timezone.now())
        _event(question, "dismiss_flags", user, question.status, data={"count": count})
        record("question.dismiss_flags", question, after={"dismissed": count}, province_code=question.province_code)
    return count


def set_faq(question: Question, user, is_faq: bool, position: int = 0) -> Question:
    """Curate the FAQ of the question's topic (published, visible questions only)."""
    with transaction.atomic():
        question = _moderate(question, user)
        if is_faq and not question.is_public:
            raise ValidationError(_("Chỉ đưa vào câu hỏi thường gặp những câu hỏi đang công khai."))
        if not 0 <= int(position) <= 1000:
            raise ValidationError({"position": _("Thứ tự phải từ 0 đến 1000.")})
        before = _audit_snapshot(question)
        question.is_faq = bool(is_faq)
        question.faq_position = int(position)
        question.save(update_fields=["is_faq", "faq_position", "updated_at"])
        _event(question, "faq" if is_faq else "unfaq", user, question.status, data={"position": question.faq_position})
        record("question.faq", question, before=before, after=_audit_snapshot(question),
               province_code=question.province_code)
    return question


def count_view(question: Question) -> None:
    Question.objects.filter(pk=question.pk).update(view_count=F("view_count") + 1)


# --- notifications ---------------------------------------------------------------------------


def _asker_contact(question: Question):
    if question.asker_id:
        return question.asker
    return Contact(name=question.asker_name, email=question.asker_email, phone=question.asker_phone)


def _notify_asker(question: Question, event: str, extra: dict | None = None) -> None:
    """Called inside the question's transaction: the notification and its deliveries commit with
    the change or not at all (an app killed between commit and an on_commit callback would lose
    it — bench/faults found that for dossiers); sending itself is enqueued on commit by notify(),
    and notifications_sweep re-enqueues deliveries whose task never got queued."""
    try:
        context = {
            "code": question.code, "title": question.title, "url": f"{settings.SITE_URL}{question.get_absolute_url()}",
            "answer_due": (timezone.localtime(question.answer_due, VN_TZ).strftime("%d/%m/%Y")
                           if question.answer_due else ""),
            **(extra or {}),
        }
        with transaction.atomic():  # a savepoint: a failing notification never undoes the change
            sent = notify(event, _asker_contact(question), context,
                          dedupe_key=f"{event}:{question.pk}:{question.updated_at:%s%f}",
                          province_code=question.province_code)
    except Exception:
        logger.exception("notify %s for question %s failed", event, question.pk)
        return
    if sent is not None and event == "question.published":
        with transaction.atomic():
            Question.objects.filter(pk=question.pk, asker_notified_at__isnull=True).update(asker_notified_at=timezone.now())
            _event(question, "asker_notified", None, question.status, data={"notification": sent.pk})


def officials_to_remind(question: Question) -> list[User]:
    """Who owes the next step: the agency's leaders once drafted or approved, else the assignee,
    else the agency's intake officers (one query)."""
    awaiting_leader = question.status in (Status.DRAFTED, Status.APPROVED)
    if question.assignee_id and not awaiting_leader:
        return [question.assignee]
    roles = [Role.LEADER] if awaiting_leader else list(workflow.INTAKE_ROLES)
    ids = RoleAssignment.objects.active().filter(agency_id=question.agency_id, role__in=roles).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def sweep_deadlines(now: datetime.datetime | None = None) -> dict[str, int]:
    """Remind officials before a deadline (warn_days working days ahead) and tell them once it has
    passed. Idempotent per question, deadline and kind (notification dedupe keys)."""
    from .queries import deadline_of

    now = _now(now)
    counts = {"due_soon": 0, "overdue": 0}
    open_rows = (
        Question.objects.filter(status__in=(Status.SUBMITTED, Status.ASSIGNED, Status.DRAFTED, Status.APPROVED))
        .select_related("province", "assignee", "agency")
    )
    for question in open_rows.iterator(chunk_size=500):
        due = deadline_of(question)
        if due is None:
            continue
        limits = limits_for(question.province_id)
        if now > due:
            kind = "overdue"
        elif now.date() >= deadlines.warn_from(_calendar(question), due, limits):
            kind = "due_soon"
        else:
            continue
        for official in officials_to_remind(question):
            made = notify(
                f"question.{kind}", official,
                {"code": question.code, "title": question.title, "due": timezone.localtime(due, VN_TZ).strftime("%H:%M %d/%m/%Y"),
                 "url": f"{settings.SITE_URL}/hoi-dap/can-bo/{question.code}/"},
                dedupe_key=f"question.{kind}:{question.pk}:{official.pk}:{due:%Y%m%d%H%M}",
                province_code=question.province_code,
            )
            counts[kind] += made is not None
    return counts


def can_moderate(user, question: Question) -> bool:
    return visible_agencies(user, workflow.MODERATOR_ROLES).filter(pk=question.agency_id).exists()
