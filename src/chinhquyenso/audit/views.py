from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .queries import history_for


@login_required
def history(request, object_type: str, object_id: str):
    entries = history_for(object_type, object_id, request.user)
    if entries is None:
        raise Http404("Không tìm thấy bản ghi hoặc bạn không có quyền xem.")
    page = Paginator(entries, 50).get_page(request.GET.get("trang"))
    return render(
        request, "audit/history.html", {"page": page, "object_type": object_type, "object_id": object_id}
    )
