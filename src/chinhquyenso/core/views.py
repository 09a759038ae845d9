from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    return render(request, "core/home.html")


@login_required
def workspace(request):
    if not request.user.is_official:
        raise PermissionDenied
    assignments = request.user.role_assignments.active().select_related("agency", "agency__unit")
    return render(request, "core/workspace.html", {"assignments": assignments})


@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")


@never_cache
@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})
