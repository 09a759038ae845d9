"""/api/v1/dossiers/ — dossiers as JSON, scoped by the caller's rights (queries.py), every write
through services. Errors: {"detail": "<Vietnamese message>"} with 400/403/404/409."""

import datetime
import json
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Header, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record_personal_data_view
from chinhquyenso.core.apischema import IsoDate
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination
from chinhquyenso.core.text import mask

from . import queries, services
from .models import Dossier
from .national.api import router as national_router
from .slips.api import router as slips_router
from .views.citizen import LOOKUPS_PER_10_MIN
from .views.common import rate_limited
from .workflow import Channel, Status

router = Router(tags=["dossiers"])
router.add_router("/slips/", slips_router, tags=["dossier slips"])
router.add_router("/national-portal/", national_router, tags=["national portal sync"])


class Error(Schema):
    detail: str


ERRORS = {400: Error, 403: Error, 404: Error, 409: Error}


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except services.DossierError as err:
        raise HttpError(err.status, err.text) from None


def _visible(request, dossier_id: int) -> Dossier:
    dossier = queries.detail(queries.for_user(request.auth).filter(pk=dossier_id)).first()
    if dossier is None:
        raise HttpError(404, "Không tìm thấy hồ sơ.")
    return dossier


# --- schemas ---------------------------------------------------------------------------------

class DossierListOut(Schema):
    id: int
    code: str | None
    status: int
    status_label: str
    channel: int
    procedure_name: str
    applicant_name: str
    applicant_phone: str = Field(description="Đã che một phần")
    reception_agency: str
    current_agency: str
    current_role: str
    submitted_at: datetime.datetime | None
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    is_overdue: bool = False
    is_due_soon: bool = False

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(Status(obj.status).label)

    @staticmethod
    def resolve_procedure_name(obj) -> str:
        return obj.procedure_version.name

    @staticmethod
    def resolve_applicant_phone(obj) -> str:
        return mask(obj.applicant_phone)

    @staticmethod
    def resolve_reception_agency(obj) -> str:
        return obj.reception_agency.name

    @staticmethod
    def resolve_current_agency(obj) -> str:
        return obj.current_agency.name


class LogOut(Schema):
    seq: int
    action: str
    status_before: int | None
    status_after: int
    actor_name: str
    actor_role: str
    agency: str
    receiver_name: str
    receiver_role: str
    content: str
    started_at: datetime.datetime
    due_at: datetime.datetime | None

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name


class DossierComponentOut(Schema):
    id: int
    spec_id: int | None
    name: str
    originals: int
    copies: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    digitized: bool
    reused: bool
    from_personal_store: bool
    is_deleted: bool


class DossierFeeOut(Schema):
    kind: str
    name: str
    amount: int
    status: str
    method: str


class ResultOut(Schema):
    name: str
    code: str
    number_symbol: str
    electronic: bool
    issued_at: datetime.datetime | None


class SupplementOut(Schema):
    requested_at: datetime.datetime
    items: list[str]
    reason: str
    respond_by: datetime.datetime
    completed_at: datetime.datetime | None


class ActionOut(Schema):
    action: str
    label: str
    requires: list[str]


class DossierDetailOut(DossierListOut):
    procedure_version_id: int
    resolving_agency: str
    legal_time: float
    time_unit: str
    fee_total: int
    applicant_kind: str
    applicant_id_number: str
    applicant_address: str
    applicant_email: str
    representative_name: str
    subject: str
    result_delivery: str
    counting_started_at: datetime.datetime | None
    original_due_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    supplement_count: int
    extended: bool
    rating: int | None
    sync_state: str
    sync_version: int
    log: list[LogOut]
    components: list[DossierComponentOut]
    fees: list[DossierFeeOut]
    results: list[ResultOut]
    supplements: list[SupplementOut]

    @staticmethod
    def resolve_applicant_phone(obj) -> str:
        return obj.applicant_phone

    @staticmethod
    def resolve_resolving_agency(obj) -> str:
        return obj.resolving_agency.name

    @staticmethod
    def resolve_log(obj):
        return list(obj.log.all())

    @staticmethod
    def resolve_components(obj):
        return list(obj.components.all())

    @staticmethod
    def resolve_fees(obj):
        return list(obj.fees.all())

    @staticmethod
    def resolve_results(obj):
        return list(obj.results.all())

    @staticmethod
    def resolve_supplements(obj):
        return list(obj.supplements.all())


class DossierListFilter(Schema):
    q: str = Field("", max_length=100, description="Mã hồ sơ hoặc tên người nộp (không dấu cũng được)")
    status: int | None = Field(None, ge=0, le=10)
    channel: int | None = Field(None, ge=1, le=3)
    procedure: int | None = Field(None, ge=1, le=2**31 - 1)
    queue: str = Field("", max_length=32, description="tiep-nhan, chuyen-xu-ly, xu-ly, phe-duyet, tra-ket-qua, cho-bo-sung")
    received_from: IsoDate | None = None
    received_to: IsoDate | None = None
    overdue: bool | None = None
    due_soon: bool | None = None


class LookupOut(Schema):
    code: str
    procedure_name: str
    status: int
    status_label: str
    channel: int
    applicant_name: str
    reception_agency: str
    current_agency: str
    submitted_at: datetime.datetime | None
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    returned_at: datetime.datetime | None


class ApplicantIn(Schema):
    kind: str = "person"
    name: str = Field("", max_length=255)
    id_number: str = Field("", max_length=32)
    birth_date: IsoDate | None = None
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    representative_name: str = Field("", max_length=255)
    representative_id_number: str = Field("", max_length=32)
    representative_phone: str = Field("", max_length=20)
    representative_relation: str = Field("", max_length=255)
    subject: str = Field("", max_length=5000)
    sets_count: int = Field(1, ge=1, le=99)


class DossierDraftIn(Schema):
    procedure_version_id: int = Field(..., ge=1, le=2**31 - 1)
    resolving_agency_id: int | None = Field(None, ge=1, le=2**31 - 1)
    applicant: ApplicantIn | None = None
    result_delivery: str = "online"
    delivery_address: str = Field("", max_length=500)


class DraftUpdateIn(Schema):
    applicant: ApplicantIn | None = None
    form_data: dict[str, Any] | None = None
    result_delivery: str | None = None
    delivery_address: str | None = Field(None, max_length=500)


class CounterComponentIn(Schema):
    spec_id: int | None = Field(None, ge=1, le=2**31 - 1)
    name: str = Field("", max_length=1000)
    originals: int = Field(0, ge=0, le=99)
    copies: int = Field(0, ge=0, le=99)
    reused: bool = False
    from_personal_store: bool = False


class CounterIn(Schema):
    reception_agency_id: int = Field(..., ge=1, le=2**31 - 1)
    procedure_version_id: int = Field(..., ge=1, le=2**31 - 1)
    resolving_agency_id: int | None = Field(None, ge=1, le=2**31 - 1)
    channel: int = Field(Channel.IN_PERSON, ge=1, le=3)
    result_delivery: str = "counter"
    delivery_address: str = Field("", max_length=500)
    applicant: ApplicantIn
    components: list[CounterComponentIn]


def _one(qs):
    """The row of a lookup by key, or None (first() would also compile an ORDER BY)."""
    return next(iter(qs.order_by()[:1]), None)


def _agency(pk: int | None, related: tuple[str, ...] = ()) -> Agency | None:
    if pk is None:
        return None
    qs = Agency.objects.filter(pk=pk, is_active=True)
    agency = _one(qs.select_related(*related) if related else qs)
    if agency is None:
        raise HttpError(400, "Không tìm thấy cơ quan.")
    return agency


def _as_read(obj):
    """Instants as the database gives them back (UTC): the deadlines are computed in Vietnam time,
    and the answer must not depend on whether the row was read or just written."""
    for field in obj._meta.concrete_fields:
        value = obj.__dict__.get(field.attname)
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            obj.__dict__[field.attname] = value.astimezone(datetime.UTC)
    return obj


def _as_prefetched(dossier: Dossier, rows: dict[str, list]) -> Dossier:
    """`dossier` with its related rows in place as queries.detail's prefetch leaves them."""
    cache = dossier.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objs in rows.items():
        qs = getattr(dossier, name).all()
        qs._result_cache, qs._prefetch_done = [_as_read(o) for o in objs], True
        cache[name] = qs
    return _as_read(dossier)


def _actions(dossier, user) -> list[dict]:
    return [{"action": t.action, "label": str(t.label), "requires": list(t.requires)}
            for t in queries.available_actions(dossier, user)]


# --- endpoints -------------------------------------------------------------------------------

@router.get("/lookup", response={200: LookupOut, 404: Error, 429: Error},
            summary="Tra cứu hồ sơ bằng mã hồ sơ và số điện thoại")
def lookup(request: HttpRequest, code: str = Query(..., max_length=64), phone: str = Query(..., max_length=20)):
    # The same budget per client address as the lookup page (one bucket for both).
    if rate_limited(request, "dossier-lookup", LOOKUPS_PER_10_MIN):
        return Reply(429, {"detail": "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."})
    found = queries.public_lookup(code, phone)
    if found is None:
        return Reply(404, {"detail": "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập."})
    return found


@router.get("/", response=list[DossierListOut], auth=api_auth,
            summary="Danh sách hồ sơ (cán bộ: trong phạm vi được xem; công dân: hồ sơ của mình)")
@paginate(BoundedLimitOffsetPagination)
def list_dossiers(request: HttpRequest, filters: Query[DossierListFilter]):
    user = request.auth
    qs = queries.queue(user, filters.queue) if filters.queue else queries.for_user(user)
    qs = queries.annotate_deadlines(queries.with_list_related(qs))
    return queries.search(qs, q=filters.q, status=filters.status, channel=filters.channel,
                          procedure=filters.procedure, received_from=filters.received_from,
                          received_to=filters.received_to, overdue=filters.overdue,
                          due_soon=filters.due_soon).order_by("-received_at", "-id")


@router.get("/{int:dossier_id}", response={200: DossierDetailOut, 404: Error}, auth=api_auth,
            summary="Chi tiết hồ sơ: quá trình xử lý, giấy tờ, phí, kết quả")
def get_dossier(request: HttpRequest, dossier_id: int):
    dossier = _visible(request, dossier_id)
    if dossier.applicant_user_id != request.auth.pk:  # an official reading the full identity: logged (Luật BVDLCN 91/2025)
        shown = [f for f in ("applicant_id_number", "applicant_phone") if getattr(dossier, f)]
        if shown:
            record_personal_data_view(dossier, shown, actor=request.auth)
    return dossier


@router.get("/{int:dossier_id}/actions", response={200: list[ActionOut], 404: Error}, auth=api_auth,
            summary="Các thao tác người dùng hiện tại được thực hiện")
def list_actions(request: HttpRequest, dossier_id: int):
    return _actions(_visible(request, dossier_id), request.auth)


@router.post("/drafts", response={201: DossierDetailOut, **ERRORS}, auth=api_auth, summary="Tạo bản nháp hồ sơ trực tuyến")
def create_draft(request: HttpRequest, body: DossierDraftIn):
    from chinhquyenso.procedures.models import ProcedureVersion

    version = ProcedureVersion.objects.filter(pk=body.procedure_version_id).first()
    if version is None:
        raise HttpError(400, "Thủ tục không tồn tại hoặc chưa được công bố.")
    d = _call(services.start_draft, user=request.auth, procedure_version=version,
              resolving_agency=_agency(body.resolving_agency_id),
              applicant=body.applicant.dict(exclude_unset=True) if body.applicant else None,
              result_delivery=body.result_delivery, delivery_address=body.delivery_address)
    return Reply(201, _visible(request, d.pk))


@router.patch("/{int:dossier_id}/draft", response={200: DossierDetailOut, **ERRORS}, auth=api_auth,
              summary="Lưu bản nháp")
def update_draft(request: HttpRequest, dossier_id: int, body: DraftUpdateIn):
    d = _visible(request, dossier_id)
    _call(services.save_draft, d, user=request.auth,
          applicant=body.applicant.dict(exclude_unset=True) if body.applicant else None, form_data=body.form_data,
          result_delivery=body.result_delivery, delivery_address=body.delivery_address)
    return _visible(request, dossier_id)


@router.post("/{int:dossier_id}/components", response={201: DossierComponentOut, **ERRORS}, auth=api_auth,
             summary="Tải lên giấy tờ (PDF, JPEG, PNG)")
def upload_component(request: HttpRequest, dossier_id: int, file: File[UploadedFile],
                     spec_id: int | None = Form(None, ge=1, le=2**31 - 1), name: str = Form("", max_length=1000),
                     digitized: bool = Form(False), reused: bool = Form(False),
                     from_personal_store: bool = Form(False)):
    d = _visible(request, dossier_id)
    component = _call(services.attach_component, d, actor=request.auth, spec=spec_id, uploaded_file=file, name=name,
                      digitized=digitized, reused=reused, from_personal_store=from_personal_store)
    return Reply(201, component)


@router.post("/{int:dossier_id}/submit", response={200: DossierDetailOut, **ERRORS}, auth=api_auth,
             summary="Nộp hồ sơ (Idempotency-Key: gửi lại cùng khóa trả về cùng hồ sơ)")
def submit(request: HttpRequest, dossier_id: int,
           idempotency_key: str = Header("", alias="Idempotency-Key", max_length=128)):
    d = _visible(request, dossier_id)
    d = _call(services.submit, d, user=request.auth, idempotency_key=idempotency_key)
    return _visible(request, d.pk)


@router.post("/counter", response={201: DossierDetailOut, **ERRORS}, auth=api_auth,
             summary="Tiếp nhận hồ sơ trực tiếp tại Bộ phận một cửa")
def receive_at_counter(request: HttpRequest, body: CounterIn,
                       idempotency_key: str = Header("", alias="Idempotency-Key", max_length=128)):
    from chinhquyenso.procedures.models import ProcedureVersion

    # With what the receipt and the audit entry read (procedure, field, province; the centre's
    # parent and place), in the same two queries.
    version = _one(ProcedureVersion.objects.select_related("procedure", "sector_field", "province")
                   .filter(pk=body.procedure_version_id))
    if version is None:
        raise HttpError(400, "Thủ tục không tồn tại hoặc chưa được công bố.")
    reception = _agency(body.reception_agency_id, related=("parent", "unit"))
    components = [{"spec": c.spec_id, "name": c.name, "originals": c.originals, "copies": c.copies,
                   "reused": c.reused, "from_personal_store": c.from_personal_store} for c in body.components]
    d = _call(services.receive_at_counter, officer=request.auth, reception_agency=reception, procedure_version=version,
              applicant=body.applicant.dict(exclude_unset=True), components=components,
              resolving_agency=_agency(body.resolving_agency_id), channel=body.channel,
              result_delivery=body.result_delivery, delivery_address=body.delivery_address,
              idempotency_key=idempotency_key)
    rows = getattr(d, "reception_rows", None)
    if rows is not None:  # a new dossier: answer with the rows its reception wrote, not a read back
        return Reply(201, _as_prefetched(d, rows))
    # A retry with the same Idempotency-Key: the dossier received the first time. The service has
    # authorised this officer at the reception agency: read it by key, without the scope subquery.
    return Reply(201, queries.detail(Dossier.objects.filter(pk=d.pk)).get())


@router.post("/{int:dossier_id}/actions/{action}", response={200: DossierDetailOut, **ERRORS}, auth=api_auth,
             summary="Thực hiện một thao tác trên hồ sơ (bảng chuyển trạng thái)")
def perform_action(request: HttpRequest, dossier_id: int, action: str):
    """Body: a JSON object with the fields the action requires (see GET …/actions), e.g.
    {"reason": "..."}; {"items": [...], "reason": "..."}; {"new_due_at": "2026-03-10", "reason": "..."}."""
    d = _visible(request, dossier_id)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        raise HttpError(400, "Dữ liệu gửi lên không phải JSON hợp lệ.") from None
    if not isinstance(payload, dict):
        raise HttpError(400, "Dữ liệu gửi lên phải là một đối tượng JSON.")
    payload = {str(k): v for k, v in payload.items() if k not in ("actor", "at", "action", "dossier_id")}
    _call(services.perform, d.pk, action[:32], actor=request.auth, **payload)
    return _visible(request, dossier_id)
