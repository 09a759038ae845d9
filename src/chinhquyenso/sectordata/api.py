"""JSON API of sector data, mounted at /api/v1/sector-data/.

Reading: series definitions and observations. Public series are open aggregate figures (no
login); non-public series need an API token or session of an official of the series' province.
Pushing: `POST /series/{code}/observations` with a JSON list, authenticated (`api_auth`, API
tokens are how sector systems push) and allowed for the series' owner agency. The batch is
all-or-nothing: 201 with the counts, or 422 with every rejected row and nothing stored.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth, optional_api_auth
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from . import periods, queries, services, validation
from .models import (
    Channel,
    Granularity,
    ImportBatch,
    Levels,
    Observation,
    Rollup,
    SeriesDefinition,
    ValueType,
)

router = Router(tags=["sector data"])


# Reading endpoints: a token or session makes non-public series visible; anyone else reads the
# public ones.
read_auth = optional_api_auth


def _reader(request: HttpRequest):
    user = getattr(request, "auth", None)
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class ErrorOut(Schema):
    detail: str


class RowErrorOut(Schema):
    row: int = Field(description="Số thứ tự phần tử trong danh sách gửi lên (từ 1); 0 = cả lô")
    column: str
    message: str


class RejectedOut(Schema):
    detail: str
    batch_id: int | None = None
    errors: list[RowErrorOut]


class SeriesOut(Schema):
    code: str
    province: str
    name: str
    description: str
    sector: str
    sector_name: str
    levels: Levels
    granularity: Granularity
    unit_of_measure: str
    value_type: ValueType
    min_value: Decimal | None
    max_value: Decimal | None
    decimal_places: int
    rollup: Rollup
    source: str
    owner_agency: str
    owner_agency_code: str
    is_public: bool
    is_active: bool

    @staticmethod
    def resolve_province(obj: SeriesDefinition) -> str:
        return obj.province.code

    @staticmethod
    def resolve_sector(obj: SeriesDefinition) -> str:
        return obj.sector.code

    @staticmethod
    def resolve_sector_name(obj: SeriesDefinition) -> str:
        return obj.sector.name

    @staticmethod
    def resolve_owner_agency(obj: SeriesDefinition) -> str:
        return obj.owner_agency.name

    @staticmethod
    def resolve_owner_agency_code(obj: SeriesDefinition) -> str:
        return obj.owner_agency.code


class ObservationOut(Schema):
    unit: str
    unit_name: str
    period: str = Field(description="2025, 2025-Q2 hoặc 2025-03")
    period_start: datetime.date
    value: Decimal
    note: str
    updated_at: datetime.datetime

    @staticmethod
    def resolve_unit(obj: Observation) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj: Observation) -> str:
        return obj.unit.full_name

    @staticmethod
    def resolve_period(obj: Observation) -> str:
        return periods.code(obj.period_start, obj.series.granularity)

    @staticmethod
    def resolve_note(obj: Observation) -> str:
        return obj.source_note


class ObservationIn(Schema):
    unit: str | int | None = Field(None, description="Mã đơn vị hành chính (5 chữ số xã, 2 chữ số tỉnh)")
    period: str | int | None = Field(None, description="2025, 2025-Q1 hoặc 2025-03 theo kỳ của chuỗi")
    value: int | float | str | None = Field(None, description="Giá trị theo đơn vị tính của chuỗi")
    note: str | None = Field(None, description="Ghi chú nguồn (tối đa 255 ký tự)")


class BatchOut(Schema):
    id: int
    series: str
    province: str
    channel: Channel
    status: str
    submitted_at: datetime.datetime | None
    submitted_by: str | None
    file_name: str
    checksum: str
    rows_total: int
    rows_created: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int
    errors: list[RowErrorOut]
    notices: list[RowErrorOut]

    @staticmethod
    def resolve_series(obj: ImportBatch) -> str:
        return obj.series.code

    @staticmethod
    def resolve_province(obj: ImportBatch) -> str:
        return obj.series.province.code

    @staticmethod
    def resolve_submitted_by(obj: ImportBatch) -> str | None:
        return str(obj.submitted_by) if obj.submitted_by_id else None


class SeriesFilter(Schema):
    province: str | None = Field(None, max_length=8, description="Mã tỉnh (2 chữ số)")
    sector: str | None = Field(None, max_length=40, description="Mã ngành")


class ObservationFilter(Schema):
    province: str | None = Field(None, max_length=8, description="Mã tỉnh, khi mã chuỗi có ở nhiều tỉnh")
    unit: str | None = Field(None, max_length=10, description="Mã đơn vị hành chính")
    period_from: str | None = Field(None, max_length=20, alias="from", description="Từ kỳ (vd. 2025-Q1)")
    period_to: str | None = Field(None, max_length=20, alias="to", description="Đến kỳ (vd. 2025-Q4)")


def _text(value: str | None) -> str:
    """Query text as the database may see it: PostgreSQL refuses NUL in text parameters."""
    return (value or "").replace("\x00", "")


def _one(qs, code: str, province: str | None) -> SeriesDefinition:
    code, province = _text(code), _text(province)
    qs = qs.filter(code=code[:64])
    if province:
        qs = qs.filter(province__code=province)
    found = list(qs[:2])
    if not found:
        raise HttpError(404, "Không có chuỗi số liệu này.")
    if len(found) > 1:
        raise HttpError(422, "Mã chuỗi số liệu có ở nhiều tỉnh; hãy ghi tham số province.")
    return found[0]


@router.get("/series", response=list[SeriesOut], auth=read_auth, summary="Danh sách chuỗi số liệu ngành")
@paginate(BoundedLimitOffsetPagination)
def list_series(request: HttpRequest, filters: Query[SeriesFilter]):
    qs = queries.readable_series(_reader(request))
    if filters.province:
        qs = qs.filter(province__code=_text(filters.province))
    if filters.sector:
        qs = qs.filter(sector__code=_text(filters.sector))
    return qs.order_by("province__code", "sector__order", "code")


@router.get("/series/{code}", response={200: SeriesOut, 404: ErrorOut, 422: ErrorOut}, auth=read_auth,
            summary="Định nghĩa một chuỗi số liệu")
def get_series(request: HttpRequest, code: str, province: str | None = Query(None, max_length=8)):
    return _one(queries.readable_series(_reader(request)), code, province)


def _period_bound(text: str | None, series: SeriesDefinition) -> datetime.date | None:
    if not text:
        return None
    try:
        return periods.parse(text, series.granularity, today=datetime.date.max)
    except periods.PeriodError as exc:
        raise HttpError(422, str(exc)) from None


@router.get("/series/{code}/observations", response=list[ObservationOut], auth=read_auth,
            summary="Số liệu của một chuỗi, theo đơn vị và kỳ")
@paginate(BoundedLimitOffsetPagination)
def list_observations(request: HttpRequest, code: str, filters: Query[ObservationFilter]):
    series = _one(queries.readable_series(_reader(request)), code, filters.province)
    qs = Observation.objects.filter(series=series).select_related("unit", "series")
    if filters.unit:
        qs = qs.filter(unit__code=_text(filters.unit))
    first = _period_bound(filters.period_from, series)
    last = _period_bound(filters.period_to, series)
    if first:
        qs = qs.filter(period_start__gte=first)
    if last:
        qs = qs.filter(period_start__lte=last)
    return qs.order_by("period_start", "unit__code")


@router.post("/series/{code}/observations", auth=api_auth,
             response={201: BatchOut, 403: ErrorOut, 404: ErrorOut, 422: RejectedOut},
             summary="Gửi số liệu (cả lô hoặc không dòng nào)")
def push_observations(request: HttpRequest, code: str, payload: list[ObservationIn],
                      province: str | None = Query(None, max_length=8)):
    user = request.auth
    try:
        series = _one(queries.pushable_series(user), code, province)
    except HttpError as exc:
        readable = queries.readable_series(user).filter(code=_text(code)[:64])
        if province:
            readable = readable.filter(province__code=_text(province))
        if exc.status_code == 404 and readable.exists():
            return Reply(403, {"detail": "Bạn không được gửi số liệu cho chuỗi này (chỉ cơ quan chủ quản được gửi)."})
        raise
    rows = [
        validation.RawRow(number=i, unit=item.unit, period=item.period, value=item.value, note=item.note,
                          numeric_unit=isinstance(item.unit, int))
        for i, item in enumerate(payload, start=1)
    ]
    try:
        result = services.import_rows(series, rows, user=user, channel=Channel.API,
                                      columns=validation.API_COLUMNS)
    except PermissionDenied as exc:
        return Reply(403, {"detail": str(exc)})
    if not result.accepted:
        return Reply(422, {"detail": "Lô số liệu bị từ chối, không dòng nào được lưu.", "batch_id": result.batch.pk,
                           "errors": result.errors})
    return Reply(201, result.batch)


@router.get("/imports", response=list[BatchOut], auth=api_auth, summary="Nhật ký nhập số liệu")
@paginate(BoundedLimitOffsetPagination)
def list_imports(request: HttpRequest, series: str | None = Query(None, max_length=64)):
    qs = queries.visible_batches(request.auth).select_related("series__province")
    if series:
        qs = qs.filter(series__code=_text(series))
    return qs


@router.get("/imports/{int:batch_id}", response={200: BatchOut, 404: ErrorOut}, auth=api_auth,
            summary="Một lần nhập số liệu")
def get_import(request: HttpRequest, batch_id: int):
    if batch_id > 2**62:
        raise HttpError(404, "Không có lần nhập này.")
    batch = queries.visible_batches(request.auth).select_related("series__province").filter(pk=batch_id).first()
    if batch is None:
        raise HttpError(404, "Không có lần nhập này.")
    return batch
