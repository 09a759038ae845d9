"""The Q&A state machine as ONE declarative table (ARCHITECTURE.md habit 3).

    submitted ──route──▶ submitted            (operator transfers to another agency; clocks restart)
    submitted ──refuse──▶ refused             (reason; due within refuse_days)
    submitted ──request_info──▶ info_requested (note; due within more_info_days)
    info_requested ──provide_info──▶ submitted (the asker answers; clocks restart)
    submitted ──assign──▶ assigned            (a specialist of the agency)
    assigned ──draft──▶ drafted               (the specialist writes the answer)
    drafted ──return──▶ assigned              (leader sends it back for rework, with a note)
    drafted ──approve──▶ approved             ("chờ công khai": resolved; publish due)
    approved ──publish──▶ published           (asker's identity hidden; asker notified)

Who may act is a role held at the question's agency (accounts.queries scope), except the
asker-only transitions. Roles are accounts.models.Role values.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from chinhquyenso.accounts.models import Role

from .models import Status

ASKER = "asker"  # pseudo-role: the person who asked (account owner or holder of the token)
INTAKE_ROLES = (Role.ONE_STOP_OFFICER, Role.IOC_OPERATOR, Role.LEADER)
MODERATOR_ROLES = (Role.LEADER, Role.IOC_OPERATOR)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    label: str
    requires: tuple[str, ...] = field(default=())  # input fields that must be non-empty


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition("route", (Status.SUBMITTED,), Status.SUBMITTED, INTAKE_ROLES, _("Chuyển cơ quan khác"), ("agency",)),
        Transition("refuse", (Status.SUBMITTED,), Status.REFUSED, INTAKE_ROLES, _("Từ chối tiếp nhận"), ("reason",)),
        Transition("request_info", (Status.SUBMITTED,), Status.INFO_REQUESTED, INTAKE_ROLES + (Role.SPECIALIST,),
                   _("Yêu cầu bổ sung thông tin"), ("note",)),
        Transition("provide_info", (Status.INFO_REQUESTED,), Status.SUBMITTED, (ASKER,),
                   _("Bổ sung thông tin"), ("note",)),
        Transition("assign", (Status.SUBMITTED,), Status.ASSIGNED, INTAKE_ROLES, _("Giao chuyên viên"), ("assignee",)),
        Transition("draft", (Status.ASSIGNED,), Status.DRAFTED, (Role.SPECIALIST,), _("Gửi dự thảo trả lời"), ("answer",)),
        Transition("return", (Status.DRAFTED,), Status.ASSIGNED, (Role.LEADER,), _("Trả lại để sửa"), ("note",)),
        Transition("approve", (Status.DRAFTED,), Status.APPROVED, (Role.LEADER,), _("Duyệt trả lời")),
        Transition("publish", (Status.APPROVED,), Status.PUBLISHED, (Role.LEADER, Role.ONE_STOP_OFFICER, Role.IOC_OPERATOR),
                   _("Công khai")),
    )
}


def get(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise ValueError(f"Unknown transition {name!r}") from None


def available_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
