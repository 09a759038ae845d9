"""Shared machinery of the dossier services: errors, locking, codes, the process log, audit,
sync bookkeeping and after-commit events. Not a public API: use the functions re-exported by
dossiers.services."""

import datetime
import importlib.util
import inspect
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.accounts.models import RoleAssignment
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.notifications.services import Contact, notify
from chinhquyenso.workdays.calendar import VN_TZ
from chinhquyenso.workdays.queries import load_calendar

from .. import events
from ..models import DailyCounter, Dossier, ProcessLogEntry, SyncState
from ..workflow import Status

logger = logging.getLogger(__name__)

# Fields the audit trail compares before/after a write (the rest is bookkeeping).
AUDITED = (
    "code", "status", "channel", "current_agency", "current_step", "current_role", "current_assignee",
    "resume_status", "received_at", "counting_started_at", "due_at", "finished_at", "returned_at", "refused_at",
    "withdrawn_at", "stopped_at", "paused_at", "supplement_count", "extended", "rating", "applicant_name",
    "applicant_id_number", "applicant_phone", "applicant_email", "result_delivery",
)


class DossierError(ValidationError):
    """A refused write; `status` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, message, code: str = "invalid", params=None):
        super().__init__(message, code=code, params=params)

    @property
    def text(self) -> str:
        return " ".join(self.messages)


class NotAllowed(DossierError):
    status = 403


class NotFound(DossierError):
    status = 404


class Conflict(DossierError):
    """The dossier is not (or no longer) in a state that allows this action."""

    status = 409


def now_or(at: datetime.datetime | None) -> datetime.datetime:
    """The instant of a write: `at` lets the demo replay history with realistic timestamps."""
    return at if at is not None else timezone.now()


def calendar_for(dossier_or_agency_id):
    agency_id = getattr(dossier_or_agency_id, "reception_agency_id", dossier_or_agency_id)
    return load_calendar(agency_id)


def lock(dossier_id) -> Dossier:
    """The dossier row, locked for the rest of the transaction (concurrent writers queue here)."""
    try:
        dossier_id = int(getattr(dossier_id, "pk", dossier_id))
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found") from None
    try:
        return (Dossier.objects.select_for_update(of=("self",))
                .select_related("province", "procedure_version", "current_step", "reception_agency",
                                "resolving_agency", "current_agency", "applicant_user")
                .get(pk=dossier_id))
    except Dossier.DoesNotExist:
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found") from None


def next_code(agency, at: datetime.datetime) -> str:
    """`{agency e-ID}-{YYMMDD}-{NNNN}` (vn-regulations §2.1 [S]): the sequence per agency per day
    (reception date in Asia/Ho_Chi_Minh), at least 4 digits, from a DailyCounter row locked in the
    caller's transaction — no duplicate and no gap (a rolled-back reception rolls its number back)."""
    day = at.astimezone(VN_TZ).date()
    last = _bump_daily_counter(agency.pk, day)
    if last is None:
        try:
            with transaction.atomic():
                DailyCounter.objects.create(agency_id=agency.pk, day=day, last=1)
            last = 1
        except IntegrityError:  # a concurrent reception created it first; wait for its lock
            last = _bump_daily_counter(agency.pk, day)
    return f"{agency.code}-{day:%y%m%d}-{last:04d}"


def _bump_daily_counter(agency_id: int, day: datetime.date) -> int | None:
    """One statement instead of SELECT … FOR UPDATE then UPDATE: the UPDATE takes the same row
    lock (held to the end of the transaction) and RETURNING gives the number it took. None when
    the agency has no counter for that day yet."""
    q = connection.ops.quote_name
    table, last, where = q(DailyCounter._meta.db_table), q("last"), f"{q('agency_id')} = %s AND {q('day')} = %s"
    sql = f"UPDATE {table} SET {last} = {last} + 1 WHERE {where} RETURNING {last}"  # noqa: S608  # nosec B608 — the model's own names
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency_id, connection.ops.adapt_datefield_value(day)])
        row = cursor.fetchone()
    return row[0] if row is not None else None


def roles_held(user, agencies: dict) -> dict[str, set[str]]:
    """For each scope name → agency, the official roles `user` holds there (directly or through a
    grant covering subagencies), in ONE query over the user's grants — the same rule as
    accounts.queries.visible_agencies. Superusers hold every role everywhere."""
    result = {name: set() for name in agencies}
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return result
    if user.is_superuser:
        from chinhquyenso.accounts.models import Role
        return {name: {r.value for r in Role} for name in agencies}
    grants = list(RoleAssignment.objects.active().filter(user_id=user.pk).values_list(
        "role", "agency_id", "include_subagencies", "agency__path"))
    for name, agency in agencies.items():
        if agency is None:
            continue
        for role, agency_id, subtree, path in grants:
            if agency_id == agency.pk or (subtree and agency.path.startswith(path)):
                result[name].add(role)
    return result


def append_log(dossier: Dossier, *, action: str, status_before: int | None, actor, actor_role: str, agency,
               at: datetime.datetime, content: str = "", receiver=None, receiver_role: str = "",
               receiver_agency=None, step=None, due_at=None, seq: int | None = None) -> ProcessLogEntry:
    """One hand-off row of the process control sheet (BM.05); the dossier row is locked, so the
    next seq is race-free. `seq`: the caller knows it (1 for a dossier created in its own
    transaction, which nobody else can see yet), so the sheet need not be read."""
    if seq is None:
        seq = (ProcessLogEntry.objects.filter(dossier_id=dossier.pk).aggregate(m=Max("seq"))["m"] or 0) + 1
    return ProcessLogEntry.objects.create(
        dossier=dossier, province_id=dossier.province_id, seq=seq, action=action,
        status_before=status_before, status_after=dossier.status, step=step,
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.full_name if actor is not None else _("Hệ thống")) or actor.get_username(),
        actor_title=getattr(actor, "title", "") or "", actor_role=actor_role,
        agency=agency, department_name=getattr(step, "department_name", "") or "",
        receiver=receiver, receiver_name=getattr(receiver, "full_name", "") or "", receiver_role=receiver_role,
        receiver_agency=receiver_agency, content=content, started_at=at, due_at=due_at,
    )


def audit_snapshot(dossier: Dossier) -> dict:
    return snapshot(dossier, AUDITED)


def bump_sync(dossier: Dossier) -> bool:
    """A dossier the national portal sees (any status but draft) gets a new sync version, to be
    sent. Returns whether it did."""
    if dossier.status == Status.DRAFT:
        return False
    dossier.sync_version = (dossier.sync_version or 0) + 1
    dossier.sync_state = SyncState.PENDING
    return True


def finish_write(dossier: Dossier, *, action: str, before: dict | None, actor, status_before: int | None,
                 update_fields: list[str] | None = None, notify_applicant: bool = True, context=None,
                 saved: bool = False) -> None:
    """Save the dossier (bumping its sync version when the national portal sees it), audit the
    write in the same transaction, and queue the domain event and the applicant's notification
    for after commit. `saved`: the caller created the row already complete, its sync version
    bumped (bump_sync) — one INSERT instead of an INSERT and an UPDATE of the whole row."""
    if not saved:
        if bump_sync(dossier) and update_fields is not None:
            update_fields = [*update_fields, "sync_version", "sync_state"]
        if update_fields is not None:
            dossier.save(update_fields=sorted({*update_fields, "updated_at"}))
        else:
            dossier.save()
    record(f"dossier.{action}", dossier, before=before, after=audit_snapshot(dossier), actor=actor,
           province_code=dossier.province.code)
    dossier_id, status_after, actor_id = dossier.pk, dossier.status, getattr(actor, "pk", None)

    def _send():
        events.dossier_changed.send(sender=Dossier, dossier_id=dossier_id, action=action,
                                    status_before=status_before, status_after=status_after, actor_id=actor_id)

    transaction.on_commit(_send)
    event = events.APPLICANT_EVENTS.get(action)
    if notify_applicant and event:
        notify_applicant_of(dossier, event, context or {})


def applicant_recipient(dossier: Dossier):
    if dossier.applicant_user_id:
        return dossier.applicant_user
    if dossier.applicant_email or dossier.applicant_phone:
        return Contact(name=dossier.applicant_name, email=dossier.applicant_email, phone=dossier.applicant_phone)
    return None


_muted: ContextVar[bool] = ContextVar("dossier_notifications_muted", default=False)


@contextmanager
def muted_notifications():
    """Replaying history (the demo) must not message anyone."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def notify_applicant_of(dossier: Dossier, event: str, context: dict) -> None:
    """Write the applicant's notification and its deliveries in the dossier's own transaction (a
    transactional outbox): a rolled-back write tells nobody, and a process that dies right after
    the commit cannot lose it — notify() enqueues the sending on commit, and notifications_sweep
    re-enqueues a delivery whose task was never queued. Notifying runs in a savepoint, so its
    failure never undoes the dossier write. (It used to run on commit: an application process
    killed between the commit and the callback lost the message — bench/faults found it.)"""
    recipient = applicant_recipient(dossier)
    if recipient is None or _muted.get():
        return
    ctx = {
        "code": dossier.code or "",
        "procedure_name": dossier.procedure_version.name,
        "status_label": Status(dossier.status).label,
        "due_at": dossier.due_at.astimezone(VN_TZ).strftime("%H:%M ngày %d/%m/%Y") if dossier.due_at else "",
        "lookup_path": "/ho-so/tra-cuu/",
        **{k: str(v) for k, v in context.items()},
    }
    key = f"{event}:{dossier.pk}:{dossier.sync_version}"
    province_code = dossier.province.code

    try:
        with transaction.atomic():
            notify(event, recipient, ctx, dedupe_key=key, province_code=province_code)
    except Exception:  # a notification failure must never undo the dossier write
        logger.exception("notify %s for dossier %s failed", event, dossier.pk)


def issue_slip(dossier: Dossier, kind: str, *, actor, data: dict | None = None, at=None):
    """Issue a legal slip through dossiers.slips.services.issue_slip when that package provides it
    (it is built in parallel; until it lands the slip is issued later from the record)."""
    if importlib.util.find_spec("chinhquyenso.dossiers.slips.services") is None:
        return None
    from ..slips import services as slip_services

    issue = getattr(slip_services, "issue_slip", None)
    if issue is None:
        return None
    extra = {"issued_at": at} if at is not None and "issued_at" in inspect.signature(issue).parameters else {}
    return issue(dossier, kind, actor=actor, data=data, **extra)
