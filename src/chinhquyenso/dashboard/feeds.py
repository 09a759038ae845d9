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
    the communes' sum (count series) and how many communes reported."""
    unit = _unit(scope)
    rows = []
    for series in sector.series_definitions(scope.province, user=user):
        row = {"series": series, "value": None, "period": "", "units": None}
        if unit.pk != scope.province.pk:
            obs = sector.latest(unit, series.code, user=user)
            if obs is not None:
                row.update(value=obs.value, period=period_label(obs.period_start, series.granularity))
        else:
            totals = sector.province_totals(series)
            if totals:
                start = max(totals)
                row.update(value=totals[start]["total"], units=totals[start]["units"],
                           period=period_label(start, series.granularity))
        rows.append(row)
    return rows
