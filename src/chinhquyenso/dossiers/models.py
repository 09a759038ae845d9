"""One-stop dossiers (hồ sơ TTHC) under NĐ 118/2025/NĐ-CP and TT 03/2025/TT-VPCP.

Codes and statuses are the national ones (vn-regulations §2.1–2.2 [S]) stored as those codes:
status 1–10 and channel 1–3 as integers, so the national-portal payload (TT 04/2025) and the 766
indicators read them directly. Status 0 is ours: a draft the citizen has not submitted yet; it is
never synced nor counted.

The process log (ProcessLogEntry) is append-only: it is the legal "phiếu kiểm soát quá trình giải
quyết hồ sơ" (BM.05) and the source of every KPI. A hand-off row ends when the next row starts.
Every write goes through dossiers.services.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.rowsummary import save_without
from chinhquyenso.procedures.models import (
    ComponentSpec,
    FeeKind,
    FeeSpec,
    Procedure,
    ProcedureVersion,
    ProcessStep,
)
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.workdays.deadlines import TimeUnit

from . import facts
from .workflow import CLOCK_RUNNING, Channel, Status

TIME_UNIT_CHOICES = [(u.value, u.value) for u in TimeUnit]


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANIZATION = "organization", _("Tổ chức")


class ResultDelivery(models.TextChoices):
    """How the result is returned (Đăng ký nhận kết quả tại, BM.01)."""

    COUNTER = "counter", _("Tại Bộ phận một cửa")
    POSTAL = "postal", _("Qua dịch vụ bưu chính công ích")
    ONLINE = "online", _("Trực tuyến (bản điện tử)")


class OnlinePayment(models.IntegerChoices):
    """DVCQG DuocThanhToanTrucTuyen: 1 = paid on DVCQG, 2 = through the province's gateway."""

    NONE = 0, _("Không thanh toán trực tuyến")
    NATIONAL_PORTAL = 1, _("Thanh toán trên Cổng DVCQG")
    LOCAL_GATEWAY = 2, _("Thanh toán qua cổng thanh toán của tỉnh")


class SyncState(models.TextChoices):
    NOT_REQUIRED = "not_required", _("Không cần đồng bộ")
    PENDING = "pending", _("Chờ đồng bộ")
    SYNCED = "synced", _("Đã đồng bộ")
    FAILED = "failed", _("Đồng bộ lỗi")


class Rating(models.IntegerChoices):
    SATISFIED = 1, _("Hài lòng")
    NOT_SATISFIED = 2, _("Không hài lòng")


class Dossier(models.Model):
    code = models.CharField("mã hồ sơ", max_length=64, unique=True, null=True, blank=True)
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers")
    # The frozen version the dossier was filed under, and the promises copied from it.
    procedure_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers")
    legal_time = models.DecimalField("thời hạn giải quyết", max_digits=6, decimal_places=2)
    time_unit = models.CharField("đơn vị thời hạn", max_length=16, choices=TIME_UNIT_CHOICES)
    fee_total = models.DecimalField("tổng phí, lệ phí (đồng)", max_digits=14, decimal_places=0, default=0)

    status = models.PositiveSmallIntegerField("trạng thái", choices=Status.choices, default=Status.DRAFT)
    channel = models.PositiveSmallIntegerField("kênh thực hiện", choices=Channel.choices)
    # Where it was received (a one-stop centre), who resolves it, who holds it now (liên thông).
    reception_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="nơi tiếp nhận")
    resolving_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan giải quyết")
    current_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan đang xử lý")
    current_step = models.ForeignKey(ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    current_role = models.CharField("vai trò đang xử lý", max_length=32, blank=True, db_index=True)
    current_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="người đang xử lý",
    )
    current_step_started_at = models.DateTimeField(null=True, blank=True)
    current_step_due_at = models.DateTimeField(null=True, blank=True)
    # Status to go back to when a supplement or a financial obligation is fulfilled.
    resume_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)

    # Applicant (chủ hồ sơ) and authorised representative (người được ủy quyền), BM.01 fields.
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers",
        verbose_name="tài khoản công dân",
    )
    applicant_kind = models.CharField("loại chủ hồ sơ", max_length=16, choices=ApplicantKind.choices,
                                      default=ApplicantKind.PERSON)
    applicant_name = models.CharField("chủ hồ sơ", max_length=255)
    applicant_name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    applicant_id_number = models.CharField("số định danh cá nhân / mã số tổ chức", max_length=32, blank=True, db_index=True)
    applicant_birth_date = models.DateField("ngày sinh", null=True, blank=True)
    applicant_address = models.CharField("địa chỉ", max_length=500, blank=True)
    applicant_phone = models.CharField("điện thoại", max_length=20, blank=True, db_index=True)
    applicant_email = models.EmailField("thư điện tử", blank=True)
    representative_name = models.CharField("người được ủy quyền", max_length=255, blank=True)
    representative_id_number = models.CharField("số định danh người được ủy quyền", max_length=32, blank=True)
    representative_phone = models.CharField("điện thoại người được ủy quyền", max_length=20, blank=True)
    representative_relation = models.CharField("quan hệ / giấy ủy quyền", max_length=255, blank=True)
    vneid_verified = models.BooleanField("tài khoản xác thực VNeID", default=False)
    subject = models.TextField("nội dung yêu cầu giải quyết", blank=True)
    form_data = models.JSONField("dữ liệu tờ khai", default=dict, blank=True)
    sets_count = models.PositiveSmallIntegerField("số bộ hồ sơ", default=1)

    # Dates (DVCQG NgayNopHoSo, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra, NgayTuChoi).
    submitted_at = models.DateTimeField("ngày nộp", null=True, blank=True)
    received_at = models.DateTimeField("ngày tiếp nhận", null=True, blank=True)
    counting_started_at = models.DateTimeField("bắt đầu tính thời hạn", null=True, blank=True)
    due_at = models.DateTimeField("ngày hẹn trả", null=True, blank=True, db_index=True)
    original_due_at = models.DateTimeField("ngày hẹn trả ban đầu", null=True, blank=True)
    finished_at = models.DateTimeField("ngày kết thúc xử lý", null=True, blank=True)
    returned_at = models.DateTimeField("ngày trả kết quả", null=True, blank=True)
    refused_at = models.DateTimeField("ngày từ chối", null=True, blank=True)
    withdrawn_at = models.DateTimeField("ngày rút hồ sơ", null=True, blank=True)
    stopped_at = models.DateTimeField("ngày dừng xử lý", null=True, blank=True)
    paused_at = models.DateTimeField("bắt đầu tạm dừng (chờ bổ sung)", null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField("số lần yêu cầu bổ sung", default=0)
    extended = models.BooleanField("đã gia hạn (phiếu xin lỗi)", default=False)

    result_delivery = models.CharField("hình thức nhận kết quả", max_length=16, choices=ResultDelivery.choices,
                                       default=ResultDelivery.COUNTER)
    delivery_address = models.CharField("địa chỉ nhận kết quả", max_length=500, blank=True)
    online_payment = models.PositiveSmallIntegerField(choices=OnlinePayment.choices, default=OnlinePayment.NONE)

    rating = models.PositiveSmallIntegerField("đánh giá", choices=Rating.choices, null=True, blank=True)
    rating_comment = models.TextField("ý kiến đánh giá", blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    has_complaint = models.BooleanField("có phản ánh, kiến nghị", default=False)

    # A summary of the dossier's parts, maintained by the DATABASE (triggers on components, results
    # and supplement requests: dossiers.summary), never by Python: save() leaves these columns out.
    # They make everything the Decision 766 indicators need a function of this one row, so the IOC
    # reads one table (dashboard.rollups).
    has_digitized_component = models.BooleanField(default=False, editable=False)
    has_reused_component = models.BooleanField(default=False, editable=False)
    has_personal_store_component = models.BooleanField(default=False, editable=False)
    has_electronic_result = models.BooleanField(default=False, editable=False)
    # Σ (completed − requested) and Σ (NgayHenTraMoi − NgayHenTraTruoc) of COMPLETED supplement
    # requests, in seconds (vn-regulations §2.4: the waiting time is subtracted when judging).
    supplement_wait_seconds = models.BigIntegerField(default=0, editable=False)
    supplement_shift_seconds = models.BigIntegerField(default=0, editable=False)

    # Deadline sweep bookkeeping (so each warning is sent once).
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    # National-portal sync: every change bumps sync_version; the sync task sends while
    # synced_version < sync_version.
    sync_state = models.CharField(max_length=16, choices=SyncState.choices, default=SyncState.NOT_REQUIRED, db_index=True)
    sync_version = models.PositiveIntegerField(default=0)
    synced_version = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(null=True, blank=True)
    sync_attempts = models.PositiveSmallIntegerField(default=0)
    sync_error = models.TextField(blank=True)
    national_reference = models.CharField("mã trên Cổng DVCQG", max_length=64, blank=True)

    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    idempotency_key = models.CharField(max_length=128, blank=True, default="")
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "hồ sơ"
        verbose_name_plural = "hồ sơ"
        constraints = [
            models.UniqueConstraint(fields=["submitted_by", "idempotency_key"], name="dossier_idempotency_unique",
                                    condition=~models.Q(idempotency_key="")),
            models.CheckConstraint(condition=models.Q(status__gte=0, status__lte=10), name="dossier_status_national"),
            models.CheckConstraint(condition=models.Q(channel__gte=1, channel__lte=3), name="dossier_channel_national"),
        ]
        indexes = [
            models.Index(fields=["current_agency", "status"], name="dossier_agency_status"),
            models.Index(fields=["reception_agency", "status"], name="dossier_reception_status"),
            models.Index(fields=["resolving_agency", "status"], name="dossier_resolving_status"),
            models.Index(fields=["province", "received_at"], name="dossier_province_received"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            # Overdue lists (IOC, queues): only dossiers whose clock runs, in due order per province
            # — a few thousand rows of a million, read in index order with LIMIT.
            models.Index(fields=["province", "due_at"], name="dossier_running_due",
                         condition=models.Q(status__in=sorted(CLOCK_RUNNING))),
            # The IOC's rollup rebuild reads these two instead of the table (index-only, in key
            # order: a sorted aggregate without hashing; dossiers.facts, ADR 0010). PostgreSQL stores
            # the INCLUDE columns; SQLite indexes the keys only.
            models.Index(fields=["resolving_agency", "fact_received_month", "fact_ended_month", "fact_due_month"],
                         include=["province", "procedure_version", "fact_received_on", "fact_ended_on", "fact_due_on",
                                  "fact_on_time", "fact_finished", "fact_processing_seconds", "fact_online",
                                  "fact_online_delivery", "fact_fee_bearing", "fact_paid_online", "fact_synced",
                                  "fact_complaint", "fact_rated", "fact_satisfied", "vneid_verified",
                                  "has_digitized_component", "has_reused_component", "has_personal_store_component",
                                  "has_electronic_result"],
                         name="dossier_fact_agency", condition=models.Q(fact_received_on__isnull=False)),
            models.Index(fields=["province", "procedure", "fact_received_month", "fact_ended_month"],
                         include=["fact_online", "fact_paid_online", "vneid_verified", "fact_finished",
                                  "fact_processing_seconds", "fact_on_time"],
                         name="dossier_fact_procedure", condition=models.Q(fact_received_on__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.code or f"Bản nháp #{self.pk}"

    def save(self, *args, **kwargs):
        """The summary columns (DB_MAINTAINED) belong to the database triggers: an update never writes
        them back, so a dossier loaded before a component was attached cannot undo its summary."""
        save_without(self, DB_MAINTAINED, super().save, *args, **kwargs)


# What the dossier counts as in the Decision 766 indicators: generated columns (dossiers.facts).
for _name, _field in facts.generated_fields().items():
    Dossier.add_to_class(_name, _field)


DB_MAINTAINED = frozenset({
    "has_digitized_component", "has_reused_component", "has_personal_store_component", "has_electronic_result",
    "supplement_wait_seconds", "supplement_shift_seconds"})


class DossierComponent(models.Model):
    """A document submitted with the dossier (DVCQG TaiLieuNop)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    spec = models.ForeignKey(ComponentSpec, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("tên giấy tờ", max_length=1000)
    originals = models.PositiveSmallIntegerField("số bản chính", default=0)
    copies = models.PositiveSmallIntegerField("số bản sao", default=0)
    file = models.FileField("tệp", upload_to="dossiers/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    digitized = models.BooleanField("được số hóa", default=False)  # DuocSoHoa
    reused = models.BooleanField("tái sử dụng dữ liệu số hóa", default=False)  # DuocTaiSuDung
    from_personal_store = models.BooleanField("lấy từ kho dữ liệu cá nhân", default=False)  # DuocLayTuKhoDMQG
    replaces_result_code = models.CharField("mã kết quả thay thế", max_length=64, blank=True)  # MaKetQuaThayThe
    is_deleted = models.BooleanField(default=False)  # IsDeleted (withdrawn before reception)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["dossier_id", "id"]
        verbose_name = "thành phần hồ sơ đã nộp"
        verbose_name_plural = "thành phần hồ sơ đã nộp"

    def __str__(self) -> str:
        return self.name


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Chưa nộp")
    PAID = "paid", _("Đã nộp")
    WAIVED = "waived", _("Miễn")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Tiền mặt tại quầy")
    VIETQR = "vietqr", _("Chuyển khoản (VietQR)")
    NATIONAL_PORTAL = "dvcqg", _("Thanh toán trên Cổng DVCQG")
    GATEWAY = "gateway", _("Cổng thanh toán của tỉnh")


class DossierFee(models.Model):
    """A fee, charge or financial obligation due on the dossier (DVCQG DanhSachLePhi)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="fees")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    spec = models.ForeignKey(FeeSpec, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=[*FeeKind.choices, ("obligation", _("Nghĩa vụ tài chính"))])
    code = models.CharField(max_length=64, blank=True)
    name = models.CharField(max_length=500)
    amount = models.DecimalField(max_digits=14, decimal_places=0)
    status = models.CharField(max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID)
    method = models.CharField(max_length=16, choices=PaymentMethod.choices, blank=True)
    reference = models.CharField("mã giao dịch", max_length=128, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} đ"


class ProcessLogImmutableError(Exception):
    """Raised on any attempt to change or delete a process-log row."""


class ProcessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ProcessLogImmutableError("Phiếu kiểm soát quá trình không được sửa.")

    def delete(self):
        raise ProcessLogImmutableError("Phiếu kiểm soát quá trình không được xóa.")


class ProcessLogEntry(models.Model):
    """One hand-off (DVCQG tienTrinhDongBo / QuaTrinhXuLy; BM.05 rows). Append-only: the row is
    never updated; its end is the start of the next row of the same dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="log")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    status_before = models.PositiveSmallIntegerField(choices=Status.choices, null=True)
    status_after = models.PositiveSmallIntegerField(choices=Status.choices)
    step = models.ForeignKey(ProcessStep, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Who handed over (NguoiXuLy, ChucDanh, PhongBanXuLy) — names copied so the sheet never changes.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=255)
    actor_title = models.CharField(max_length=255, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    department_name = models.CharField(max_length=255, blank=True)
    # Who receives it and must act next.
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    receiver_name = models.CharField(max_length=255, blank=True)
    receiver_role = models.CharField(max_length=32, blank=True)
    receiver_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    content = models.TextField("nội dung xử lý", blank=True)  # NoiDungXuLy
    started_at = models.DateTimeField()  # NgayBatDau of the receiver's work
    due_at = models.DateTimeField(null=True, blank=True)  # NgayKetThucTheoQuyDinh per the step budget
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = ProcessLogQuerySet.as_manager()

    class Meta:
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="process_log_seq_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    # Append-only (the database refuses too: migration 0002).
    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ProcessLogImmutableError("Phiếu kiểm soát quá trình không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ProcessLogImmutableError("Phiếu kiểm soát quá trình không được xóa.")


class SupplementRequest(models.Model):
    """Yêu cầu bổ sung, hoàn thiện hồ sơ (BM.02; DVCQG DanhSachHoSoBoSung): all missing items in
    one go. `completed_at` is set when the applicant supplies them."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    items = models.JSONField("giấy tờ cần bổ sung")
    reason = models.TextField("lý do")
    respond_by = models.DateTimeField("hạn bổ sung")
    due_before = models.DateTimeField("ngày hẹn trả trước", null=True, blank=True)  # NgayHenTraTruoc
    due_after = models.DateTimeField("ngày hẹn trả mới", null=True, blank=True)  # NgayHenTraMoi
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier_id", "requested_at"]

    def __str__(self) -> str:
        return f"Bổ sung {self.dossier_id} ({self.requested_at:%d/%m/%Y})"


class Extension(models.Model):
    """Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết (BM.04): signed by the head of the
    resolving agency at least one working day before the due date; once per dossier."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="extension")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("lý do")
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Gia hạn {self.dossier_id}: {self.new_due_at:%d/%m/%Y}"


class ResultDocument(models.Model):
    """A result document (DVCQG DanhSachGiayToKetQua)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="results")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=500)
    code = models.CharField("mã giấy tờ kết quả", max_length=64, blank=True)
    number_symbol = models.CharField("số, ký hiệu", max_length=64, blank=True)
    file = models.FileField(upload_to="results/%Y/%m/", blank=True)
    electronic = models.BooleanField("kết quả điện tử", default=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    def __str__(self) -> str:
        return self.name


class DailyCounter(models.Model):
    """The per-agency per-day sequence of dossier codes, locked in the reception transaction."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_daily_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class SlipKind(models.TextChoices):
    """TT 03/2025 forms as reproduced in QĐ 3621/QĐ-BYT BM.01–BM.06 (vn-regulations §2.3 [V])."""

    RECEIPT = "BM01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    SUPPLEMENT = "BM02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "BM03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "BM04", _("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết")
    CONTROL = "BM05", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")
    REGISTER = "BM06", _("Sổ theo dõi hồ sơ")


class SlipCounter(models.Model):
    """Slips are numbered per agency per year and kind."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=4, choices=SlipKind.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year", "kind"], name="slip_counter_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.kind}: {self.last}"


class Slip(models.Model):
    """An issued slip: its number is fixed when issued; the PDF is re-rendered from the record."""

    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="slips")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=4, choices=SlipKind.choices)
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    symbol = models.CharField("số, ký hiệu", max_length=64)
    data = models.JSONField("nội dung", default=dict)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.UniqueConstraint(fields=["agency", "year", "kind", "number"], name="slip_number_unique")]

    def __str__(self) -> str:
        return self.symbol
