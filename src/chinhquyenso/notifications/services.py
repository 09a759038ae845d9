"""Every write of the notifications app.

Flow: notify() renders the event's templates and writes a Notification plus one Delivery per
channel in the caller's transaction; on commit it enqueues tasks.send_delivery(delivery_id) on
the "notifications" queue. The task calls attempt_delivery(), which

1. claims the row with ONE conditional UPDATE (status pending/failed → sending, only when the
   back-off time has come). Two tasks for the same delivery (retry + sweeper, a double enqueue,
   two workers) race on that UPDATE and exactly one wins; the loser does nothing.
2. sends through the channel plugin with no transaction or row lock held during the HTTP call
   (a retry first asks the channel whether an earlier attempt was accepted after all:
   channels.BaseChannel.find_sent);
3. records the outcome: sent; given up (permanent error, or NOTIFICATION_MAX_ATTEMPTS reached);
   or failed with next_attempt_at = now + back-off and a new task enqueued with
   `run_after=next_attempt_at` (django-tasks-db honours run_after; a backend that cannot defer
   leaves the row to sweep_deliveries()).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from chinhquyenso.accounts.validators import normalize_phone
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc

from . import rendering
from .channels import ChannelError, OutgoingMessage, PermanentChannelError, get_channel
from .models import (
    CHANNEL_PRIORITY,
    CLAIMABLE,
    PHONE_CHANNELS,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationTemplate,
)

logger = logging.getLogger(__name__)

REDACTED = "[đã xoá nội dung bảo mật sau khi gửi]"


@dataclass(frozen=True)
class Contact:
    """A recipient without an account (e.g. a citizen who left a phone number on a report)."""

    name: str = ""
    email: str = ""
    phone: str = ""


# --- settings --------------------------------------------------------------------------------


def max_attempts() -> int:
    return max(1, int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 5)))


def backoff_delay(attempt: int, *, jitter: float = 0.0) -> timedelta:
    """Wait after failed attempt number `attempt` (1-based): base · 2^(attempt−1), capped, plus up
    to 10 % jitter (jitter ∈ [0, 1)) so a provider outage is not followed by a thundering herd.
    Defaults 120 s base, 1 h cap: 2, 4, 8, 16 min … ."""
    base = int(getattr(settings, "NOTIFICATION_RETRY_BASE_SECONDS", 120))
    cap = int(getattr(settings, "NOTIFICATION_RETRY_MAX_SECONDS", 3600))
    seconds = min(cap, base * 2 ** max(0, attempt - 1))
    return timedelta(seconds=seconds * (1 + 0.1 * jitter))


# --- notify ----------------------------------------------------------------------------------


def _contact_of(recipient: Any) -> tuple[Any, Contact]:
    if isinstance(recipient, Contact):
        return None, recipient
    if getattr(recipient, "pk", None) is None:
        raise TypeError("recipient must be a saved user or a notifications.services.Contact")
    return recipient, Contact(
        name=recipient.get_full_name() or recipient.get_username(),
        email=recipient.email or "",
        phone=recipient.phone or "",
    )


def _address(channel: str, contact: Contact) -> str:
    if channel in PHONE_CHANNELS:
        return normalize_phone(contact.phone) if contact.phone else ""
    return (contact.email or "").strip()


def _enqueue(delivery_ids: Sequence[int], run_after: datetime | None = None) -> None:
    from .tasks import send_delivery

    task = send_delivery
    if run_after is not None:
        if not task.get_backend().supports_defer:
            # ImmediateBackend/DummyBackend cannot wait; sweep_deliveries() will pick it up.
            return
        task = task.using(run_after=run_after)
    for delivery_id in delivery_ids:
        task.enqueue(delivery_id)


def notify(
    event: str,
    recipient: Any,
    context: dict[str, Any] | None = None,
    *,
    channels: Sequence[str] | None = None,
    dedupe_key: str | None = None,
    province_code: str = "",
) -> Notification | None:
    """Tell `recipient` (a User or a Contact) about `event` on each channel that has an active
    template and for which the recipient has an address; sending happens after commit.

    `dedupe_key` (e.g. f"dossier.received:{dossier.pk}") makes the call idempotent: a second call
    with the same key returns the first Notification and queues nothing. Returns None when the
    event has no active template and there is no inbox to write to."""
    user, contact = _contact_of(recipient)
    if channels is not None:
        unknown = set(channels) - set(getattr(settings, "NOTIFICATION_CHANNELS", {}))
        if unknown:
            raise ImproperlyConfigured(f"Notification channels not configured: {sorted(unknown)}")
    context = {
        "recipient_name": contact.name,
        "site_name": "Chính quyền số",
        "site_url": settings.SITE_URL,
        **(context or {}),
    }
    with transaction.atomic():
        if dedupe_key:
            existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
            if existing is not None:
                return existing
        templates = NotificationTemplate.objects.filter(event=event, is_active=True)
        if channels is not None:
            templates = templates.filter(channel__in=channels)
        rendered: dict[str, tuple[NotificationTemplate, dict[str, Any], str]] = {}
        for template in templates:
            if template.channel not in getattr(settings, "NOTIFICATION_CHANNELS", {}):
                logger.warning("notify(%s): channel %s has a template but is not configured", event, template.channel)
                continue
            rendered[template.channel] = (template, rendering.render(template, context), _address(template.channel, contact))
        if not rendered:
            logger.warning("notify(%s): no active template", event)
            return None
        inbox_channel = next(c for c in CHANNEL_PRIORITY if c in rendered)
        inbox_template, inbox_text, _ = rendered[inbox_channel]
        sensitive = any(t.is_sensitive for t, _, _ in rendered.values())
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    event=event,
                    user=user,
                    recipient_name=nfc(contact.name)[:150],
                    subject=inbox_text["subject"],
                    body="" if sensitive else inbox_text["body"],
                    is_sensitive=sensitive,
                    dedupe_key=dedupe_key or None,
                    province_code=province_code,
                )
        except IntegrityError:
            # A concurrent call with the same dedupe key committed first: it owns the sending.
            return Notification.objects.get(dedupe_key=dedupe_key)
        key_base = dedupe_key or f"n{notification.pk}"
        deliveries = [
            Delivery.objects.create(
                notification=notification,
                channel=channel,
                address=address,
                dedupe_key=f"{key_base}:{channel}",
                province_code=province_code,
                **text,
            )
            for channel, (_, text, address) in rendered.items()
            if address
        ]
        ids = [d.pk for d in deliveries]
        if ids:
            transaction.on_commit(lambda: _enqueue(ids))
    return notification


# --- sending ---------------------------------------------------------------------------------


def _claim(delivery_id: int, now: datetime) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        Delivery.objects.filter(due, pk=delivery_id, status__in=CLAIMABLE).update(
            status=DeliveryStatus.SENDING, attempts=F("attempts") + 1, claimed_at=now, updated_at=now
        )
    )


def _finish(delivery: Delivery, **fields: Any) -> bool:
    """Write the outcome only if this worker still owns the claim (a sweeper may have
    reclaimed a very slow attempt)."""
    fields["updated_at"] = timezone.now()
    if fields.get("status") in (DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP) and delivery.notification.is_sensitive:
        fields.update(body=REDACTED, provider_data={})
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, attempts=delivery.attempts).update(
            **fields
        )
    )


def attempt_delivery(delivery_id: int, *, jitter: float | None = None) -> str:
    """Run one send attempt; returns the resulting status, or "skipped" when the delivery was
    not claimable (already sent, being sent, given up, or its back-off time not yet come)."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return "skipped"
    delivery = Delivery.objects.select_related("notification").get(pk=delivery_id)
    message = OutgoingMessage(
        channel=delivery.channel,
        to=delivery.address,
        subject=delivery.subject,
        body=delivery.body,
        reference=delivery.reference,
        provider_template_id=delivery.provider_template_id,
        provider_data=delivery.provider_data,
    )
    try:
        channel = get_channel(delivery.channel)
        # A retry first asks the provider whether an earlier attempt got through after all (its
        # worker killed before recording the outcome): then it is recorded, not sent again.
        result = (channel.find_sent(message) if delivery.attempts > 1 else None) or channel.send(message)
    except ChannelError as exc:
        error, permanent = exc.message, exc.permanent
    except ImproperlyConfigured as exc:
        # Configuration can be fixed by an operator before the next attempt.
        error, permanent = f"Kênh chưa được cấu hình đúng: {exc}", False
    except Exception as exc:
        logger.exception("Unexpected error sending delivery %s", delivery_id)
        error, permanent = f"Lỗi không mong đợi: {type(exc).__name__}: {exc}", False
    else:
        done = timezone.now()
        _finish(
            delivery,
            status=DeliveryStatus.SENT,
            provider_message_id=result.provider_message_id[:128],
            last_error="",
            sent_at=done,
            finished_at=done,
            next_attempt_at=None,
        )
        return DeliveryStatus.SENT

    done = timezone.now()
    if permanent or delivery.attempts >= max_attempts():
        reason = error if permanent else f"{error} (đã thử {delivery.attempts} lần)"
        _finish(delivery, status=DeliveryStatus.GIVEN_UP, last_error=reason, finished_at=done, next_attempt_at=None)
        return DeliveryStatus.GIVEN_UP
    next_at = done + backoff_delay(delivery.attempts, jitter=random.random() if jitter is None else jitter)
    with transaction.atomic():
        if _finish(delivery, status=DeliveryStatus.FAILED, last_error=error, next_attempt_at=next_at):
            transaction.on_commit(lambda: _enqueue([delivery.pk], run_after=next_at))
    return DeliveryStatus.FAILED


def sweep_deliveries(*, now: datetime | None = None, stale_after: timedelta = timedelta(minutes=15)) -> dict[str, int]:
    """Safety net, run every few minutes by cron or a scheduler (`manage.py notifications_sweep`):

    - a delivery stuck in "sending" longer than `stale_after` (its worker died mid-attempt) goes
      back to "failed" for another attempt, which first asks the channel whether the provider had
      in fact accepted it (find_sent); only a channel that cannot be asked may then deliver the
      message twice (at-least-once after a crash);
    - due pending/failed deliveries whose task is missing (lost enqueue, or a backend that cannot
      defer) are enqueued again; duplicates are harmless because of the claim."""
    now = now or timezone.now()
    stale = Delivery.objects.filter(status=DeliveryStatus.SENDING, claimed_at__lt=now - stale_after)
    given_up = stale.filter(attempts__gte=max_attempts()).update(
        status=DeliveryStatus.GIVEN_UP,
        last_error="Tiến trình gửi bị gián đoạn và đã hết số lần thử.",
        finished_at=now,
        updated_at=now,
    )
    reclaimed = stale.update(
        status=DeliveryStatus.FAILED,
        last_error="Tiến trình gửi bị gián đoạn; sẽ thử lại.",
        next_attempt_at=now,
        updated_at=now,
    )
    # Only rows overdue by a grace period, so a task already waiting in the queue runs first.
    grace = now - timedelta(minutes=2)
    due = (
        Delivery.objects.filter(status__in=CLAIMABLE)
        .filter(Q(next_attempt_at__lte=grace) | Q(next_attempt_at__isnull=True, created_at__lte=grace))
        .values_list("pk", flat=True)[:1000]
    )
    ids = list(due)
    _enqueue(ids)
    return {"given_up": given_up, "reclaimed": reclaimed, "enqueued": len(ids)}


# --- staff and user actions ------------------------------------------------------------------


def resend_delivery(delivery: Delivery, *, actor: Any = None) -> Delivery:
    """Send a finished delivery again as a NEW delivery row (the log is never rewritten)."""
    with transaction.atomic():
        original = Delivery.objects.select_for_update().select_related("notification").get(pk=delivery.pk)
        if original.status not in (DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP):
            raise ValidationError("Lượt gửi này còn đang chờ hoặc đang gửi; không cần gửi lại.", code="not_finished")
        if original.notification.is_sensitive:
            raise ValidationError(
                "Thông báo có nội dung bảo mật đã bị xoá sau khi gửi; hãy tạo yêu cầu mới (ví dụ đặt lại mật khẩu).",
                code="sensitive",
            )
        root = original.resend_of or original
        count = Delivery.objects.filter(resend_of=root).count()
        copy = Delivery.objects.create(
            notification=original.notification,
            channel=original.channel,
            address=original.address,
            subject=original.subject,
            body=original.body,
            provider_template_id=original.provider_template_id,
            provider_data=original.provider_data,
            dedupe_key=f"{root.dedupe_key}/r{count + 1}",
            resend_of=root,
            province_code=original.province_code,
        )
        record("notifications.delivery.resend", copy, after=snapshot(copy, ["id", "channel", "dedupe_key", "resend_of"]), actor=actor)
        transaction.on_commit(lambda: _enqueue([copy.pk]))
    return copy


def mark_all_read(user: Any) -> int:
    """The signed-in user's own unread notifications become read."""
    with transaction.atomic():
        return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def save_template(template: NotificationTemplate, *, actor: Any = None) -> NotificationTemplate:
    """Create or change a template (admin); syntax is checked before anything is stored."""
    template.event = nfc(template.event).lower()
    template.subject = nfc(template.subject)
    rendering.validate_template(template)
    template.full_clean()
    with transaction.atomic():
        before = None
        if template.pk:
            old = NotificationTemplate.objects.select_for_update().filter(pk=template.pk).first()
            before = snapshot(old) if old else None
        template.save()
        record(
            "notifications.template.update" if before else "notifications.template.create",
            template,
            before=before,
            after=snapshot(template),
            actor=actor,
        )
    return template


__all__ = [
    "Contact",
    "PermanentChannelError",
    "attempt_delivery",
    "backoff_delay",
    "mark_all_read",
    "notify",
    "resend_delivery",
    "save_template",
    "sweep_deliveries",
]
