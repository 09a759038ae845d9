"""/api/v1/dossiers/slips/ — issued slips (BM.01–BM.05) and the BM.06 register export, scoped by
slips.queries. Errors: {"detail": "<Vietnamese message>"}."""

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.core.apischema import IsoDate
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from ..models import SlipKind
from . import queries, register, rendering
from .views import pdf_response, register_file, slip_filename

router = Router()
MAX_ID = 2**62


class Error(Schema):
    detail: str


class SlipOut(Schema):
    id: int
    dossier_id: int | None
    kind: str = Field(description="BM01…BM05 (TT 03/2025)")
    kind_label: str
    symbol: str = Field(description="Số, ký hiệu")
    number: int
    year: int
    issued_at: datetime.datetime
    pdf_url: str

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(SlipKind(obj.kind).label)

    @staticmethod
    def resolve_pdf_url(obj) -> str:
        return f"/api/v1/dossiers/slips/{obj.pk}/pdf"


class SlipDetailOut(SlipOut):
    data: dict = Field(description="Nội dung phiếu như khi cấp")


class SlipFilter(Schema):
    dossier: int | None = Field(None, ge=1, le=MAX_ID, description="Mã nội bộ của hồ sơ")
    kind: SlipKind | None = None


class RegisterQuery(Schema):
    agency: int = Field(..., ge=1, le=MAX_ID, description="Cơ quan tiếp nhận")
    field: int = Field(..., ge=1, le=MAX_ID, description="Lĩnh vực (procedures.SectorField)")
    start: IsoDate
    end: IsoDate
    format: str = Field("pdf", pattern="^(pdf|xlsx)$")


def _visible(request, slip_id: int):
    slip = None
    if 1 <= slip_id <= MAX_ID:  # a huge id would overflow SQLite's integer: a 404, not a 500
        slip = queries.visible_slips(request.auth).select_related("dossier").filter(pk=slip_id).first()
    if slip is None:
        raise HttpError(404, "Không tìm thấy phiếu.")
    return slip


@router.get("/", auth=api_auth, response=list[SlipOut], summary="Các phiếu đã cấp mà người gọi được xem")
@paginate(BoundedLimitOffsetPagination)
def list_slips(request: HttpRequest, filters: Query[SlipFilter]):
    qs = queries.visible_slips(request.auth).order_by("-issued_at", "-id")
    if filters.dossier is not None:
        qs = qs.filter(dossier_id=filters.dossier)
    if filters.kind is not None:
        qs = qs.filter(kind=filters.kind)
    return qs


def _file(description: str, *media_types: str) -> dict:
    """The 200 of an operation that answers with a file rather than JSON (for the OpenAPI document)."""
    return {"responses": {200: {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}}}}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/register", auth=api_auth, response={400: Error, 403: Error, 404: Error},
            openapi_extra=_file("Sổ theo dõi hồ sơ", "application/pdf", XLSX),
            summary="Kết xuất Sổ theo dõi hồ sơ (BM.06) theo lĩnh vực: PDF hoặc Excel")
def register_export(request: HttpRequest, params: Query[RegisterQuery]):
    agency = queries.register_agencies(request.auth).filter(pk=params.agency).first()
    if agency is None:
        raise HttpError(403, "Bạn không có quyền kết xuất sổ theo dõi hồ sơ của cơ quan này.")
    field = queries.register_fields().filter(pk=params.field).first()
    if field is None:
        raise HttpError(404, "Không tìm thấy lĩnh vực.")
    message = queries.validate_range(params.start, params.end)
    if message:
        raise HttpError(400, message)
    spec = register.RegisterSpec(agency=agency, field=field, start=params.start, end=params.end)
    try:
        return register_file(spec, params.format, request.auth)
    except register.RegisterTooLarge as exc:
        raise HttpError(400, str(exc)) from None


@router.get("/{slip_id}", auth=api_auth, response={200: SlipDetailOut, 404: Error}, summary="Một phiếu")
def get_slip(request: HttpRequest, slip_id: int):
    return _visible(request, slip_id)


@router.get("/{slip_id}/pdf", auth=api_auth, response={404: Error}, openapi_extra=_file("Phiếu", "application/pdf"),
            summary="Bản PDF của phiếu")
def get_slip_pdf(request: HttpRequest, slip_id: int):
    slip = _visible(request, slip_id)
    return pdf_response(rendering.render_pdf(slip, request=request), slip_filename(slip))
