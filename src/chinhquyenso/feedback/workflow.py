"""The field-report state machine as ONE table (ARCHITECTURE habit 3, Signalen's workflow.py).

Derived from the Huế and iHanoi flows and the DVCQG PAKN statuses (vn-regulations §6, the
"suggested PAHT state machine" [I]):

    new → accepted | refused(reason)
    accepted → assigned(agency, urgency, due) → in_progress ↔ returned (wrong authority)
    in_progress → result_submitted → published | closed (private)
    published/closed → rated (satisfied | not) → reopened (in_progress) when not satisfied

`who` says which side may fire a transition: the IOC operator of the report's province, the
handling agency the report is assigned to, the reporter, or only the system.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from .models import Status

OPERATOR = "operator"
AGENCY = "agency"
REPORTER = "reporter"
SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the status does not change (rating)
    who: str
    requires: tuple[str, ...] = ()
    public: bool = False  # does the history row appear on the public timeline?
    label: str = ""
    extra: dict = field(default_factory=dict)


_S = Status
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("accept", frozenset({_S.NEW}), _S.ACCEPTED, OPERATOR, public=True, label="Tiếp nhận"),
        Transition("refuse", frozenset({_S.NEW, _S.ACCEPTED, _S.RETURNED}), _S.REFUSED, OPERATOR,
                   requires=("reason",), label="Từ chối"),
        Transition("assign", frozenset({_S.ACCEPTED, _S.RETURNED}), _S.ASSIGNED, OPERATOR,
                   requires=("agency", "urgency"), public=True, label="Chuyển xử lý"),
        Transition("start", frozenset({_S.ASSIGNED}), _S.IN_PROGRESS, AGENCY, public=True, label="Nhận xử lý"),
        Transition("send_back", frozenset({_S.ASSIGNED, _S.IN_PROGRESS}), _S.RETURNED, AGENCY,
                   requires=("note",), label="Chuyển lại IOC (không đúng thẩm quyền)"),
        Transition("submit_result", frozenset({_S.IN_PROGRESS}), _S.RESULT_SUBMITTED, AGENCY,
                   requires=("result",), label="Báo cáo kết quả"),
        Transition("reject_result", frozenset({_S.RESULT_SUBMITTED}), _S.IN_PROGRESS, OPERATOR,
                   requires=("note",), label="Yêu cầu xử lý lại"),
        Transition("publish", frozenset({_S.RESULT_SUBMITTED}), _S.PUBLISHED, OPERATOR, public=True,
                   label="Duyệt và công khai"),
        Transition("close", frozenset({_S.RESULT_SUBMITTED}), _S.CLOSED, OPERATOR, requires=("note",),
                   label="Đóng, không công khai"),
        Transition("rate", frozenset({_S.PUBLISHED, _S.CLOSED}), None, REPORTER, requires=("satisfied",),
                   public=True, label="Đánh giá"),
        Transition("reopen", frozenset({_S.PUBLISHED, _S.CLOSED}), _S.IN_PROGRESS, SYSTEM, public=True,
                   label="Phản ánh lại (chưa hài lòng)"),
        Transition("merge", frozenset({_S.NEW, _S.ACCEPTED, _S.RETURNED, _S.ASSIGNED, _S.IN_PROGRESS}), _S.MERGED,
                   OPERATOR, requires=("target",), public=True, label="Gộp phản ánh trùng"),
    ]
}

# Statuses counted as "open" (Open311 status=open; "me too" candidates; the deadline sweep).
OPEN = frozenset({_S.NEW, _S.ACCEPTED, _S.ASSIGNED, _S.IN_PROGRESS, _S.RETURNED, _S.RESULT_SUBMITTED})
CLOSED = frozenset({_S.PUBLISHED, _S.CLOSED, _S.REFUSED, _S.MERGED})
# The handling clock runs in these statuses (a report with a due time and no result yet).
HANDLING = frozenset({_S.ASSIGNED, _S.IN_PROGRESS, _S.RETURNED})


class RefusalReason:
    """Reasons an IOC operator may refuse a report (vn-regulations §6 [I]: trùng, sai phạm vi,
    thiếu thông tin, khiếu nại/tố cáo)."""

    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"
    INSUFFICIENT = "insufficient"
    COMPLAINT = "complaint"
    STATE_SECRET = "state_secret"  # noqa: S105 — a reason code, not a secret
    ABUSIVE = "abusive"
    CHOICES = [
        (DUPLICATE, "Trùng với phản ánh đã có"),
        (OUT_OF_SCOPE, "Không thuộc phạm vi phản ánh hiện trường"),
        (INSUFFICIENT, "Thiếu thông tin, không xác minh được"),
        (COMPLAINT, "Là khiếu nại, tố cáo: gửi theo Luật Khiếu nại 2011, Luật Tố cáo 2018"),
        (STATE_SECRET, "Liên quan bí mật nhà nước"),
        (ABUSIVE, "Nội dung xúc phạm, không phù hợp"),
    ]
    LABELS = dict(CHOICES)


class TransitionError(ValidationError):
    """A transition that the table does not allow from the current status (a 4xx, not a 500)."""

    def __init__(self, message: str):
        super().__init__(message, code="transition")


def get(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise TransitionError(f"Không có thao tác '{name}'.") from None


def check(name: str, status: str) -> Transition:
    t = get(name)
    if status not in t.sources:
        raise TransitionError(
            f"Không thể '{t.label}' khi phản ánh đang ở trạng thái '{Status(status).label}'."
        )
    return t


def allowed(status: str, who: str) -> list[Transition]:
    """Transitions `who` may fire from `status` (for the action buttons)."""
    return [t for t in TRANSITIONS.values() if status in t.sources and t.who == who]
