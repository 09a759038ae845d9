"""Scoped reads of dossiers, shared by the officers' workspace, the citizen portal, the API and KPIs.

Access is ONE SQL predicate (ARCHITECTURE.md habit 6): an official sees the dossiers whose
reception, resolving or current agency is among accounts.queries.visible_agencies(user); a
citizen sees their own; anonymous callers only `public_lookup` by code + phone.
"""

import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import BooleanField, Case, F, Func, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.accounts.validators import normalize_phone
from chinhquyenso.core.text import fold, mask
from chinhquyenso.workdays.queries import load_calendar

from . import deadlines
from .models import Dossier, ProcessLogEntry
from .services.common import roles_held
from .workflow import APPLICANT, CLOCK_RUNNING, TRANSITIONS, Status, Transition

LIST_RELATED = ("procedure_version", "reception_agency", "resolving_agency", "current_agency", "current_assignee",
                "current_step")


def with_list_related(qs: QuerySet) -> QuerySet:
    return qs.select_related(*LIST_RELATED)


def _agency_in(field: str, agencies: QuerySet) -> Q:
    """`field` among `agencies`, still ONE query. On PostgreSQL as `field = ANY(ARRAY(SELECT …))`:
    the agency list is computed once (an InitPlan) and each condition is an index scan, so an OR
    of several agency columns becomes a BitmapOr of three index scans instead of a sequential scan
    of every dossier with a hashed subplan per row (the officers' queue at 1,000,000 dossiers:
    bench/load)."""
    ids = agencies.order_by().values("pk")
    if connection.vendor == "postgresql":
        return Q(_EqualsAny(F(f"{field}_id"), ArraySubquery(ids)))
    return Q(**{f"{field}__in": ids})


class _EqualsAny(Func):
    """`column = ANY(array)` as a condition."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def for_official(user, roles=None) -> QuerySet[Dossier]:
    """Dossiers (not drafts) whose reception, resolving or current agency the official may see."""
    agencies = visible_agencies(user, roles)
    if agencies.query.is_empty():
        return Dossier.objects.none()
    return Dossier.objects.exclude(status=Status.DRAFT).filter(
        _agency_in("reception_agency", agencies) | _agency_in("resolving_agency", agencies)
        | _agency_in("current_agency", agencies)
    )


def for_citizen(user) -> QuerySet[Dossier]:
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant_user_id=user.pk)


def for_user(user) -> QuerySet[Dossier]:
    """Officials: their scope; everyone else: their own dossiers."""
    if getattr(user, "kind", "") == "official" or getattr(user, "is_superuser", False):
        return for_official(user)
    return for_citizen(user)


def public_lookup(code: str, phone: str) -> dict | None:
    """Tra cứu hồ sơ: exact code + the applicant's (or representative's) phone; minimal fields,
    the name masked. None when nothing matches (the caller says so without telling which part)."""
    code, phone = (code or "").strip()[:64], normalize_phone((phone or "").strip())[:20]
    if not code or not phone:
        return None
    # Only the columns shown, as one small row (the public lookup is the most requested page).
    row = list(Dossier.objects.exclude(status=Status.DRAFT)
           .filter(Q(applicant_phone=phone) | Q(representative_phone=phone), code=code)
           .values("code", "status", "channel", "applicant_name", "submitted_at", "received_at", "due_at",
                   "finished_at", "returned_at", procedure_name=F("procedure_version__name"),
                   reception_name=F("reception_agency__name"), current_name=F("current_agency__name"))[:1])
    if not row:
        return None
    row = row[0]
    return {
        "code": row["code"], "procedure_name": row["procedure_name"], "status": row["status"],
        "status_label": str(Status(row["status"]).label), "channel": row["channel"],
        "applicant_name": mask(row["applicant_name"], 2, 3), "reception_agency": row["reception_name"],
        "current_agency": row["current_name"], "submitted_at": row["submitted_at"], "received_at": row["received_at"],
        "due_at": row["due_at"], "finished_at": row["finished_at"], "returned_at": row["returned_at"],
    }


def annotate_deadlines(qs: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """`is_overdue` / `is_due_soon` (within one working day of the platform calendar) per row."""
    now = now or timezone.now()
    threshold = deadlines.due_soon_threshold(load_calendar(None), now)
    running = Q(status__in=list(CLOCK_RUNNING), due_at__isnull=False)
    return qs.annotate(
        is_overdue=Case(When(running & Q(due_at__lte=now), then=Value(True)), default=Value(False),
                        output_field=BooleanField()),
        is_due_soon=Case(When(running & Q(due_at__gt=now, due_at__lte=threshold), then=Value(True)),
                         default=Value(False), output_field=BooleanField()),
    )


# --- queues per role -----------------------------------------------------------------------

def _at(user, role, field):
    agencies = visible_agencies(user, [role])
    if agencies.query.is_empty():
        return Dossier.objects.none()
    return Dossier.objects.filter(_agency_in(field, agencies))


def to_receive(user) -> QuerySet[Dossier]:
    """Online dossiers waiting for reception (status 1) at the officer's one-stop centres."""
    return _at(user, Role.ONE_STOP_OFFICER, "reception_agency").filter(status=Status.NEW)


def to_transfer(user) -> QuerySet[Dossier]:
    return _at(user, Role.ONE_STOP_OFFICER, "reception_agency").filter(status=Status.RECEIVED)


def to_process(user) -> QuerySet[Dossier]:
    """Status 4 at a specialist step of the user's agencies, unassigned or assigned to them."""
    return _at(user, Role.SPECIALIST, "current_agency").filter(
        Q(current_assignee__isnull=True) | Q(current_assignee_id=user.pk),
        status=Status.PROCESSING, current_role=Role.SPECIALIST)


def to_approve(user) -> QuerySet[Dossier]:
    return _at(user, Role.LEADER, "current_agency").filter(status=Status.PROCESSING, current_role=Role.LEADER)


def to_return(user) -> QuerySet[Dossier]:
    return _at(user, Role.ONE_STOP_OFFICER, "reception_agency").filter(status=Status.FINISHED)


def waiting_supplement(user) -> QuerySet[Dossier]:
    return for_official(user).filter(status=Status.SUPPLEMENT)


QUEUES = {
    "tiep-nhan": to_receive, "chuyen-xu-ly": to_transfer, "xu-ly": to_process, "phe-duyet": to_approve,
    "tra-ket-qua": to_return, "cho-bo-sung": waiting_supplement,
}


def queue(user, name: str) -> QuerySet[Dossier]:
    fn = QUEUES.get(name)
    return fn(user) if fn is not None else Dossier.objects.none()


# --- filters ---------------------------------------------------------------------------------

def search(qs: QuerySet, *, q: str = "", code: str = "", applicant: str = "", procedure: int | None = None,
           status: int | None = None, channel: int | None = None, received_from: datetime.date | None = None,
           received_to: datetime.date | None = None, overdue: bool | None = None,
           due_soon: bool | None = None) -> QuerySet:
    """Filters shared by the workspace and the API. `q` matches the code or the applicant's name
    without diacritics; `overdue`/`due_soon` need annotate_deadlines() first."""
    if q:
        folded = fold(q)
        qs = qs.filter(Q(code__icontains=q.strip()) | Q(applicant_name_folded__contains=folded))
    if code:
        qs = qs.filter(code__icontains=code.strip())
    if applicant:
        qs = qs.filter(applicant_name_folded__contains=fold(applicant))
    if procedure:
        qs = qs.filter(procedure_id=procedure)
    if status is not None:
        qs = qs.filter(status=status)
    if channel is not None:
        qs = qs.filter(channel=channel)
    if received_from:
        qs = qs.filter(received_at__date__gte=received_from)
    if received_to:
        qs = qs.filter(received_at__date__lte=received_to)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    if due_soon is not None:
        qs = qs.filter(is_due_soon=due_soon)
    return qs


def detail(qs: QuerySet) -> QuerySet:
    """A dossier page: everything it shows in a constant number of queries."""
    return with_list_related(qs).select_related("procedure", "applicant_user", "province").prefetch_related(
        Prefetch("log", queryset=ProcessLogEntry.objects.select_related("agency", "receiver_agency", "step")),
        "components", "fees", "results", "supplements", "slips",
    )


# --- actions ---------------------------------------------------------------------------------

def available_actions(dossier: Dossier, user) -> list[Transition]:
    """The transitions `user` may attempt on `dossier` now (buttons to show). Same rules as
    services.transitions.authorise (status, roles at the row's scope, step kind and role); one
    query for the user's grants. Time rules are checked when the action is performed."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = roles_held(user, {"current": dossier.current_agency, "reception": dossier.reception_agency,
                             "resolving": dossier.resolving_agency})
    is_applicant = dossier.applicant_user_id is not None and dossier.applicant_user_id == user.pk
    step_kind = dossier.current_step.kind if dossier.current_step_id else None
    result = []
    for t in TRANSITIONS:
        if dossier.status not in t.sources or t.action == "submit":
            continue
        if t.action == "extend" and dossier.extended or t.action == "rate" and dossier.rated_at:
            continue
        if APPLICANT in t.roles and is_applicant:
            result.append(t)
            continue
        roles = held[t.scope] & t.roles
        if t.step_kinds:
            if step_kind not in t.step_kinds:
                continue
            roles &= {dossier.current_role}
        if roles and (t.action != "send_back" or _has_earlier_step(dossier)):
            result.append(t)
    return result


def _has_earlier_step(dossier: Dossier) -> bool:
    from chinhquyenso.procedures.models import StepKind

    return dossier.procedure_version.steps.filter(
        order__lt=dossier.current_step.order, kind__in=[StepKind.APPRAISE, StepKind.APPROVE, StepKind.INTER_AGENCY],
    ).exists()
