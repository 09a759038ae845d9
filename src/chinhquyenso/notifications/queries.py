"""Reads shared by pages (and later the API)."""

from django.db.models import Prefetch, QuerySet

from .models import Delivery, Notification


def inbox_for(user) -> QuerySet[Notification]:
    """The user's OWN notifications, most recent first, with their channels (two queries)."""
    return (
        Notification.objects.filter(user=user)
        .only("pk", "event", "subject", "body", "is_sensitive", "created_at", "read_at", "user_id")
        .prefetch_related(Prefetch("deliveries", queryset=Delivery.objects.only("pk", "notification_id", "channel", "status")))
        .order_by("-created_at", "-id")
    )


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
