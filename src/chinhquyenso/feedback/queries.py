"""Scoped reads of field reports, shared by pages, the JSON API, Open311 and the KPIs.

Who sees what (each one SQL predicate, never a Python loop):
- IOC operators (Role.IOC_OPERATOR) see every report of the provinces where they hold the role,
  with the reporter's identity (vn-regulations §6, Huế model).
- Handling agencies (HANDLER_ROLES) see the reports assigned to agencies they may see
  (accounts.queries.scope) — never the reporter's identity: `ReporterContact` is not loaded.
- The public sees published reports only (`is_public`), without identity.
"""

import datetime
import math

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import scope, visible_agencies
from chinhquyenso.units.models import AdministrativeUnit

from .models import Category, Report, ReportEvent, Status
from .workflow import OPEN

HANDLER_ROLES = [Role.SPECIALIST, Role.LEADER, Role.ONE_STOP_OFFICER, Role.AGENCY_ADMIN]
OPERATOR_ROLES = [Role.IOC_OPERATOR]


def operator_provinces(user) -> QuerySet:
    """Ids of the provinces where `user` is an IOC operator (a subquery, not evaluated here)."""
    return visible_agencies(user, OPERATOR_ROLES).values("province_id")


def operator_reports(user) -> QuerySet[Report]:
    agencies = visible_agencies(user, OPERATOR_ROLES)
    if agencies.query.is_empty():
        return Report.objects.none()
    return Report.objects.filter(province_id__in=agencies.values("province_id"))


def agency_reports(user) -> QuerySet[Report]:
    return scope(Report.objects.all(), user, agency_field="agency", roles=HANDLER_ROLES)


def staff_reports(user) -> QuerySet[Report]:
    """What an official may open: operator provinces OR assigned to a visible agency."""
    if not getattr(user, "is_authenticated", False):
        return Report.objects.none()
    return Report.objects.filter(
        Q(province_id__in=visible_agencies(user, OPERATOR_ROLES).values("province_id"))
        | Q(agency_id__in=visible_agencies(user, HANDLER_ROLES).values("pk"))
    )


def is_operator(user, province_id: int) -> bool:
    return visible_agencies(user, OPERATOR_ROLES).filter(province_id=province_id).exists()


def is_handler(user, agency_id: int | None) -> bool:
    return agency_id is not None and visible_agencies(user, HANDLER_ROLES).filter(pk=agency_id).exists()


def public_reports() -> QuerySet[Report]:
    return Report.objects.filter(is_public=True)


def with_list_relations(qs: QuerySet[Report]) -> QuerySet[Report]:
    return qs.select_related("category", "commune", "agency", "province")


def public_timeline(report: Report) -> QuerySet[ReportEvent]:
    return report.events.filter(is_public=True).select_related("agency")


def full_timeline(report: Report) -> QuerySet[ReportEvent]:
    return report.events.select_related("agency", "actor")


def categories(province: AdministrativeUnit, *, leaves_only: bool = False) -> QuerySet[Category]:
    qs = Category.objects.filter(province=province, is_active=True).select_related("parent")
    if leaves_only:
        qs = qs.exclude(children__is_active=True)
    return qs.order_by("parent__order", "parent_id", "order", "name")


def nearby_open(category: Category, lat: float, lon: float, *, exclude_id: int | None = None) -> list[Report]:
    """Open reports of the same category within FEEDBACK_NEARBY_METERS (default 150 m) received in
    the last FEEDBACK_NEARBY_DAYS (default 30) days — candidates for "me too" and for merging.
    A bounding box on the indexed (category, latitude, longitude) narrows the rows; the exact
    distance is checked on that handful."""
    from .geo import distance_km

    meters = float(getattr(settings, "FEEDBACK_NEARBY_METERS", 150))
    days = int(getattr(settings, "FEEDBACK_NEARBY_DAYS", 30))
    dlat = meters / 111_000.0
    dlon = dlat / max(0.2, math.cos(math.radians(lat)))
    qs = Report.objects.filter(
        category=category, status__in=list(OPEN), merged_into__isnull=True,
        latitude__range=(lat - dlat, lat + dlat), longitude__range=(lon - dlon, lon + dlon),
        received_at__gte=timezone.now() - datetime.timedelta(days=days),
    ).select_related("category", "commune")
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    found = []
    for r in qs[:50]:
        km = distance_km(lat, lon, float(r.latitude), float(r.longitude))
        if km * 1000 <= meters:
            r.distance_m = round(km * 1000)
            found.append(r)
    return sorted(found, key=lambda r: r.distance_m)


def commune_statistics(province: AdministrativeUnit, since: datetime.datetime | None = None) -> list[dict]:
    """Per commune, one GROUP BY query. Definitions (shown next to the figures):
    - received: reports received in the period, excluding refused and merged ones;
    - handled: of those, reports with a result (handled_at set);
    - on_time: of the handled, result reached no later than the due time (handled_on_time);
    - rated / satisfied: reports rated by the reporter / rated "satisfied".
    """
    qs = Report.objects.filter(province=province).exclude(status__in=[Status.REFUSED, Status.MERGED])
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    rows = (
        qs.values("commune_id", "commune__full_name")
        .annotate(
            received=Count("id"),
            handled=Count("id", filter=Q(handled_at__isnull=False)),
            on_time=Count("id", filter=Q(handled_on_time=True)),
            rated=Count("id", filter=Q(satisfied__isnull=False)),
            satisfied_n=Count("id", filter=Q(satisfied=True)),
        )
        .order_by("-received", "commune__full_name")
    )
    result = []
    for row in rows:
        row["on_time_pct"] = round(100 * row["on_time"] / row["handled"], 1) if row["handled"] else None
        row["satisfied_pct"] = round(100 * row["satisfied_n"] / row["rated"], 1) if row["rated"] else None
        result.append(row)
    return result


def kpi_766(province: AdministrativeUnit, start: datetime.datetime, end: datetime.datetime) -> dict:
    """The raw counts Decision 766 indicators 5.1–5.3 are computed from (vn-regulations §3 [S]),
    for reports received in [start, end). One aggregate query.
    - 5.1 classified / received;
    - 5.2 (handled on time + in handling and not yet due) / received;
    - 5.3 uses dislikes, likes, overdue and repeated complaints (reopened)."""
    now = timezone.now()
    qs = Report.objects.filter(province=province, received_at__gte=start, received_at__lt=end)
    return qs.aggregate(
        received=Count("id"),
        classified=Count("id", filter=Q(accepted_at__isnull=False) | Q(status=Status.REFUSED)),
        on_time=Count("id", filter=Q(handled_on_time=True)),
        in_time_pending=Count("id", filter=Q(handled_at__isnull=True, due_at__gt=now)),
        overdue=Count("id", filter=Q(handled_on_time=False) | Q(handled_at__isnull=True, due_at__lte=now)),
        likes=Count("id", filter=Q(satisfied=True)),
        dislikes=Count("id", filter=Q(satisfied=False)),
        repeated=Count("id", filter=Q(reopen_count__gt=0)),
        published_count=Count("id", filter=Q(published_at__isnull=False)),
    )
