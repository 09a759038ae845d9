from datetime import datetime

from ninja import Router, Schema
from ninja.errors import HttpError

from .queries import history_for

router = Router(tags=["audit"])  # auth attached where it is mounted (chinhquyenso/api.py)


class AuditEntryOut(Schema):
    at: datetime
    actor: str
    via: str
    action: str
    before: dict | None
    after: dict | None


@router.get("/{object_type}/{object_id}", response=list[AuditEntryOut], summary="Lịch sử thay đổi của một bản ghi")
def record_history(request, object_type: str, object_id: str):
    entries = history_for(object_type, object_id, request.auth)
    if entries is None:
        raise HttpError(404, "Không tìm thấy bản ghi hoặc bạn không có quyền xem.")
    return [
        AuditEntryOut(at=e.at, actor=e.actor_repr, via=e.via, action=e.action, before=e.before, after=e.after)
        for e in entries[:500]
    ]
