"""Online Q&A (hỏi đáp trực tuyến): data only.

A Question is a PAKN subtype with a publish flag (vn-regulations §6 [I]). It is routed to a
competent agency, answered by a specialist, approved by a leader and published with the asker's
identity hidden. Status changes are appended to QuestionEvent (never edited); the row keeps the
current state and the figures Decision 766 indicators 5.1–5.4 need (received, classified, due,
resolved on time, published, rating) so the KPIs are plain aggregates over one table.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới tiếp nhận")
    INFO_REQUESTED = "info_requested", _("Chờ bổ sung thông tin")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    ASSIGNED = "assigned", _("Đang xử lý")
    DRAFTED = "drafted", _("Chờ lãnh đạo duyệt")
    APPROVED = "approved", _("Chờ công khai")
    PUBLISHED = "published", _("Đã công khai")


OPEN_STATUSES = (Status.SUBMITTED, Status.INFO_REQUESTED, Status.ASSIGNED, Status.DRAFTED, Status.APPROVED)


class Classification(models.TextChoices):
    """Indicator 5.1 of QĐ 766 counts PAKN by classification: about an administrative regulation
    or procedure, or about officials' behaviour (vn-regulations §3 [S]). "other" = a general
    question that is neither."""

    PROCEDURE = "procedure", _("Quy định, thủ tục hành chính")
    CONDUCT = "conduct", _("Hành vi, thái độ của cán bộ, công chức")
    OTHER = "other", _("Nội dung khác")


class RefusalReason(models.TextChoices):
    DUPLICATE = "duplicate", _("Trùng với câu hỏi đã có")
    OUT_OF_SCOPE = "out_of_scope", _("Không thuộc phạm vi hỏi đáp")
    LACKS_INFO = "lacks_info", _("Không đủ thông tin để trả lời")
    COMPLAINT = "complaint", _("Là khiếu nại, tố cáo — gửi theo Luật Khiếu nại, Luật Tố cáo")
    IMPROPER = "improper", _("Nội dung không phù hợp")


class Topic(models.Model):
    """A question topic of one province (Hộ tịch, Đất đai, …) with its default competent agency.
    TopicRoute rows override the default for a commune (the commune's People's Committee answers
    civil-status questions of its residents, for example)."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    code = models.SlugField("mã chủ đề", max_length=40)
    name = models.CharField("tên chủ đề", max_length=150)
    description = models.CharField("mô tả", max_length=500, blank=True)
    default_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan trả lời mặc định"
    )
    position = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        ordering = ["province", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["province", "code"], name="question_topic_code_unique")]
        verbose_name = "chủ đề hỏi đáp"
        verbose_name_plural = "chủ đề hỏi đáp"

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.province.code


class TopicRoute(models.Model):
    """The agency that answers a topic's questions about one administrative unit (a commune)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="routes")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="địa bàn")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan trả lời")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "unit"], name="question_route_unique")]
        verbose_name = "phân công theo địa bàn"
        verbose_name_plural = "phân công theo địa bàn"

    def __str__(self) -> str:
        return f"{self.topic} — {self.unit} → {self.agency}"


class DeadlineProfile(models.Model):
    """Time limits in working days, per province. No national rule exists for Q&A (vn-regulations
    §6 [NF]); the defaults reuse the DVCQG PAKN timing rules (§3 [S]: refuse ≤ 2, supplement ≤ 5,
    resolve ≤ 15 working days from sending or the latest transfer, publish ≤ 2 after "chờ công
    khai"). They are data, so a province's own decision can change them."""

    province = models.OneToOneField(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    refuse_days = models.PositiveSmallIntegerField("từ chối trong (ngày làm việc)", default=2)
    more_info_days = models.PositiveSmallIntegerField("yêu cầu bổ sung trong (ngày làm việc)", default=5)
    answer_days = models.PositiveSmallIntegerField("trả lời trong (ngày làm việc)", default=15)
    publish_days = models.PositiveSmallIntegerField("công khai sau khi duyệt trong (ngày làm việc)", default=2)
    warn_days = models.PositiveSmallIntegerField("nhắc trước hạn (ngày làm việc)", default=2)
    legal_basis = models.CharField("căn cứ", max_length=255, blank=True)

    class Meta:
        verbose_name = "thời hạn hỏi đáp"
        verbose_name_plural = "thời hạn hỏi đáp"

    def __str__(self) -> str:
        return f"Thời hạn hỏi đáp — {self.province}"

    @property
    def province_code(self) -> str:
        return self.province.code


class Counter(models.Model):
    """Race-safe question numbers: the row is locked in the submitting transaction."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="question_counter_unique")]

    def __str__(self) -> str:
        return f"{self.province_id}/{self.year}: {self.value}"


class Question(models.Model):
    code = models.CharField("mã câu hỏi", max_length=32, unique=True)
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    unit = models.ForeignKey(
        AdministrativeUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="xã, phường"
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="questions", verbose_name="chủ đề")
    procedure = models.ForeignKey(
        "procedures.Procedure", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="thủ tục liên quan",
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan trả lời")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="chuyên viên",
    )
    status = models.CharField("trạng thái", max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    classification = models.CharField(
        "phân loại", max_length=12, choices=Classification.choices, default=Classification.PROCEDURE
    )

    title = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung câu hỏi")
    additional_info = models.TextField("thông tin bổ sung", blank=True)
    answer = models.TextField("nội dung trả lời", blank=True)
    refusal_reason = models.CharField("lý do từ chối", max_length=20, choices=RefusalReason.choices, blank=True)
    refusal_note = models.TextField("giải thích", blank=True)
    # Python-folded shadow columns (core.text.fold): the search index is built on these, so both
    # databases fold "đ" the same way (docs/adr: questions search).
    search_title = models.CharField(max_length=200, editable=False)
    search_body = models.TextField(editable=False, blank=True)

    # Who asked: never shown publicly nor to the handling agency (only the asker and the
    # province's IOC operators see it). Login is optional.
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    asker_name = models.CharField("họ và tên", max_length=150)
    asker_phone = models.CharField("điện thoại", max_length=15, blank=True, db_index=True)
    asker_email = models.EmailField("thư điện tử", blank=True)
    asker_address = models.CharField("địa chỉ", max_length=255, blank=True)
    client_ip = models.CharField(max_length=45, blank=True, db_index=True)
    # Anonymous askers follow their question with code + secret token (only its hash is stored).
    token_hash = models.CharField(max_length=64, blank=True)

    # Deadlines and the figures QĐ 766 indicators 5.1–5.4 need.
    received_at = models.DateTimeField("thời điểm tiếp nhận", db_default=Now())
    clock_started_at = models.DateTimeField("thời hạn tính từ", null=True, blank=True)
    refuse_due = models.DateTimeField("hạn từ chối", null=True, blank=True)
    more_info_due = models.DateTimeField("hạn yêu cầu bổ sung", null=True, blank=True)
    answer_due = models.DateTimeField("hạn trả lời", null=True, blank=True, db_index=True)
    publish_due = models.DateTimeField("hạn công khai", null=True, blank=True)
    info_requested_count = models.PositiveSmallIntegerField(default=0)
    resolved_at = models.DateTimeField("thời điểm giải quyết", null=True, blank=True)
    resolved_on_time = models.BooleanField("giải quyết đúng hạn", null=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField("ngày công khai", null=True, blank=True, db_index=True)
    published_on_time = models.BooleanField(null=True)
    asker_notified_at = models.DateTimeField(null=True, blank=True)
    satisfied = models.BooleanField("hài lòng", null=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # Moderation and curation.
    is_hidden = models.BooleanField("đã ẩn", default=False)
    hidden_reason = models.CharField("lý do ẩn", max_length=500, blank=True)
    flag_count = models.PositiveIntegerField(default=0)
    is_faq = models.BooleanField("câu hỏi thường gặp", default=False)
    faq_position = models.PositiveSmallIntegerField(default=0)
    view_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "câu hỏi"
        verbose_name_plural = "câu hỏi"
        indexes = [
            models.Index(fields=["province", "status", "is_hidden", "-published_at"], name="question_public_idx"),
            models.Index(fields=["agency", "status"], name="question_agency_status_idx"),
            models.Index(fields=["topic", "is_faq"], name="question_topic_faq_idx"),
            models.Index(fields=["client_ip", "received_at"], name="question_ip_rate_idx"),
            models.Index(fields=["asker_phone", "received_at"], name="question_phone_rate_idx"),
            # The IOC's question figures for a province and period: an index-only range scan
            # (dashboard.indicators.sources.question_counts; PostgreSQL INCLUDE, a plain index elsewhere).
            models.Index(fields=["province", "classification", "received_at"], name="question_ioc_idx",
                         include=["id", "status", "resolved_at", "resolved_on_time", "answer_due", "satisfied"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("questions:detail", args=[self.code])

    @property
    def province_code(self) -> str:
        return self.province.code if self.province_id else ""

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and not self.is_hidden


class QuestionEvent(models.Model):
    """Append-only history: one row per transition, assignment, moderation or notice. The
    database refuses UPDATE (trigger in migration 0002) like the audit trail."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="events")
    province_code = models.CharField(max_length=8, db_index=True)
    at = models.DateTimeField(db_default=Now())
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Shown on the public question page (publish) or only to officials and the asker.
    is_public = models.BooleanField(default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "lịch sử câu hỏi"
        verbose_name_plural = "lịch sử câu hỏi"

    def __str__(self) -> str:
        return f"{self.question_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A report that a published Q&A is wrong or improper; moderators resolve it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="flags")
    province_code = models.CharField(max_length=8)
    reason = models.CharField("lý do", max_length=500)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    client_ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(db_default=Now())
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["question", "resolved_at"], name="question_flag_open_idx")]
        verbose_name = "báo cáo nội dung"
        verbose_name_plural = "báo cáo nội dung"

    def __str__(self) -> str:
        return f"{self.question_id}: {self.reason[:50]}"
