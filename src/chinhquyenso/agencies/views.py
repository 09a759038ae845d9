from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .forms import AgencyFilterForm
from .models import Agency
from .queries import public_agencies


@require_GET
def agency_list(request):
    form = AgencyFilterForm(request.GET or None)
    status = 200
    if not form.is_bound:
        agencies = public_agencies()
    elif form.is_valid():
        data = form.cleaned_data
        agencies = public_agencies(province_code=data["tinh"], kind=data["loai"], q=data["q"])
    else:
        agencies, status = Agency.objects.none(), 400
    page = Paginator(agencies, 50).get_page(request.GET.get("trang"))
    template = "agencies/_rows.html" if request.htmx else "agencies/list.html"
    return render(request, template, {"form": form, "page": page}, status=status)


@require_GET
def agency_detail(request, pk: int):
    agency = get_object_or_404(Agency.objects.select_related("unit", "province", "parent"), pk=pk, is_active=True)
    return render(
        request,
        "agencies/detail.html",
        {
            "agency": agency,
            "children": agency.children.filter(is_active=True).only("pk", "name"),
            "departments": agency.departments.filter(is_active=True),
            "reception_points": agency.reception_points.filter(is_active=True).select_related("unit"),
        },
    )
