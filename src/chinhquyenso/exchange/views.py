"""The clerk's pages at /lien-thong/: outbox and inbox with statuses, message detail, retry,
recall request and answer."""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import queries, services
from .models import Direction, MessageStatus

PAGE_SIZE = 25


@require_GET
@login_required
def box(request, direction: str):
    status = request.GET.get("trang_thai", "")
    q = request.GET.get("q", "")[:100]
    qs = queries.message_list(request.user, direction=direction, status=status, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    statuses = [(s.value, s.label) for s in MessageStatus
                if (direction == Direction.OUTGOING) == (s.value in {"queued", "sending", "sent", "failed", "given_up", "acknowledged"})]
    return render(request, "exchange/box.html", {
        "page": page, "direction": direction, "status": status, "q": q, "statuses": statuses,
        "title": _("Gói tin gửi đi") if direction == Direction.OUTGOING else _("Gói tin nhận về"),
    })


def _message(request, pk: int):
    message = queries.message_detail(request.user, pk)
    if message is None:
        raise Http404(_("Không tìm thấy gói tin."))
    return message


@require_GET
@login_required
def detail(request, pk: int):
    message = _message(request, pk)
    return render(request, "exchange/detail.html", {
        "message": message,
        "events": message.events.select_related("actor").all(),
        "responses": message.responses.order_by("created_at", "pk"),
        "can_manage": queries.can_manage(request.user, message),
    })


def _act(request, pk: int, action):
    message = _message(request, pk)
    if not queries.can_manage(request.user, message):
        return HttpResponseForbidden(_("Chỉ văn thư của cơ quan được thực hiện thao tác này."))
    try:
        action(message)
    except ValidationError as exc:
        flash.error(request, " ".join(exc.messages))
    else:
        flash.success(request, _("Đã thực hiện."))
    return redirect("exchange:detail", pk=message.pk)


@require_POST
@login_required
def retry(request, pk: int):
    return _act(request, pk, lambda m: services.retry(m, actor=request.user))


@require_POST
@login_required
def recall(request, pk: int):
    reason = request.POST.get("reason", "")[:2000]
    return _act(request, pk, lambda m: services.request_recall(m, reason=reason, actor=request.user))


@require_POST
@login_required
def answer_recall(request, pk: int):
    agree = request.POST.get("agree") == "1"
    note = request.POST.get("note", "")[:2000]
    return _act(request, pk, lambda m: services.answer_recall(m, agree=agree, note=note, actor=request.user))
