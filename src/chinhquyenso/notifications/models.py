from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from chinhquyenso.core.text import mask


class Channel(models.TextChoices):
    EMAIL = "email", "Thư điện tử"
    SMS = "sms", "Tin nhắn SMS"
    ZALO = "zalo", "Zalo OA (ZNS)"


# Which contact detail of the recipient each channel needs.
PHONE_CHANNELS = frozenset({Channel.SMS, Channel.ZALO})

# Order in which a notification's inbox copy is chosen when several channels are rendered.
CHANNEL_PRIORITY = (Channel.EMAIL, Channel.ZALO, Channel.SMS)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Lỗi, sẽ thử lại"
    GIVEN_UP = "given_up", "Đã dừng gửi"


# A worker may claim a delivery only from these states (services.attempt_delivery).
CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)
FINISHED = (DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP)


class NotificationTemplate(models.Model):
    """The Vietnamese text of one event on one channel. `subject`, `body` and the values of
    `provider_params` are Django templates rendered with the caller's context (no HTML
    escaping: every channel is plain text)."""

    event = models.CharField("sự kiện", max_length=64, help_text="Ví dụ: account.registered, dossier.received")
    channel = models.CharField("kênh", max_length=16, choices=Channel.choices)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung")
    # Zalo ZNS sends only pre-approved templates: an id plus named parameters, not free text.
    provider_template_id = models.CharField(
        "mã mẫu tại nhà cung cấp", max_length=64, blank=True, help_text="Mã mẫu ZNS đã được Zalo duyệt."
    )
    provider_params = models.JSONField(
        "tham số mẫu của nhà cung cấp",
        default=dict,
        blank=True,
        help_text='Tên tham số ZNS → biểu thức mẫu, ví dụ {"ho_ten": "{{ recipient_name }}"}.',
    )
    is_sensitive = models.BooleanField(
        "nội dung bảo mật",
        default=False,
        help_text="Có liên kết/mã bí mật: nội dung bị xoá khỏi nhật ký sau khi gửi và không hiện trong hộp thư.",
    )
    is_active = models.BooleanField("đang dùng", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "channel"], name="notif_template_event_channel")]
        ordering = ["event", "channel"]
        verbose_name = "mẫu thông báo"
        verbose_name_plural = "mẫu thông báo"

    def __str__(self) -> str:
        return f"{self.event} — {self.get_channel_display()}"


class Notification(models.Model):
    """One event told to one recipient: the inbox entry. Each channel it goes out on is a
    Delivery row."""

    event = models.CharField("sự kiện", max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="người nhận",
    )
    recipient_name = models.CharField("tên người nhận", max_length=150, blank=True)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung", blank=True)
    is_sensitive = models.BooleanField(default=False)
    # Unique when given: the same event for the same recipient is never queued twice.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    province_code = models.CharField(max_length=8, blank=True, db_index=True)
    created_at = models.DateTimeField("thời điểm", db_default=Now())
    read_at = models.DateTimeField("đã đọc lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notif_user_created_idx")]
        verbose_name = "thông báo"
        verbose_name_plural = "thông báo"

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_name or self.user_id}"


class Delivery(models.Model):
    """One attempt-tracked send of a notification on one channel: the delivery log.

    The rendered text is frozen here at notify() time so every retry sends the same message."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("kênh", max_length=16, choices=Channel.choices)
    address = models.CharField("địa chỉ nhận", max_length=254)
    subject = models.CharField("tiêu đề", max_length=255, blank=True)
    body = models.TextField("nội dung", blank=True)
    provider_template_id = models.CharField(max_length=64, blank=True)
    provider_data = models.JSONField(default=dict, blank=True)
    dedupe_key = models.CharField(max_length=220, unique=True)
    resend_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="resends", verbose_name="gửi lại từ"
    )
    status = models.CharField(
        "trạng thái", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("số lần thử", default=0)
    last_error = models.TextField("lỗi gần nhất", blank=True)
    provider_message_id = models.CharField("mã tin tại nhà cung cấp", max_length=128, blank=True)
    next_attempt_at = models.DateTimeField("thử lại lúc", null=True, blank=True)
    claimed_at = models.DateTimeField("bắt đầu gửi lúc", null=True, blank=True)
    sent_at = models.DateTimeField("gửi thành công lúc", null=True, blank=True)
    finished_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    province_code = models.CharField(max_length=8, blank=True, db_index=True)
    created_at = models.DateTimeField("tạo lúc", db_default=Now())
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_status_next_idx")]
        permissions = [("resend_delivery", "Có thể gửi lại thông báo")]
        verbose_name = "lượt gửi"
        verbose_name_plural = "nhật ký gửi thông báo"

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()} → {self.masked_address}"

    @property
    def masked_address(self) -> str:
        if "@" in self.address:
            local, _, domain = self.address.partition("@")
            return f"{mask(local, 2, 0)}@{domain}"
        return mask(self.address, 3, 3)

    @property
    def reference(self) -> str:
        """Short id sent to providers (Zalo's tracking_id, the SMS gateway's reference) for
        reconciliation; the dedupe key can be longer than providers accept."""
        return f"cqs-{self.pk}"


class LocalMessage(models.Model):
    """The outbox of the LOCAL transport (development and tests): what would have been sent."""

    channel = models.CharField(max_length=16)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    provider_template_id = models.CharField(max_length=64, blank=True)
    provider_data = models.JSONField(default=dict, blank=True)
    reference = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-id"]
        verbose_name = "tin nhắn cục bộ"
        verbose_name_plural = "hộp thư cục bộ (môi trường phát triển)"

    def __str__(self) -> str:
        return f"{self.channel} → {self.to}"
