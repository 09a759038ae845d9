"""/api/v1/dossiers/national-portal/ — sync status, the payload a dossier would be sent as, and a
retry, for officers in scope (national.queries). Errors: {"detail": "<Vietnamese message>"}."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination
from chinhquyenso.core.text import mask

from . import payload as payloads
from . import queries, services

router = Router()
MAX_ID = 2**62


class Error(Schema):
    detail: str


class SyncStatusOut(Schema):
    id: int
    code: str | None
    sync_state: str
    sync_version: int
    synced_version: int
    synced_at: datetime.datetime | None
    sync_attempts: int
    sync_error: str
    applicant_name: str

    @staticmethod
    def resolve_applicant_name(obj) -> str:
        return mask(obj.applicant_name, 2, 3)


class SummaryOut(Schema):
    failed: int
    pending: int
    synced: int


def _in_scope(request, dossier_id: int):
    d = queries.in_scope(request.auth).filter(pk=dossier_id).first() if 1 <= dossier_id <= MAX_ID else None
    if d is None:
        raise HttpError(404, "Không tìm thấy hồ sơ.")
    return d


@router.get("/summary", auth=api_auth, response=SummaryOut, summary="Số hồ sơ lỗi, chờ gửi, đã đồng bộ")
def summary(request: HttpRequest):
    return queries.summary(request.auth)


@router.get("/failures", auth=api_auth, response=list[SyncStatusOut], summary="Hồ sơ đồng bộ lỗi")
@paginate(BoundedLimitOffsetPagination)
def failures(request: HttpRequest):
    return queries.failures(request.auth)


@router.get("/{dossier_id}/payload", auth=api_auth, response={200: dict, 400: Error, 404: Error},
            summary="Gói dữ liệu DVCQG (HoSo + tienTrinhDongBo) của hồ sơ")
def payload(request: HttpRequest, dossier_id: int):
    d = _in_scope(request, dossier_id)
    try:
        return payloads.build(payloads.related(type(d).objects.filter(pk=d.pk)).get())
    except payloads.NotSyncable as exc:
        raise HttpError(400, str(exc)) from None


@router.post("/{dossier_id}/retry", auth=api_auth, response={200: SyncStatusOut, 400: Error, 404: Error},
             summary="Gửi lại hồ sơ đồng bộ lỗi")
def retry(request: HttpRequest, dossier_id: int):
    d = _in_scope(request, dossier_id)
    try:
        return services.retry(d, actor=request.auth)
    except ValueError as exc:
        raise HttpError(400, str(exc)) from None
