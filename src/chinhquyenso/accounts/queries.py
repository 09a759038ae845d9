""""What may this official see" — one SQL predicate over the agency tree, shared by every page,
endpoint and KPI (ARCHITECTURE.md habit 6). Never loop over rows in Python to decide access."""

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.lookups import StartsWith

from chinhquyenso.agencies.models import Agency

from .models import Role, RoleAssignment, User


def _grants(user: User, roles: Iterable[str] | None) -> QuerySet[RoleAssignment]:
    grants = RoleAssignment.objects.active().filter(user_id=user.pk)
    if roles is not None:
        grants = grants.filter(role__in=list(roles))
    return grants


def is_system_admin(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or _grants(user, [Role.SYSTEM_ADMIN]).exists()


def visible_agencies(user, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """Agencies the user holds one of `roles` at (any role when None), with their subtrees where
    the grant says so. System administrators see every agency. Anonymous users and citizens see
    none. Evaluating the result is ONE query: the system-administrator test is part of it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Agency.objects.none()
    if user.is_superuser:
        return Agency.objects.all()
    roles = None if roles is None else list(roles)
    covering = _grants(user, roles).filter(
        Q(agency_id=OuterRef("pk")) | Q(StartsWith(OuterRef("path"), F("agency__path")), include_subagencies=True)
    )
    condition = Exists(covering)
    if roles is None or Role.SYSTEM_ADMIN in roles:
        condition |= Exists(_grants(user, [Role.SYSTEM_ADMIN]))
    return Agency.objects.filter(condition)


def scope(queryset: QuerySet, user, *, agency_field: str = "agency", roles: Iterable[str] | None = None):
    """Filter any queryset whose rows belong to an agency to what `user` may see."""
    agencies = visible_agencies(user, roles)
    if agencies.query.is_empty():
        return queryset.none()
    return queryset.filter(**{f"{agency_field}__in": agencies.values("pk")})


def has_role(user, role: str, agency: Agency | None = None) -> bool:
    """Whether the user holds `role` (at `agency`, directly or through a covering grant).

    At an agency this is visible_agencies(user, [role]) ∋ agency, asked of the grants alone: a
    grant covers `agency` when it is at the agency itself, or at one of its ancestors — the ids of
    its materialised path — with include_subagencies. One indexed query on the user's grants,
    without the agency tree (every write of an official asks it)."""
    if agency is None:
        return getattr(user, "is_authenticated", False) and _grants(user, [role]).exists()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = _grants(user, [role])
    if role == Role.SYSTEM_ADMIN:  # a system administrator holds it everywhere (visible_agencies)
        return grants.exists()
    ancestors = [int(part) for part in (agency.path or "").split("/") if part.isdigit()]
    return grants.filter(Q(agency_id=agency.pk) | Q(include_subagencies=True, agency_id__in=ancestors)).exists()


def two_factor_required(user) -> bool:
    """Superusers and holders of a role in settings.TWO_FACTOR_REQUIRED_ROLES must use TOTP.
    One indexed EXISTS on (user, role); superusers need no query."""
    from django.conf import settings

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roles = list(settings.TWO_FACTOR_REQUIRED_ROLES)
    return bool(roles) and _grants(user, roles).exists()


def own_role_assignments(user) -> QuerySet[RoleAssignment]:
    """The user's current grants, for the profile page and /api/v1/accounts/me."""
    return RoleAssignment.objects.active().filter(user_id=user.pk).select_related("agency").order_by(
        "agency__path", "role"
    )
