"""The one transition table of documents (ARCHITECTURE.md habit 3).

Incoming (NĐ 30/2020 Art. 20–24): received electronically (01) → registered with a số đến (03) →
assigned by a leader to a lead unit and co-ordinating units with a deadline (04) → processing
(05) → done (06); or refused (02) before assignment.

Outgoing (Art. 10–16): drafting → review of form and technique (thể thức, Art. 13: the head of
the drafting unit / the office) → leader approval → personal digital signature by the competent
person → numbering, organisation signature and issuing by the văn thư (Art. 15–16: the clerk
holds the seal, so the organisation's signature — its electronic seal — is applied with the
number) → distribution.

`roles` are the accounts roles that may take a transition, checked at the document's agency (or
the lead unit for the processing steps); `system` transitions are taken by services only.
`requires` names the inputs the service insists on.
"""

from dataclasses import dataclass

from chinhquyenso.accounts.models import Role

from .models import Direction, Status


@dataclass(frozen=True)
class Transition:
    name: str
    direction: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    label: str
    requires: tuple[str, ...] = ()
    at_lead_unit: bool = False  # the role may be held at the lead unit instead of the agency
    system: bool = False


def _t(name, direction, sources, target, roles, label, **kw) -> Transition:
    return Transition(name, direction, frozenset(sources), target, frozenset(roles), label, **kw)


IN, OUT = Direction.INCOMING, Direction.OUTGOING
CLERK, LEADER, SPECIALIST = Role.DOCUMENT_CLERK, Role.LEADER, Role.SPECIALIST

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        # --- incoming ------------------------------------------------------------------------
        _t("register", IN, [Status.RECEIVED], Status.REGISTERED, [CLERK], "Vào sổ văn bản đến"),
        _t("refuse", IN, [Status.RECEIVED, Status.REGISTERED], Status.REFUSED, [CLERK, LEADER],
           "Từ chối tiếp nhận", requires=("note",)),
        _t("assign", IN, [Status.REGISTERED, Status.ASSIGNED, Status.PROCESSING], Status.ASSIGNED, [LEADER],
           "Phân công xử lý", requires=("lead_unit",)),
        _t("start", IN, [Status.ASSIGNED], Status.PROCESSING, [SPECIALIST, LEADER], "Bắt đầu xử lý",
           at_lead_unit=True),
        _t("complete", IN, [Status.ASSIGNED, Status.PROCESSING], Status.DONE, [SPECIALIST, LEADER],
           "Hoàn thành xử lý", at_lead_unit=True),
        # --- outgoing ------------------------------------------------------------------------
        _t("submit", OUT, [Status.DRAFT], Status.REVIEW, [SPECIALIST, LEADER, CLERK], "Trình kiểm tra"),
        _t("check", OUT, [Status.REVIEW], Status.APPROVAL, [LEADER, CLERK], "Đạt thể thức, trình lãnh đạo"),
        _t("return", OUT, [Status.REVIEW, Status.APPROVAL, Status.APPROVED], Status.DRAFT, [LEADER, CLERK],
           "Trả lại để sửa", requires=("note",)),
        _t("approve", OUT, [Status.APPROVAL], Status.APPROVED, [LEADER], "Duyệt ban hành"),
        _t("sign", OUT, [Status.APPROVED], Status.SIGNED, [LEADER], "Ký số"),
        _t("issue", OUT, [Status.SIGNED], Status.ISSUED, [CLERK], "Cấp số, ký số cơ quan và phát hành"),
        _t("distribute", OUT, [Status.ISSUED], Status.DISTRIBUTED, [CLERK], "Gửi văn bản"),
    ]
}

INCOMING_OPEN = {Status.RECEIVED, Status.REGISTERED, Status.ASSIGNED, Status.PROCESSING}
DEADLINE_TRACKED = {Status.ASSIGNED, Status.PROCESSING}


def transition(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise KeyError(name) from None


def available_from(direction: str, status: str) -> list[Transition]:
    """Transitions the table allows from a state (before checking who asks)."""
    return [t for t in TRANSITIONS.values() if t.direction == direction and status in t.sources and not t.system]


OTHER_EVENTS = {
    "receive": "Văn bản đến hệ thống",
    "draft": "Tạo dự thảo",
    "opinion": "Ghi ý kiến",
    "replace_file": "Thay tệp dự thảo",
    "recipient_state": "Cập nhật trạng thái nơi nhận",
}


def event_label(action: str) -> str:
    if action in TRANSITIONS:
        return TRANSITIONS[action].label
    return OTHER_EVENTS.get(action, action)
