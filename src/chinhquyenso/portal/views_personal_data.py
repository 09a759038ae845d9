"""'Tải dữ liệu cá nhân': the signed-in user's copy of their personal data as JSON (Luật Bảo vệ dữ
liệu cá nhân 91/2025/QH15; docs/personal-data.md)."""

import json

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chinhquyenso.audit.services import record

from . import personal_data


@login_required
@require_GET
def page(request):
    return render(request, "portal/personal_data.html", {"official": request.user.is_official or request.user.is_superuser})


@login_required
@require_GET
def download(request):
    user = request.user
    data = personal_data.collect(user)
    with transaction.atomic():  # who took a copy, and how much: an account taken over shows here
        record("personal_data.exported", user, after=personal_data.counts(data), actor=user)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="du-lieu-ca-nhan-{user.pk}-{timezone.localdate():%Y%m%d}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
