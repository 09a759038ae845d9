from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyenso.accounts.queries import visible_agencies


@require_GET
def home(request):
    return render(request, "portal/home.html")


@login_required
@require_GET
def workspace(request):
    if not request.user.is_official:
        raise PermissionDenied("Trang này dành cho cán bộ, công chức.")
    assignments = request.user.role_assignments.active().select_related("agency")
    agencies = visible_agencies(request.user).select_related("unit").order_by("path")[:200]
    return render(request, "portal/workspace.html", {"assignments": assignments, "agencies": agencies})


@require_GET
def accessibility(request):
    return render(request, "portal/accessibility.html")
