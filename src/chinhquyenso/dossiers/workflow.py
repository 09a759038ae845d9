"""The dossier state machine: ONE declarative transition table (ARCHITECTURE.md habit 3).

Statuses and channels are the national codes (vn-regulations §2.2 [S]); the transitions are built
from those codes and the rules of NĐ 118/2025 and TT 03/2025 (§2.2 state machine [I], §2.4 [V]).
dossiers.services executes a transition: it locks the dossier, checks the table (source status,
who may act, required fields), applies it, appends the process log, audits, and sends events on
commit. Pages and the API ask `available(dossier_status, roles)` which buttons to show.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from chinhquyenso.accounts.models import Role


class Status(models.IntegerChoices):
    DRAFT = 0, _("Bản nháp (chưa nộp)")  # ours, never synced nor counted
    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    FINANCIAL = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    FINISHED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.IntegerChoices):
    """KenhThucHien; DVCQG treats a missing channel as in person (§2.2 [S])."""

    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


# Terminal statuses: nothing but rating (on RETURNED) happens after them.
CLOSED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
# Statuses in which the legal clock runs (a supplement request pauses it; §2.4 [V]).
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING, Status.FINANCIAL})

# Pseudo-roles next to accounts.Role: the applicant (owner of the dossier) and the platform itself.
APPLICANT = "applicant"
SYSTEM = "system"
# Marker targets: go back to the status saved in Dossier.resume_status; keep the status.
RESUME = -1
SAME = -2


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[int]
    target: int  # a Status, RESUME or SAME
    roles: frozenset[str]
    requires: tuple[str, ...] = field(default=())
    # The acting official must hold the role at the agency the dossier currently sits with
    # ("current"), where it was received ("reception") or the resolving agency ("resolving").
    scope: str = "current"
    # Only when the dossier's current process step has this kind (procedures.StepKind value).
    step_kinds: frozenset[str] = field(default=frozenset())


def _t(action, label, sources, target, roles, requires=(), scope="current", step_kinds=()):
    return Transition(action, label, frozenset(sources), target, frozenset(roles), tuple(requires), scope,
                      frozenset(step_kinds))


S = Status
OFFICER = Role.ONE_STOP_OFFICER
SPECIALIST = Role.SPECIALIST
LEADER = Role.LEADER

TRANSITIONS: tuple[Transition, ...] = (
    # Online filing: the applicant submits a draft; it gets its code and waits for reception.
    _t("submit", _("Nộp hồ sơ"), {S.DRAFT}, S.NEW, {APPLICANT}),
    # Reception at the one-stop unit (NĐ 118/2025; BM.01 receipt issued). Walk-in dossiers are
    # created directly in RECEIVED by services.receive_at_counter (no transition from DRAFT).
    _t("receive", _("Tiếp nhận hồ sơ"), {S.NEW}, S.RECEIVED, {OFFICER}, scope="reception"),
    _t("refuse", _("Từ chối tiếp nhận"), {S.NEW}, S.REFUSED, {OFFICER}, requires=("reason",), scope="reception"),
    # Transfer to the resolving agency: immediately, or at the start of the next working day when
    # received after 15:00; paper dossiers within one working day (§2.4 [V]).
    _t("transfer", _("Chuyển xử lý"), {S.RECEIVED}, S.PROCESSING, {OFFICER}, scope="reception"),
    # Internal steps of the procedure (ProcessStep): hand the dossier to the next step's role
    # (assign to a specialist, appraise and submit to the leader, or hand to another agency).
    _t("forward", _("Chuyển bước tiếp theo"), {S.PROCESSING}, S.PROCESSING, {OFFICER, SPECIALIST, LEADER},
       step_kinds={"receive", "appraise", "inter_agency"}),
    _t("send_back", _("Trả lại bước trước"), {S.PROCESSING}, S.PROCESSING, {SPECIALIST, LEADER},
       requires=("reason",), step_kinds={"appraise", "approve", "inter_agency"}),
    # The leader approves and signs the result; it goes to the one-stop unit (status 9). Finishing
    # a late dossier is blocked unless an apology-and-extension slip is on record (services).
    _t("approve", _("Phê duyệt kết quả"), {S.PROCESSING}, S.FINISHED, {LEADER}, step_kinds={"approve"}),
    _t("return_result", _("Trả kết quả"), {S.FINISHED}, S.RETURNED, {OFFICER}, scope="reception"),
    # Supplement: the full list of missing items in one go (BM.02). For online dossiers the
    # request must be made within 8 working hours of submission (services check the time).
    _t("request_supplement", _("Yêu cầu bổ sung hồ sơ"), {S.NEW, S.RECEIVED, S.PROCESSING}, S.SUPPLEMENT,
       {OFFICER, SPECIALIST}, requires=("items", "reason")),
    # The applicant supplies online, or brings the papers to the one-stop counter (reception).
    _t("supply", _("Bổ sung hồ sơ"), {S.SUPPLEMENT}, RESUME, {APPLICANT, OFFICER}, scope="reception"),
    _t("request_financial", _("Yêu cầu thực hiện nghĩa vụ tài chính"), {S.PROCESSING}, S.FINANCIAL,
       {OFFICER, SPECIALIST}, requires=("obligations",)),
    _t("confirm_payment", _("Xác nhận đã thực hiện nghĩa vụ tài chính"), {S.FINANCIAL}, RESUME, {OFFICER, SYSTEM},
       scope="reception"),
    _t("withdraw", _("Rút hồ sơ"), {S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL}, S.WITHDRAWN,
       {APPLICANT, OFFICER}, requires=("reason",), scope="reception"),
    # Stop: e.g. no supplement within 15 working days (§2.4 [V]); the sweep does it as SYSTEM.
    _t("stop", _("Dừng xử lý"), {S.PROCESSING, S.SUPPLEMENT, S.FINANCIAL}, S.STOPPED, {OFFICER, LEADER, SYSTEM},
       requires=("reason",)),
    # Apology and extension (BM.04): not a status change; once; by the head of the resolving agency.
    _t("extend", _("Xin lỗi và gia hạn"), {S.PROCESSING, S.FINANCIAL}, SAME, {LEADER},
       requires=("reason", "new_due_at"), scope="resolving"),
    _t("rate", _("Đánh giá mức độ hài lòng"), {S.RETURNED}, S.RETURNED, {APPLICANT}, requires=("rating",)),
)

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}
assert len(BY_ACTION) == len(TRANSITIONS), "one row per action"


def transition(action: str) -> Transition:
    try:
        return BY_ACTION[action]
    except KeyError:
        raise ValueError(f"Thao tác không hợp lệ: {action}") from None


def available(status: int, roles: set[str] | frozenset[str], step_kind: str | None = None) -> list[Transition]:
    """Transitions whose source and roles match (agency scope and time rules are the services')."""
    return [
        t for t in TRANSITIONS
        if status in t.sources and t.roles & set(roles) and (not t.step_kinds or step_kind in t.step_kinds)
    ]
