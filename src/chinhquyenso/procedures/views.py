"""Public catalogue pages (anyone) — the staff pages for agency administrators are in staff_views."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chinhquyenso.agencies.models import AgencyKind, ReceptionPoint
from chinhquyenso.core.dbrouter import replica_reads
from chinhquyenso.core.text import is_digits

from . import queries
from .forms import CatalogueFilterForm
from .models import CompetentLevel, OnlineLevel, ProcedureVersion, SectorField

PAGE_SIZE = 20


def _field_choices():
    return [(f.code, f.name) for f in SectorField.objects.order_by("name")]


@require_GET
@replica_reads  # the catalogue search reads from the replica when one is configured (core.dbrouter)
def catalogue(request):
    form = CatalogueFilterForm(request.GET or None, fields_choices=_field_choices())
    status = 200
    if not form.is_bound:
        versions = queries.catalogue()
    elif form.is_valid():
        data = form.cleaned_data
        versions = queries.catalogue(province_code=data["tinh"], level=data["cap"], field=data["linh_vuc"],
                                     online_level=data["truc_tuyen"], q=data["q"])
    else:
        versions, status = ProcedureVersion.objects.none(), 400
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("trang"))
    template = "procedures/_rows.html" if request.htmx else "procedures/catalogue.html"
    return render(request, template, {"form": form, "page": page}, status=status)


def reception_points(version: ProcedureVersion):
    """Where to file: the one-stop centres that receive this procedure in its province. Commune-level
    procedures are received by every commune's centre (the page links to the list); province-level
    ones by the provincial centre. One query."""
    kind = AgencyKind.PROVINCE_SERVICE_CENTRE if version.level == CompetentLevel.PROVINCE else None
    if kind is None:
        return ReceptionPoint.objects.none()
    return ReceptionPoint.objects.filter(
        agency__province_id=version.province_id, agency__kind=kind, agency__is_active=True, is_active=True
    ).select_related("agency")


@require_GET
def detail(request, code: str):
    province_code = request.GET.get("tinh", "")
    if province_code and not (len(province_code) == 2 and is_digits(province_code)):
        province_code = ""
    version = queries.find_published(code, province_code)
    if version is None:
        raise Http404("Không có thủ tục này trong danh mục đã công bố.")
    return render(request, "procedures/detail.html", {
        "v": version,
        "points": reception_points(version),
        "can_file_online": version.online_level != OnlineLevel.NONE,
        "commune_centre_kind": AgencyKind.COMMUNE_SERVICE_CENTRE.value,
    })
