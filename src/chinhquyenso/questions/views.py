"""Q&A pages: public list/search/FAQ and question page; the ask form with the live
"similar questions" panel; the asker's own questions; the officers' queue and actions.
Views shape input and call queries/services; they never save domain objects themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyenso.accounts.models import User
from chinhquyenso.audit.services import record_personal_data_view
from chinhquyenso.core.context import client_ip
from chinhquyenso.core.dbrouter import replica_reads
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, services, workflow
from .forms import ActionForm, AskForm, FlagForm, NoteForm, SearchForm, TrackForm
from .models import Question, RefusalReason, Status

PER_PAGE = 20
SESSION_TOKENS = "question_tokens"


def site_province(request) -> AdministrativeUnit:
    """The province whose Q&A the public pages show: ?tinh=<code> or QUESTIONS_PROVINCE_CODE
    (default: the demo province)."""
    code = str(request.GET.get("tinh") or getattr(settings, "QUESTIONS_PROVINCE_CODE", "")
               or settings.DEMO_PROVINCE_CODE)[:2]
    key = f"questions:province:{code}"
    province = cache.get(key)  # provinces do not change between deployments of the unit data
    if province is None:
        province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code).first()
        if province is None:
            raise Http404(_("Không có tỉnh này."))
        cache.set(key, province, queries.TOPIC_COUNTS_SECONDS)
    return province


def _errors(exc: ValidationError) -> list[str]:
    return exc.messages


# --- public ----------------------------------------------------------------------------------


@require_GET
@replica_reads  # the public search reads from the replica when one is configured (core.dbrouter)
def public_list(request):
    province = site_province(request)
    topics = queries.public_topics(province.pk)
    form = SearchForm(request.GET or None, province=province, topics=topics)
    status = 200
    text, topic = "", None
    if form.is_bound:
        if form.is_valid():
            text, topic = form.cleaned_data["q"], form.cleaned_data["chu_de"]
        else:
            status = 400
    try:
        number = max(1, min(int(request.GET.get("trang", 1)), 10_000))
    except (TypeError, ValueError):
        number = 1
    result = queries.search(text, province_id=province.pk, topic_id=topic.pk if topic else None,
                            limit=PER_PAGE, offset=(number - 1) * PER_PAGE, listing=True) if status == 200 else queries.Page([], 0)
    page = Paginator(range(result.total), PER_PAGE).get_page(number)
    context = {"form": form, "page": page, "items": result.items, "total": result.total, "more": result.more, "text": text,
               "topics": topics, "province": province}
    template = "questions/_results.html" if request.htmx else "questions/list.html"
    return render(request, template, context, status=status)


@require_GET
def faq(request):
    province = site_province(request)
    items = list(queries.faq(province_id=province.pk))
    groups: dict = {}
    for item in items:
        groups.setdefault(item.topic, []).append(item)
    return render(request, "questions/faq.html", {"groups": groups, "province": province})


@require_GET
def detail(request, code: str):
    question = queries.get_public(code)
    if question is None:
        raise Http404(_("Không tìm thấy câu hỏi đã công khai với mã này."))
    services.count_view(question)
    related = queries.search(question.title, province_id=question.province_id, limit=4, similar=True,
                             exclude_id=question.pk, listing=True).items
    return render(request, "questions/detail.html", {
        "question": question, "related": related, "flag_form": FlagForm(),
        "history": queries.history(question, public_only=True),
    })


@require_POST
def flag(request, code: str):
    question = queries.get_public(code)
    if question is None:
        raise Http404(_("Không tìm thấy câu hỏi đã công khai với mã này."))
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.flag(question, form.cleaned_data["reason"], user=request.user, client_ip=client_ip(request))
        except ValidationError as e:
            messages.error(request, " ".join(_errors(e)))
            return redirect(question.get_absolute_url())
        except services.RateLimited as e:
            return render(request, "questions/error.html", {"message": e.message}, status=429)
        messages.success(request, _("Cảm ơn bạn. Cán bộ kiểm duyệt sẽ xem xét nội dung này."))
        return redirect(question.get_absolute_url())
    return render(request, "questions/error.html", {"message": _("Vui lòng nêu lý do báo cáo.")}, status=400)


@require_GET
@replica_reads
def similar(request):
    """htmx partial for the ask form: published answers similar to the title being typed."""
    province = site_province(request)
    text = (request.GET.get("title") or request.GET.get("q") or "")[:200]
    items = queries.similar(text, province_id=province.pk, limit=5)
    return render(request, "questions/_similar.html", {"items": items, "text": text})


@require_http_methods(["GET", "POST"])
def ask(request):
    province = site_province(request)
    similar_url = reverse("questions:similar") + f"?tinh={province.code}"
    form = AskForm(request.POST or None, province=province, similar_url=similar_url)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                submitted = services.submit(
                    topic=data["topic"], procedure=data["procedure"], unit=data["unit"], title=data["title"],
                    body=data["body"], asker_name=data["asker_name"], asker_phone=data["asker_phone"],
                    asker_email=data["asker_email"], asker_address=data["asker_address"],
                    user=request.user if request.user.is_authenticated else None, client_ip=client_ip(request),
                )
            except services.RateLimited as e:
                form.add_error(None, e.message)
                return render(request, "questions/ask.html", {"form": form, "province": province}, status=429)
            except ValidationError as e:
                if hasattr(e, "error_dict"):
                    for field, errs in e.message_dict.items():
                        form.add_error(field if field in form.fields else None, errs)
                else:
                    form.add_error(None, e.messages)
                status = 400
            else:
                request.session.setdefault(SESSION_TOKENS, {})[submitted.question.code] = submitted.token
                request.session.modified = True
                return render(request, "questions/submitted.html", {"question": submitted.question,
                                                                     "token": submitted.token})
        else:
            status = 400
    return render(request, "questions/ask.html", {"form": form, "province": province}, status=status)


# --- the asker -------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    page = Paginator(queries.mine(request.user), PER_PAGE).get_page(request.GET.get("trang"))
    return render(request, "questions/mine.html", {"page": page})


@require_http_methods(["GET", "POST"])
def track(request):
    """An anonymous asker opens their question with its code and the secret shown at submission."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        question = Question.objects.filter(code=form.cleaned_data["code"]).first()
        if question is not None and services.token_matches(question, form.cleaned_data["token"]):
            request.session.setdefault(SESSION_TOKENS, {})[question.code] = form.cleaned_data["token"]
            request.session.modified = True
            return redirect("questions:own", code=question.code)
        form.add_error(None, _("Mã câu hỏi hoặc mã bí mật không đúng."))
    return render(request, "questions/track.html", {"form": form}, status=400 if form.errors else 200)


def _own_question(request, code: str) -> tuple[Question, str | None]:
    question = Question.objects.select_related("topic", "agency", "procedure__current_version").filter(code=code).first()
    token = request.session.get(SESSION_TOKENS, {}).get(code)
    if question is None or not services._is_asker(request.user, question, token):
        raise Http404(_("Không tìm thấy câu hỏi của bạn với mã này."))
    return question, token


@require_GET
def own(request, code: str):
    question, token = _own_question(request, code)
    return render(request, "questions/own.html", {
        "question": question, "history": queries.history(question), "note_form": NoteForm(),
        "can_provide": services.may(request.user, question, "provide_info", token=token),
        "can_rate": question.status == Status.PUBLISHED and question.satisfied is None,
    })


@require_POST
def asker_action(request, code: str, action: str):
    question, token = _own_question(request, code)
    try:
        if action == "rate":
            services.rate(question, request.user, request.POST.get("satisfied") == "1", token=token)
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
        else:
            services.act(question, "provide_info", request.user, token=token, note=request.POST.get("note", "")[:20000])
            messages.success(request, _("Đã gửi thông tin bổ sung."))
    except PermissionDenied as e:
        return render(request, "questions/error.html", {"message": str(e)}, status=403)
    except ValidationError as e:
        return render(request, "questions/error.html", {"message": " ".join(e.messages),
                                                        "back": reverse("questions:own", args=[code])}, status=400)
    return redirect("questions:own", code=code)


# --- officials -------------------------------------------------------------------------------


def _official(request) -> None:
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not request.user.is_official:
        raise PermissionDenied(_("Trang này dành cho cán bộ, công chức."))


@login_required
@require_GET
def queue(request):
    _official(request)
    box = request.GET.get("hop", "intake")
    if box not in queries.QUEUES:
        box = "intake"
    rows = queries.queue(request.user, box)
    page = Paginator(rows, 50).get_page(request.GET.get("trang"))
    now = timezone.now()
    boxes = [(key, spec[2], count) for (key, spec), count in zip(
        queries.QUEUES.items(), queries.queue_counts(request.user).values(), strict=True)]
    return render(request, "questions/queue.html", {
        "page": page, "box": box, "boxes": boxes, "now": now,
        "soon": now + timezone.timedelta(days=2), "flags": queries.open_flags(request.user)[:20],
    })


def _managed(request, code: str) -> Question:
    _official(request)
    qs = queries.for_officials(request.user).select_related("topic", "agency", "assignee", "procedure__current_version")
    return get_object_or_404(qs, code=code)


@login_required
@require_GET
def manage(request, code: str):
    question = _managed(request, code)
    allowed = {t.name for t in services.allowed_transitions(request.user, question)}
    show_identity = queries.can_see_identity(request.user, question)
    _log_identity_view(question, request.user, show_identity)
    context = {
        "question": question, "allowed": allowed, "history": queries.history(question),
        "show_identity": show_identity,
        "can_moderate": services.can_moderate(request.user, question),
        "reasons": RefusalReason.choices, "due": queries.deadline_of(question), "now": timezone.now(),
        "flags": question.flags.filter(resolved_at__isnull=True),
    }
    if "assign" in allowed:
        context["specialists"] = queries.specialists_for(question.agency)
    if "route" in allowed:
        context["agencies"] = queries.route_targets(question)
    return render(request, "questions/manage.html", context)


def _log_identity_view(question: Question, user, shown: bool) -> None:
    """An official shown the asker's identity is logged (Luật BVDLCN 91/2025); the asker is not."""
    fields = [f for f in ("asker_name", "asker_phone", "asker_email", "asker_address") if getattr(question, f)]
    if shown and fields and question.asker_id != user.pk:
        record_personal_data_view(question, fields, actor=user)


MODERATION = {"hide", "unhide", "faq", "unfaq", "dismiss_flags"}


@login_required
@require_POST
def officer_action(request, code: str, action: str):
    question = _managed(request, code)
    if action not in workflow.TRANSITIONS and action not in MODERATION:
        raise Http404
    form = ActionForm(request.POST)
    if not form.is_valid():
        return render(request, "questions/error.html", {"message": _("Dữ liệu gửi lên không hợp lệ.")}, status=400)
    data = form.cleaned_data
    try:
        if action == "hide":
            services.hide(question, request.user, data["note"])
        elif action == "unhide":
            services.unhide(question, request.user)
        elif action in ("faq", "unfaq"):
            services.set_faq(question, request.user, action == "faq", data["position"] or 0)
        elif action == "dismiss_flags":
            services.dismiss_flags(question, request.user)
        else:
            assignee = User.objects.filter(pk=data["assignee"]).first() if data["assignee"] else None
            services.act(question, action, request.user, note=data["note"], reason=data["reason"],
                         agency=data["agency"], assignee=assignee, answer=data["answer"],
                         classification=data["classification"])
    except PermissionDenied as e:
        return render(request, "403.html", {"message": str(e)}, status=403)
    except ValidationError as e:
        return render(request, "questions/error.html", {"message": " ".join(e.messages),
                                                        "back": reverse("questions:manage", args=[code])}, status=400)
    messages.success(request, _("Đã cập nhật câu hỏi %(code)s.") % {"code": code})
    question.refresh_from_db(fields=["agency"])
    if not queries.for_officials(request.user).filter(pk=question.pk).exists():
        return redirect("questions:queue")
    return redirect("questions:manage", code=code)
