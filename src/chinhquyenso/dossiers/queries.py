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


# What a row of the officers' queue shows (dossiers/queue.html), and nothing else: a dossier has
# ~80 columns and LIST_RELATED joins six tables, most of which the list never reads.
QUEUE_ROW = ("code", "channel", "status", "applicant_name", "received_at", "due_at", "procedure_version__name",
             "current_agency__name", "current_agency__short_name", "current_assignee__full_name",
             "procedure_version", "current_agency", "current_assignee")


def for_queue_rows(qs: QuerySet) -> QuerySet:
    return qs.select_related("procedure_version", "current_agency", "current_assignee").only(*QUEUE_ROW)


def visible_agency_ids(user, roles=None) -> list[int]:
    """accounts.queries.visible_agencies(user, roles) evaluated: one query, a short list of ids.

    Given `column = ANY(ARRAY(SELECT …))` PostgreSQL must guess how many agencies the subquery
    returns (it guessed 262 for a commune centre's one), and at 1,000,000 dossiers that guess chose
    a parallel sequential scan with JIT compilation (0.7 s) for the officers' queue; given the ids
    it plans index scans (bench/load). A page that filters on the scope several times evaluates it
    once (Scope)."""
    agencies = visible_agencies(user, roles)
    if agencies.query.is_empty():
        return []
    return list(agencies.order_by().values_list("pk", flat=True))


class Scope:
    """What one official may see, for one request: the visible agencies' ids per set of roles,
    each evaluated once (one query). The querysets below take it instead of re-deriving the
    agencies in a subquery of every statement; the predicate is the same."""

    def __init__(self, user):
        self.user = user
        self._ids: dict[tuple | None, list[int]] = {}

    def agency_ids(self, roles=None) -> list[int]:
        key = None if roles is None else tuple(sorted(roles))
        if key not in self._ids:
            self._ids[key] = visible_agency_ids(self.user, roles)
        return self._ids[key]


def _agencies(user, roles, scope: Scope | None) -> QuerySet | list[int]:
    return visible_agencies(user, roles) if scope is None else scope.agency_ids(roles)


def _is_empty(agencies: QuerySet | list[int]) -> bool:
    return not agencies if isinstance(agencies, list) else agencies.query.is_empty()


def _agency_in(field: str, agencies: QuerySet | list[int]) -> Q:
    """`field` among `agencies`, still ONE query. A list of ids (Scope) is an IN list. A queryset
    is, on PostgreSQL, `field = ANY(ARRAY(SELECT …))`: the agency list is computed once (an
    InitPlan) and each condition can be an index scan, so an OR of several agency columns can
    become a BitmapOr instead of a sequential scan with a hashed subplan per dossier."""
    if isinstance(agencies, list):
        return Q(**{f"{field}_id__in": agencies})
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


SCOPE_FIELDS = ("reception_agency", "resolving_agency", "current_agency")


def not_drafts() -> QuerySet[Dossier]:
    """Every dossier an official's list may show before the agency scope applies (a draft is the
    applicant's alone)."""
    return Dossier.objects.exclude(status=Status.DRAFT)


def for_official(user, roles=None, *, scope: Scope | None = None) -> QuerySet[Dossier]:
    """Dossiers (not drafts) whose reception, resolving or current agency the official may see."""
    agencies = _agencies(user, roles, scope)
    if _is_empty(agencies):
        return Dossier.objects.none()
    condition = Q()
    for field in SCOPE_FIELDS:
        condition |= _agency_in(field, agencies)
    return not_drafts().filter(condition)


class NewestFirst:
    """The rows of `qs` whose reception, resolving or current agency is among `agency_ids` (the
    set for_official() selects), newest received first, as ids: a sequence that Paginator counts
    and slices (the officers' "all dossiers" list).

    On PostgreSQL the OR of three agency columns is split into three disjoint parts (reception in
    scope; else resolving; else current), each a range of its own partial index (agency,
    received_at DESC, id DESC) WHERE status <> 0, which also carries the columns the "else" tests
    read (migration queue_indexes). A page is the first offset+size entries of each part in index
    order, merged; the count reads the same ranges and stops after COUNT_CAP + 1. At 1,000,000
    dossiers a commune centre sees ~10,600: the OR read each of them from the heap (9,600 pages)
    to sort and again to count (226 ms cold even with the ids known); the parts read ~150 index
    entries for the page and ~21,000 for the count (1 + 2 ms, bench/load). `qs` must not already
    carry the scope (that would put the other agency columns back into every part's filter).
    SQLite filters with the OR."""

    ORDER = ("-received_at", "-id")
    COUNT_CAP = 10_000

    def __init__(self, qs: QuerySet, agency_ids: list[int]):
        self.qs, self.ids = qs.order_by(), list(agency_ids)
        self._count: int | None = None

    def _parts(self) -> list[QuerySet]:
        first, second, third = (f"{field}_id__in" for field in SCOPE_FIELDS)
        return [
            self.qs.filter(**{first: self.ids}),
            self.qs.filter(**{second: self.ids}).exclude(**{first: self.ids}),
            # "current differs from reception and resolving" follows from the three tests before
            # it; spelled out, it matches the predicate of the small partial index that holds only
            # such dossiers (inter-agency steps), instead of scanning every dossier whose current
            # agency is a busy centre to find none (190,000 entries, 21 ms, at a province centre).
            self.qs.filter(**{third: self.ids}).exclude(**{first: self.ids}).exclude(**{second: self.ids})
            .exclude(current_agency=F("reception_agency")).exclude(current_agency=F("resolving_agency")),
        ]

    def _or(self) -> QuerySet:
        condition = Q()
        for field in SCOPE_FIELDS:
            condition |= Q(**{f"{field}_id__in": self.ids})
        return self.qs.filter(condition)

    def count(self) -> int:
        if self._count is None:
            self._count = self._counted()
        return self._count

    def _counted(self) -> int:
        """How many, counted up to COUNT_CAP + 1: a province centre sees ~200,000 dossiers at
        1,000,000 and counting them all took 80 ms of index reads for a figure no one pages through
        (the page says "more than 10,000" and offers the filters)."""
        if not self.ids:
            return 0
        if connection.vendor != "postgresql":
            return self._or()[: self.COUNT_CAP + 1].count()
        first, *rest = (part.values("pk") for part in self._parts())
        return first.union(*rest, all=True).order_by()[: self.COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count() > self.COUNT_CAP

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[int]:
        if not isinstance(window, slice) or window.step is not None:
            raise TypeError("NewestFirst takes plain slices only")
        start, stop = window.start or 0, window.stop
        if not self.ids or stop is None or stop <= start:
            return []
        if connection.vendor != "postgresql":
            return list(self._or().order_by(*self.ORDER).values_list("pk", flat=True)[start:stop])
        first, *rest = (part.order_by(*self.ORDER).values_list("pk", "received_at")[:stop] for part in self._parts())
        merged = first.union(*rest, all=True).order_by("-received_at", "-pk")
        return [pk for pk, _received in merged[start:stop]]


def for_citizen(user) -> QuerySet[Dossier]:
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    return Dossier.objects.filter(applicant_user_id=user.pk)


def for_user(user) -> QuerySet[Dossier]:
    """Officials: their scope; everyone else: their own dossiers."""
    if getattr(user, "kind", "") == "official" or getattr(user, "is_superuser", False):
        return for_official(user)
    return for_citizen(user)


# The public lookup in one constant statement: the most requested page, and building this query
# through the ORM (values() over three joins, an exclude and an OR) cost 1.3 ms of CPU per request
# against 0.15 ms for the statement itself (bench/load: the page is CPU-bound at 2 workers).
# Drafts (status 0) are the applicant's alone; the code is unique.
_LOOKUP_SQL = (
    "SELECT d.code, d.status, d.channel, d.applicant_name, d.submitted_at, d.received_at, d.due_at,"
    " d.finished_at, d.returned_at, v.name, r.name, c.name"
    " FROM dossiers_dossier d"
    " JOIN procedures_procedureversion v ON v.id = d.procedure_version_id"
    " JOIN agencies_agency r ON r.id = d.reception_agency_id"
    " JOIN agencies_agency c ON c.id = d.current_agency_id"
    " WHERE d.code = %s AND (d.applicant_phone = %s OR d.representative_phone = %s) AND d.status <> 0"
)


def _aware(value):
    """SQLite hands raw statements naive datetimes (stored in UTC); PostgreSQL aware ones."""
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value


def public_lookup(code: str, phone: str) -> dict | None:
    """Tra cứu hồ sơ: exact code + the applicant's (or representative's) phone; minimal fields,
    the name masked. None when nothing matches (the caller says so without telling which part)."""
    code, phone = (code or "").strip()[:64], normalize_phone((phone or "").strip())[:20]
    if not code or not phone:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP_SQL, [code, phone, phone])
        row = cursor.fetchone()
    if row is None:
        return None
    (code, status, channel, applicant_name, submitted_at, received_at, due_at, finished_at, returned_at,
     procedure_name, reception_name, current_name) = row
    return {
        "code": code, "procedure_name": procedure_name, "status": status,
        "status_label": str(Status(status).label), "channel": channel,
        "applicant_name": mask(applicant_name, 2, 3), "reception_agency": reception_name,
        "current_agency": current_name, "submitted_at": _aware(submitted_at), "received_at": _aware(received_at),
        "due_at": _aware(due_at), "finished_at": _aware(finished_at), "returned_at": _aware(returned_at),
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

def _at(user, role, field, scope: Scope | None):
    agencies = _agencies(user, [role], scope)
    if _is_empty(agencies):
        return Dossier.objects.none()
    return Dossier.objects.filter(_agency_in(field, agencies))


def to_receive(user, scope: Scope | None = None) -> QuerySet[Dossier]:
    """Online dossiers waiting for reception (status 1) at the officer's one-stop centres."""
    return _at(user, Role.ONE_STOP_OFFICER, "reception_agency", scope).filter(status=Status.NEW)


def to_transfer(user, scope: Scope | None = None) -> QuerySet[Dossier]:
    return _at(user, Role.ONE_STOP_OFFICER, "reception_agency", scope).filter(status=Status.RECEIVED)


def to_process(user, scope: Scope | None = None) -> QuerySet[Dossier]:
    """Status 4 at a specialist step of the user's agencies, unassigned or assigned to them."""
    return _at(user, Role.SPECIALIST, "current_agency", scope).filter(
        Q(current_assignee__isnull=True) | Q(current_assignee_id=user.pk),
        status=Status.PROCESSING, current_role=Role.SPECIALIST)


def to_approve(user, scope: Scope | None = None) -> QuerySet[Dossier]:
    return _at(user, Role.LEADER, "current_agency", scope).filter(status=Status.PROCESSING, current_role=Role.LEADER)


def to_return(user, scope: Scope | None = None) -> QuerySet[Dossier]:
    return _at(user, Role.ONE_STOP_OFFICER, "reception_agency", scope).filter(status=Status.FINISHED)


def waiting_supplement(user, scope: Scope | None = None) -> QuerySet[Dossier]:
    return for_official(user, scope=scope).filter(status=Status.SUPPLEMENT)


QUEUES = {
    "tiep-nhan": to_receive, "chuyen-xu-ly": to_transfer, "xu-ly": to_process, "phe-duyet": to_approve,
    "tra-ket-qua": to_return, "cho-bo-sung": waiting_supplement,
}


def queue(user, name: str, scope: Scope | None = None) -> QuerySet[Dossier]:
    fn = QUEUES.get(name)
    return fn(user, scope) if fn is not None else Dossier.objects.none()


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
