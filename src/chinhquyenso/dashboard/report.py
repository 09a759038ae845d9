"""The IOC report for one scope and period: every indicator with plan, gap and trend, the 766
group scores, rankings and series — shared by the IOC page, the exports and the public page."""

import datetime

from django.utils import timezone

from chinhquyenso.workdays.calendar import VN_TZ

from . import indicators, plans
from .indicators import HEADLINE, Context, Period, Scope
from .indicators.figures import daily_series, monthly_series
from .rollups import day_rows_since


def build(scope: Scope, period: Period, *, rank_code: str = "2.1", today=None, shared_sources: bool = False) -> dict:
    ctx = Context(scope, period, today, shared_sources=shared_sources)
    results = ctx.all()
    before = Context(scope, period.previous(), today)
    previous = {code: before.compute(code) for code in indicators.DOSSIER_CODES}
    targets = plans.targets(scope.province, scope.unit, period.year)
    rows = [plans.compare(r, previous.get(r.code), targets.get(r.code)) for r in results]
    by_code = {row["result"].code: row for row in rows}
    groups = indicators.group_scores(results)
    total = sum((g["points"] for g in groups), 0)
    return {
        "scope": scope, "period": period, "rows": rows, "by_code": by_code,
        "headline": [by_code[c] for c in HEADLINE if c in by_code], "groups": groups, "total": total,
        "behind": [row for row in rows if row["behind"]],
        "ranking": indicators.ranking(rank_code, scope, period, group="unit" if scope.unit is None and scope.agency is None
                                      else "agency", today=today) if rank_code in indicators.DOSSIER_CODES else [],
        "rank_code": rank_code,
    }


def chart_data(scope: Scope, period: Period) -> dict:
    today = timezone.localdate(timezone=VN_TZ)
    end = min(period.end, today)
    start = end - datetime.timedelta(days=29)
    months = monthly_series(scope, period.start.replace(month=1), period.end)
    # Day rows exist for the recent window only (ADR 0010): a period that ended before it has
    # its months, and the page says so instead of drawing an empty or partial daily chart.
    daily = end >= day_rows_since(today)
    days = daily_series(scope, max(start, day_rows_since(today)), end) if daily else []
    return {
        "months": [m["start"].strftime("%m/%Y") for m in months],
        "received": [m["received"] for m in months],
        "online_pct": [round(100 * m["online"] / m["received"], 2) if m["received"] else None for m in months],
        "on_time_pct": [round(100 * m["on_time"] / m["judged"], 2) if m["judged"] else None for m in months],
        "digitized_pct": [round(100 * m["digitized"] / m["received"], 2) if m["received"] else None for m in months],
        "daily": daily,
        "days": [d["start"].strftime("%d/%m") for d in days],
        "daily_received": [d["received"] for d in days],
        "daily_ended": [d["ended"] for d in days],
    }


def map_data(ranking: list[dict], communes: list) -> list[dict]:
    values = {row["id"]: row["value"] for row in ranking}
    return [{"name": c.full_name, "code": c.code, "lat": float(c.latitude), "lon": float(c.longitude),
             "value": float(values[c.pk]) if values.get(c.pk) is not None else None}
            for c in communes if c.latitude is not None and c.longitude is not None]
