from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import visible_agencies


@require_GET
def home(request):
    return render(request, "portal/home.html")


@login_required
@require_GET
def workspace(request):
    if not request.user.is_official:
        raise PermissionDenied("Trang này dành cho cán bộ, công chức.")
    assignments = list(request.user.role_assignments.active().select_related("agency"))
    roles = {a.role for a in assignments} | ({r.value for r in Role} if request.user.is_superuser else set())
    return render(request, "portal/workspace.html", {
        "assignments": assignments, "roles": roles, "agency_count": visible_agencies(request.user).count(),
    })


@require_GET
def accessibility(request):
    return render(request, "portal/accessibility.html")
