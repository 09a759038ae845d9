"""Public and citizen pages of field reports: map and list of published reports, a report's
public page, the reporting form with "me too", the reporter's private tracking page with
rating, per-commune statistics, and photos. Staff pages are in views_staff.py."""

import datetime
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyenso.core.context import client_ip
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, services
from .forms import RatingForm, ReportForm
from .models import Category, CategoryKind, Photo, Report, Status
from .workflow import CLOSED

PAGE_SIZE = 20


def current_province(request) -> AdministrativeUnit:
    """`?tinh=38`, else FEEDBACK_PROVINCE_CODE, else the demo province."""
    code = (request.GET.get("tinh") or "").strip()[:8] or getattr(
        settings, "FEEDBACK_PROVINCE_CODE", settings.DEMO_PROVINCE_CODE)
    province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code).first()
    if province is None:
        raise Http404(_("Không có tỉnh này."))
    return province


def _map_context(province) -> dict:
    return {
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "center": [float(province.latitude or 16), float(province.longitude or 106)],
    }


def index(request):
    province = current_province(request)
    qs = queries.with_list_relations(queries.public_reports().filter(province=province))
    commune_code, category_code = request.GET.get("xa", "")[:10], request.GET.get("linh_vuc", "")[:40]
    if commune_code:
        qs = qs.filter(commune__code=commune_code)
    if category_code:
        qs = qs.filter(category__code=category_code)
    page = Paginator(qs.order_by("-published_at", "-id"), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "feedback/index.html", {
        "province": province, "page": page, "categories": queries.categories(province, leaves_only=True),
        "category_code": category_code, **_map_context(province),
    })


def map_points(request):
    """GeoJSON of published reports of the province for the public map (positions only)."""
    import json

    province = current_province(request)
    rows = (queries.public_reports().filter(province=province, latitude__isnull=False)
            .values_list("number", "latitude", "longitude", "category__name", "status")[:2000])
    features = [{
        "type": "Feature", "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]},
        "properties": {"number": n, "category": c, "status": str(Status(s).label),
                       "url": Report(number=n).get_absolute_url()},
    } for n, lat, lon, c, s in rows]
    return HttpResponse(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False),
                        content_type="application/geo+json")


def public_detail(request, number: str):
    report = get_object_or_404(
        queries.with_list_relations(queries.public_reports()).prefetch_related("photos"), number=number)
    return render(request, "feedback/detail.html", {
        "report": report, "timeline": queries.public_timeline(report), "closed": report.status in CLOSED,
        **_map_context(report.province),
    })


@require_http_methods(["GET", "POST"])
def submit(request):
    province = current_province(request)
    categories = Category.objects.filter(province=province, is_active=True, kind=CategoryKind.FIELD).exclude(
        children__is_active=True).select_related("parent").order_by("parent__order", "order", "name")
    out_of_scope = Category.objects.filter(province=province, is_active=True, kind=CategoryKind.OUT_OF_SCOPE)
    form = ReportForm(request.POST or None, request.FILES or None, categories=categories)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                report = services.submit_report(
                    province=province, category=d["category"], description=d["description"],
                    latitude=d["latitude"] or None, longitude=d["longitude"] or None, address=d["address"],
                    name=d["name"], phone=d["phone"], email=d["email"], user=request.user,
                    client_ip=client_ip(request), uploads=d["photos"],
                )
            except services.Throttled as exc:
                form.add_error(None, exc.messages[0])
                status = 429
            except ValidationError as exc:
                _add_errors(form, exc)
                status = 400
            else:
                messages.success(request, _("Đã gửi phản ánh %(n)s. Hãy lưu lại địa chỉ trang này để theo dõi và "
                                            "đánh giá kết quả.") % {"n": report.number})
                return redirect("feedback:track", report.public_id)
        else:
            status = 400
    return render(request, "feedback/submit.html", {
        "form": form, "province": province, "out_of_scope": out_of_scope, **_map_context(province),
    }, status=status)


def _add_errors(form, exc: ValidationError) -> None:
    fields = set(form.fields)
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            for e in errs:
                form.add_error(field if field in fields else None, e)
    else:
        for e in exc.messages:
            form.add_error(None, e)


def nearby(request):
    """htmx fragment: open reports of the same category near the chosen point."""
    province = current_province(request)
    category = Category.objects.filter(province=province, pk=_int(request.GET.get("category"))).first()
    found = []
    try:
        lat, lon = float(request.GET.get("latitude", "")), float(request.GET.get("longitude", ""))
    except ValueError:
        lat = lon = None
    if category is not None and lat is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        found = queries.nearby_open(category, lat, lon)[:10]
    return render(request, "feedback/_nearby.html", {"nearby": found})


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
def me_too(request, number: str):
    report = get_object_or_404(Report, number=number)
    try:
        services.me_too(report, user=request.user, phone=request.POST.get("phone", "")[:20],
                        client_ip=client_ip(request))
    except ValidationError as exc:
        if request.htmx:
            return render(request, "feedback/_me_too.html", {"error": exc.messages[0]},
                          status=429 if isinstance(exc, services.Throttled) else 400)
        messages.error(request, exc.messages[0])
    else:
        if request.htmx:
            return render(request, "feedback/_me_too.html", {"done": True, "report": report})
        messages.success(request, _("Cảm ơn bạn đã xác nhận phản ánh %(n)s.") % {"n": report.number})
    return redirect("feedback:index")


def _tracked(public_id: str) -> Report:
    try:
        value = uuid.UUID(str(public_id))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(queries.with_list_relations(Report.objects.all()).prefetch_related("photos"),
                             public_id=value)


@require_http_methods(["GET", "POST"])
def track(request, public_id):
    """The reporter's private page (the link in the receipt): status, public timeline, result,
    and the rating form once the result is out."""
    report = _tracked(public_id)
    can_rate = report.status in (Status.PUBLISHED, Status.CLOSED) and not (
        report.rated_at and report.closed_at and report.rated_at >= report.closed_at)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_rate:
            messages.error(request, _("Chưa thể đánh giá phản ánh này."))
            return redirect("feedback:track", report.public_id)
        if form.is_valid():
            try:
                services.rate(report.pk, satisfied=form.cleaned_data["satisfied"],
                              comment=form.cleaned_data["comment"],
                              user=request.user if request.user.is_authenticated else None)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("Cảm ơn bạn đã đánh giá."))
            return redirect("feedback:track", report.public_id)
        status = 400
    return render(request, "feedback/track.html", {
        "report": report, "timeline": queries.public_timeline(report), "form": form, "can_rate": can_rate,
    }, status=status)


def statistics(request):
    province = current_province(request)
    days = _int(request.GET.get("ngay")) or 365
    days = max(1, min(days, 3650))
    since = timezone.now() - datetime.timedelta(days=days)
    rows = queries.commune_statistics(province, since)
    return render(request, "feedback/statistics.html", {"province": province, "rows": rows, "days": days})


def photo(request, pk: int, kind: str):
    """Photos go through this view, never a public media URL: thumbnails and public copies of a
    published report for everyone; of other reports for the officials who may open the report
    and for the reporter's link; the original (with EXIF) only for the province's IOC operators."""
    item = get_object_or_404(Photo.objects.select_related("report"), pk=pk)
    report = item.report
    if kind == "goc":
        if not (request.user.is_authenticated and queries.is_operator(request.user, report.province_id)):
            raise Http404
        field = item.original
    elif kind in ("anh", "nho"):
        allowed = report.is_public or (request.user.is_authenticated and
                                       queries.staff_reports(request.user).filter(pk=report.pk).exists())
        if not allowed and request.GET.get("k") != str(report.public_id):
            raise Http404
        field = item.public if kind == "anh" else item.thumbnail
    else:
        raise Http404
    try:
        handle = field.open("rb")
    except (OSError, ValueError):  # the file is gone from storage
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg" if kind != "goc" else None)
    response["Cache-Control"] = "public, max-age=86400" if report.is_public and kind != "goc" else "private, no-store"
    return response

