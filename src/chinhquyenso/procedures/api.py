"""Procedure catalogue API: public reads of the published catalogue; authenticated, scoped writes
for agency and system administrators (queries.manageable_procedures decides, in SQL)."""

import re
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.apischema import decimal_string
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from . import queries, services
from .models import CompetentLevel, OnlineLevel, ProcedureVersion, StepKind

router = Router(tags=["procedures"])

CODE_PATTERN = r"^[0-9A-Za-z.]{1,80}$"


class ProcedureComponentOut(Schema):
    order: int
    code: str
    name: str
    originals: int
    copies: int
    required: bool
    form_name: str
    form_url: str | None = None

    @staticmethod
    def resolve_form_url(obj) -> str | None:
        return obj.form_file.url if obj.form_file else None


class ProcedureFeeOut(Schema):
    order: int
    kind: str
    code: str
    name: str
    amount: Decimal = Field(description="Mức thu, đồng")
    note: str


class StepOut(Schema):
    order: int
    kind: StepKind
    name: str
    role: str
    department_name: str
    quarters: int = Field(description="Thời gian, phần tư ngày làm việc")
    agency_id: int | None
    agency_kind: str


class ProcedureOut(Schema):
    """A catalogue row: the version in force."""

    version_id: int
    code: str
    name: str
    province_code: str
    level: CompetentLevel
    sector_code: str
    field_code: str
    field_name: str
    competent_agency_id: int | None
    competent_agency_kind: str
    legal_time: Decimal
    time_unit: str
    online_level: OnlineLevel
    total_fee: Decimal

    @staticmethod
    def resolve_version_id(obj: ProcedureVersion) -> int:
        return obj.pk

    @staticmethod
    def resolve_code(obj: ProcedureVersion) -> str:
        return obj.procedure.code

    @staticmethod
    def resolve_province_code(obj: ProcedureVersion) -> str:
        return obj.province.code

    @staticmethod
    def resolve_sector_code(obj: ProcedureVersion) -> str:
        return obj.sector_field.sector.code

    @staticmethod
    def resolve_field_code(obj: ProcedureVersion) -> str:
        return obj.sector_field.code

    @staticmethod
    def resolve_field_name(obj: ProcedureVersion) -> str:
        return obj.sector_field.name


class VersionOut(ProcedureOut):
    """Everything a version says, with its components, fees and internal process."""

    number: int
    status: str
    published_at: datetime | None
    retired_at: datetime | None
    publishing_decision: str
    competent_agency_text: str
    legal_basis: str
    legal_time_text: str
    applicant_person: bool
    applicant_organization: bool
    applicant_text: str
    requirements: str
    steps_text: str
    result_name: str
    result_paper: bool
    result_electronic: bool
    accepts_in_person: bool
    accepts_postal: bool
    change_note: str
    components: list[ProcedureComponentOut]
    fees: list[ProcedureFeeOut]
    steps: list[StepOut]


class CatalogueFilter(Schema):
    province: str = Field("", pattern=r"^(\d{2})?$", description="Mã tỉnh, 2 chữ số")
    level: CompetentLevel | None = None
    sector: str = Field("", max_length=32)
    field: str = Field("", max_length=32)
    online_level: OnlineLevel | None = None
    agency_id: int | None = Field(None, ge=1, le=2**31 - 1)
    q: str = Field("", max_length=100, description="Tên (gõ có dấu hoặc không dấu) hoặc mã thủ tục")


@router.get("/", response=list[ProcedureOut], summary="Danh mục thủ tục đã công bố (công khai)")
@paginate(BoundedLimitOffsetPagination)
def list_procedures(request, filters: Query[CatalogueFilter]):
    return queries.catalogue(
        province_code=filters.province, level=filters.level or "", sector=filters.sector, field=filters.field,
        online_level=filters.online_level or "", agency_id=filters.agency_id, q=filters.q,
    )


@router.get("/versions/{int:version_id}", response=VersionOut, summary="Một phiên bản đã công bố hoặc đã thay thế")
def get_version(request, version_id: int):
    """Published and retired versions are public (a dossier shows the version it was filed under);
    drafts only through the authenticated management endpoints."""
    if version_id > 2**31 - 1:
        raise HttpError(404, "Không có phiên bản này.")
    versions = queries.with_parts(ProcedureVersion.objects.exclude(status="draft"), steps=True)
    return get_object_or_404(versions, pk=version_id)


class DetailQuery(Schema):
    province: str = Field("", pattern=r"^(\d{2})?$", description="Mã tỉnh, 2 chữ số")


@router.get("/{code}", response=VersionOut, summary="Thủ tục theo mã (phiên bản hiện hành)")
def get_procedure(request, code: str, params: Query[DetailQuery]):
    if not re.match(CODE_PATTERN, code):
        raise HttpError(404, "Không có thủ tục này.")
    version = queries.find_published(code, params.province)
    if version is None:
        raise HttpError(404, "Không có thủ tục này trong danh mục đã công bố.")
    return version


# ---------------------------------------------------------------------------------------------
# Management (authenticated, scoped)
# ---------------------------------------------------------------------------------------------

class ComponentIn(Schema):
    order: int = Field(0, ge=0, le=1000)
    code: str = Field("", max_length=64)
    name: str = Field(..., min_length=1, max_length=1000)
    originals: int = Field(0, ge=0, le=100)
    copies: int = Field(0, ge=0, le=100)
    required: bool = True
    form_name: str = Field("", max_length=255)
    note: str = Field("", max_length=5000)


class FeeIn(Schema):
    order: int = Field(0, ge=0, le=1000)
    kind: str = Field("le_phi", max_length=8)
    code: str = Field("", max_length=64)
    name: str = Field(..., min_length=1, max_length=500)
    amount: Decimal = Field(..., ge=0, le=Decimal("99999999999999"), decimal_places=0,
                            json_schema_extra=decimal_string(r"^[0-9]{1,14}$", type="integer"))
    note: str = Field("", max_length=1000)


class StepIn(Schema):
    order: int = Field(0, ge=0, le=1000)
    kind: StepKind
    name: str = Field(..., min_length=1, max_length=500)
    role: str = Field(..., max_length=32)
    department_name: str = Field("", max_length=255)
    quarters: int = Field(..., ge=0, le=100000)
    agency_id: int | None = Field(None, ge=1, le=2**31 - 1)
    agency_kind: str = Field("", max_length=20)


class VersionDraftIn(Schema):
    """Fields to change on a draft; parts, when given, replace the draft's parts wholesale."""

    name: str | None = Field(None, max_length=500)
    legal_time: Decimal | None = Field(None, gt=0, le=9999,
                                       json_schema_extra=decimal_string(r"^[1-9][0-9]{0,2}(\.[0-9]{1,2})?$"))
    time_unit: str | None = Field(None, max_length=16)
    legal_time_text: str | None = Field(None, max_length=500)
    online_level: OnlineLevel | None = None
    result_name: str | None = Field(None, max_length=500)
    requirements: str | None = Field(None, max_length=10000)
    legal_basis: str | None = Field(None, max_length=10000)
    change_note: str | None = Field(None, max_length=5000)
    components: list[ComponentIn] | None = Field(None, max_length=100)
    fees: list[FeeIn] | None = Field(None, max_length=50)
    steps: list[StepIn] | None = Field(None, max_length=50)


class PublishIn(Schema):
    decision: str = Field("", max_length=255)


class NewVersionIn(Schema):
    change_note: str = Field("", max_length=5000)


class ManagedVersionOut(Schema):
    id: int
    procedure_id: int
    code: str
    number: int
    status: str
    name: str

    @staticmethod
    def resolve_code(obj: ProcedureVersion) -> str:
        return obj.procedure.code


# Refusals that come from the version's state, not from the data sent: the same request may succeed
# once the state changes, so they are conflicts (as in the other apps' workflows), not bad input.
STATE_CONFLICTS = {"frozen", "not_draft", "draft_exists"}


def _error(exc: ValidationError):
    if not hasattr(exc, "error_dict") and {e.code for e in exc.error_list} <= STATE_CONFLICTS:
        return Status(409, {"detail": " ".join(exc.messages)})
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, ms in exc.message_dict.items() for m in ms]
    else:
        errors = [{"message": m} for m in exc.messages]
    return Status(422, {"detail": "Dữ liệu không hợp lệ.", "errors": errors})


def _refuse_nul(payload: Schema) -> None:
    """PostgreSQL text cannot hold NUL: saving it was a DataError (500). Refused, as the pages' forms do."""
    if _has_nul(payload.dict()):
        raise HttpError(422, "Dữ liệu gửi lên chứa ký tự không hợp lệ.")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def _managed_version(request, version_id: int) -> ProcedureVersion:
    if version_id > 2**31 - 1:
        raise HttpError(404, "Không có phiên bản này.")
    version = queries.manageable_versions(request.auth).select_related("procedure", "province").filter(
        pk=version_id).first()
    if version is None:
        raise HttpError(404, "Không có phiên bản này hoặc bạn không quản lý thủ tục này.")
    return version


class ProcedureErrorOut(Schema):
    detail: str
    errors: list[dict] = []


MANAGE_ERRORS = {404: ProcedureErrorOut, 409: ProcedureErrorOut, 422: ProcedureErrorOut}


@router.get("/manage/versions/{int:version_id}", response={200: VersionOut, 404: ProcedureErrorOut}, auth=api_auth,
            summary="Phiên bản (kể cả bản nháp) của thủ tục mình quản lý")
def managed_version(request, version_id: int):
    version = _managed_version(request, version_id)
    return queries.with_parts(ProcedureVersion.objects.filter(pk=version.pk), steps=True).get()


@router.patch("/manage/versions/{int:version_id}", response={200: ManagedVersionOut, **MANAGE_ERRORS},
              auth=api_auth, summary="Sửa bản nháp")
def update_version(request, version_id: int, payload: VersionDraftIn):
    version = _managed_version(request, version_id)
    _refuse_nul(payload)
    data = payload.dict(exclude_unset=True)
    for key in ("components", "fees", "steps"):
        if data.get(key) is not None:
            data[key] = [dict(row) for row in data[key]]
    if data.get("steps"):
        ids = {row["agency_id"] for row in data["steps"] if row.get("agency_id")}
        agencies = {a.pk: a for a in Agency.objects.filter(pk__in=ids, province_id=version.province_id)}
        for row in data["steps"]:
            agency_id = row.pop("agency_id", None)
            if agency_id and agency_id not in agencies:
                return Status(422, {"detail": "Dữ liệu không hợp lệ.", "errors": [
                    {"field": "steps", "message": f"Không có cơ quan {agency_id} trong tỉnh."}]})
            row["agency"] = agencies.get(agency_id)
    for key, value in list(data.items()):
        if value is None:
            del data[key]
    try:
        return services.update_draft(version, **data)
    except ValidationError as exc:
        return _error(exc)


@router.post("/manage/versions/{int:version_id}/publish", response={200: ManagedVersionOut, **MANAGE_ERRORS},
             auth=api_auth, summary="Công bố bản nháp")
def publish_version(request, version_id: int, payload: PublishIn):
    version = _managed_version(request, version_id)
    _refuse_nul(payload)
    try:
        return services.publish(version, decision=payload.decision)
    except ValidationError as exc:
        return _error(exc)


@router.post("/manage/procedures/{int:procedure_id}/versions", response={201: ManagedVersionOut, **MANAGE_ERRORS},
             auth=api_auth, summary="Tạo phiên bản mới (bản nháp) từ phiên bản hiện hành")
def create_version(request, procedure_id: int, payload: NewVersionIn):
    if procedure_id > 2**31 - 1:
        raise HttpError(404, "Không có thủ tục này.")
    procedure = queries.manageable_procedures(request.auth).filter(pk=procedure_id).first()
    if procedure is None:
        raise HttpError(404, "Không có thủ tục này hoặc bạn không quản lý thủ tục này.")
    _refuse_nul(payload)
    try:
        return Status(201, services.new_version(procedure, change_note=payload.change_note))
    except ValidationError as exc:
        return _error(exc)
