"""Scoped reads shared by pages and the API: a clerk sees the messages and endpoints of the
agencies where they hold the document-clerk (or leader / agency-admin) role — one SQL filter
(accounts.queries.scope)."""

from django.db.models import QuerySet

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import scope

from .models import Direction, ExchangeEndpoint, Message, MessageStatus

ROLES = [Role.DOCUMENT_CLERK, Role.LEADER, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]
MANAGE_ROLES = [Role.DOCUMENT_CLERK, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]


def messages_for(user, *, roles=ROLES) -> QuerySet[Message]:
    return scope(Message.objects.all(), user, agency_field="agency", roles=roles)


def message_list(user, *, direction: str = "", status: str = "", kind: str = "", q: str = "") -> QuerySet[Message]:
    qs = messages_for(user).select_related("agency", "endpoint")
    if direction in Direction.values:
        qs = qs.filter(direction=direction)
    if status in MessageStatus.values:
        qs = qs.filter(status=status)
    if kind in ("document", "status"):
        qs = qs.filter(kind=kind)
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(code__icontains=q) | qs.filter(document_ref__icontains=q) | qs.filter(peer_organ_id__icontains=q)
    return qs.order_by("-created_at", "-id")


def message_detail(user, pk: int) -> Message | None:
    return messages_for(user).select_related("agency", "endpoint", "response_for").filter(pk=pk).first()


def can_manage(user, message: Message) -> bool:
    return messages_for(user, roles=MANAGE_ROLES).filter(pk=message.pk).exists()


def endpoints_for(user) -> QuerySet[ExchangeEndpoint]:
    return scope(ExchangeEndpoint.objects.select_related("agency"), user, agency_field="agency", roles=ROLES)
