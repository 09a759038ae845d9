"""Who may read which slip: ONE queryset predicate (ARCHITECTURE.md habit 6).

Officials: slips of dossiers in their scope (dossiers.queries.for_official: reception, resolving or
current agency among their visible agencies). Applicants: their own dossiers' BM.01–BM.04, the
slips handed to them. Anonymous callers: nothing. BM.06 (the register) is exported by agency and
field for officers who hold a one-stop, leader or agency-administrator role there."""

import datetime

from django.db.models import Q, QuerySet

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.procedures.models import SectorField

from ..models import Slip
from ..queries import for_official
from .catalogue import APPLICANT_KINDS

REGISTER_ROLES = (Role.ONE_STOP_OFFICER, Role.LEADER, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN)
MAX_REGISTER_DAYS = 366


def visible_slips(user) -> QuerySet[Slip]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Slip.objects.none()
    condition = Q(dossier__applicant_user_id=user.pk, kind__in=list(APPLICANT_KINDS))
    official = for_official(user)
    if not official.query.is_empty():
        condition |= Q(dossier__in=official.values("pk"))
    return Slip.objects.filter(condition)


def register_agencies(user):
    """Agencies whose tracking register the user may export (one-stop units first)."""
    return visible_agencies(user, REGISTER_ROLES).order_by("path")


def keeps_register(user, agency) -> bool:
    """One-stop officers of the agency keep its register and call applicants back, so their export
    carries phone numbers in full; leaders and administrators get them masked."""
    return visible_agencies(user, [Role.ONE_STOP_OFFICER]).filter(pk=agency.pk).exists()


def register_fields():
    return SectorField.objects.select_related("sector").order_by("sector__name", "name")


def validate_range(start: datetime.date | None, end: datetime.date | None) -> str:
    """An error message in Vietnamese, or "" when the range is usable."""
    if start is None or end is None:
        return "Vui lòng chọn từ ngày và đến ngày."
    if end < start:
        return "Đến ngày phải sau hoặc bằng từ ngày."
    if (end - start).days >= MAX_REGISTER_DAYS:
        return f"Mỗi lần kết xuất tối đa {MAX_REGISTER_DAYS} ngày."
    return ""
