"""Data of the edXML exchange: who we exchange with (endpoints), every package that went out or
came in (messages) and their appended history (message events)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit

from .edxml import names


class ExchangeEndpoint(models.Model):
    """How an agency is addressed on the document-exchange axis.

    Our agency codes are opaque strings of up to 64 characters; QCVN 102:2016 wants an OrganId of
    at most 13, issued by the national axis. So the mapping is stored here, per agency, as data.
    `hosted` marks agencies that use THIS platform: their inboxes are polled and packages for
    them are registered here. Other endpoints are agencies we only send to."""

    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="exchange_endpoint", verbose_name="cơ quan")
    organ_id = models.CharField("mã cơ quan trên trục (OrganId)", max_length=names.ORGAN_ID_MAX, unique=True)
    organ_name = models.CharField("tên cơ quan trên trục", max_length=255)
    organization_in_charge = models.CharField("cơ quan chủ quản", max_length=255, blank=True)
    transport = models.CharField("kênh truyền", max_length=32, default="directory")
    address = models.CharField(
        "địa chỉ kênh truyền", max_length=255, blank=True, help_text="Để trống: dùng mã cơ quan trên trục."
    )
    hosted = models.BooleanField("dùng nền tảng này", default=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["organ_id"]
        verbose_name = "điểm liên thông"
        verbose_name_plural = "điểm liên thông"

    def __str__(self) -> str:
        return f"{self.organ_id} — {self.organ_name}"

    @property
    def province_code(self) -> str:
        return self.province.code if self.province_id else ""

    @property
    def transport_address(self) -> str:
        return self.address or self.organ_id


class Direction(models.TextChoices):
    OUTGOING = "out", "Gửi đi"
    INCOMING = "in", "Nhận về"


class Kind(models.TextChoices):
    DOCUMENT = "document", "Văn bản"
    STATUS = "status", "Trạng thái"


class MessageStatus(models.TextChoices):
    # outgoing
    QUEUED = "queued", "Chờ gửi"
    SENDING = "sending", "Đang gửi"
    SENT = "sent", "Đã gửi"
    FAILED = "failed", "Lỗi, sẽ thử lại"
    GIVEN_UP = "given_up", "Gửi không thành công"
    ACKNOWLEDGED = "acknowledged", "Bên nhận đã xác nhận"
    # incoming
    RECEIVED = "received", "Đã nhận"
    PROCESSED = "processed", "Đã xử lý"
    REJECTED = "rejected", "Bị từ chối (gói tin lỗi)"


class Message(models.Model):
    """One edXML package, outgoing or incoming. An outgoing document goes as one message per
    recipient, so each recipient's state (remote_status: 01 … 06, 02, 13/15/16) is tracked on its
    own row, as NĐ 30/2020 Điều 4.2.d asks (statuses of sending, receiving and processing)."""

    uuid = models.UUIDField(unique=True, editable=False)
    direction = models.CharField("chiều", max_length=3, choices=Direction.choices)
    kind = models.CharField("loại", max_length=10, choices=Kind.choices)
    status = models.CharField("trạng thái", max_length=16, choices=MessageStatus.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="exchange_messages", verbose_name="cơ quan")
    endpoint = models.ForeignKey(ExchangeEndpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    peer_organ_id = models.CharField("mã cơ quan bên kia", max_length=64, blank=True, db_index=True)
    peer_name = models.CharField("tên cơ quan bên kia", max_length=255, blank=True)
    # The edXML DocumentId ("{OrganId},{date},{số/ký hiệu}") and what the clerk reads in lists.
    document_ref = models.CharField("mã văn bản (DocumentId)", max_length=255, blank=True, db_index=True)
    code = models.CharField("số, ký hiệu", max_length=120, blank=True)
    subject = models.TextField("trích yếu", blank=True)
    status_code = models.CharField("mã trạng thái mang theo", max_length=2, blank=True)
    # documents.Document pk: the issued document (outgoing) or the registered one (incoming).
    document_pk = models.BigIntegerField(null=True, blank=True, db_index=True)
    # documents.Recipient pk of an outgoing document message: whose state the status codes move.
    recipient_pk = models.BigIntegerField(null=True, blank=True)
    response_for = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="responses", verbose_name="trả lời cho"
    )
    remote_status = models.CharField("trạng thái tại bên nhận", max_length=2, blank=True)
    remote_status_before_recall = models.CharField(max_length=2, blank=True)
    remote_status_at = models.DateTimeField(null=True, blank=True)
    package = models.FileField("gói tin", upload_to="exchange/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    dedupe_key = models.CharField(max_length=400, unique=True)
    transport = models.CharField("kênh truyền", max_length=32, blank=True)
    remote_id = models.CharField("mã tại kênh truyền", max_length=128, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("lỗi", blank=True)
    errors = models.JSONField("các lỗi của gói tin", default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "direction", "-created_at"], name="exch_msg_agency_dir_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="exch_msg_status_due_idx"),
            models.Index(fields=["document_ref", "peer_organ_id"], name="exch_msg_docref_peer_idx"),
        ]
        verbose_name = "gói tin liên thông"
        verbose_name_plural = "gói tin liên thông"

    def __str__(self) -> str:
        label = self.code or self.document_ref or str(self.uuid)
        return f"{self.get_direction_display()} {self.get_kind_display().lower()} {label}"

    @property
    def province_code(self) -> str:
        return self.province.code if self.province_id else ""

    @property
    def remote_status_label(self) -> str:
        return str(names.STATUS_CODES.get(self.remote_status, "")) if self.remote_status else ""

    @property
    def status_code_label(self) -> str:
        return str(names.STATUS_CODES.get(self.status_code, "")) if self.status_code else ""


class MessageEvent(models.Model):
    """Appended history of a message: delivery attempts, status codes from the other side,
    clerk actions. Never edited."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_default=Now())
    status = models.CharField(max_length=16, choices=MessageStatus.choices, blank=True)
    remote_status = models.CharField(max_length=2, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "diễn biến gói tin"
        verbose_name_plural = "diễn biến gói tin"

    def __str__(self) -> str:
        return f"{self.message_id} {self.status or self.remote_status} {self.at:%Y-%m-%d %H:%M}"
