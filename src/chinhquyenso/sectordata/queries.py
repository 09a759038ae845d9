"""Reads of sector series shared by the pages, the API and the dashboard (docs/sectordata.md).

Access rule (one SQL predicate, never a loop):
- a PUBLIC series (`is_public`) and its observations are aggregate figures anyone may read;
- a non-public series is readable by officials holding any role at an agency of the series'
  province (the IOC of that province), and by system administrators;
- pushing values and reading the import log needs a role in PUSH_ROLES at the series' owner
  agency (directly or through a grant covering it): `pushable_series`.

The functions taking `user=None` treat None as an anonymous reader: public series only. Pass the
request's user to include what that official may see.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import is_system_admin, visible_agencies
from chinhquyenso.units.models import AdministrativeUnit, Level

from .models import ImportBatch, Observation, SeriesDefinition

# Who may push values for a series: service accounts and officials of the owner agency. IOC
# operators of the province PC (whose grant covers the departments) load figures sent on paper.
PUSH_ROLES = [Role.SPECIALIST, Role.AGENCY_ADMIN, Role.IOC_OPERATOR, Role.SYSTEM_ADMIN]

PeriodRange = tuple[datetime.date | None, datetime.date | None] | None


def definitions() -> QuerySet[SeriesDefinition]:
    return SeriesDefinition.objects.select_related("sector", "owner_agency", "province")


def readable_series(user=None) -> QuerySet[SeriesDefinition]:
    """Series whose definition and observations `user` may read (None = anonymous)."""
    qs = definitions()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.filter(is_public=True)
    if user.is_superuser:
        return qs
    officials_here = visible_agencies(user).filter(province_id=OuterRef("province_id"))
    condition = Q(is_public=True) | Q(Exists(officials_here))
    return qs.filter(condition)


def pushable_series(user) -> QuerySet[SeriesDefinition]:
    """Series `user` may push values to (their owner agency is covered by one of the user's
    grants in PUSH_ROLES)."""
    agencies = visible_agencies(user, PUSH_ROLES)
    if agencies.query.is_empty():
        return SeriesDefinition.objects.none()
    return definitions().filter(owner_agency__in=agencies.values("pk"), is_active=True)


def can_push(user, series: SeriesDefinition) -> bool:
    return pushable_series(user).filter(pk=series.pk).exists()


def visible_batches(user) -> QuerySet[ImportBatch]:
    """The import log an official may read: batches of the series they may push to, and every
    batch of a province where they are IOC operator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ImportBatch.objects.none()
    qs = ImportBatch.objects.select_related("series", "series__sector", "submitted_by")
    if is_system_admin(user):
        return qs
    operator_provinces = visible_agencies(user, [Role.IOC_OPERATOR]).values("province_id")
    return qs.filter(Q(series__in=pushable_series(user).values("pk")) | Q(province_id__in=operator_provinces))


def get_series(province: AdministrativeUnit | str, code: str, user=None) -> SeriesDefinition | None:
    """The readable series `code` of a province (a unit or its code)."""
    qs = readable_series(user)
    if isinstance(province, AdministrativeUnit):
        qs = qs.filter(province=province)
    else:
        qs = qs.filter(province__code=province, province__level=Level.PROVINCE, province__valid_to__isnull=True)
    return qs.filter(code=code).first()


def series_definitions(province: AdministrativeUnit, *, user=None, sector: str | None = None) -> list[SeriesDefinition]:
    """Definitions of a province's series that `user` may read, in sector order (one query)."""
    qs = readable_series(user).filter(province=province)
    if sector:
        qs = qs.filter(sector__code=sector)
    return list(qs.order_by("sector__order", "sector__name", "name"))


def _province_of(unit: AdministrativeUnit) -> int | None:
    return unit.pk if unit.level == Level.PROVINCE else unit.province_id


def _in_range(qs: QuerySet, period_range: PeriodRange) -> QuerySet:
    if period_range:
        first, last = period_range
        if first:
            qs = qs.filter(period_start__gte=first)
        if last:
            qs = qs.filter(period_start__lte=last)
    return qs


def observations(series: SeriesDefinition, *, units: Iterable[AdministrativeUnit] | None = None,
                 period_range: PeriodRange = None) -> QuerySet[Observation]:
    """Observations of one series (access is the caller's: get the series through
    `readable_series`/`get_series` first), optionally for some units and a range of period starts."""
    qs = Observation.objects.filter(series=series).select_related("unit")
    if units is not None:
        qs = qs.filter(unit__in=[u.pk for u in units])
    return _in_range(qs, period_range).order_by("period_start", "unit__code")


def series_for(unit: AdministrativeUnit, code: str, period_range: PeriodRange = None, *, user=None,
               include_communes: bool = False) -> QuerySet[Observation]:
    """Values of series `code` (of the unit's province) for `unit`, ordered by period; a range of
    period starts `(first, last)` (either end may be None) limits it. With `include_communes`
    and a province unit, every commune's values too. Empty when `user` may not read the series
    (None = anonymous: public series only)."""
    province_id = _province_of(unit)
    series = readable_series(user).filter(province_id=province_id, code=code)
    qs = Observation.objects.filter(series__in=series.values("pk")).select_related("unit")
    if include_communes and unit.level == Level.PROVINCE:
        qs = qs.filter(province_id=province_id)
    else:
        qs = qs.filter(unit=unit)
    return _in_range(qs, period_range).order_by("period_start", "unit__code")


def latest(unit: AdministrativeUnit, code: str, *, user=None) -> Observation | None:
    """The most recent observation of series `code` for `unit`, or None (no data)."""
    return series_for(unit, code, user=user).order_by("-period_start").first()


def latest_periods(series_ids: Iterable[int]) -> dict[int, dict]:
    """For each series: its latest period start and how many units reported in it (two queries)."""
    from django.db.models import Count, Max

    ids = list(series_ids)
    if not ids:
        return {}
    last = dict(Observation.objects.filter(series_id__in=ids).values("series_id").annotate(m=Max("period_start"))
                .values_list("series_id", "m"))
    if not last:
        return {}
    cond = Q()
    for sid, start in last.items():
        cond |= Q(series_id=sid, period_start=start)
    counts = dict(Observation.objects.filter(cond).values("series_id").annotate(n=Count("id"))
                  .values_list("series_id", "n"))
    return {sid: {"period_start": start, "units": counts.get(sid, 0)} for sid, start in last.items()}


def province_totals(series: SeriesDefinition, period_range: PeriodRange = None) -> dict[datetime.date, dict]:
    """Per period: the number of units reported and, for `rollup == sum` series, the sum of the
    communes' values (None otherwise: a sum of rates means nothing)."""
    from django.db.models import Count, Sum

    qs = _in_range(Observation.objects.filter(series=series, unit__level=Level.COMMUNE), period_range)
    rows = qs.values("period_start").annotate(n=Count("id"), total=Sum("value")).order_by("period_start")
    summable = series.rollup == "sum"
    return {r["period_start"]: {"units": r["n"], "total": r["total"] if summable else None} for r in rows}


def latest_for_unit(unit: AdministrativeUnit, series_list: Iterable[SeriesDefinition]) -> dict[int, Observation]:
    """The latest observation of each series for `unit`, keyed by series id (one query; access
    is the caller's: pass series from `series_definitions`/`readable_series`)."""
    rows = Observation.objects.filter(unit=unit, series__in=[s.pk for s in series_list]).order_by(
        "series_id", "-period_start")
    latest_rows: dict[int, Observation] = {}
    for row in rows:
        latest_rows.setdefault(row.series_id, row)
    return latest_rows


def latest_province_totals(series_list: Iterable[SeriesDefinition]) -> dict[int, dict]:
    """For each series: the latest period its communes reported, how many did, and their sum for
    `rollup == sum` series (None otherwise). Two queries, whatever the number of series."""
    from django.db.models import Count, Max, Sum

    series_list = list(series_list)
    communes = Observation.objects.filter(series__in=[s.pk for s in series_list], unit__level=Level.COMMUNE)
    last = dict(communes.values("series_id").annotate(m=Max("period_start")).values_list("series_id", "m"))
    if not last:
        return {}
    cond = Q()
    for sid, start in last.items():
        cond |= Q(series_id=sid, period_start=start)
    rows = {r["series_id"]: r for r in communes.filter(cond).values("series_id").annotate(n=Count("id"), total=Sum("value"))}
    summable = {s.pk for s in series_list if s.rollup == "sum"}
    return {sid: {"period_start": start, "units": rows[sid]["n"],
                  "total": rows[sid]["total"] if sid in summable else None}
            for sid, start in last.items() if sid in rows}
