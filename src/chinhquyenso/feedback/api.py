"""JSON API of field reports, mounted at /api/v1/feedback/.

Public: categories, published reports (no identity), nearby open reports for "me too" (no
description or identity of unpublished reports — only category, distance, age and status),
submitting a report (login optional, multipart), "me too", rating by the private link.
Officials (auth=api_auth): the scoped queue, a report with the identity only for IOC operators,
and the workflow actions."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, File, Form, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import ApiTokenAuth, api_auth
from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record_personal_data_view
from chinhquyenso.core.apischema import ApiError, inline_choices
from chinhquyenso.core.context import client_ip
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, services
from .models import Category, Channel, Report, ReporterContact, Status, Urgency
from .workflow import RefusalReason

router = Router(tags=["feedback"])
ReportStatus = inline_choices(Status, "ReportStatus")
ReportUrgency = inline_choices(Urgency, "ReportUrgency")


def _province(code: str) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code[:8]).first()
    if province is None:
        raise HttpError(404, "Không có tỉnh mã này.")
    return province


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    icon: str
    description: str
    group: str | None = None
    out_of_scope: bool
    guidance: str

    @staticmethod
    def resolve_group(obj: Category) -> str | None:
        return obj.parent.name if obj.parent_id else None

    @staticmethod
    def resolve_out_of_scope(obj: Category) -> bool:
        return obj.is_out_of_scope


class ReportEventOut(Schema):
    at: datetime.datetime
    action: str
    to_status: str
    agency: str | None = None
    due_at: datetime.datetime | None = None

    @staticmethod
    def resolve_agency(obj) -> str | None:
        return obj.agency.name if obj.agency_id else None


class PublicReportOut(Schema):
    number: str
    category: str
    category_code: str
    status: ReportStatus
    description: str
    address: str
    commune: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    agency: str | None = None
    received_at: datetime.datetime
    published_at: datetime.datetime | None = None
    result: str
    satisfied: bool | None = None
    me_too_count: int

    @staticmethod
    def resolve_category(obj: Report) -> str:
        return obj.category.name

    @staticmethod
    def resolve_category_code(obj: Report) -> str:
        return obj.category.code

    @staticmethod
    def resolve_commune(obj: Report) -> str | None:
        return obj.commune.full_name if obj.commune_id else None

    @staticmethod
    def resolve_agency(obj: Report) -> str | None:
        return obj.agency.name if obj.agency_id else None


class PublicDetailOut(PublicReportOut):
    timeline: list[ReportEventOut]

    @staticmethod
    def resolve_timeline(obj: Report) -> list:
        return list(queries.public_timeline(obj))


class NearbyOut(Schema):
    number: str
    category: str
    status: ReportStatus
    distance_m: int
    received_at: datetime.date
    me_too_count: int

    @staticmethod
    def resolve_category(obj: Report) -> str:
        return obj.category.name

    @staticmethod
    def resolve_received_at(obj: Report) -> datetime.date:
        return obj.received_at.date()


class SubmittedOut(Schema):
    number: str
    tracking_id: uuid.UUID = Field(description="Mã theo dõi riêng của người phản ánh (để xem và đánh giá)")
    status: ReportStatus
    ack_due_at: datetime.datetime | None


class StaffReportOut(PublicReportOut):
    urgency: str
    ack_due_at: datetime.datetime | None = None
    due_at: datetime.datetime | None = None
    handled_at: datetime.datetime | None = None
    handled_on_time: bool | None = None


class ContactOut(Schema):
    name: str
    phone: str
    email: str
    has_account: bool


class StaffDetailOut(StaffReportOut):
    reporter: ContactOut | None = Field(None, description="Chỉ cán bộ điều hành IOC của tỉnh được xem")


class ReportActionIn(Schema):
    note: str = Field("", max_length=4000)
    reason: str = Field("", description="Với refuse: " + ", ".join(RefusalReason.LABELS))
    agency_id: int | None = None
    urgency: ReportUrgency | None = None
    result: str = Field("", max_length=4000)
    target: str = Field("", max_length=32, description="Với merge: số phản ánh được gộp vào")


class RatingIn(Schema):
    satisfied: bool
    comment: str = Field("", max_length=1000)


class ReportListFilter(Schema):
    province: str = Field("38", max_length=8, description="Mã tỉnh")
    commune: str | None = Field(None, max_length=10, description="Mã xã")
    category: str | None = Field(None, max_length=40, description="Mã lĩnh vực")


@router.get("/categories", response={200: list[CategoryOut], 404: ApiError}, summary="Lĩnh vực phản ánh của một tỉnh")
def categories(request: HttpRequest, province: str = Query("38", max_length=8)):
    return list(queries.categories(_province(province)))


@router.get("/reports", response={200: list[PublicReportOut], 404: ApiError}, summary="Phản ánh đã công khai")
@paginate(BoundedLimitOffsetPagination)
def public_list(request: HttpRequest, filters: Query[ReportListFilter]):
    qs = queries.with_list_relations(queries.public_reports().filter(province=_province(filters.province)))
    if filters.commune:
        qs = qs.filter(commune__code=filters.commune)
    if filters.category:
        qs = qs.filter(category__code=filters.category)
    return qs.order_by("-published_at", "-id")


@router.get("/reports/{number}", response=PublicDetailOut, summary="Một phản ánh đã công khai")
def public_detail(request: HttpRequest, number: str):
    report = queries.with_list_relations(queries.public_reports()).filter(number=number[:32]).first()
    if report is None:
        raise HttpError(404, "Không tìm thấy phản ánh đã công khai.")
    return report


@router.get("/nearby", response={200: list[NearbyOut], 404: ApiError}, summary="Phản ánh đang mở cùng lĩnh vực ở gần")
def nearby(request: HttpRequest, category_id: int = Query(..., ge=1, le=2**62),
           latitude: float = Query(..., ge=-90, le=90), longitude: float = Query(..., ge=-180, le=180)):
    category = Category.objects.filter(pk=category_id).first()
    if category is None:
        raise HttpError(404, "Không có lĩnh vực này.")
    return queries.nearby_open(category, latitude, longitude)[:20]


@router.post("/reports", response={201: SubmittedOut, 404: ApiError, 422: ApiError, 429: ApiError}, summary="Gửi phản ánh (không bắt buộc đăng nhập)")
def submit(request: HttpRequest, province: Form[str] = "38", category_id: Form[int | None] = None,
           description: Form[str] = "", latitude: Form[str] = "", longitude: Form[str] = "",
           address: Form[str] = "", name: Form[str] = "", phone: Form[str] = "", email: Form[str] = "",
           photos: File[list[UploadedFile]] = None):
    user = ApiTokenAuth()(request) if request.headers.get("Authorization") else None
    if user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    province_unit = _province(province)
    category = Category.objects.filter(pk=category_id, province=province_unit).first() if category_id else None
    try:
        report = services.submit_report(
            province=province_unit, category=category, description=description, latitude=latitude or None,
            longitude=longitude or None, address=address, name=name, phone=phone, email=email, user=user,
            client_ip=client_ip(request), uploads=photos or [], channel=Channel.API,
        )
    except services.Throttled as exc:
        raise HttpError(429, _messages(exc)) from None
    except ValidationError as exc:
        raise HttpError(422, _messages(exc)) from None
    return Reply(201, {"number": report.number, "tracking_id": report.public_id, "status": report.status,
                       "ack_due_at": report.ack_due_at})


@router.post("/reports/{number}/me-too", response={200: dict, 409: ApiError, 429: ApiError}, summary="Tôi cũng gặp")
def me_too(request: HttpRequest, number: str, phone: Form[str] = ""):
    report = Report.objects.filter(number=number[:32]).first()
    if report is None:
        raise HttpError(404, "Không tìm thấy phản ánh.")
    try:
        report = services.me_too(report, user=request.user, phone=phone[:20], client_ip=client_ip(request))
    except services.Throttled as exc:
        raise HttpError(429, _messages(exc)) from None
    except ValidationError as exc:
        raise HttpError(409, _messages(exc)) from None
    return {"number": report.number, "me_too_count": report.me_too_count}


@router.post("/tracking/{tracking_id}/rating", response={200: StaffReportOut, 409: ApiError}, summary="Người phản ánh đánh giá kết quả")
def rate(request: HttpRequest, tracking_id: uuid.UUID, payload: RatingIn):
    report = Report.objects.filter(public_id=tracking_id).first()
    if report is None:
        raise HttpError(404, "Không tìm thấy phản ánh.")
    try:
        services.rate(report.pk, satisfied=payload.satisfied, comment=payload.comment)
    except ValidationError as exc:
        raise HttpError(409, _messages(exc)) from None
    return queries.with_list_relations(Report.objects.all()).get(pk=report.pk)


# --- officials -------------------------------------------------------------------------------


class StaffFilter(Schema):
    status: ReportStatus | None = None


@router.get("/staff/reports", response=list[StaffReportOut], auth=api_auth, summary="Phản ánh cán bộ được xem")
@paginate(BoundedLimitOffsetPagination)
def staff_list(request: HttpRequest, filters: Query[StaffFilter]):
    qs = queries.with_list_relations(queries.staff_reports(request.auth))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs.order_by("-received_at", "-id")


def _staff_report(request, number: str) -> Report:
    report = queries.with_list_relations(queries.staff_reports(request.auth)).filter(number=number[:32]).first()
    if report is None:
        raise HttpError(404, "Không tìm thấy phản ánh.")
    return report


def _detail(request, report: Report) -> Report:
    report.reporter = None
    if queries.is_operator(request.auth, report.province_id):
        c = ReporterContact.objects.filter(report=report).first()
        if c is not None:
            report.reporter = {"name": c.name, "phone": c.phone, "email": c.email, "has_account": bool(c.user_id)}
            shown = [f for f in ("name", "phone", "email") if getattr(c, f)]
            if shown:  # logged like the web page (Luật BVDLCN 91/2025)
                record_personal_data_view(report, shown, actor=request.auth)
    return report


@router.get("/staff/reports/{number}", response=StaffDetailOut, auth=api_auth, summary="Một phản ánh (cán bộ)")
def staff_detail(request: HttpRequest, number: str):
    return _detail(request, _staff_report(request, number))


ACTION_NAMES = [*services.ACTIONS, "merge"]
ACT_ERRORS = {403: ApiError, 404: ApiError, 409: ApiError, 422: ApiError}


@router.post("/staff/reports/{number}/{action}", response={200: StaffDetailOut, **ACT_ERRORS}, auth=api_auth,
             summary="Thao tác xử lý: " + ", ".join(ACTION_NAMES))
def staff_act(request: HttpRequest, number: str, action: str, payload: ReportActionIn):
    if action not in ACTION_NAMES:
        raise HttpError(404, "Không có thao tác này.")
    report = _staff_report(request, number)
    user = request.auth
    try:
        if action == "merge":
            number = payload.target.strip()
            # NUL in a lookup is a DataError on PostgreSQL; no report number holds one.
            target = queries.staff_reports(user).filter(number=number).first() if "\x00" not in number else None
            if target is None:
                raise HttpError(404, "Không tìm thấy phản ánh cần gộp vào.")
            services.merge(report.pk, target.pk, user)
        elif action == "refuse":
            services.refuse(report.pk, user, reason=payload.reason, note=payload.note)
        elif action == "assign":
            agency = Agency.objects.filter(pk=payload.agency_id).first() if payload.agency_id else None
            services.assign(report.pk, user, agency=agency, urgency=payload.urgency or "", note=payload.note)
        elif action == "submit_result":
            services.submit_result(report.pk, user, result=payload.result)
        elif action in ("send_back", "reject_result", "close", "accept"):
            services.ACTIONS[action](report.pk, user, note=payload.note)
        else:
            services.ACTIONS[action](report.pk, user)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from None
    except ValidationError as exc:
        raise HttpError(409 if getattr(exc, "code", "") == "transition" else 422, _messages(exc)) from None
    return _detail(request, _staff_report(request, number))
