"""Sync status reads for officers: failures and pending counts within their scope (one predicate:
dossiers.queries.for_official with the roles that operate the one-stop system)."""

from django.db.models import Count, F, Q

from chinhquyenso.accounts.models import Role

from ..models import SyncState
from ..queries import for_official

SYNC_ROLES = (Role.ONE_STOP_OFFICER, Role.LEADER, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN)


def in_scope(user):
    return for_official(user, SYNC_ROLES)


def failures(user):
    return (in_scope(user).filter(sync_state=SyncState.FAILED)
            .select_related("procedure_version", "reception_agency").order_by("-updated_at", "-id"))


def summary(user) -> dict:
    return in_scope(user).aggregate(
        failed=Count("id", filter=Q(sync_state=SyncState.FAILED)),
        pending=Count("id", filter=Q(sync_state=SyncState.PENDING, synced_version__lt=F("sync_version"))),
        synced=Count("id", filter=Q(sync_state=SyncState.SYNCED)),
    )
