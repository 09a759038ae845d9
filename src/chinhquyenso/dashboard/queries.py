"""Who may see which IOC scope, and the operational lists of the IOC page.

IOC operators and leaders (Role.IOC_OPERATOR / Role.LEADER) see the units and agencies their
grants cover (accounts.queries.visible_agencies — one SQL predicate); the public statistics page
shows aggregate figures only."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.core.text import is_digits
from chinhquyenso.dossiers import queries as dossier_queries
from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.dossiers.workflow import CLOCK_RUNNING
from chinhquyenso.feedback.models import Report
from chinhquyenso.feedback.workflow import OPEN as REPORT_OPEN
from chinhquyenso.units.models import AdministrativeUnit, Level

from .indicators import Scope

IOC_ROLES = [Role.IOC_OPERATOR, Role.LEADER]


def ioc_agencies(user) -> QuerySet[Agency]:
    return visible_agencies(user, IOC_ROLES)


def default_scope(user) -> Scope | None:
    """The widest scope the user's grants cover: a province PC → the province; a commune PC or
    centre → the commune; another agency → that agency."""
    top = ioc_agencies(user).select_related("unit", "province").order_by("path").first()
    if top is None:
        return None
    if top.kind == AgencyKind.PROVINCE_PC:
        return Scope(top.province)
    if top.kind in (AgencyKind.COMMUNE_PC, AgencyKind.COMMUNE_SERVICE_CENTRE):
        return Scope(top.province, unit=top.unit)
    return Scope(top.province, agency=top)


def resolve_scope(user, *, unit_code: str = "", agency_id: str = "") -> Scope | None:
    """The scope asked for, if the user may see it (None otherwise)."""
    visible = ioc_agencies(user)
    if agency_id:
        if not is_digits(str(agency_id)):  # "²".isdigit() is True
            return None
        agency = visible.filter(pk=int(agency_id)).select_related("unit", "province").first()
        return Scope(agency.province, agency=agency) if agency else None
    if unit_code:
        unit = AdministrativeUnit.objects.current().filter(code=unit_code[:10]).exclude(level=Level.DISTRICT).first()
        if unit is None:
            return None
        kind = AgencyKind.PROVINCE_PC if unit.level == Level.PROVINCE else AgencyKind.COMMUNE_PC
        if not visible.filter(unit=unit, kind=kind).exists():
            return None
        return Scope(unit) if unit.level == Level.PROVINCE else Scope(unit.province, unit=unit)
    return default_scope(user)


def _dossiers_in(scope: Scope) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(province=scope.province)
    if scope.agency is not None:
        return qs.filter(resolving_agency__path__startswith=scope.agency.path)
    if scope.unit is not None:
        return qs.filter(resolving_agency__unit=scope.unit)
    return qs


def overdue_dossiers(scope: Scope, limit: int = 10) -> list[Dossier]:
    """Dossiers whose clock runs past the due date (index dossier_status_due), oldest due first."""
    now = timezone.now()
    qs = _dossiers_in(scope).filter(status__in=list(CLOCK_RUNNING), due_at__lt=now).order_by("due_at")
    return list(dossier_queries.with_list_related(qs)[:limit])


def overdue_reports(scope: Scope, limit: int = 10) -> list[Report]:
    now = timezone.now()
    qs = Report.objects.filter(province=scope.province, status__in=list(REPORT_OPEN), due_at__lt=now)
    if scope.agency is not None:
        qs = qs.filter(agency__path__startswith=scope.agency.path)
    elif scope.unit is not None:
        qs = qs.filter(commune=scope.unit)
    return list(qs.select_related("category", "commune", "agency").order_by("due_at")[:limit])


def communes(province) -> list[AdministrativeUnit]:
    return list(AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province)
                .only("pk", "code", "full_name", "latitude", "longitude").order_by("code"))


__all__ = ["Q", "communes", "default_scope", "ioc_agencies", "overdue_dossiers", "overdue_reports", "resolve_scope"]
