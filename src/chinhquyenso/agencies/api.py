from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from .models import Agency, AgencyKind
from .queries import public_agencies

router = Router(tags=["agencies"])


class AgencyOut(Schema):
    id: int
    code: str = Field(description="Mã định danh điện tử (chuỗi, không phân tích theo vị trí)")
    name: str
    short_name: str
    kind: str
    parent_id: int | None
    unit_code: str
    province_code: str
    address: str
    phone: str
    email: str

    @staticmethod
    def resolve_unit_code(obj: Agency) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_province_code(obj: Agency) -> str:
        return obj.province.code


class ReceptionPointOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    opening_hours: str


class AgencyDetailOut(AgencyOut):
    reception_points: list[ReceptionPointOut]

    @staticmethod
    def resolve_reception_points(obj: Agency):
        return list(obj.reception_points.filter(is_active=True))


class AgencyFilter(Schema):
    province: str = Field("", pattern=r"^(\d{2})?$", description="Mã tỉnh, 2 chữ số")
    kind: AgencyKind | None = None
    q: str = Field("", max_length=100)


@router.get("/", response=list[AgencyOut], summary="Danh sách cơ quan (công khai)")
@paginate(BoundedLimitOffsetPagination)
def list_agencies(request, filters: Query[AgencyFilter]):
    return public_agencies(province_code=filters.province, kind=filters.kind or "", q=filters.q)


@router.get("/{int:agency_id}", response=AgencyDetailOut, summary="Thông tin một cơ quan")
def get_agency(request, agency_id: int):
    return get_object_or_404(Agency.objects.select_related("unit", "province"), pk=agency_id, is_active=True)
