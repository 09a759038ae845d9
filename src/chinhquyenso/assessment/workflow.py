"""The assessment cycle as ONE declarative transition table (ARCHITECTURE.md habit 3).

    draft ──submit──▶ submitted ──review (first indicator scored)──▶ in_review ──publish──▶ published
      ▲                  │                                              │
      └──── returned ◀───┴────────────────return (comment required)─────┘
               │
               └──submit──▶ submitted

`actor` says who may fire it: "unit" = an official of the assessed agency (queries.member_condition),
"reviewer" = an assigned reviewer of the criteria set (queries.reviewer_condition). `needs` lists
what the service must receive. `edit_unit` / `edit_review` say in which states the unit may edit its
values and evidence, and the reviewer may score.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Status


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    actor: str  # "unit" | "reviewer"
    label: object
    needs: tuple[str, ...] = ()


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED, "unit",
               _("Gửi thẩm định")),
    Transition("review", frozenset({Status.SUBMITTED, Status.IN_REVIEW}), Status.IN_REVIEW, "reviewer",
               _("Chấm điểm thẩm định")),
    Transition("return", frozenset({Status.SUBMITTED, Status.IN_REVIEW}), Status.RETURNED, "reviewer",
               _("Trả lại để bổ sung"), needs=("comment",)),
    Transition("publish", frozenset({Status.IN_REVIEW}), Status.PUBLISHED, "reviewer",
               _("Công bố kết quả")),
)}

EDIT_UNIT = frozenset({Status.DRAFT, Status.RETURNED})
EDIT_REVIEW = frozenset({Status.SUBMITTED, Status.IN_REVIEW})


class TransitionError(Exception):
    pass


def get(name: str) -> Transition:
    try:
        return TRANSITIONS[name]
    except KeyError:
        raise TransitionError(_("Thao tác không hợp lệ.")) from None


def check(name: str, status: str) -> Transition:
    t = get(name)
    if status not in t.sources:
        raise TransitionError(_("Không thể “%(action)s” khi bản đánh giá đang ở trạng thái “%(status)s”.") % {
            "action": t.label, "status": Status(status).label})
    return t


def available(status: str, *, is_unit: bool, is_reviewer: bool) -> list[Transition]:
    """Transitions a user may fire now (the "review" step is implicit in scoring an indicator)."""
    out = []
    for t in TRANSITIONS.values():
        if t.name == "review" or status not in t.sources:
            continue
        if (t.actor == "unit" and is_unit) or (t.actor == "reviewer" and is_reviewer):
            out.append(t)
    return out
