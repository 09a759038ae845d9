"""Pages of sector data: the series list, a series (definition + table by unit and period), the
upload page with its rejection report, and the import log. Charts are the dashboard's job.

The province is `?tinh=<code>` (default: settings.DEMO_PROVINCE_CODE), as on the Q&A pages."""

from __future__ import annotations

import csv
import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyenso.core.text import is_digits
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import periods, queries, services, tabular, validation
from .forms import UploadForm
from .models import Observation, SeriesDefinition

UNITS_PER_PAGE = 50
PERIOD_COLUMNS = 6
BATCHES_PER_PAGE = 30


def site_province(request) -> AdministrativeUnit:
    code = request.GET.get("tinh") or settings.DEMO_PROVINCE_CODE
    if not (len(code) == 2 and is_digits(code)):
        raise Http404(_("Không có tỉnh này."))
    province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code).first()
    if province is None:
        raise Http404(_("Không có tỉnh này."))
    return province


def _series(request, code: str) -> tuple[AdministrativeUnit, SeriesDefinition]:
    province = site_province(request)
    series = queries.get_series(province, code[:64], request.user)
    if series is None:
        raise Http404(_("Không có chuỗi số liệu này."))
    return province, series


def _page_number(request) -> int:
    try:
        return max(1, min(int(request.GET.get("trang", 1)), 100_000))
    except (TypeError, ValueError):
        return 1


@require_GET
def index(request):
    province = site_province(request)
    series = queries.series_definitions(province, user=request.user)
    latest = queries.latest_periods([s.pk for s in series])
    pushable = set(queries.pushable_series(request.user).filter(province=province).values_list("pk", flat=True)) \
        if request.user.is_authenticated else set()
    groups: dict = {}
    for s in series:
        info = latest.get(s.pk)
        s.latest_label = periods.label(info["period_start"], s.granularity) if info else ""
        s.latest_units = info["units"] if info else 0
        s.can_push = s.pk in pushable
        groups.setdefault(s.sector, []).append(s)
    return render(request, "sectordata/index.html", {
        "province": province, "groups": groups.items(), "can_push_any": bool(pushable),
    })


@require_GET
def series_detail(request, code: str):
    province, series = _series(request, code)
    starts = list(Observation.objects.filter(series=series).values_list("period_start", flat=True)
                  .distinct().order_by("-period_start")[:PERIOD_COLUMNS])
    starts.reverse()
    units = AdministrativeUnit.objects.current().filter(
        Q(pk=province.pk) if not series.applies_to_commune
        else Q(level=Level.COMMUNE, province=province) | (Q(pk=province.pk) if series.applies_to_province else Q())
    ).order_by("level", "code").only("id", "code", "full_name", "level")
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:80]
    if q:
        units = units.search(q)
    page = Paginator(units, UNITS_PER_PAGE).get_page(_page_number(request))
    rows = list(page.object_list)
    values = {
        (o.unit_id, o.period_start): o.value
        for o in Observation.objects.filter(series=series, unit_id__in=[u.pk for u in rows], period_start__in=starts)
        .only("unit_id", "period_start", "value")
    } if starts and rows else {}
    table = [(u, [values.get((u.pk, s)) for s in starts]) for u in rows]
    totals = queries.province_totals(series, (starts[0], starts[-1])) if starts else {}
    return render(request, "sectordata/series.html", {
        "province": province, "series": series, "page": page, "table": table, "q": q,
        "columns": [periods.label(s, series.granularity) for s in starts],
        "totals": [totals.get(s) for s in starts],
        "can_push": request.user.is_authenticated and queries.can_push(request.user, series),
        "bounds": validation.bounds(series),
    })


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, code: str):
    province, series = _series(request, code)
    if not queries.can_push(request.user, series):
        raise PermissionDenied(_("Chỉ cơ quan chủ quản của chuỗi số liệu được nạp số liệu."))
    form = UploadForm(request.POST, request.FILES) if request.method == "POST" else UploadForm()
    result, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            result = services.import_upload(series, form.cleaned_data["tep"], user=request.user)
            if result.accepted:
                b = result.batch
                messages.success(request, _("Đã nhập %(t)s dòng: %(c)s mới, %(u)s cập nhật, %(n)s không đổi.") % {
                    "t": b.rows_total, "c": b.rows_created, "u": b.rows_updated, "n": b.rows_unchanged})
                return redirect("sectordata:batch", batch_id=b.pk)
            status = 400
        else:
            status = 400
    return render(request, "sectordata/upload.html", {
        "province": province, "series": series, "form": form, "result": result,
        "example": periods.example(series.granularity), "max_mb": tabular.MAX_FILE_BYTES // (1024 * 1024),
        "max_rows": validation.MAX_ROWS, "bounds": validation.bounds(series),
    }, status=status)


@require_GET
def template_csv(request, code: str):
    """A CSV UTF-8 (with BOM, so Excel shows the diacritics) to fill in: every unit of the series
    for the current period, values empty."""
    province, series = _series(request, code)
    units = AdministrativeUnit.objects.current().filter(
        level=Level.COMMUNE, province=province) if series.applies_to_commune else AdministrativeUnit.objects.none()
    current = periods.code(periods.containing(datetime.date.today(), series.granularity), series.granularity)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mau-{series.code}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["Mã đơn vị", "Tên đơn vị", "Kỳ", f"Giá trị ({series.unit_of_measure})", "Ghi chú"])
    if series.applies_to_province:
        writer.writerow([province.code, province.full_name, current, "", ""])
    for unit in units.order_by("code").only("code", "full_name"):
        writer.writerow([unit.code, unit.full_name, current, "", ""])
    return response


@login_required
@require_GET
def history(request):
    qs = queries.visible_batches(request.user).select_related("series__province")
    code = (request.GET.get("chuoi") or "").replace("\x00", "").strip()[:64]
    if code:
        qs = qs.filter(series__code=code)
    page = Paginator(qs, BATCHES_PER_PAGE).get_page(_page_number(request))
    return render(request, "sectordata/history.html", {"page": page, "code": code})


@login_required
@require_GET
def batch_detail(request, batch_id: int):
    if batch_id > 2**62:
        raise Http404
    batch = queries.visible_batches(request.user).select_related("series__province").filter(pk=batch_id).first()
    if batch is None:
        raise Http404(_("Không có lần nhập này."))
    return render(request, "sectordata/batch.html", {"batch": batch, "series": batch.series,
                                                      "upload_url": reverse("sectordata:upload", args=[batch.series.code])
                                                      + f"?tinh={batch.series.province.code}"})
