"""Official documents (văn bản hành chính) per Nghị định 30/2020/NĐ-CP on công tác văn thư.

Data only. Every write is in services.py; the state machine is workflow.py; reads are queries.py.

- DocumentType: the 29 types of Art. 7 with their abbreviations (Phụ lục III), seeded as data by
  migration 0002 — a province may add or rename rows in the admin ([S]/[I] facts stay data).
- Register (sổ đăng ký): the counter row. One per (agency, year, direction, confidential): outgoing
  documents are numbered per issuing agency per year from 01 on 1 January (Art. 15, Art. 25 [V]);
  incoming documents get a số đến per receiving agency per year (Art. 22 [S]); one series is
  shared by paper and electronic documents; classified documents have their own series [I].
- Document: one incoming or outgoing document with its metadata (Art. 8 layout items) and its
  current status; the history is DocumentEvent rows, appended, never edited.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.rowsummary import save_without
from chinhquyenso.units.models import AdministrativeUnit


class Direction(models.TextChoices):
    INCOMING = "in", _("Văn bản đến")
    OUTGOING = "out", _("Văn bản đi")


class Urgency(models.TextChoices):
    """Mức độ khẩn (Art. 8 item 9.b, Art. 4.2.c: urgent documents are registered and moved at once)."""

    NORMAL = "thuong", _("Thường")
    URGENT = "khan", _("Khẩn")
    VERY_URGENT = "thuong_khan", _("Thượng khẩn")
    FLASH = "hoa_toc", _("Hỏa tốc")


URGENT_LEVELS = {Urgency.URGENT, Urgency.VERY_URGENT, Urgency.FLASH}


class Secrecy(models.TextChoices):
    """Độ mật (Luật Bảo vệ bí mật nhà nước 2018 Art. 8): anything above NONE is classified, numbered
    on its own series and visible only to the people on its access list."""

    NONE = "thuong", _("Không mật")
    CONFIDENTIAL = "mat", _("Mật")
    SECRET = "toi_mat", _("Tối mật")
    TOP_SECRET = "tuyet_mat", _("Tuyệt mật")


class Authority(models.TextChoices):
    """Thẩm quyền ký (Art. 13 and Phụ lục I part I.8 [S])."""

    NONE = "", _("Ký trực tiếp")
    KT = "KT.", _("KT. (ký thay người đứng đầu)")
    TM = "TM.", _("TM. (thay mặt tập thể)")
    TL = "TL.", _("TL. (thừa lệnh)")
    TUQ = "TUQ.", _("TUQ. (thừa ủy quyền)")
    Q = "Q.", _("Q. (quyền)")


class Status(models.TextChoices):
    # Incoming — values follow the edXML status codes (vn-regulations §4.1) where one exists.
    RECEIVED = "received", _("Đã đến, chờ vào sổ")  # 01
    REGISTERED = "registered", _("Đã vào sổ")  # 03
    ASSIGNED = "assigned", _("Đã phân công xử lý")  # 04
    PROCESSING = "processing", _("Đang xử lý")  # 05
    DONE = "done", _("Hoàn thành")  # 06
    REFUSED = "refused", _("Từ chối tiếp nhận")  # 02
    # Outgoing
    DRAFT = "draft", _("Dự thảo")
    REVIEW = "review", _("Chờ kiểm tra thể thức")
    APPROVAL = "approval", _("Chờ lãnh đạo duyệt")
    APPROVED = "approved", _("Đã duyệt, chờ ký số")
    SIGNED = "signed", _("Đã ký số, chờ phát hành")
    ISSUED = "issued", _("Đã phát hành")
    DISTRIBUTED = "distributed", _("Đã gửi")


OFFICIAL_LETTER = "cong-van"


class DocumentType(models.Model):
    """A document type of Art. 7 with its abbreviation (Phụ lục III). Công văn has none: its
    symbol is issuer plus drafting unit instead."""

    code = models.SlugField("mã", max_length=40, unique=True)
    name = models.CharField("tên loại", max_length=100)
    abbreviation = models.CharField("chữ viết tắt", max_length=10, blank=True)
    order = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"

    def __str__(self) -> str:
        return self.name

    @property
    def is_official_letter(self) -> bool:
        """Công văn: symbol = issuer + drafting unit (Phụ lục III [S])."""
        return self.code == OFFICIAL_LETTER


class IssuerProfile(models.Model):
    """How an agency writes its name in symbols and its place name (Art. 8 items 2–4): "UBND",
    "SKHCN"; "Thanh Hóa", "Đông Sơn". The agencies app has no such fields; this row is created
    on first use with defaults derived from the agency's short name and can be edited."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="document_profile")
    symbol = models.CharField("chữ viết tắt tên cơ quan", max_length=20)
    place = models.CharField("địa danh", max_length=100, blank=True)

    class Meta:
        verbose_name = "ký hiệu cơ quan ban hành"
        verbose_name_plural = "ký hiệu cơ quan ban hành"

    def __str__(self) -> str:
        return f"{self.symbol} — {self.agency}"


class Register(models.Model):
    """A register and its counter (ARCHITECTURE.md habit 7): `last_number` is read and bumped under
    SELECT … FOR UPDATE in the transaction that stores the document, so numbers have no gaps and
    no duplicates; a rolled-back transaction gives its number back."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="document_registers")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("năm")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    confidential = models.BooleanField("sổ văn bản mật", default=False)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "direction", "confidential"], name="doc_register_unique")
        ]
        verbose_name = "sổ đăng ký văn bản"
        verbose_name_plural = "sổ đăng ký văn bản"

    def __str__(self) -> str:
        kind = "đến" if self.direction == Direction.INCOMING else "đi"
        return f"Sổ văn bản {kind}{' mật' if self.confidential else ''} {self.year} — {self.agency}"

    @property
    def province_code(self) -> str:
        return self.province.code


class Document(models.Model):
    direction = models.CharField("loại sổ", max_length=3, choices=Direction.choices)
    # The agency whose register holds the document: the issuer of an outgoing one, the receiver
    # of an incoming one. Access scoping filters on it.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="documents", verbose_name="cơ quan")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT, verbose_name="loại văn bản")
    status = models.CharField("trạng thái", max_length=12, choices=Status.choices)

    # Number and symbol. For outgoing documents the number comes from `register` at issuance; for
    # incoming ones `number_symbol` is the sender's and `register_number` is the số đến.
    register = models.ForeignKey(Register, null=True, blank=True, on_delete=models.PROTECT, related_name="documents")
    register_number = models.PositiveIntegerField("số trong sổ", null=True, blank=True)
    number_symbol = models.CharField("số, ký hiệu", max_length=60, blank=True)
    drafting_unit_symbol = models.CharField("ký hiệu đơn vị soạn thảo", max_length=20, blank=True)
    subject = models.TextField("trích yếu nội dung")
    issuing_agency_name = models.CharField("cơ quan ban hành", max_length=255)
    issuing_agency_code = models.CharField("mã định danh cơ quan ban hành", max_length=64, blank=True)
    signer_name = models.CharField("người ký", max_length=150, blank=True)
    signer_title = models.CharField("chức vụ người ký", max_length=150, blank=True)
    authority = models.CharField("thẩm quyền ký", max_length=4, choices=Authority.choices, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    place = models.CharField("địa danh", max_length=100, blank=True)
    urgency = models.CharField("độ khẩn", max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    secrecy = models.CharField("độ mật", max_length=10, choices=Secrecy.choices, default=Secrecy.NONE)
    is_electronic = models.BooleanField("văn bản điện tử", default=True)
    copies = models.PositiveSmallIntegerField("số lượng bản", default=1)
    recipients_text = models.TextField("nơi nhận", blank=True)

    # Incoming: arrival, registration due (Art. 4.2.c, Art. 22), assignment (Art. 24) and deadline.
    received_at = models.DateTimeField("thời điểm đến", null=True, blank=True)
    registered_at = models.DateTimeField("thời điểm vào sổ", null=True, blank=True)
    registration_due = models.DateTimeField("hạn vào sổ", null=True, blank=True)
    lead_unit = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="led_documents",
        verbose_name="đơn vị chủ trì",
    )
    coordinating_units = models.ManyToManyField(
        Agency, blank=True, related_name="coordinated_documents", verbose_name="đơn vị phối hợp"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="người xử lý chính",
    )
    processing_deadline = models.DateTimeField("hạn xử lý", null=True, blank=True)
    completed_at = models.DateTimeField("thời điểm hoàn thành", null=True, blank=True)
    # Source envelope metadata of an electronically received document (edXML header fields:
    # DocumentId, From, …), kept verbatim for replies and status messages.
    source = models.JSONField("thông tin gói tin nguồn", default=dict, blank=True)

    # Kept by database triggers on files and recipients (documents.summary); never written here.
    signed_main = models.BooleanField("văn bản chính đã ký số", default=False, editable=False)
    has_external = models.BooleanField("gửi cơ quan ngoài hệ thống", default=False, editable=False)
    external_sent = models.BooleanField("đã gửi điện tử ra ngoài", default=False, editable=False)
    external_id = models.CharField("mã văn bản liên thông", max_length=255, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Folded (fold(): lower-case, no marks, đ→d) number/symbol, subject, issuer and the text of the
    # PDF files: the diacritics-insensitive search column (docs/adr on document search).
    search_folded = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["register", "register_number"], name="doc_register_number_unique"),
            models.UniqueConstraint(
                fields=["agency", "external_id"], condition=~models.Q(external_id=""), name="doc_external_id_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["agency", "direction", "status"], name="doc_agency_dir_status_idx"),
            models.Index(fields=["province", "direction", "created_at"], name="doc_province_dir_idx"),
            models.Index(fields=["lead_unit", "status"], name="doc_lead_unit_idx"),
            models.Index(fields=["status", "processing_deadline"], name="doc_deadline_idx"),
            models.Index(fields=["issued_on"], name="doc_issued_on_idx"),
        ]
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"

    def __str__(self) -> str:
        head = self.number_symbol or _("(chưa có số)")
        return f"{head} — {self.subject[:80]}"

    def save(self, *args, **kwargs):
        """The summary columns (DB_MAINTAINED) belong to the database triggers: an update never writes
        them back, so a document loaded before its file was signed cannot undo its summary."""
        save_without(self, DB_MAINTAINED, super().save, *args, **kwargs)

    @property
    def province_code(self) -> str:
        return self.province.code if self.province_id else ""

    @property
    def is_incoming(self) -> bool:
        return self.direction == Direction.INCOMING

    @property
    def is_classified(self) -> bool:
        return self.secrecy != Secrecy.NONE

    @property
    def is_urgent(self) -> bool:
        return self.urgency in URGENT_LEVELS

    @property
    def register_number_display(self) -> str:
        return f"{self.register_number:02d}" if self.register_number is not None else ""

    @property
    def signer_display(self) -> str:
        parts = [p for p in (self.authority, self.signer_title) if p]
        title = " ".join(parts)
        return f"{title} {self.signer_name}".strip() if self.signer_name else title


class DocumentAccess(models.Model):
    """Who may see a classified document: the clerk who registered it, the leaders who approved or
    assigned it, the people it is assigned to. Unclassified documents ignore this table."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=20)
    granted_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "user"], name="doc_access_unique")]
        indexes = [models.Index(fields=["user", "document"], name="doc_access_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.document_id} ({self.reason})"


DB_MAINTAINED = frozenset({"signed_main", "has_external", "external_sent"})


class FileRole(models.TextChoices):
    MAIN = "main", _("Văn bản chính")
    ATTACHMENT = "attachment", _("Phụ lục, tài liệu kèm theo")


def _upload_to(instance: "Attachment", filename: str) -> str:
    return f"van-ban/{instance.document.province_id}/{instance.document_id}/{instance.sha256[:16]}.pdf"


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=12, choices=FileRole.choices, default=FileRole.MAIN)
    name = models.CharField("tên tệp", max_length=255)
    file = models.FileField(upload_to=_upload_to, max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    text = models.TextField("nội dung trích xuất", blank=True)
    # How far signing went: "" unsigned, "personal" (người có thẩm quyền), "organization" (cơ quan).
    signed = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = "tệp văn bản"
        verbose_name_plural = "tệp văn bản"

    def __str__(self) -> str:
        return self.name


class RecipientKind(models.TextChoices):
    INTERNAL = "internal", _("Đơn vị trong hệ thống")
    EXTERNAL = "external", _("Cơ quan bên ngoài")


class DeliveryState(models.TextChoices):
    """Sending / receiving / processing state per recipient (Art. 4.2.d [V]); the edXML status
    codes 01–06 move it (vn-regulations §4.1)."""

    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    RECEIVED = "received", _("Đã đến")  # 01
    REFUSED = "refused", _("Từ chối tiếp nhận")  # 02
    REGISTERED = "registered", _("Đã vào sổ")  # 03
    ASSIGNED = "assigned", _("Đã phân công")  # 04
    PROCESSING = "processing", _("Đang xử lý")  # 05
    DONE = "done", _("Hoàn thành")  # 06
    FAILED = "failed", _("Gửi lỗi")


class Recipient(models.Model):
    """One addressee of an outgoing document (nơi nhận) and where its copy stands."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    kind = models.CharField(max_length=10, choices=RecipientKind.choices)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên nơi nhận", max_length=255)
    code = models.CharField("mã định danh", max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    state_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    # The incoming copy created in the recipient's register when it is inside this platform.
    delivered_document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL,
                                           related_name="+")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["code", "state"], name="doc_recipient_code_idx")]
        verbose_name = "nơi nhận"
        verbose_name_plural = "nơi nhận"

    def __str__(self) -> str:
        return self.name


class DocumentEvent(models.Model):
    """The timeline and the processing slip's entries: appended, never edited (habit 2)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_default=Now())
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["document", "at"], name="doc_event_doc_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def label(self) -> str:
        from .workflow import event_label

        return event_label(self.action)

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label if self.to_status in Status.values else self.to_status
