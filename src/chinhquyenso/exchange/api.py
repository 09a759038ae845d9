"""JSON API of the exchange (mounted at /api/v1/exchange/): the clerk's outbox/inbox, message
detail and retry, scoped to the agencies the user may see (queries.messages_for)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.core.apischema import ApiError
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination

from . import queries, services
from .models import Message

router = Router(tags=["exchange"])


class MessageOut(Schema):
    id: int
    uuid: str
    direction: str
    kind: str
    status: str
    status_label: str
    agency_id: int
    peer_organ_id: str
    peer_name: str
    document_ref: str
    code: str
    subject: str
    status_code: str
    remote_status: str
    remote_status_label: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    acknowledged_at: datetime | None

    @staticmethod
    def resolve_uuid(obj: Message) -> str:
        return str(obj.uuid)

    @staticmethod
    def resolve_status_label(obj: Message) -> str:
        return str(obj.get_status_display())


class MessageEventOut(Schema):
    at: datetime
    status: str
    remote_status: str
    note: str


class MessageDetailOut(MessageOut):
    errors: list[str]
    size: int
    sha256: str
    document_pk: int | None
    response_for_id: int | None
    events: list[MessageEventOut]

    @staticmethod
    def resolve_errors(obj: Message) -> list[str]:
        return [str(e) for e in (obj.errors or [])]

    @staticmethod
    def resolve_events(obj: Message):
        return list(obj.events.all())


class MessageFilter(Schema):
    direction: str = Field("", pattern=r"^(in|out)?$", description="in: nhận về; out: gửi đi")
    status: str = Field("", max_length=16)
    kind: str = Field("", pattern=r"^(document|status)?$")
    q: str = Field("", max_length=100)


@router.get("/messages", response=list[MessageOut], auth=api_auth, summary="Gói tin liên thông (gửi đi, nhận về)")
@paginate(BoundedLimitOffsetPagination)
def list_messages(request, filters: Query[MessageFilter]):
    return queries.message_list(request.auth, direction=filters.direction, status=filters.status,
                                kind=filters.kind, q=filters.q)


def _get(request, message_id: int) -> Message:
    message = queries.message_detail(request.auth, message_id) if 0 < message_id < 2**62 else None
    if message is None:
        raise HttpError(404, "Không tìm thấy gói tin.")
    return message


@router.get("/messages/{message_id}", response=MessageDetailOut, auth=api_auth, summary="Chi tiết gói tin")
def get_message(request, message_id: int):
    return _get(request, message_id)


@router.post("/messages/{message_id}/retry", response={200: MessageOut, 403: ApiError, 409: ApiError}, auth=api_auth,
             summary="Gửi lại gói tin lỗi")
def retry_message(request, message_id: int):
    message = _get(request, message_id)
    if not queries.can_manage(request.auth, message):
        raise HttpError(403, "Chỉ văn thư của cơ quan được gửi lại gói tin.")
    try:
        return services.retry(message, actor=request.auth)
    except ValidationError as exc:
        # The message's state does not allow it (only failed or abandoned ones are sent again).
        raise HttpError(409, " ".join(exc.messages)) from exc


class EndpointOut(Schema):
    id: int
    agency_id: int
    organ_id: str
    organ_name: str
    transport: str
    hosted: bool
    is_active: bool


@router.get("/endpoints", response=list[EndpointOut], auth=api_auth, summary="Điểm liên thông của các cơ quan")
@paginate(BoundedLimitOffsetPagination)
def list_endpoints(request):
    return queries.endpoints_for(request.auth)
