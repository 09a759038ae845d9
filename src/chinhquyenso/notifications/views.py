from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import services
from .queries import inbox_for, unread_count

PAGE_SIZE = 20


@require_GET
@login_required
def inbox(request):
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "notifications/inbox.html", {"page": page, "unread": unread_count(request.user)})


@require_POST
@login_required
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": count})
    return redirect("notifications:inbox")
