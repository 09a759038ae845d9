"""Public JSON API of the administrative-unit register, mounted at /api/v1/units/.

Everything here is public reference data: no authentication, read-only."""

import datetime
from enum import StrEnum

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.core.apischema import IsoDate
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from . import queries
from .models import AdministrativeUnit, Level

router = Router(tags=["units"])

CODE_HELP = "Mã thống kê: tỉnh 2 chữ số, huyện (trước 01/7/2025) 3 chữ số, xã 5 chữ số"


class CommuneKind(StrEnum):
    XA = "xã"
    PHUONG = "phường"
    DAC_KHU = "đặc khu"


class UnitBrief(Schema):
    code: str = Field(description=CODE_HELP)
    level: Level
    kind: str
    name: str
    full_name: str
    province_code: str
    valid_from: datetime.date
    valid_to: datetime.date | None = Field(description="Ngày cuối còn hiệu lực; null nếu đang có hiệu lực")


class UnitOut(UnitBrief):
    province_name: str
    latitude: float | None = Field(description="Vĩ độ tâm (WGS 84)")
    longitude: float | None = Field(description="Kinh độ tâm (WGS 84)")
    area_km2: float | None

    @staticmethod
    def resolve_province_name(obj: AdministrativeUnit) -> str:
        return obj.province.full_name if obj.province_id else ""


class UnitSearchOut(UnitOut):
    successors: list[UnitBrief] = Field(description="Với đơn vị cũ: các đơn vị đã thay thế nó")

    @staticmethod
    def resolve_successors(obj: AdministrativeUnit) -> list[AdministrativeUnit]:
        return list(obj.successors.all())


class UnitDetailOut(UnitSearchOut):
    parent: UnitBrief | None = Field(description="Đơn vị cấp trên trực tiếp")
    predecessors: list[UnitBrief] = Field(description="Các đơn vị cũ đã nhập vào đơn vị này")

    @staticmethod
    def resolve_predecessors(obj: AdministrativeUnit) -> list[AdministrativeUnit]:
        return list(obj.predecessors.all())


class CommuneFilter(Schema):
    q: str = Field("", max_length=100, description="Tên, có hoặc không dấu")
    kind: CommuneKind | None = None


class SearchFilter(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="Tên, có hoặc không dấu: «dong hoa»")
    level: Level | None = None
    province: str = Field("", pattern=r"^(\d{2})?$", description="Mã tỉnh hiện hành, 2 chữ số")
    current_only: bool = Field(False, description="Chỉ đơn vị đang có hiệu lực (mặc định: gồm cả tên cũ)")


class DateFilter(Schema):
    on: IsoDate | None = Field(None, description="Ngày (YYYY-MM-DD); mặc định hôm nay")


def _not_found(code: str, on: datetime.date | None) -> HttpError:
    day = (on or datetime.date.today()).strftime("%d/%m/%Y")
    return HttpError(404, f"Không tìm thấy đơn vị hành chính mã «{code[:20]}» có hiệu lực vào ngày {day}.")


@router.get("/provinces", response=list[UnitOut], summary="Danh sách tỉnh, thành phố đang có hiệu lực")
@paginate(BoundedLimitOffsetPagination)
def list_provinces(request: HttpRequest):
    return queries.provinces()


@router.get(
    "/provinces/{code}/communes", response=list[UnitOut], summary="Các xã, phường, đặc khu của một tỉnh, thành phố"
)
@paginate(BoundedLimitOffsetPagination)
def list_communes(request: HttpRequest, code: str, filters: Query[CommuneFilter]):
    province = queries.get_province(code)
    if province is None:
        raise HttpError(404, f"Không tìm thấy tỉnh, thành phố mã «{code[:20]}» đang có hiệu lực.")
    return queries.communes_of(province, q=filters.q, kind=filters.kind.value if filters.kind else "")


@router.get(
    "/search",
    response=list[UnitSearchOut],
    summary="Tìm đơn vị hành chính theo tên (không phân biệt dấu), gồm cả tên trước 01/7/2025",
)
@paginate(BoundedLimitOffsetPagination)
def search_units(request: HttpRequest, filters: Query[SearchFilter]):
    if not queries.is_searchable(filters.q):
        raise HttpError(422, "Từ khóa tìm kiếm phải có ít nhất một chữ hoặc số.")
    return queries.search(
        filters.q, level=filters.level, province=filters.province or None, current_only=filters.current_only
    )


@router.get("/{code}", response=UnitDetailOut, summary="Một đơn vị hành chính theo mã (mặc định: đang có hiệu lực)")
def get_unit(request: HttpRequest, code: str, filters: Query[DateFilter]):
    unit = queries.get_unit(code, filters.on)
    if unit is None:
        raise _not_found(code, filters.on)
    return unit
