"""Raw counts for one scope and period, read from the rollups (one query for dossiers, one per
other source), and the per-group version used for rankings (one GROUP BY query)."""

import datetime

from django.db.models import Case, Count, F, IntegerField, Q, Sum, When

from ..models import COUNTERS, PROCEDURE_COUNTERS, DossierFact, Grain, Rollup
from .periods import Period, Scope


def _sum_when(cond: Q, field: str, name: str):
    return Sum(Case(When(cond, then=F(field)), default=0, output_field=IntegerField()))


def dossier_aggregates(period: Period, *, today: datetime.date | None = None) -> dict:
    """Aggregate expressions over Rollup rows: `p_<counter>` summed over the period (received
    cohort, ended in the period), and the cumulative figures at the judging day P / cut-off C."""
    p_day, c_day = period.judged_on(today)
    in_period = Q(grain=Grain.MONTH, start__gte=period.start, start__lte=period.end)
    upto_p = Q(grain=Grain.MONTH, start__lte=p_day.replace(day=1))
    c_month = c_day.replace(day=1)
    before_c = Q(grain=Grain.MONTH, start__lt=c_month) | Q(grain=Grain.DAY, start__gte=c_month, start__lt=c_day)
    aggs = {f"p_{name}": _sum_when(in_period, name, name) for name in COUNTERS}
    aggs.update({
        "cum_received": _sum_when(upto_p, "received", "cum_received"),
        "cum_ended": _sum_when(upto_p, "ended", "cum_ended"),
        "cum_ended_judged": _sum_when(upto_p, "ended_judged", "x"),
        "cum_ended_on_time": _sum_when(upto_p, "ended_on_time", "x"),
        "cum_due": _sum_when(before_c, "due", "x"),
        "cum_due_on_time": _sum_when(before_c, "due_on_time", "x"),
    })
    return aggs


def _bound(period: Period, today):
    p_day, c_day = period.judged_on(today)
    return Q(grain=Grain.MONTH, start__lte=max(period.end, p_day)) | Q(grain=Grain.DAY, start__gte=c_day.replace(day=1),
                                                                       start__lt=c_day)


def dossier_counts(scope: Scope, period: Period, *, today=None) -> dict:
    qs = Rollup.objects.filter(**scope.rollup_filter()).filter(_bound(period, today))
    row = qs.aggregate(**dossier_aggregates(period, today=today))
    return {k: int(v or 0) for k, v in row.items()}


def dossier_counts_by(scope: Scope, period: Period, group: str, *, today=None) -> dict[int, dict]:
    """{unit_id or agency_id: counts} in one GROUP BY query (rankings)."""
    field = "unit_id" if group == "unit" else "agency_id"
    qs = Rollup.objects.filter(**scope.rollup_filter()).filter(_bound(period, today))
    rows = qs.values(field).annotate(**dossier_aggregates(period, today=today)).order_by()
    return {row[field]: {k: int(v or 0) for k, v in row.items() if k != field} for row in rows}


def procedure_counts(scope: Scope, period: Period) -> list[dict]:
    """Per procedure over the period: dossiers received (and of them online, paid online, VNeID) and
    dossiers ended (finished, processing time, judged, on time) — for 3.2, 4.2, 5.6 and the average
    processing time per procedure. The province reads its grain p rows; a commune or an agency
    (whose procedures the province-wide grain does not split) reads the facts of its own dossiers,
    found through the agency index."""
    if scope.unit is None and scope.agency is None:
        qs = Rollup.objects.filter(province_id=scope.province.pk, grain=Grain.PROCEDURE,
                                   start__gte=period.start, start__lte=period.end)
        return list(qs.values("procedure_id").annotate(**{name: Sum(name) for name in PROCEDURE_COUNTERS}).order_by())
    received = Q(received_on__gte=period.start, received_on__lte=period.end)
    ended = Q(ended_on__gte=period.start, ended_on__lte=period.end)
    facts = DossierFact.objects.filter(**scope.fact_filter()).filter(received | ended)
    rows = facts.values("procedure_id").annotate(
        received=Count("pk", filter=received), online=Count("pk", filter=received & Q(online=True)),
        paid_online=Count("pk", filter=received & Q(paid_online=True)),
        vneid=Count("pk", filter=received & Q(vneid=True)),
        finished=Count("pk", filter=ended & Q(finished=True)),
        processing_seconds=Sum("processing_seconds", filter=ended, default=0),
        ended_judged=Count("pk", filter=ended & Q(on_time__isnull=False)),
        ended_on_time=Count("pk", filter=ended & Q(on_time=True)),
    ).order_by()
    return list(rows)


def daily_series(scope: Scope, start: datetime.date, end: datetime.date) -> list[dict]:
    qs = Rollup.objects.filter(**scope.rollup_filter()).filter(grain=Grain.DAY, start__gte=start, start__lte=end)
    return list(qs.values("start").annotate(received=Sum("received"), online=Sum("online"), ended=Sum("ended"),
                                           on_time=Sum("ended_on_time"), judged=Sum("ended_judged"))
                .order_by("start"))


def monthly_series(scope: Scope, start: datetime.date, end: datetime.date) -> list[dict]:
    qs = Rollup.objects.filter(**scope.rollup_filter()).filter(grain=Grain.MONTH, start__gte=start, start__lte=end)
    return list(qs.values("start").annotate(
        received=Sum("received"), online=Sum("online"), digitized=Sum("digitized"), ended=Sum("ended"),
        on_time=Sum("ended_on_time"), judged=Sum("ended_judged"), processed_online=Sum("processed_online"),
        full_online_proc=Sum("full_online_proc")).order_by("start"))


__all__ = ["Count", "daily_series", "dossier_counts", "dossier_counts_by", "monthly_series", "procedure_counts"]
