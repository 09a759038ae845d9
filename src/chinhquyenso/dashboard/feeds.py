"""Figures the IOC shows next to the service-quality indicators, read through the feeding apps'
own queries: community digital technology team coverage and activity, awareness-quiz
participation (community) and the latest sector series (sectordata). Nothing is recomputed here;
a missing input shows as "no data" (None)."""

from chinhquyenso.community import queries as community
from chinhquyenso.community.models import ACTIVITY_FIELDS
from chinhquyenso.sectordata import queries as sector
from chinhquyenso.sectordata.periods import label as period_label

from .indicators import Period, Scope


def _unit(scope: Scope):
    if scope.unit is not None:
        return scope.unit
    if scope.agency is not None:
        return scope.agency.unit
    return scope.province


def community_figures(scope: Scope, period: Period) -> dict:
    unit = _unit(scope)
    covered, villages = community.team_coverage(unit, period.end)
    quiz = community.quiz_participation(unit, (period.start, period.end))
    totals = community.activity_totals(unit, (period.start, period.end))
    return {
        "villages": villages, "covered": covered,
        "coverage": round(100 * covered / villages, 2) if villages else None,
        "activity": [(label, totals.get(key) or 0) for key, label in ACTIVITY_FIELDS],
        "quiz_entries": quiz.get("entries") or 0, "quiz_finished": quiz.get("submitted") or 0,
    }


def sector_figures(scope: Scope, user) -> list[dict]:
    """Latest value of each series the user may read: the commune's own value, or for a province
    the communes' sum (count series) and how many communes reported. Three queries at most."""
    unit = _unit(scope)
    series_list = sector.series_definitions(scope.province, user=user)
    rows = []
    if unit.pk != scope.province.pk:
        latest_rows = sector.latest_for_unit(unit, series_list)
        for series in series_list:
            obs = latest_rows.get(series.pk)
            rows.append({"series": series, "value": obs.value if obs else None, "units": None,
                         "period": period_label(obs.period_start, series.granularity) if obs else ""})
        return rows
    totals = sector.latest_province_totals(series_list)
    for series in series_list:
        total = totals.get(series.pk)
        rows.append({"series": series, "value": total["total"] if total else None,
                     "units": total["units"] if total else None,
                     "period": period_label(total["period_start"], series.granularity) if total else ""})
    return rows
