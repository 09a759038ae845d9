"""Public pages: coverage of community digital technology teams (aggregates only) and the
awareness quizzes (list, rules + leaderboard + start, taking an entry, result).

The province is `?tinh=<code>` (default settings.DEMO_PROVINCE_CODE). The entry page is
addressed by its random token (a capability, like a private tracking link)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyenso.core.context import client_ip
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.queries import today as vn_today

from . import queries
from .forms import PhoneForm, StartForm
from .models import ACTIVITY_FIELDS, Choice, Entry, Question, Quiz
from .services import quizzes as quiz_services

# Only a phone whose code was verified in this session identifies the visitor (SESSION_PHONE);
# a phone that was merely sent a code (SESSION_PENDING) must never reveal an entry.
SESSION_PHONE = "community_quiz_phone"
SESSION_PENDING = "community_quiz_phone_pending"
LEADERBOARD_SIZE = 20


def site_province(request) -> AdministrativeUnit:
    code = request.GET.get("tinh") or settings.DEMO_PROVINCE_CODE
    province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=str(code)[:2]).first()
    if province is None:
        raise Http404(_("Không có tỉnh này."))
    return province


@require_GET
def index(request):
    province = site_province(request)
    today = vn_today()
    rows = queries.coverage_by_commune(province, today)
    year = queries.Period.year(today.year)
    totals = queries.activity_totals(province, year)
    villages = sum(r["villages"] for r in rows)
    covered = sum(r["covered"] for r in rows)
    quizzes = list(queries.public_quizzes(province).annotate(
        n_entries=Count("entries", filter=Q(entries__submitted_at__isnull=False)))[:5])
    return render(request, "community/index.html", {
        "province": province, "rows": rows, "villages": villages, "covered": covered,
        "percent": round(100 * covered / villages, 1) if villages else 0,
        "totals": [(label, totals[key]) for key, label in ACTIVITY_FIELDS], "year": today.year,
        "quizzes": quizzes, "now": timezone.now(),
    })


# --- quizzes -----------------------------------------------------------------------------------


@require_GET
def quiz_list(request):
    province = site_province(request)
    quizzes = queries.public_quizzes(province).annotate(
        n_entries=Count("entries", filter=Q(entries__submitted_at__isnull=False)))
    return render(request, "community/quiz_list.html", {"province": province, "quizzes": quizzes,
                                                        "now": timezone.now()})


def _quiz(pk: int) -> Quiz:
    quiz = Quiz.objects.filter(pk=pk, is_published=True).select_related("unit", "agency", "province").first()
    if quiz is None:
        raise Http404(_("Không có cuộc thi này."))
    return quiz


def _communes(quiz: Quiz):
    if quiz.unit.level == Level.COMMUNE:
        return [quiz.unit]
    return list(AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=quiz.province)
                .order_by("name_folded").only("code", "full_name"))


def _own_entry(request, quiz: Quiz) -> Entry | None:
    if request.user.is_authenticated:
        return Entry.objects.filter(quiz=quiz, user=request.user).first()
    phone = request.session.get(SESSION_PHONE)
    return Entry.objects.filter(quiz=quiz, phone=phone).first() if phone else None


@require_http_methods(["GET", "POST"])
def quiz_detail(request, pk: int):
    quiz = _quiz(pk)
    now = timezone.now()
    communes = _communes(quiz)
    phone_form = PhoneForm(initial={"phone": request.session.get(SESSION_PENDING, "")})
    start_form = StartForm(communes=communes)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "code":
            phone_form = PhoneForm(request.POST)
            if phone_form.is_valid():
                try:
                    row = quiz_services.request_phone_code(phone_form.cleaned_data["phone"], ip=client_ip(request))
                except quiz_services.RateLimited as exc:
                    phone_form.add_error("phone", exc)
                    status = 429
                except ValidationError as exc:
                    phone_form.add_error("phone", exc)
                    status = 400
                else:
                    request.session[SESSION_PENDING] = row.phone
                    messages.success(request, _("Đã gửi mã xác thực đến số %(p)s.") % {"p": row.phone})
                    return redirect(reverse("community:quiz", args=[quiz.pk]) + "#du-thi")
            else:
                status = 400
        elif action == "start":
            start_form = StartForm(request.POST, communes=communes)
            entry = _start(request, quiz, start_form)
            if entry is not None:
                return redirect("community:entry", token=entry.token)
            status = 400
        else:
            status = 400
    own = _own_entry(request, quiz)
    commune_code = (request.GET.get("xa") or "")[:10]
    commune = next((c for c in communes if c.code == commune_code), None) if commune_code else None
    leaders = list(queries.leaderboard(quiz, commune)[:LEADERBOARD_SIZE])
    return render(request, "community/quiz_detail.html", {
        "quiz": quiz, "now": now, "is_open": quiz.opens_at <= now < quiz.closes_at, "own": own,
        "phone_form": phone_form, "start_form": start_form,
        "verified_phone": request.session.get(SESSION_PHONE),
        "session_phone": request.session.get(SESSION_PHONE) or request.session.get(SESSION_PENDING),
        "leaders": leaders, "communes": communes, "commune": commune,
        "participation": queries.participation_by_commune(quiz)[:10],
        "is_local_sms": "Local" in settings.NOTIFICATION_CHANNELS.get("sms", {}).get("BACKEND", ""),
    }, status=status)


def _start(request, quiz: Quiz, form: StartForm) -> Entry | None:
    if not form.is_valid():
        return None
    commune = AdministrativeUnit.objects.current().filter(
        level=Level.COMMUNE, code=form.cleaned_data["commune"], province=quiz.province).first()
    if commune is None:
        form.add_error("commune", _("Chọn xã, phường."))
        return None
    user = request.user if request.user.is_authenticated else None
    phone = None
    try:
        if user is None:
            phone = request.session.get(SESSION_PHONE)
            if not phone:
                pending = request.session.get(SESSION_PENDING)
                if not pending:
                    raise ValidationError(_("Hãy nhận mã xác thực qua số điện thoại trước."))
                phone = quiz_services.verify_phone_code(pending, form.cleaned_data["code"])
                request.session[SESSION_PHONE] = phone
                request.session.pop(SESSION_PENDING, None)
        entry, _created = quiz_services.start_entry(quiz, commune=commune, user=user, phone=phone,
                                                    full_name=form.cleaned_data["full_name"])
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    return entry


def _entry(token: str) -> Entry:
    entry = Entry.objects.filter(token=token[:64]).select_related("quiz", "commune").first()
    if entry is None:
        raise Http404(_("Không có bài thi này."))
    return entry


def _questions(entry: Entry):
    """The entry's questions in drawn order with their choices — correctness only once finished.
    Three queries whatever the number of questions."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=entry.question_ids)}
    answers = dict(entry.answers.values_list("question_id", "choice_ids"))
    finished = entry.submitted_at is not None
    choices: dict[int, list] = {}
    n_correct: dict[int, int] = {}
    for c in Choice.objects.filter(question_id__in=entry.question_ids).order_by("order", "pk"):
        c.chosen = c.pk in answers.get(c.question_id, [])
        n_correct[c.question_id] = n_correct.get(c.question_id, 0) + c.is_correct
        if not finished:
            c.is_correct = None  # never rendered while the entry runs
        choices.setdefault(c.question_id, []).append(c)
    out = []
    for n, qid in enumerate(entry.question_ids, start=1):
        q = questions.get(qid)
        if q is None:
            continue
        q.number, q.options = n, choices.get(qid, [])
        q.multiple = n_correct.get(qid, 0) > 1  # a checkbox list tells it anyway; not which ones
        q.right = finished and {c.pk for c in q.options if c.is_correct} == set(answers.get(qid, [None]))
        out.append(q)
    return out


@require_GET
def entry_page(request, token: str):
    entry = _entry(token)
    if entry.submitted_at is None and entry.deadline_at < timezone.now():
        quiz_services.finish_expired(entry=entry)
        entry.refresh_from_db()
    seconds_left = max(0, int((entry.deadline_at - timezone.now()).total_seconds()))
    return render(request, "community/entry.html", {
        "entry": entry, "quiz": entry.quiz, "questions": _questions(entry), "seconds_left": seconds_left,
        "finished": entry.submitted_at is not None,
    })


def _posted_answers(request, entry: Entry) -> dict[int, list[str]]:
    out = {}
    for qid in entry.question_ids:
        values = request.POST.getlist(f"q{qid}")
        if values:
            out[qid] = values[:8]
    return out


@require_POST
def entry_save(request, token: str):
    """htmx: store the answers on the page while the time runs (each change)."""
    entry = _entry(token)
    try:
        for qid, ids in _posted_answers(request, entry).items():
            quiz_services.save_answer(entry.token, qid, ids)
    except quiz_services.AlreadySubmitted as exc:
        return HttpResponse(" ".join(exc.messages), status=409)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=400)
    return HttpResponse(_("Đã lưu lúc %(t)s") % {"t": timezone.localtime().strftime("%H:%M:%S")})


@require_POST
def entry_submit(request, token: str):
    entry = _entry(token)
    try:
        quiz_services.submit(entry.token, _posted_answers(request, entry))
    except quiz_services.AlreadySubmitted:
        messages.info(request, _("Bài thi đã được nộp trước đó."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("community:entry", token=entry.token)
    else:
        messages.success(request, _("Đã nộp bài."))
    return redirect("community:entry", token=entry.token)
