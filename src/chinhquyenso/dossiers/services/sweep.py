"""The background deadline sweep (manage.py dossiers_sweep, tasks.sweep).

1. Dossiers whose clock runs and that are due within one working day: the responsible officer
   (the current assignee, else every holder of the current role at the current agency) and the
   leaders of the resolving agency are notified once (due_soon_notified_at).
2. Overdue dossiers: the same people are notified once (overdue_notified_at); an extension
   re-arms both flags. Finishing a late dossier is blocked in services.perform("approve") unless
   an apology-and-extension slip (BM.04) is on record.
3. Supplement requests unanswered after 15 working days (respond_by): the dossier is stopped by
   the platform (status 8; vn-regulations §2.4 [V]).
"""

import datetime

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.lookups import StartsWith
from django.utils.translation import gettext as _

from chinhquyenso.accounts.models import Role, RoleAssignment, User
from chinhquyenso.audit.services import record
from chinhquyenso.notifications.services import notify
from chinhquyenso.workdays.queries import load_calendar

from .. import deadlines, events
from ..models import Dossier, SupplementRequest
from ..workflow import CLOCK_RUNNING, Status
from .common import DossierError, lock, now_or
from .transitions import fmt, perform


def role_holders(role: str, agency) -> list[User]:
    """Active users holding `role` at `agency`, directly or through a grant covering it."""
    if agency is None:
        return []
    covering = Q(agency_id=agency.pk) | (Q(include_subagencies=True) & Q(StartsWith(Value(agency.path), F("agency__path"))))
    grants = RoleAssignment.objects.active().filter(covering, role=role).values("user_id")
    return list(User.objects.filter(pk__in=grants, is_active=True).order_by("pk"))


def responsible(dossier: Dossier) -> list[User]:
    people = [dossier.current_assignee] if dossier.current_assignee_id else \
        role_holders(dossier.current_role, dossier.current_agency) if dossier.current_role else []
    seen = {u.pk for u in people}
    return people + [u for u in role_holders(Role.LEADER, dossier.resolving_agency) if u.pk not in seen]


def _flag(dossier_id: int, field: str, event: str, now: datetime.datetime) -> bool:
    with transaction.atomic():
        d = lock(dossier_id)
        if getattr(d, field) is not None or d.status not in CLOCK_RUNNING or d.due_at is None:
            return False
        setattr(d, field, now)
        d.save(update_fields=[field, "updated_at"])
        record(f"dossier.sweep_{field.removesuffix('_notified_at')}", d, after={field: now.isoformat()},
               province_code=d.province.code)
        context = {"code": d.code, "procedure_name": d.procedure_version.name, "due_at": fmt(d.due_at),
                   "agency_name": d.current_agency.name}
        for user in responsible(d):
            notify(event, user, context, dedupe_key=f"{event}:{d.pk}:{user.pk}:{d.due_at.isoformat()}",
                   province_code=d.province.code)
        action, status = f"sweep_{field.removesuffix('_notified_at')}", d.status
        transaction.on_commit(lambda: events.dossier_changed.send(
            sender=Dossier, dossier_id=dossier_id, action=action, status_before=status, status_after=status,
            actor_id=None))
    return True


def sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Run the three passes; returns how many dossiers each touched. Safe to run concurrently
    (each dossier is locked and its flag re-checked)."""
    now = now_or(now)
    cal = load_calendar(None)
    threshold = deadlines.due_soon_threshold(cal, now)
    running = Dossier.objects.filter(status__in=list(CLOCK_RUNNING))
    soon_ids = running.filter(due_at__gt=now, due_at__lte=threshold, due_soon_notified_at__isnull=True) \
        .values_list("pk", flat=True)
    late_ids = running.filter(due_at__lte=now, overdue_notified_at__isnull=True).values_list("pk", flat=True)
    result = {"due_soon": 0, "overdue": 0, "stopped": 0}
    for pk in list(soon_ids):
        result["due_soon"] += _flag(pk, "due_soon_notified_at", events.DUE_SOON_EVENT, now)
    for pk in list(late_ids):
        result["overdue"] += _flag(pk, "overdue_notified_at", events.OVERDUE_EVENT, now)
    expired = SupplementRequest.objects.filter(
        completed_at__isnull=True, respond_by__lt=now, dossier__status=Status.SUPPLEMENT,
    ).values_list("dossier_id", flat=True).distinct()
    for pk in list(expired):
        try:
            perform(pk, "stop", actor=None, at=now,
                    reason=_("Quá 15 ngày làm việc người nộp không bổ sung hồ sơ theo yêu cầu."))
            result["stopped"] += 1
        except DossierError:  # changed meanwhile (supplied, withdrawn): nothing to stop
            pass
    return result
