"""Shared bits of the dossier pages: turning service errors into messages, paging, rate limits."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404

from chinhquyenso.core.context import client_ip
from chinhquyenso.core.vietqr import Beneficiary, VietQRError, payload

from ..models import DossierComponent, PaymentStatus
from ..services import DossierError
from ..slips.control import handoff_results, log_rows
from ..workflow import CLOSED

PAGE_SIZE = 50


def page_of(request, qs, size: int = PAGE_SIZE):
    paginator = Paginator(qs, size)
    return paginator.get_page(request.GET.get("trang"))


def report(request, err: DossierError) -> int:
    """Show a service error as a message; returns the HTTP status to answer with."""
    messages.error(request, getattr(err, "text", None) or "; ".join(err.messages))
    return getattr(err, "status", 400)


def rate_limited(request, bucket: str, limit: int, window_seconds: int = 600) -> bool:
    """A fixed-window counter per client address in the cache (anonymous lookups); no database
    write. Most addresses come once per window, so the first request is one add() and only the
    following ones an incr() (with a shared cache, one round trip each)."""
    key = f"rl:{bucket}:{client_ip(request)}:{int(datetime.datetime.now().timestamp()) // window_seconds}"
    if cache.add(key, 1, window_seconds):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window_seconds)
            count = 1
    return count > limit


def timeline(dossier, *, now=None) -> list:
    """The process log as hand-offs with early / on time / late (BM.05 rules, slips.control)."""
    return handoff_results(log_rows(dossier.log.all()), now=now, closed=dossier.status in CLOSED)


def fee_qr(dossier) -> str:
    """VietQR payload for the unpaid fees of a dossier, or "" when no account is configured."""
    unpaid = sum((f.amount for f in dossier.fees.all() if f.status == PaymentStatus.UNPAID), 0)
    if not unpaid or not settings.VIETQR_ACCOUNT:
        return ""
    try:
        return payload(Beneficiary(settings.VIETQR_BIN, settings.VIETQR_ACCOUNT, settings.VIETQR_ACCOUNT_NAME),
                       amount=int(unpaid), purpose=f"LE PHI {dossier.code or dossier.pk}")
    except VietQRError:
        return ""


def component_file(component: DossierComponent) -> FileResponse:
    if not component.file:
        raise Http404("Thành phần này không có tệp.")
    return FileResponse(component.file.open("rb"), filename=component.file_name or component.file.name,
                        content_type=component.content_type or "application/octet-stream")


def result_file(result) -> FileResponse:
    return FileResponse(result.file.open("rb"), filename=result.file.name.rsplit("/", 1)[-1])
