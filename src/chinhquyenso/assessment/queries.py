"""Scoped reads shared by pages, API and the IOC.

Who sees an assessment — ONE predicate (`visible_assessments`), three parts OR-ed together:
- the public (anyone): PUBLISHED assessments;
- the assessed unit: officials holding a role in UNIT_ROLES at the assessed agency or an agency
  below it in the same administrative unit (its service centre, its offices) — `member_condition`. This is "membership" (the
  grant's agency path starts with the assessed agency's path), NOT accounts.queries.scope, which
  looks downwards: a province leader whose grant covers every commune PC is a supervisor, not a
  member, and must not edit or read a commune's working draft;
- the reviewers: officials with an explicit Reviewer row for the criteria set who still hold a
  role in REVIEW_ROLES at the agency they review for (accounts.queries.visible_agencies) — every
  state but DRAFT.
Superusers see everything. docs/adr/0012-assessment-scoring-model.md explains why.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith

from chinhquyenso.accounts.models import Role, RoleAssignment
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.core.text import fold
from chinhquyenso.units.models import AdministrativeUnit

from . import scoring
from .models import (
    Assessment,
    CriteriaSet,
    IndicatorScore,
    PlanCommune,
    PlanTarget,
    Reviewer,
    SetStatus,
    Status,
    Subject,
)

UNIT_ROLES = [Role.SPECIALIST, Role.LEADER, Role.AGENCY_ADMIN]
REVIEW_ROLES = [Role.LEADER, Role.AGENCY_ADMIN]
SUBJECT_AGENCY_KINDS = {
    Subject.COMMUNE: [AgencyKind.COMMUNE_PC],
    Subject.PROVINCE: [AgencyKind.PROVINCE_PC],
    Subject.AGENCY: [AgencyKind.DEPARTMENT],
}
REVIEWING_AGENCY_KINDS = [AgencyKind.PROVINCE_PC, AgencyKind.DEPARTMENT]


SAFE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")


def clean_code(text) -> str:
    """A set or unit code from a URL, or "" when it cannot be one (NUL bytes, spaces, …)."""
    text = str(text or "").strip()
    return text if SAFE_CODE.match(text) else ""


def _official(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _membership(user, agency_path_ref: str, unit_ref: str) -> Exists:
    """The user holds a unit role at the agency or below it AND in the same administrative unit:
    a commune's centre and offices belong to the commune, but a commune PC, although below the
    provincial PC in the agency tree, is not part of the province's own self-assessment."""
    return Exists(RoleAssignment.objects.active().filter(user_id=user.pk, role__in=UNIT_ROLES).filter(
        StartsWith(F("agency__path"), OuterRef(agency_path_ref)), agency__unit_id=OuterRef(unit_ref)))


def member_condition(user) -> Q:
    if not _official(user):
        return Q(pk__in=[])
    return Q(_membership(user, "agency__path", "agency__unit_id"))


def reviewer_condition(user, set_ref: str = "criteria_set_id") -> Q:
    if not _official(user):
        return Q(pk__in=[])
    rows = Reviewer.objects.filter(user_id=user.pk, criteria_set_id=OuterRef(set_ref),
                                   agency__in=visible_agencies(user, REVIEW_ROLES).values("pk"))
    return Q(Exists(rows))


def visible_assessments(user) -> QuerySet[Assessment]:
    qs = Assessment.objects.all()
    if _official(user) and user.is_superuser:
        return qs
    condition = Q(status=Status.PUBLISHED)
    if _official(user):
        condition |= member_condition(user) | (reviewer_condition(user) & ~Q(status=Status.DRAFT))
    return qs.filter(condition)


def with_related(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return qs.select_related("criteria_set", "unit", "agency", "province")


def is_member(user, assessment: Assessment) -> bool:
    if not _official(user):
        return False
    return Assessment.objects.filter(pk=assessment.pk).filter(member_condition(user)).exists()


def is_reviewer(user, assessment_or_set) -> bool:
    if not _official(user):
        return False
    if user.is_superuser:
        return True
    set_id = assessment_or_set.pk if isinstance(assessment_or_set, CriteriaSet) else assessment_or_set.criteria_set_id
    return CriteriaSet.objects.filter(pk=set_id).filter(reviewer_condition(user, "pk")).exists()


def reviewed_sets(user) -> QuerySet[CriteriaSet]:
    if not _official(user):
        return CriteriaSet.objects.none()
    if user.is_superuser:
        return CriteriaSet.objects.all()
    return CriteriaSet.objects.filter(reviewer_condition(user, "pk"))


def startable_agencies(user, criteria_set: CriteriaSet) -> QuerySet[Agency]:
    """Agencies this user may open a self-assessment for under the set (their own unit)."""
    if not _official(user):
        return Agency.objects.none()
    qs = Agency.objects.filter(province_id=criteria_set.province_id, is_active=True,
                               kind__in=SUBJECT_AGENCY_KINDS[criteria_set.subject])
    if user.is_superuser:
        return qs
    return qs.filter(_membership(user, "path", "unit_id"))


def public_sets(province: AdministrativeUnit) -> QuerySet[CriteriaSet]:
    return CriteriaSet.objects.filter(province=province, status=SetStatus.PUBLISHED).order_by("code", "-version")


def visible_sets(user, province: AdministrativeUnit) -> QuerySet[CriteriaSet]:
    """Published sets for everyone; drafts too for the province's reviewers and administrators."""
    qs = CriteriaSet.objects.filter(province=province)
    if _official(user) and user.is_superuser:
        return qs
    condition = Q(status__in=[SetStatus.PUBLISHED, SetStatus.RETIRED])
    if _official(user):
        condition |= reviewer_condition(user, "pk") | Q(Exists(
            visible_agencies(user, [Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]).filter(
                province_id=OuterRef("province_id"), kind__in=REVIEWING_AGENCY_KINDS)))
    return qs.filter(condition)


# --- scores and totals -------------------------------------------------------------------------

def scores_of(assessment: Assessment) -> list[IndicatorScore]:
    return list(IndicatorScore.objects.filter(assessment=assessment)
                .select_related("indicator", "indicator__group").order_by("indicator__order", "indicator__code"))


def group_summary(scores: list[IndicatorScore], *, final: bool = True) -> list[dict]:
    """Per group: earned points (no data = 0), maximum, share, and the scores, in set order."""
    groups: OrderedDict = OrderedDict()
    for s in scores:
        g = s.indicator.group
        entry = groups.setdefault(g.pk, {"group": g, "earned": Decimal(0), "max": Decimal(0), "items": [],
                                         "no_data": 0})
        pts = s.final_points if final else s.self_points
        entry["earned"] += pts or Decimal(0)
        entry["max"] += s.indicator.max_points
        entry["no_data"] += s.self_points is None  # not measured, whatever the reviewer then scored
        entry["items"].append(s)
    out = sorted(groups.values(), key=lambda e: (e["group"].order, e["group"].code))
    for e in out:
        e["percent"] = scoring.percent(e["earned"], e["max"])
    return out


def ranking(criteria_set_code: str, province: AdministrativeUnit, year: int) -> list[dict]:
    """Published assessments of a set (any version of its code) and year, best index first.
    Ties share a rank and the next rank skips ("1, 1, 3"); within a tie, units are ordered by
    name, folded (diacritics-insensitive, "đ" as "d") so the order is stable and alphabetical."""
    rows = list(with_related(Assessment.objects.filter(
        province=province, criteria_set__code=criteria_set_code, year=year, status=Status.PUBLISHED,
    )))
    rows.sort(key=lambda a: (-(a.score_index or Decimal(-1)), fold(a.unit.name), a.unit.code))
    ranks = scoring.competition_ranks([a.score_index for a in rows])
    return [{"rank": r, "assessment": a} for r, a in zip(ranks, rows, strict=True)]


def map_points(rows: list[dict]) -> list[dict]:
    return [{"code": r["assessment"].unit.code, "name": r["assessment"].unit.full_name,
             "lat": float(r["assessment"].unit.latitude), "lon": float(r["assessment"].unit.longitude),
             "value": float(r["assessment"].score_index) if r["assessment"].score_index is not None else None,
             "rank": r["rank"], "completed": bool(r["assessment"].completed)}
            for r in rows if r["assessment"].unit.latitude is not None and r["assessment"].unit.longitude is not None]


def history(unit: AdministrativeUnit, user=None) -> list[Assessment]:
    """Year-over-year: every assessment of the unit the user may see, newest year first."""
    return list(with_related(visible_assessments(user).filter(unit=unit)).order_by("criteria_set__code", "-year"))


def years(province: AdministrativeUnit, set_code: str) -> list[int]:
    return sorted(set(Assessment.objects.filter(province=province, criteria_set__code=set_code,
                                                status=Status.PUBLISHED).values_list("year", flat=True)),
                  reverse=True)


def plan_progress(province: AdministrativeUnit, set_code: str) -> list[dict]:
    """Per plan year: the target (in the year, or cumulative to its end), the communes listed in
    the plan for that year, the communes that completed (a published assessment of that year
    meeting the set's completion rule), how many of the listed ones did, and the gap."""
    targets = list(PlanTarget.objects.filter(province=province, set_code=set_code).order_by("year", "cumulative"))
    planned: dict[int, set[int]] = {}
    for year, unit_id in PlanCommune.objects.filter(province=province, set_code=set_code).values_list("year", "unit_id"):
        planned.setdefault(year, set()).add(unit_id)
    done: dict[int, set[int]] = {}
    for year, unit_id in Assessment.objects.filter(
            province=province, criteria_set__code=set_code, status=Status.PUBLISHED, completed=True,
    ).values_list("year", "unit_id"):
        done.setdefault(year, set()).add(unit_id)
    all_years = sorted({t.year for t in targets} | set(planned) | set(done))
    out = []
    for year in all_years:
        in_year = done.get(year, set())
        first_done = {u for u in in_year if not any(u in done.get(y, set()) for y in all_years if y < year)}
        cumulative = set().union(*(done.get(y, set()) for y in all_years if y <= year))
        listed = planned.get(year, set())
        row_targets = [t for t in targets if t.year == year] or [None]
        for t in row_targets:
            achieved = len(cumulative) if t is not None and t.cumulative else len(first_done)
            out.append({"year": year, "target": t, "planned": len(listed),
                        "planned_done": len(listed & cumulative), "achieved": achieved,
                        "gap": max(0, t.target - achieved) if t is not None else None})
    return out
