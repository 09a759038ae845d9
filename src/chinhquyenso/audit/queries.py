from django.db.models import QuerySet

from .models import AuditEntry
from .registry import visible_queryset


def history_for(object_type: str, object_id: str, user) -> QuerySet[AuditEntry] | None:
    """The record's audit trail if `user` may see the record; None if the record is unknown or
    out of the user's scope (callers answer 404 for both, so scope does not leak existence)."""
    visible = visible_queryset(object_type, user)
    if visible is None or not visible.filter(pk=object_id).exists():
        return None
    return (
        AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor")
        .order_by("-at", "-id")
    )
