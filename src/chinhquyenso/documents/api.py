"""JSON API of documents (/api/v1/documents/). Everything needs authentication and is scoped by
queries.visible_documents; writes call services/outgoing."""

import base64
import binascii
import datetime

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.accounts.models import User
from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.apischema import ApiError, IsoDate, inline_choices
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from . import outgoing, services
from .models import Authority, Direction, Document, DocumentType, Secrecy, Status, Urgency
from .queries import Filters, documents, timeline, visible_documents
from .workflow import TRANSITIONS

router = Router(tags=["documents"])
DocumentStatus = inline_choices(Status, "DocumentStatus")
DocumentUrgency = inline_choices(Urgency, "DocumentUrgency")


class DocumentOut(Schema):
    id: int
    direction: str
    status: str
    status_label: str
    doc_type: str
    number_symbol: str
    register_number: int | None
    subject: str
    agency_id: int
    issuing_agency_name: str
    issued_on: datetime.date | None
    urgency: str
    secrecy: str
    received_at: datetime.datetime | None
    processing_deadline: datetime.datetime | None
    lead_unit_id: int | None

    @staticmethod
    def resolve_status_label(obj: Document) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_doc_type(obj: Document) -> str:
        return obj.doc_type.code


class FileOut(Schema):
    id: int
    role: str
    name: str
    size: int
    sha256: str
    pages: int
    signed: str


class DocumentEventOut(Schema):
    at: datetime.datetime
    actor_name: str
    action: str
    from_status: str
    to_status: str
    note: str


class RecipientOut(Schema):
    id: int
    kind: str
    name: str
    code: str
    state: str
    state_at: datetime.datetime | None


class DocumentDetailOut(DocumentOut):
    signer_name: str
    signer_title: str
    authority: str
    place: str
    registration_due: datetime.datetime | None
    files: list[FileOut]
    events: list[DocumentEventOut]
    recipients: list[RecipientOut]
    coordinating_unit_ids: list[int]
    allowed_actions: list[str]

    @staticmethod
    def resolve_files(obj: Document):
        return list(obj.files.all())

    @staticmethod
    def resolve_events(obj: Document):
        return list(timeline(obj))

    @staticmethod
    def resolve_recipients(obj: Document):
        return list(obj.recipients.all())

    @staticmethod
    def resolve_coordinating_unit_ids(obj: Document):
        return list(obj.coordinating_units.values_list("pk", flat=True))


class DocumentFilter(Schema):
    direction: Direction | None = None
    q: str = Field("", max_length=200)
    status: DocumentStatus | None = None
    doc_type: str = Field("", max_length=40)
    urgency: DocumentUrgency | None = None
    year: int | None = Field(None, ge=2000, le=2100)
    overdue: bool = False


class FileIn(Schema):
    name: str = Field(..., max_length=200)
    content_base64: str = Field(..., description="Nội dung tệp PDF, mã hóa base64")


class IncomingIn(Schema):
    agency_id: int
    doc_type: str = Field(..., max_length=40)
    subject: str = Field(..., max_length=2000)
    issuing_agency_name: str = Field(..., max_length=255)
    number_symbol: str = Field("", max_length=60)
    issued_on: IsoDate | None = None
    signer_name: str = Field("", max_length=150)
    urgency: DocumentUrgency = Urgency.NORMAL
    secrecy: Secrecy = Secrecy.NONE
    forward_to_id: int | None = None
    file: FileIn | None = None
    attachments: list[FileIn] = Field([], max_length=20)


class RecipientIn(Schema):
    agency_id: int | None = None
    name: str = Field("", max_length=255)
    code: str = Field("", max_length=64)


class OutgoingDraftIn(Schema):
    agency_id: int
    doc_type: str = Field(..., max_length=40)
    subject: str = Field(..., max_length=2000)
    drafting_unit_symbol: str = Field("", max_length=20)
    signer_title: str = Field("", max_length=150)
    authority: Authority = Authority.NONE
    urgency: DocumentUrgency = Urgency.NORMAL
    secrecy: Secrecy = Secrecy.NONE
    recipients: list[RecipientIn] = Field([], max_length=200)
    recipients_text: str = Field("", max_length=2000)
    file: FileIn
    attachments: list[FileIn] = Field([], max_length=20)


class DocumentActionIn(Schema):
    note: str = Field("", max_length=4000)
    lead_unit_id: int | None = None
    coordinating_unit_ids: list[int] = Field([], max_length=50)
    handler_id: int | None = None
    deadline_days: int | None = Field(None, ge=1, le=365)
    forward_to_id: int | None = None


def _decode(f: FileIn | None):
    if f is None:
        return []
    try:
        data = base64.b64decode(f.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise HttpError(422, f"Tệp “{f.name}” không phải base64 hợp lệ.") from None
    from django.core.files.base import ContentFile

    return [ContentFile(data, name=f.name)]


def _type(code: str) -> DocumentType:
    # NUL in a lookup is a DataError on PostgreSQL; no code holds one.
    t = DocumentType.objects.filter(code=code, is_active=True).first() if "\x00" not in code else None
    if t is None:
        raise HttpError(422, "Loại văn bản không tồn tại.")
    return t


def _user(pk: int | None):
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise HttpError(422, "Người nhận trình không tồn tại.")
    return user


RUN_ERRORS = {403: ApiError, 422: ApiError}


def _run(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from None


def _detail(request, doc: Document) -> Document:
    doc = Document.objects.select_related("doc_type").get(pk=doc.pk)
    doc.allowed_actions = [t.name for t in services.allowed_transitions(request.auth, doc)]
    return doc


@router.get("/", response=list[DocumentOut], auth=api_auth, summary="Danh sách văn bản được phép xem")
@paginate(BoundedLimitOffsetPagination)
def list_documents(request, filters: Query[DocumentFilter]):
    f = Filters(direction=filters.direction or "", q=filters.q, status=filters.status or "",
                doc_type=filters.doc_type, urgency=filters.urgency or "", year=filters.year, overdue=filters.overdue)
    return documents(request.auth, f).order_by("-created_at", "-pk")


@router.get("/{int:document_id}", response=DocumentDetailOut, auth=api_auth, summary="Chi tiết một văn bản")
def get_document(request, document_id: int):
    doc = get_object_or_404(visible_documents(request.auth), pk=document_id)
    return _detail(request, doc)


@router.post("/incoming", response={201: DocumentDetailOut, **RUN_ERRORS}, auth=api_auth, summary="Vào sổ văn bản đến")
def create_incoming(request, payload: IncomingIn):
    from chinhquyenso.accounts.models import Role
    from chinhquyenso.accounts.queries import visible_agencies

    agency = visible_agencies(request.auth, [Role.DOCUMENT_CLERK]).filter(pk=payload.agency_id).first()
    if agency is None:
        raise HttpError(403, "Bạn không phải văn thư của cơ quan này.")
    doc = _run(services.register_incoming, agency=agency, doc_type=_type(payload.doc_type), subject=payload.subject,
               issuing_agency_name=payload.issuing_agency_name, number_symbol=payload.number_symbol,
               issued_on=payload.issued_on, signer_name=payload.signer_name, urgency=payload.urgency,
               secrecy=payload.secrecy, files=_decode(payload.file),
               attachments=[c for f in payload.attachments for c in _decode(f)], actor=request.auth,
               forward_to=_user(payload.forward_to_id))
    return Reply(201, _detail(request, doc))


@router.post("/outgoing", response={201: DocumentDetailOut, **RUN_ERRORS}, auth=api_auth, summary="Tạo dự thảo văn bản đi")
def create_outgoing(request, payload: OutgoingDraftIn):
    agency = Agency.objects.filter(pk=payload.agency_id).first()
    if agency is None:
        raise HttpError(422, "Cơ quan ban hành không tồn tại.")
    recipients = []
    for r in payload.recipients:
        if r.agency_id is not None:
            target = Agency.objects.filter(pk=r.agency_id).first()
            if target is None:
                raise HttpError(422, "Nơi nhận không tồn tại.")
            recipients.append({"agency": target})
        else:
            recipients.append({"name": r.name, "code": r.code})
    doc = _run(outgoing.create_draft, agency=agency, doc_type=_type(payload.doc_type), subject=payload.subject,
               actor=request.auth, drafting_unit_symbol=payload.drafting_unit_symbol,
               signer_title=payload.signer_title, authority=payload.authority, urgency=payload.urgency,
               secrecy=payload.secrecy, recipients=recipients, recipients_text=payload.recipients_text,
               files=_decode(payload.file), attachments=[c for f in payload.attachments for c in _decode(f)])
    return Reply(201, _detail(request, doc))


@router.post("/{int:document_id}/actions/{action}", response={200: DocumentDetailOut, **RUN_ERRORS}, auth=api_auth,
             summary="Thực hiện một bước xử lý (register, refuse, assign, start, complete, submit, check, return, "
                     "approve, sign, issue, distribute)")
def perform_action(request, document_id: int, action: str, payload: DocumentActionIn):
    doc = get_object_or_404(visible_documents(request.auth), pk=document_id)
    if action not in TRANSITIONS:
        raise HttpError(404, "Không có thao tác này.")
    units = {a.pk: a for a in Agency.objects.filter(pk__in=[*payload.coordinating_unit_ids, payload.lead_unit_id or 0])}
    inputs = {
        "note": payload.note, "deadline_days": payload.deadline_days, "forward_to": _user(payload.forward_to_id),
        "handler": _user(payload.handler_id), "lead_unit": units.get(payload.lead_unit_id),
        "coordinating_units": [units[i] for i in payload.coordinating_unit_ids if i in units],
    }
    doc = _run(outgoing.perform, doc, action, actor=request.auth, **inputs)
    return _detail(request, doc)
