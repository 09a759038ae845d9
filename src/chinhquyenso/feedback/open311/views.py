"""Open311 GeoReport v2 at /open311/v2/: a facade over the field-report services and queries.

- jurisdiction_id = the province code ("38"). It may be left out when only one province has
  categories; an unknown one is a 404 (spec).
- service = a leaf, in-scope category (service_code = its code, group = its parent's name);
  out-of-scope kinds (complaints, state secrets) are not offered.
- POST requests needs `api_key` = an accounts.ApiToken key (403 otherwise) and creates a report
  through services.submit_report, like any other channel. `type` is realtime: the response carries
  the service_request_id (the report number) and also a `token` for tokens/{token}.
- GET requests and requests/{id} show only published reports (the public never sees the others
  nor anyone's identity). Filters: service_request_id (overrides the rest), service_code,
  start_date/end_date (ISO 8601 with offset; span ≤ 90 days; default the last 90 days), status;
  paging extension page/page_size (default 1000, at most 1000).
- mySociety extension: GET servicerequestupdates with start_date/end_date: public history rows of
  public reports.
Errors are the spec's list of {code, description}: 404 unknown resource, 403 bad api_key, 400 the
rest.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from chinhquyenso.accounts.models import ApiToken
from chinhquyenso.accounts.services import API_TOKEN_PREFIX, hash_key
from chinhquyenso.core.context import client_ip
from chinhquyenso.core.text import is_digits
from chinhquyenso.units.models import AdministrativeUnit, Level

from .. import queries, services
from ..models import Category, Channel, Photo, Report, ReportEvent, Status
from ..workflow import CLOSED, OPEN
from .render import errors, respond

MAX_SPAN = datetime.timedelta(days=90)
MAX_PAGE_SIZE = 1000

# Our history actions → mySociety's status words (perllib/Open311/Endpoint/Role/mySociety.pm).
UPDATE_STATUS = {
    "submit": "open", "accept": "investigating", "assign": "action_scheduled", "start": "in_progress",
    "publish": "fixed", "reopen": "reopen", "merge": "duplicate", "rate": "closed",
}


class Problem(Exception):
    def __init__(self, status: int, code: int | str, text: str):
        self.status, self.code, self.text = status, code, text


def iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _arg(request, name: str) -> str:
    source = request.POST if request.method == "POST" else request.GET
    return (source.get(name) or "").strip()


def jurisdiction(request) -> AdministrativeUnit:
    code = _arg(request, "jurisdiction_id")
    provinces = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE)
    if code:
        province = provinces.filter(code=code).first()
        if province is None or not Category.objects.filter(province=province, is_active=True).exists():
            raise Problem(404, 404, f"jurisdiction_id '{code[:20]}' không tồn tại.")
        return province
    with_categories = provinces.filter(pk__in=Category.objects.filter(is_active=True).values("province_id"))[:2]
    with_categories = list(with_categories)
    if len(with_categories) != 1:
        raise Problem(400, 400, "Thiếu jurisdiction_id (mã tỉnh, ví dụ 38).")
    return with_categories[0]


def services_of(province) -> list[Category]:
    return list(queries.categories(province, leaves_only=True).exclude(kind="out_of_scope"))


def service_json(c: Category) -> dict:
    return {
        "service_code": c.code, "service_name": c.name, "description": c.description or None,
        "metadata": bool(getattr(c, "has_questions", False)), "type": "realtime",
        "keywords": c.keywords or None, "group": c.parent.name if c.parent_id else None,
    }


def request_json(r: Report, request) -> dict:
    photo = r.photos.all()[0] if r.photos.all() else None
    reopened = r.is_public and r.status in OPEN
    return {
        "service_request_id": r.number,
        "status": "open" if r.status in OPEN else "closed",
        "status_notes": "Đang xử lý lại theo phản ánh của người dân." if reopened else (r.result or None),
        "service_name": r.category.name,
        "service_code": r.category.code,
        "description": r.description,
        "agency_responsible": r.agency.name if r.agency_id else None,
        "service_notice": None,
        "requested_datetime": iso(r.received_at),
        "updated_datetime": iso(r.closed_at if r.status in CLOSED and r.closed_at else r.updated_at),
        "expected_datetime": iso(r.due_at),
        "address": r.address or None,
        "address_id": None,
        "zipcode": None,
        "lat": float(r.latitude) if r.latitude is not None else None,
        "long": float(r.longitude) if r.longitude is not None else None,
        "media_url": request.build_absolute_uri(reverse("feedback:photo", args=[photo.pk, "anh"])) if photo else None,
    }


def _date(request, name: str) -> datetime.datetime | None:
    raw = _arg(request, name)
    if not raw:
        return None
    try:  # parse_datetime raises ValueError on a well-formed impossible date (month 13)
        value = parse_datetime(raw.replace(" ", "+")) if len(raw) <= 40 else None
    except ValueError:
        value = None
    # Years far from now would overflow the ±90-day window arithmetic (datetime.max/min).
    if value is None or not 1900 <= value.year <= 2200:
        raise Problem(400, 400, f"{name} không đúng định dạng ISO 8601, ví dụ 2025-10-06T09:00:00+07:00.")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _window(request) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = _date(request, "start_date"), _date(request, "end_date")
    if start and end and end < start:
        raise Problem(400, 400, "end_date phải sau start_date.")
    if start and end and end - start > MAX_SPAN:
        raise Problem(400, 400, "Khoảng start_date – end_date tối đa 90 ngày.")
    end = end or (start + MAX_SPAN if start else timezone.now())
    start = start or end - MAX_SPAN
    return start, end


def _int(request, name: str, default: int, low: int, high: int) -> int:
    raw = _arg(request, name)
    if not raw:
        return default
    if not is_digits(raw) or not low <= int(raw) <= high:  # "²".isdigit() is True
        raise Problem(400, 400, f"{name} phải là số nguyên từ {low} đến {high}.")
    return int(raw)


def endpoint(view):
    """Format from the URL; Problem → the spec's error list; only json and xml."""

    def wrapped(request, *args, fmt: str, **kwargs):
        if fmt not in ("json", "xml"):
            return errors("xml", 404, (404, "Định dạng không hỗ trợ: chỉ .xml hoặc .json."))
        try:
            return view(request, fmt, *args, **kwargs)
        except Problem as p:
            return errors(fmt, p.status, (p.code, p.text))

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def not_found(request, exception=None):
    """handler404 under /open311/: a URL no route matches (an empty or percent-encoded "/" id, a
    missing format) still gets the spec's error list, in JSON when the path asks for it, else in
    XML, the spec's default format."""
    fmt = "json" if request.path.endswith(".json") else "xml"
    return errors(fmt, 404, (404, "Không có tài nguyên Open311 này."))


@require_http_methods(["GET"])
@endpoint
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:root"))
    formats = ["text/xml", "application/json"]
    return respond(fmt, "discovery", {
        "changeset": "2025-10-01T00:00:00+07:00",
        "contact": getattr(settings, "FEEDBACK_OPEN311_CONTACT", "Trung tâm Giám sát, điều hành thông minh (IOC)"),
        "key_service": "Khoá API (api_key) do quản trị hệ thống cấp tại trang Tài khoản → Khoá API.",
        "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                       "changeset": "2025-10-01T00:00:00+07:00", "type": "production", "formats": formats}],
    })


@require_http_methods(["GET"])
@endpoint
def service_list(request, fmt):
    province = jurisdiction(request)
    from django.db.models import Exists, OuterRef

    from ..models import CategoryQuestion

    cats = queries.categories(province, leaves_only=True).exclude(kind="out_of_scope").annotate(
        has_questions=Exists(CategoryQuestion.objects.filter(category=OuterRef("pk"))))
    return respond(fmt, "services", [service_json(c) for c in cats])


@require_http_methods(["GET"])
@endpoint
def service_definition(request, fmt, code: str):
    province = jurisdiction(request)
    category = queries.categories(province, leaves_only=True).exclude(kind="out_of_scope").filter(code=code).first()
    if category is None:
        raise Problem(404, 404, f"service_code '{code[:40]}' không tồn tại.")
    attributes = [{
        "variable": True, "code": q.code, "datatype": q.datatype, "required": q.required,
        "datatype_description": None, "order": i, "description": q.label,
        "values": [{"key": str(k), "name": str(n)} for k, n in (q.choices or [])],
    } for i, q in enumerate(category.questions.all(), start=1)]
    return respond(fmt, "service_definition", {"service_code": category.code, "attributes": attributes})


def _api_key_owner(request):
    key = _arg(request, "api_key")
    if not key or not key.startswith(API_TOKEN_PREFIX) or len(key) > 200:
        raise Problem(403, 403, "Thiếu hoặc sai api_key.")
    row = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    now = timezone.now()
    if row is None or row.revoked_at or (row.expires_at and row.expires_at <= now) or not row.user.is_active:
        raise Problem(403, 403, "Thiếu hoặc sai api_key.")
    return row.user


def _attributes(request) -> dict:
    result: dict = {}
    for key in request.POST:
        if key.startswith("attribute[") and "]" in key:
            code = key[len("attribute["):key.index("]")]
            values = request.POST.getlist(key)
            result[code] = values if key.endswith("[]") else values[-1]
    return result


def _create(request, fmt):
    from chinhquyenso.core.context import Actor, reset_actor, set_actor

    owner = _api_key_owner(request)
    province = jurisdiction(request)
    code = _arg(request, "service_code")
    if not code:
        raise Problem(400, 400, "Thiếu service_code.")
    category = Category.objects.filter(province=province, code=code).first()
    if category is None:
        raise Problem(404, 404, f"service_code '{code[:40]}' không tồn tại.")
    lat, lon = _arg(request, "lat"), _arg(request, "long")
    address = _arg(request, "address_string") or _arg(request, "address_id")
    if not (lat and lon) and not address:
        raise Problem(400, 400, "Cần lat và long, hoặc address_string, hoặc address_id.")
    name = " ".join(x for x in (_arg(request, "first_name"), _arg(request, "last_name")) if x)
    token = set_actor(Actor(user_id=owner.pk, name=str(owner)[:255], ip=client_ip(request), via="open311"))
    try:
        report = services.submit_report(
            province=province, category=category, description=_arg(request, "description"),
            latitude=lat or None, longitude=lon or None, address=address, name=name,
            phone=_arg(request, "phone"), email=_arg(request, "email"), client_ip=client_ip(request),
            attributes=_attributes(request), channel=Channel.OPEN311, trusted_client=True,
        )
    except services.Throttled as exc:
        raise Problem(400, 429, " ".join(exc.messages)) from None
    except ValidationError as exc:
        raise Problem(400, 400, " ".join(exc.messages)) from None
    finally:
        reset_actor(token)
    return respond(fmt, "service_requests", [{
        "service_request_id": report.number, "token": str(report.token),
        "service_notice": f"Hạn tiếp nhận: {iso(report.ack_due_at)}", "account_id": None,
    }], status=201)


def public_requests(province):
    return (queries.public_reports().filter(province=province)
            .select_related("category", "agency")
            .prefetch_related(Prefetch("photos", queryset=Photo.objects.only("id", "report_id"))))


@csrf_exempt
@require_http_methods(["GET", "POST"])
@endpoint
def request_list(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    province = jurisdiction(request)
    qs = public_requests(province)
    ids = [x.strip() for x in _arg(request, "service_request_id").split(",") if x.strip()]
    if ids:
        qs = qs.filter(number__in=ids[:1000])
    else:
        start, end = _window(request)
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        codes = [x.strip() for x in _arg(request, "service_code").split(",") if x.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        status = [x.strip() for x in _arg(request, "status").split(",") if x.strip()]
        if any(s not in ("open", "closed") for s in status):
            raise Problem(400, 400, "status chỉ nhận open hoặc closed.")
        if status and len(set(status)) == 1:
            qs = qs.filter(status__in=list(OPEN if status[0] == "open" else CLOSED))
    page = _int(request, "page", 1, 1, 1_000_000)
    size = _int(request, "page_size", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    rows = qs.order_by("-received_at", "-id")[(page - 1) * size: page * size]
    return respond(fmt, "service_requests", [request_json(r, request) for r in rows])


@require_http_methods(["GET"])
@endpoint
def request_detail(request, fmt, request_id: str):
    province = jurisdiction(request)
    report = public_requests(province).filter(number=request_id[:32]).first()
    if report is None:
        raise Problem(404, 404, f"service_request_id '{request_id[:32]}' không tồn tại.")
    return respond(fmt, "service_requests", [request_json(report, request)])


@require_http_methods(["GET"])
@endpoint
def token_detail(request, fmt, token: str):
    province = jurisdiction(request)
    import uuid

    try:
        value = uuid.UUID(token)
    except ValueError:
        raise Problem(404, 404, "token không tồn tại.") from None
    report = Report.objects.filter(province=province, token=value).only("number", "token").first()
    if report is None:
        raise Problem(404, 404, "token không tồn tại.")
    return respond(fmt, "service_requests", [{"service_request_id": report.number, "token": str(report.token)}])


@require_http_methods(["GET"])
@endpoint
def updates(request, fmt):
    province = jurisdiction(request)
    start, end = _window(request)
    page = _int(request, "page", 1, 1, 1_000_000)
    size = _int(request, "page_size", MAX_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    events = (ReportEvent.objects.filter(is_public=True, report__is_public=True, report__province=province,
                                         at__gte=start, at__lte=end)
              .select_related("report").order_by("at", "id")[(page - 1) * size: page * size])
    return respond(fmt, "service_request_updates", [{
        "update_id": str(e.pk),
        "service_request_id": e.report.number,
        "status": UPDATE_STATUS.get(e.action, "open" if e.to_status in OPEN else "closed"),
        "updated_datetime": iso(e.at),
        "description": e.report.result if e.action == "publish" else (e.note or Status(e.to_status).label
                                                                      if e.to_status else e.note),
        "media_url": None,
    } for e in events])
