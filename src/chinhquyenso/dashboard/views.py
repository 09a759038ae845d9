"""IOC pages: the operations centre (scoped to the user's grants), a page per indicator with its
definition, formula and drill-down, exports (Excel, PDF) and the public statistics page."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.core.dbrouter import replica_reads
from chinhquyenso.core.text import mask
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.calendar import VN_TZ

from . import feeds, pagecache, queries, report
from .indicators import REGISTRY, Period, PeriodError, Scope, parse_period
from .indicators.drilldown_rows import querysets

PAGE_SIZE = 25


def _period(request) -> Period:
    try:
        return parse_period(request.GET.get("ky"))
    except PeriodError as exc:
        raise Http404(str(exc)) from None


def _scope_or_403(request) -> Scope:
    scope = queries.resolve_scope(request.user, unit_code=(request.GET.get("don-vi") or "").strip(),
                                  agency_id=(request.GET.get("co-quan") or "").strip())
    if scope is None:
        raise PermissionError
    return scope


def _guard(view):
    @login_required
    @replica_reads  # IOC reads go to the read replica when one is configured (core.dbrouter)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionError:
            return HttpResponseForbidden(_("Bạn không có quyền xem số liệu điều hành của đơn vị này."))
    wrapper.__name__ = view.__name__
    return wrapper


def _rank_code(request) -> str:
    code = (request.GET.get("chi-so") or "2.1")[:8]
    return code if code in REGISTRY else "2.1"


@_guard
def ioc(request):
    scope, period, rank_code = _scope_or_403(request), _period(request), _rank_code(request)
    live = bool(request.htmx and request.GET.get("phan") == "so-lieu")
    today = timezone.localdate(timezone=VN_TZ)

    def page_data() -> dict:
        data = report.build(scope, period, rank_code=rank_code, shared_sources=True)
        if live:
            return data
        communes = queries.communes(scope.province) if scope.unit is None and scope.agency is None else []
        return {**data, "chart": report.chart_data(scope, period), "map": report.map_data(data["ranking"], communes),
                "overdue_dossiers": queries.overdue_dossiers(scope),
                # No dossier event changes the reports: their own cache entry (pagecache.cached_source).
                "overdue_reports": pagecache.cached_source(("overdue_reports", scope.key, today),
                                                           lambda: queries.overdue_reports(scope))}

    # Same data for every user allowed to see this scope (access was checked above).
    data = pagecache.cached(("live" if live else "page", scope.key, period.key, rank_code, today), page_data)
    context = {**data, "query": request.GET.urlencode(), "periods": _period_choices(period)}
    if live:
        return render(request, "dashboard/_live.html", context)
    context.update({
        # Read per request: the sector series a user may read depend on the user.
        "community": feeds.community_figures(scope, period), "sector_rows": feeds.sector_figures(scope, request.user),
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "rank_choices": [REGISTRY[c] for c in ("2.1", "3.3", "3.4", "5.2", "5.1", "4.3", "6.4", "HL")],
    })
    return render(request, "dashboard/ioc.html", context)


def _period_choices(period: Period) -> list[tuple[str, str]]:
    year = period.year
    items = [Period("year", year)] + [Period("quarter", year, q) for q in range(1, 5)] + \
        [Period("month", year, m) for m in range(1, 13)]
    return [(p.key, p.label) for p in items]


@_guard
def indicator(request, code: str):
    if code not in REGISTRY:
        raise Http404(_("Không có chỉ số này."))
    scope, period = _scope_or_403(request), _period(request)
    from .indicators import Context

    result = Context(scope, period).compute(code)
    which = "tu-so" if request.GET.get("ds") == "tu-so" else "mau-so"
    numerator, denominator = querysets(code, scope, period)
    qs = numerator if which == "tu-so" else denominator
    model = qs.model._meta.model_name
    if model == "dossier":
        qs = qs.select_related("procedure_version", "resolving_agency").order_by("-received_at", "-pk")
    else:
        qs = qs.order_by("-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = list(page.object_list)
    if model == "dossier":
        for row in rows:
            row.masked_name = mask(row.applicant_name, 2, 3)
    return render(request, "dashboard/indicator.html", {
        "scope": scope, "period": period, "result": result, "d": result.definition, "page": page, "rows": rows,
        "model": model, "which": which, "query": request.GET.urlencode(),
    })


@_guard
def export_xlsx(request):
    from .exports import workbook

    scope, period = _scope_or_403(request), _period(request)
    data = report.build(scope, period)
    response = HttpResponse(workbook(data), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ioc-{scope.key}-{period.key}.xlsx"'
    return response


@_guard
def export_pdf(request):
    from .exports import pdf

    scope, period = _scope_or_403(request), _period(request)
    data = report.build(scope, period)
    response = HttpResponse(pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ioc-{scope.key}-{period.key}.pdf"'
    return response


@replica_reads
def public_statistics(request):
    """Public: aggregate figures per province or commune with the definitions next to them."""
    code = (request.GET.get("don-vi") or getattr(settings, "DEMO_PROVINCE_CODE", "38")).strip()[:10]
    unit = AdministrativeUnit.objects.current().filter(code=code).exclude(level=Level.DISTRICT).first()
    if unit is None:
        raise Http404(_("Không có đơn vị này."))
    scope = Scope(unit) if unit.level == Level.PROVINCE else Scope(unit.province, unit=unit)
    period = _period(request)
    data = report.build(scope, period)
    communes = queries.communes(scope.province)
    return render(request, "dashboard/public.html", {**data, "communes": communes, "unit": unit,
                                                      "periods": _period_choices(period)})
