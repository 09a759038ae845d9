"""Reads shared by pages, API, the IOC (dashboard) and computed indicators (assessment).

The contract other apps rely on (docs/community.md):

    team_coverage(unit, on_date)   -> (villages_with_team, villages)
    activity_totals(unit, period)  -> {"sessions": n, ..., "entries": n, "teams_reporting": n}
    plan_progress(unit, year)      -> {"tasks", "done", "in_progress", "not_started", "overdue", "percent"}
    quiz_participation(unit, period) -> {"quizzes", "entries", "submitted", "by_commune": {code: n}}

`unit` is a province or a commune (units.AdministrativeUnit); `period` is a `Period` (or any pair
of dates, inclusive both ends). Every function is a constant number of queries.

Access: officials see through ONE predicate built from accounts.queries.visible_agencies — a row
of a commune is readable when the commune's unit or the province's unit is the unit of an agency
the user sees (`readable`); it is manageable when the commune's People's Committee is among the
agencies the user sees (`manageable_communes`)."""

from __future__ import annotations

import calendar as _pycal
import datetime
from typing import NamedTuple

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.units.models import AdministrativeUnit, Level

from .models import (
    ACTIVITY_KEYS,
    Entry,
    Plan,
    PlanTask,
    Quiz,
    TaskStatus,
    Team,
    TeamActivity,
    Village,
)


class Period(NamedTuple):
    """Inclusive date range."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(datetime.date(year, first, 1), datetime.date(year, first + 2, _pycal.monthrange(year, first + 2)[1]))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(datetime.date(year, month, 1), datetime.date(year, month, _pycal.monthrange(year, month)[1]))


def _unit_filter(unit: AdministrativeUnit, *, commune_field: str = "commune", province_field: str = "province") -> Q:
    if unit.level == Level.PROVINCE:
        return Q(**{f"{province_field}_id": unit.pk})
    return Q(**{f"{commune_field}_id": unit.pk})


def _period(period) -> Period:
    start, end = period
    if isinstance(start, datetime.datetime):
        start = start.date()
    if isinstance(end, datetime.datetime):
        end = end.date()
    return Period(start, end)


# --- access ----------------------------------------------------------------------------------


def readable(queryset: QuerySet, user, *, commune_field: str = "commune", province_field: str = "province") -> QuerySet:
    """Rows of communes the official may read: their commune's agencies, or a province-level
    agency of the province (province officials see every commune). One SQL predicate."""
    agencies = visible_agencies(user)
    if agencies.query.is_empty():
        return queryset.none()
    units = agencies.values("unit_id")
    return queryset.filter(Q(**{f"{commune_field}__in": units}) | Q(**{f"{province_field}__in": units}))


def manageable_communes(user) -> QuerySet:
    """Communes whose People's Committee is among the agencies the user sees (any role there).
    A province grant covering the commune committees in the agency tree covers them too."""
    return AdministrativeUnit.objects.filter(
        pk__in=visible_agencies(user).filter(kind=AgencyKind.COMMUNE_PC).values("unit_id")
    )


def can_manage_commune(user, commune: AdministrativeUnit) -> bool:
    return manageable_communes(user).filter(pk=commune.pk).exists()


# --- villages and teams ----------------------------------------------------------------------


def active_team_filter(on_date: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}decision_date__lte": on_date}) & (
        Q(**{f"{prefix}dissolved_on__isnull": True}) | Q(**{f"{prefix}dissolved_on__gt": on_date})
    )


def team_coverage(unit: AdministrativeUnit, on_date: datetime.date) -> tuple[int, int]:
    """(villages with a team active on `on_date`, active villages) of a commune or a province.
    A team is active from its decision date until (excluding) its dissolution date. One query."""
    teams = Team.objects.filter(active_team_filter(on_date), village=OuterRef("pk"))
    row = Village.objects.filter(_unit_filter(unit), is_active=True).aggregate(
        villages=Count("pk"), covered=Count("pk", filter=Q(Exists(teams)))
    )
    return row["covered"], row["villages"]


def coverage_by_commune(province: AdministrativeUnit, on_date: datetime.date) -> list[dict]:
    """Per commune of the province that has villages: code, name, villages, covered, percent."""
    teams = Team.objects.filter(active_team_filter(on_date), village=OuterRef("pk"))
    rows = (
        Village.objects.filter(province=province, is_active=True)
        .values("commune_id", "commune__code", "commune__full_name")
        .annotate(villages=Count("pk"), covered=Count("pk", filter=Q(Exists(teams))))
        .order_by("commune__code")
    )
    out = []
    for r in rows:
        out.append({
            "commune_id": r["commune_id"], "code": r["commune__code"], "name": r["commune__full_name"],
            "villages": r["villages"], "covered": r["covered"],
            "percent": round(100 * r["covered"] / r["villages"], 1) if r["villages"] else 0.0,
        })
    return out


def activity_totals(unit: AdministrativeUnit, period) -> dict[str, int]:
    """Sums of the activity counts logged in `period` (inclusive) by teams of the unit, plus how
    many log entries and how many distinct teams reported. One query."""
    period = _period(period)
    sums = {key: Coalesce(Sum(key), Value(0), output_field=IntegerField()) for key in ACTIVITY_KEYS}
    row = TeamActivity.objects.filter(_unit_filter(unit), date__gte=period.start, date__lte=period.end).aggregate(
        entries=Count("pk"), teams_reporting=Count("team", distinct=True), **sums
    )
    return {key: int(row[key] or 0) for key in (*ACTIVITY_KEYS, "entries", "teams_reporting")}


def activity_by_commune(province: AdministrativeUnit, period) -> dict[int, dict[str, int]]:
    period = _period(period)
    sums = {key: Coalesce(Sum(key), Value(0), output_field=IntegerField()) for key in ACTIVITY_KEYS}
    rows = (
        TeamActivity.objects.filter(province=province, date__gte=period.start, date__lte=period.end)
        .values("commune_id").annotate(entries=Count("pk"), **sums).order_by()
    )
    return {r.pop("commune_id"): r for r in rows}


def villages_of(commune: AdministrativeUnit) -> QuerySet[Village]:
    return Village.objects.filter(commune=commune).order_by("name_folded")


def teams_for(user) -> QuerySet[Team]:
    return readable(Team.objects.all(), user).select_related("village", "commune")


def team_for(user, pk: int) -> Team | None:
    return teams_for(user).filter(pk=pk).first()


# --- plan ------------------------------------------------------------------------------------


def with_overdue(tasks: QuerySet[PlanTask], today: datetime.date) -> QuerySet[PlanTask]:
    """Annotate `is_overdue` (not done, deadline day passed) and `done_late`."""
    return tasks.annotate(
        is_overdue=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE),
        done_late=Q(status=TaskStatus.DONE, completed_on__gt=F("deadline")),
    )


def plans_for(user) -> QuerySet[Plan]:
    """Plans an official sees: the owner agency is visible, or a task of it is owned by a visible
    agency (a department sees the province plan because it owns tasks in it). One predicate."""
    agencies = visible_agencies(user)
    if agencies.query.is_empty():
        return Plan.objects.none()
    ids = agencies.values("pk")
    owned = PlanTask.objects.filter(plan=OuterRef("pk"), owner_agency__in=ids)
    return Plan.objects.filter(Q(agency__in=ids) | Q(Exists(owned))).select_related("unit", "agency")


def tasks_for(user) -> QuerySet[PlanTask]:
    agencies = visible_agencies(user)
    if agencies.query.is_empty():
        return PlanTask.objects.none()
    ids = agencies.values("pk")
    return PlanTask.objects.filter(Q(plan__agency__in=ids) | Q(owner_agency__in=ids)).select_related(
        "plan", "plan__unit", "owner_agency", "owner_department"
    )


def plan_progress(unit: AdministrativeUnit, year: int, *, today: datetime.date | None = None) -> dict:
    """Task counts of the unit's plan for `year` (the province's own plan for a province, not its
    communes'), overdue derived against `today`; percent = done / tasks × 100 (0 without tasks)."""
    from chinhquyenso.workdays.queries import today as vn_today

    today = today or vn_today()
    row = PlanTask.objects.filter(plan__unit=unit, plan__year=year).aggregate(
        tasks=Count("pk"),
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        in_progress=Count("pk", filter=Q(status=TaskStatus.IN_PROGRESS)),
        not_started=Count("pk", filter=Q(status=TaskStatus.NOT_STARTED)),
        overdue=Count("pk", filter=Q(deadline__lt=today) & ~Q(status=TaskStatus.DONE)),
    )
    row["percent"] = round(100 * row["done"] / row["tasks"], 1) if row["tasks"] else 0.0
    return row


def progress_by_unit(plans: QuerySet[Plan], today: datetime.date) -> QuerySet[Plan]:
    """Each plan annotated with its task counts (one query for the list)."""
    return plans.annotate(
        n_tasks=Count("tasks"),
        n_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        n_overdue=Count("tasks", filter=Q(tasks__deadline__lt=today) & ~Q(tasks__status=TaskStatus.DONE)),
    )


# --- quizzes ---------------------------------------------------------------------------------


def public_quizzes(province: AdministrativeUnit) -> QuerySet[Quiz]:
    return Quiz.objects.filter(province=province, is_published=True).select_related("unit", "agency")


def leaderboard(quiz: Quiz, commune: AdministrativeUnit | None = None) -> QuerySet[Entry]:
    """Finished entries, best first: score, then shorter time taken, then earlier submission."""
    qs = Entry.objects.filter(quiz=quiz, submitted_at__isnull=False)
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs.select_related("commune").order_by("-correct_count", "time_taken_seconds", "submitted_at", "pk")


def quiz_participation(unit: AdministrativeUnit, period) -> dict:
    """Entries started in `period` (inclusive, Vietnam dates) by people of the unit: how many
    quizzes they were in, entries, finished entries, and entries per commune code. Two queries."""
    from chinhquyenso.workdays.calendar import VN_TZ

    period = _period(period)
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=VN_TZ)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=VN_TZ)
    qs = Entry.objects.filter(_unit_filter(unit), started_at__gte=start, started_at__lt=end)
    row = qs.aggregate(
        quizzes=Count("quiz", distinct=True), entries=Count("pk"),
        submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
    )
    row["by_commune"] = dict(qs.values_list("commune__code").annotate(n=Count("pk")).order_by())
    return row


def participation_by_commune(quiz: Quiz) -> list[dict]:
    return list(
        Entry.objects.filter(quiz=quiz).values("commune__code", "commune__full_name")
        .annotate(entries=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by("-entries", "commune__code")
    )
