"""Field reports (phản ánh hiện trường, PAHT): data only. Writes live in services.py, the state
machine in workflow.py, scoped reads in queries.py.

Privacy by structure: the reporter's identity is a separate row (ReporterContact) that only the
IOC pages load, so a handling agency's page cannot show it by accident (vn-regulations §6, Huế
model: "only IOC staff see the reporter's identity")."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Now

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit


class CategoryKind(models.TextChoices):
    FIELD = "field", "Phản ánh hiện trường"
    # Out of scope (iHanoi rules, vn-regulations §6 [S]): refused at intake with guidance.
    OUT_OF_SCOPE = "out_of_scope", "Không thuộc phạm vi tiếp nhận"


class Urgency(models.TextChoices):
    """iHanoi's three levels (vn-regulations §6 [S])."""

    URGENT = "khan", "Khẩn"
    NORMAL = "binh_thuong", "Bình thường"
    COMPLEX = "phuc_tap", "Phức tạp"


class Category(models.Model):
    """A kind of report, per province, as a two-level tree (group → category). The deadline profile
    is data because only the acknowledgement (8 working hours) and khẩn (4 working hours) times
    are known (iHanoi, [S]); bình thường and phức tạp default to the DVCQG PAKN pattern of 15
    working days and twice that [I] — each province sets its own."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    code = models.SlugField("mã", max_length=40, help_text="Dùng làm service_code của Open311")
    name = models.CharField("tên hiển thị", max_length=150)
    icon = models.CharField("biểu tượng", max_length=8, blank=True, help_text="Một ký tự emoji")
    description = models.TextField("mô tả", blank=True)
    kind = models.CharField("loại", max_length=20, choices=CategoryKind.choices, default=CategoryKind.FIELD)
    guidance = models.TextField(
        "hướng dẫn cho người phản ánh", blank=True,
        help_text="Với loại không thuộc phạm vi: nơi và cách gửi đúng kênh (ví dụ khiếu nại, tố cáo).",
    )
    keywords = models.CharField("từ khoá", max_length=255, blank=True)
    ack_hours = models.PositiveSmallIntegerField("tiếp nhận trong (giờ làm việc)", default=8)
    urgent_hours = models.PositiveSmallIntegerField("khẩn: xử lý trong (giờ làm việc)", default=4)
    normal_days = models.PositiveSmallIntegerField("bình thường: xử lý trong (ngày làm việc)", default=15)
    complex_days = models.PositiveSmallIntegerField("phức tạp: xử lý trong (ngày làm việc)", default=30)
    publish_days = models.PositiveSmallIntegerField("công khai trong (ngày làm việc)", default=2)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["province", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="feedback_category_code_unique")]
        verbose_name = "lĩnh vực phản ánh"
        verbose_name_plural = "lĩnh vực phản ánh"

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.province.code

    @property
    def is_out_of_scope(self) -> bool:
        return self.kind == CategoryKind.OUT_OF_SCOPE


class CategoryQuestion(models.Model):
    """An extra question of a category (Open311 service attribute)."""

    class Datatype(models.TextChoices):
        STRING = "string", "Chuỗi"
        NUMBER = "number", "Số"
        DATETIME = "datetime", "Ngày giờ"
        TEXT = "text", "Đoạn văn"
        SINGLE = "singlevaluelist", "Chọn một"
        MULTI = "multivaluelist", "Chọn nhiều"

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=255)
    datatype = models.CharField(max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text='[["key", "Tên"], ...]')
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["category", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="feedback_question_code_unique")]

    def __str__(self) -> str:
        return self.label


class CategoryRoute(models.Model):
    """Default handling agency of a category in an administrative unit (the province itself is the
    fallback): Huế publishes such a category → agency table as an appendix of its QĐ [S]."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="routes")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["category", "unit"], name="feedback_route_unique")]

    def __str__(self) -> str:
        return f"{self.category} — {self.unit}"


class Status(models.TextChoices):
    NEW = "new", "Mới gửi"
    ACCEPTED = "accepted", "Đã tiếp nhận"
    REFUSED = "refused", "Từ chối tiếp nhận"
    ASSIGNED = "assigned", "Đã chuyển xử lý"
    IN_PROGRESS = "in_progress", "Đang xử lý"
    RETURNED = "returned", "Chuyển lại IOC"
    RESULT_SUBMITTED = "result_submitted", "Chờ duyệt kết quả"
    PUBLISHED = "published", "Đã công khai"
    CLOSED = "closed", "Đã đóng (không công khai)"
    MERGED = "merged", "Đã gộp vào phản ánh khác"


class Channel(models.TextChoices):
    WEB = "web", "Cổng thông tin"
    API = "api", "API"
    OPEN311 = "open311", "Open311"


class Report(models.Model):
    """One field report. Deadlines are stored (ARCHITECTURE habit 5), so "late" is an index scan;
    the timestamps are what Decision 766 indicators 5.1–5.3 count (vn-regulations §3):
    received_at (PAKN received), accepted_at (classified), due_at, handled_at (result reached),
    published_at, rating, reopen_count (repeated complaint)."""

    number = models.CharField("số phản ánh", max_length=32, unique=True)
    # The reporter's private link (tracking and rating); never shown to anyone else.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Open311 `token` (tokens/{token}); distinct from public_id so it grants nothing.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports")
    title = models.CharField("tiêu đề", max_length=200, blank=True)
    description = models.TextField("nội dung")
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    urgency = models.CharField(max_length=12, choices=Urgency.choices, blank=True)
    refusal_reason = models.CharField(max_length=20, blank=True)
    result = models.TextField("kết quả xử lý", blank=True)
    is_public = models.BooleanField(default=False)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates")
    me_too_count = models.PositiveIntegerField(default=0)
    # Deadlines and the 766 timestamps.
    received_at = models.DateTimeField(db_default=Now())
    ack_due_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_on_time = models.BooleanField(null=True)
    publish_due_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    satisfied = models.BooleanField(null=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["province", "status"], name="feedback_report_prov_status"),
            models.Index(fields=["province", "is_public", "-received_at"], name="feedback_report_public"),
            models.Index(fields=["agency", "status"], name="feedback_report_agency"),
            models.Index(fields=["category", "latitude", "longitude"], name="feedback_report_geo"),
            models.Index(fields=["due_at"], name="feedback_report_due"),
            # The IOC's PAKN figures for a province and period: an index-only range scan
            # (dashboard.indicators.sources.report_counts; PostgreSQL INCLUDE, a plain index elsewhere).
            models.Index(fields=["province", "received_at"], name="feedback_report_ioc",
                         include=["id", "status", "accepted_at", "handled_at", "handled_on_time", "due_at", "satisfied",
                                  "reopen_count"]),
            # Overdue open reports, oldest due first (the IOC list): only open reports are indexed.
            models.Index(fields=["province", "due_at"], name="feedback_report_overdue",
                         condition=models.Q(status__in=[Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS,
                                                        Status.RETURNED, Status.RESULT_SUBMITTED])),  # workflow.OPEN
            models.Index(fields=["commune", "received_at"], name="feedback_report_commune"),
            models.Index(fields=["updated_at"], name="feedback_report_updated"),
        ]
        verbose_name = "phản ánh hiện trường"
        verbose_name_plural = "phản ánh hiện trường"

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("feedback:public_detail", args=[self.number])

    @property
    def province_code(self) -> str:
        return self.province.code if self.province_id else ""


class ReporterContact(models.Model):
    """Who reported (login optional). Only IOC operators of the province read this row."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="contact")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=15, blank=True, db_index=True)
    email = models.EmailField(blank=True)
    client_ip = models.CharField(max_length=45, blank=True, db_index=True)
    created_at = models.DateTimeField(db_default=Now(), db_index=True)

    def __str__(self) -> str:
        return f"Người phản ánh {self.report_id}"


class ReportEvent(models.Model):
    """Append-only history (the "phiếu theo dõi" of a report). `is_public` rows form the public
    timeline; the others are internal (sent back, rejected result, notes)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_default=Now())
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    urgency = models.CharField(max_length=12, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["at"], name="feedback_event_at")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.action}"


def _photo_path(instance, filename: str) -> str:
    return f"feedback/{instance.report.province.code}/{instance.report.public_id}/{filename}"


class Photo(models.Model):
    """The original stays private (it may carry GPS and camera data); `public` is a re-encoded copy
    without any EXIF, `thumbnail` a small one. Both copies are made at upload."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(upload_to=_photo_path)
    public = models.ImageField(upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Ảnh {self.pk} của {self.report_id}"


class MeToo(models.Model):
    """A citizen confirming an open report instead of filing a duplicate."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    phone = models.CharField(max_length=15, blank=True)
    client_ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(db_default=Now())

    def __str__(self) -> str:
        return f"Xác nhận {self.report_id}"


class ReportCounter(models.Model):
    """Race-safe report numbers: one row per (province, year), locked in the creating transaction."""

    province_code = models.CharField(max_length=8)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province_code", "year"], name="feedback_counter_unique")]

    def __str__(self) -> str:
        return f"{self.province_code}/{self.year}: {self.last}"
