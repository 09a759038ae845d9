from django.db.models import QuerySet

from chinhquyenso.core.text import fold

from .models import Agency


def public_agencies(*, province_code: str = "", kind: str = "", q: str = "") -> QuerySet[Agency]:
    """Active agencies as the public sees them (names, contacts, reception points)."""
    agencies = Agency.objects.filter(is_active=True).select_related("unit", "province", "parent")
    if province_code:
        agencies = agencies.filter(province__code=province_code, province__valid_to__isnull=True)
    if kind:
        agencies = agencies.filter(kind=kind)
    folded = fold(q)
    if folded:
        agencies = agencies.filter(name_folded__contains=folded)
    return agencies.order_by("path")


def subtree(agency: Agency) -> QuerySet[Agency]:
    """The agency and every agency under it: one indexed prefix predicate."""
    return Agency.objects.filter(path__startswith=agency.path)
