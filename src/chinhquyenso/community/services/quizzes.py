"""Writes for awareness quizzes: the question bank, contests, phone verification codes, entries,
answers and scoring.

Anti-cheat rules kept here, on the server: one entry per person (unique account / unique phone,
races end in the database constraint), no restart (starting again returns the same entry and
timer), the deadline is the server's (`deadline_at`), answers after it are refused, the score is
computed from stored answers only, and correct answers never leave this module before the
entry is finished."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import random
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.accounts.validators import normalize_phone, validate_phone
from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import is_digits, nfc
from chinhquyenso.notifications.services import Contact, notify
from chinhquyenso.units.models import AdministrativeUnit, Level

from ..models import Answer, Choice, Entry, PhoneCode, Question, Quiz

CODE_EVENT = "community.quiz_code"
CODE_TTL = datetime.timedelta(minutes=10)
CODE_MIN_INTERVAL = datetime.timedelta(seconds=60)
CODE_MAX_PER_PHONE_HOUR = 5
CODE_MAX_PER_IP_HOUR = 20
CODE_MAX_ATTEMPTS = 5
MAX_DURATION_MINUTES = 240
MAX_QUESTIONS = 100


class RateLimited(ValidationError):
    """Too many code requests: the API answers 429."""


class AlreadySubmitted(ValidationError):
    pass


# --- question bank and contests ---------------------------------------------------------------


def create_question(actor, province: AdministrativeUnit, *, topic: str, text: str,
                    choices: Iterable[tuple[str, bool]], explanation: str = "") -> Question:
    if not visible_agencies(actor).filter(province=province).exists():
        raise PermissionDenied(_("Bạn không thuộc cơ quan nào của tỉnh này."))
    topic, text = nfc(topic), nfc(text)
    choices = [(nfc(c), bool(ok)) for c, ok in choices if nfc(c)]
    if not topic or len(topic) > 100:
        raise ValidationError(_("Chủ đề phải có từ 1 đến 100 ký tự."))
    if not text:
        raise ValidationError(_("Thiếu nội dung câu hỏi."))
    if not 2 <= len(choices) <= 8:
        raise ValidationError(_("Câu hỏi cần từ 2 đến 8 phương án."))
    if not any(ok for _c, ok in choices):
        raise ValidationError(_("Cần ít nhất một phương án đúng."))
    if any(len(c) > 500 for c, _ok in choices):
        raise ValidationError(_("Mỗi phương án tối đa 500 ký tự."))
    with transaction.atomic():
        question = Question.objects.create(province=province, topic=topic, text=text, explanation=nfc(explanation))
        Choice.objects.bulk_create(
            Choice(question=question, text=c, is_correct=ok, order=i) for i, (c, ok) in enumerate(choices)
        )
        record("community.question.create", question, after=snapshot(question), actor=actor)
    return question


def create_quiz(actor, agency: Agency, *, title: str, opens_at: datetime.datetime, closes_at: datetime.datetime,
                duration_minutes: int, question_count: int, questions: Iterable[Question],
                description: str = "", unit: AdministrativeUnit | None = None) -> Quiz:
    if not visible_agencies(actor).filter(pk=agency.pk).exists():
        raise PermissionDenied(_("Bạn không thuộc đơn vị tổ chức này."))
    unit = unit or agency.unit
    title = nfc(title)
    if not title or len(title) > 255:
        raise ValidationError(_("Tên cuộc thi phải có từ 1 đến 255 ký tự."))
    if timezone.is_naive(opens_at) or timezone.is_naive(closes_at) or closes_at <= opens_at:
        raise ValidationError(_("Thời gian đóng phải sau thời gian mở (kèm múi giờ)."))
    if not 1 <= duration_minutes <= MAX_DURATION_MINUTES:
        raise ValidationError(_("Thời gian làm bài từ 1 đến %(m)s phút.") % {"m": MAX_DURATION_MINUTES})
    pool = [q for q in questions if q.province_id == agency.province_id and q.is_active]
    if not 1 <= question_count <= min(MAX_QUESTIONS, len(pool)):
        raise ValidationError(_("Số câu mỗi lượt phải từ 1 đến số câu hỏi trong ngân hàng (%(n)s).") % {"n": len(pool)})
    with transaction.atomic():
        quiz = Quiz.objects.create(
            province_id=agency.province_id, unit=unit, agency=agency, title=title, description=nfc(description),
            opens_at=opens_at, closes_at=closes_at, duration_minutes=duration_minutes,
            question_count=question_count, seed=secrets.token_hex(16),
        )
        quiz.questions.set(pool)
        record("community.quiz.create", quiz, after=snapshot(quiz), actor=actor)
    return quiz


# --- phone verification -----------------------------------------------------------------------


def _hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"community:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def request_phone_code(phone: str, *, ip: str = "", now: datetime.datetime | None = None) -> PhoneCode:
    """Send a one-time code by SMS (the local channel in development). Rate limits: one per phone
    per minute, CODE_MAX_PER_PHONE_HOUR per phone and CODE_MAX_PER_IP_HOUR per address per hour.
    Two simultaneous requests may both pass the check once: the limits bound cost, not identity."""
    validate_phone(phone or "")
    phone = normalize_phone(phone)
    now = now or timezone.now()
    hour = now - datetime.timedelta(hours=1)
    recent = PhoneCode.objects.filter(phone=phone, created_at__gt=hour)
    last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is not None and now - last < CODE_MIN_INTERVAL:
        wait = int((CODE_MIN_INTERVAL - (now - last)).total_seconds()) + 1
        raise RateLimited(_("Vui lòng đợi %(s)s giây trước khi yêu cầu mã mới.") % {"s": wait})
    if recent.count() >= CODE_MAX_PER_PHONE_HOUR:
        raise RateLimited(_("Số điện thoại này đã yêu cầu quá nhiều mã; thử lại sau một giờ."))
    if ip and PhoneCode.objects.filter(ip=ip, created_at__gt=hour).count() >= CODE_MAX_PER_IP_HOUR:
        raise RateLimited(_("Quá nhiều yêu cầu mã từ địa chỉ này; thử lại sau."))
    code = _new_code()
    with transaction.atomic():
        row = PhoneCode.objects.create(phone=phone, code_hash=_hash(phone, code), ip=ip[:45], created_at=now,
                                       expires_at=now + CODE_TTL)
        notify(CODE_EVENT, Contact(phone=phone), {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)},
               channels=["sms"], dedupe_key=f"{CODE_EVENT}:{row.pk}")
    return row


def verify_phone_code(phone: str, code: str, *, now: datetime.datetime | None = None) -> str:
    """The normalised phone when `code` is its latest live code; ValidationError otherwise. A code
    works once; CODE_MAX_ATTEMPTS wrong tries burn it."""
    phone = normalize_phone(phone or "")
    code = (code or "").strip()
    now = now or timezone.now()
    outcome = None
    with transaction.atomic():
        row = (PhoneCode.objects.select_for_update().filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
               .order_by("-created_at").first())
        if row is None:
            outcome = _("Mã xác thực không đúng hoặc đã hết hạn; hãy yêu cầu mã mới.")
        elif row.attempts >= CODE_MAX_ATTEMPTS:
            outcome = _("Đã nhập sai quá nhiều lần; hãy yêu cầu mã mới.")
        elif not (is_digits(code) and len(code) == 6 and hmac.compare_digest(row.code_hash, _hash(phone, code))):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            outcome = _("Mã xác thực không đúng.")
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
    if outcome:  # raised after commit so the wrong attempt stays counted
        raise ValidationError(outcome)
    return phone


# --- entries ----------------------------------------------------------------------------------


def draw(quiz: Quiz, identity: str, pool: list[int]) -> list[int]:
    """Deterministic per (quiz, person): the same person always gets the same questions/order."""
    digest = hashlib.sha256(f"{quiz.seed}:{identity}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big")).sample(sorted(pool), quiz.question_count)


def _existing(quiz: Quiz, user, phone: str | None) -> Entry | None:
    cond = Q()
    if user is not None:
        cond |= Q(user=user)
    if phone:
        cond |= Q(phone=phone)
    return Entry.objects.filter(cond, quiz=quiz).first() if cond else None


def start_entry(quiz: Quiz, *, commune: AdministrativeUnit, full_name: str = "", user=None, phone: str | None = None,
                now: datetime.datetime | None = None) -> tuple[Entry, bool]:
    """The person's entry, created on the first call. `user` is a signed-in account; otherwise
    `phone` must already be verified (verify_phone_code). Returns (entry, created): a second
    start, even concurrent, gets the first entry and its running timer — never a restart."""
    now = now or timezone.now()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if user is not None:
        phone = normalize_phone(user.phone) if user.phone else None
        full_name = full_name or user.full_name
    elif not phone:
        raise ValidationError(_("Cần đăng nhập hoặc xác thực số điện thoại để dự thi."))
    existing = _existing(quiz, user, phone)
    if existing is not None:
        return existing, False
    if not quiz.is_published or now < quiz.opens_at:
        raise ValidationError(_("Cuộc thi chưa mở."))
    if now >= quiz.closes_at:
        raise ValidationError(_("Cuộc thi đã kết thúc."))
    full_name = nfc(full_name)
    if not full_name or len(full_name) > 150:
        raise ValidationError(_("Họ và tên phải có từ 1 đến 150 ký tự."))
    if commune.level != Level.COMMUNE or commune.province_id != quiz.province_id:
        raise ValidationError(_("Xã, phường phải thuộc tỉnh tổ chức cuộc thi."))
    if quiz.unit.level == Level.COMMUNE and commune.pk != quiz.unit_id:
        raise ValidationError(_("Cuộc thi chỉ dành cho người dân, cán bộ %(u)s.") % {"u": quiz.unit.full_name})
    pool = list(quiz.questions.filter(is_active=True).values_list("pk", flat=True))
    if len(pool) < quiz.question_count:
        raise ValidationError(_("Ngân hàng câu hỏi của cuộc thi chưa đủ số câu."))
    identity = f"u{user.pk}" if user is not None else f"p{phone}"
    entry = Entry(
        province_id=quiz.province_id, quiz=quiz, commune=commune, user=user, phone=phone or None,
        full_name=full_name, is_official=bool(user is not None and user.is_official),
        token=secrets.token_urlsafe(32), question_ids=draw(quiz, identity, pool), started_at=now,
        deadline_at=min(now + datetime.timedelta(minutes=quiz.duration_minutes), quiz.closes_at),
    )
    try:
        with transaction.atomic():
            entry.save()
            record("community.entry.start", entry, after=snapshot(entry, ["id", "quiz", "commune", "started_at"]))
    except IntegrityError:
        # A concurrent start by the same person won the unique constraint: hand back that entry.
        existing = _existing(quiz, user, phone)
        if existing is None:
            raise
        return existing, False
    return entry, True


def _validate_choices(entry: Entry, question_id: int, choice_ids: Iterable) -> list[int]:
    if question_id not in entry.question_ids:
        raise ValidationError(_("Câu hỏi không thuộc bài thi này."))
    try:
        ids = sorted({int(c) for c in choice_ids})
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Phương án trả lời không hợp lệ.")) from exc
    if not ids:
        raise ValidationError(_("Chọn ít nhất một phương án."))
    valid = set(Choice.objects.filter(question_id=question_id, pk__in=ids).values_list("pk", flat=True))
    if len(valid) != len(ids):
        raise ValidationError(_("Phương án trả lời không thuộc câu hỏi này."))
    return ids


def _save(entry: Entry, question_id: int, ids: list[int], now: datetime.datetime) -> None:
    Answer.objects.update_or_create(entry=entry, question_id=question_id,
                                    defaults={"choice_ids": ids, "answered_at": now})


def save_answer(token: str, question_id: int, choice_ids: Iterable, *, now: datetime.datetime | None = None) -> Answer:
    """Store (or change) one answer while the entry's time runs. After the deadline: refused."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(token=token).first()
        if entry is None:
            raise Entry.DoesNotExist
        if entry.submitted_at is not None:
            raise AlreadySubmitted(_("Bài thi đã nộp; không thể sửa câu trả lời."))
        if now > entry.deadline_at:
            raise ValidationError(_("Đã hết giờ làm bài; câu trả lời này không được tính."), code="late")
        ids = _validate_choices(entry, question_id, choice_ids)
        _save(entry, question_id, ids, now)
    return Answer.objects.get(entry=entry, question_id=question_id)


def _score(entry: Entry) -> int:
    correct: dict[int, set[int]] = {}
    for qid, cid in Choice.objects.filter(question_id__in=entry.question_ids, is_correct=True).values_list(
            "question_id", "pk"):
        correct.setdefault(qid, set()).add(cid)
    answers = Answer.objects.filter(entry=entry, answered_at__lte=entry.deadline_at).values_list(
        "question_id", "choice_ids")
    return sum(1 for qid, ids in answers if set(ids) == correct.get(qid, {None}))


def _finish(entry: Entry, finished_at: datetime.datetime) -> None:
    entry.submitted_at = min(finished_at, entry.deadline_at)
    entry.time_taken_seconds = max(0, int((entry.submitted_at - entry.started_at).total_seconds()))
    entry.correct_count = _score(entry)
    entry.save(update_fields=["submitted_at", "time_taken_seconds", "correct_count"])
    record("community.entry.submit", entry, after=snapshot(entry, ["submitted_at", "correct_count", "time_taken_seconds"]))


def submit(token: str, answers: dict | None = None, *, now: datetime.datetime | None = None) -> Entry:
    """Finish the entry. `answers` ({question_id: [choice ids]}) are stored first when time
    remains; after the deadline they are ignored and only earlier saved answers count. A second
    submission (even concurrent) raises AlreadySubmitted; the score is computed once."""
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().filter(token=token).first()
        if entry is None:
            raise Entry.DoesNotExist
        if entry.submitted_at is not None:
            raise AlreadySubmitted(_("Bài thi đã được nộp trước đó."))
        if answers and now <= entry.deadline_at:
            cleaned = {}
            for qid, ids in answers.items():
                try:
                    qid = int(qid)
                except (TypeError, ValueError) as exc:
                    raise ValidationError(_("Câu hỏi không hợp lệ.")) from exc
                if ids:
                    cleaned[qid] = _validate_choices(entry, qid, ids)
            for qid, ids in cleaned.items():
                _save(entry, qid, ids, now)
        _finish(entry, now)
    return entry


def finish_expired(*, now: datetime.datetime | None = None, quiz: Quiz | None = None,
                   entry: Entry | None = None) -> int:
    """Finish every entry whose time ran out without a submission (the sweep; pages and API
    pass one `entry` when it is opened again)."""
    now = now or timezone.now()
    pending = Entry.objects.filter(submitted_at__isnull=True, deadline_at__lt=now)
    if quiz is not None:
        pending = pending.filter(quiz=quiz)
    if entry is not None:
        pending = pending.filter(pk=entry.pk)
    done = 0
    for pk in list(pending.values_list("pk", flat=True)[:5000]):
        with transaction.atomic():
            entry = Entry.objects.select_for_update().get(pk=pk)
            if entry.submitted_at is None:
                _finish(entry, entry.deadline_at)
                done += 1
    return done


def correct_choices(entry: Entry) -> dict[int, set[int]]:
    """Correct answers of a FINISHED entry's questions (for the review page); {} while running."""
    if entry.submitted_at is None:
        return {}
    out: dict[int, set[int]] = {}
    for qid, cid in Choice.objects.filter(question_id__in=entry.question_ids, is_correct=True).values_list(
            "question_id", "pk"):
        out.setdefault(qid, set()).add(cid)
    return out
