"""Officers' page of national-portal sync failures, with a retry button per dossier."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.core.text import mask

from . import queries, services


def _officer_or_403(request):
    if not visible_agencies(request.user, queries.SYNC_ROLES).exists():
        return render(request, "403.html", status=403)
    return None


@require_GET
@login_required
def failures(request):
    denied = _officer_or_403(request)
    if denied is not None:
        return denied
    page = Paginator(queries.failures(request.user), 50).get_page(request.GET.get("trang"))
    rows = [{"d": d, "applicant": mask(d.applicant_name, 2, 3)} for d in page.object_list]
    return render(request, "dossiers/national/failures.html",
                  {"page_obj": page, "rows": rows, "summary": queries.summary(request.user)})


@require_POST
@login_required
def retry(request, pk: int):
    dossier = queries.failures(request.user).filter(pk=pk).first()
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ đồng bộ lỗi."))
    services.retry(dossier, actor=request.user)
    messages.success(request, _("Đã đưa hồ sơ %(code)s vào hàng đợi đồng bộ lại.") % {"code": dossier.code})
    return redirect("dossiers:national:failures")
