"""Sector data: indicator time series that sector systems (education, health, agriculture,
infrastructure, security cameras…) push into the IOC.

- `Sector`: a national list of sectors (ngành, lĩnh vực), data.
- `SeriesDefinition`: one series of one province with its DECLARED schema — the levels it applies
  to, the period granularity, the unit of measure, the value type and bounds, the source and the
  owner agency (whose officials and service accounts may push). Its code is unique per province.
- `Observation`: the CURRENT value of a series for one administrative unit and one period. It is
  unique per (series, unit, period start); a later import that changes the value updates the row
  in place and appends an `ObservationRevision` with the previous value (history is appended,
  never edited — ARCHITECTURE.md habit 2). An unchanged value writes nothing, so re-importing the
  same batch is idempotent.
- `ImportBatch`: the import log — one row per attempt (API call, file upload, demo load), accepted
  or rejected, with who, when, file name and checksum, counts and the rejected rows' reasons.
  The batch is the object the audit entry points to: one audit entry per batch, not per value.
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit


class Granularity(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")


class Levels(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")
    BOTH = "both", _("Cấp tỉnh và cấp xã")


class ValueType(models.TextChoices):
    PERCENT = "percent", _("Tỷ lệ phần trăm")
    COUNT = "count", _("Số đếm (số nguyên không âm)")
    DECIMAL = "decimal", _("Số thập phân")


class Rollup(models.TextChoices):
    """How a province figure follows from its communes' figures (for the dashboard)."""

    SUM = "sum", _("Cộng các xã")
    NONE = "none", _("Không cộng dồn (tỷ lệ, chỉ số)")


class Channel(models.TextChoices):
    API = "api", _("API")
    UPLOAD = "upload", _("Tải tệp lên")
    DEMO = "demo", _("Dữ liệu mẫu")


class BatchStatus(models.TextChoices):
    IMPORTED = "imported", _("Đã nhập")
    REJECTED = "rejected", _("Bị từ chối, không nhập dòng nào")


class Sector(models.Model):
    code = models.SlugField(_("mã ngành"), max_length=40, unique=True)
    name = models.CharField(_("tên ngành, lĩnh vực"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("ngành, lĩnh vực")
        verbose_name_plural = _("ngành, lĩnh vực")

    def __str__(self) -> str:
        return self.name


class SeriesDefinition(models.Model):
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("tỉnh"))
    code = models.SlugField(_("mã chuỗi số liệu"), max_length=64)
    name = models.CharField(_("tên chỉ tiêu"), max_length=255)
    description = models.TextField(_("định nghĩa, cách tính"), blank=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="series", verbose_name=_("ngành"))
    levels = models.CharField(_("cấp áp dụng"), max_length=10, choices=Levels.choices, default=Levels.COMMUNE)
    granularity = models.CharField(_("kỳ số liệu"), max_length=10, choices=Granularity.choices)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=32, help_text=_("%, hộ, trạm, người, camera…"))
    value_type = models.CharField(_("kiểu giá trị"), max_length=10, choices=ValueType.choices)
    min_value = models.DecimalField(_("giá trị nhỏ nhất"), max_digits=18, decimal_places=4, null=True, blank=True)
    max_value = models.DecimalField(_("giá trị lớn nhất"), max_digits=18, decimal_places=4, null=True, blank=True)
    decimal_places = models.PositiveSmallIntegerField(_("số chữ số thập phân"), default=2)
    rollup = models.CharField(_("tổng hợp lên tỉnh"), max_length=8, choices=Rollup.choices, default=Rollup.NONE)
    source = models.CharField(_("nguồn số liệu"), max_length=255, help_text=_("Cơ quan, hệ thống cung cấp"))
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("cơ quan chủ quản (được gửi số liệu)"))
    is_public = models.BooleanField(_("công khai"), default=True)
    is_active = models.BooleanField(_("đang thu thập"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["province", "sector__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="sectordata_series_code_unique"),
            models.CheckConstraint(
                condition=models.Q(min_value__isnull=True) | models.Q(max_value__isnull=True)
                | models.Q(min_value__lte=models.F("max_value")),
                name="sectordata_series_bounds_ordered",
            ),
        ]
        indexes = [models.Index(fields=["province", "is_public"], name="sectordata_series_public")]
        verbose_name = _("chuỗi số liệu ngành")
        verbose_name_plural = _("chuỗi số liệu ngành")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def province_code(self) -> str:
        return self.province.code

    @property
    def applies_to_commune(self) -> bool:
        return self.levels in (Levels.COMMUNE, Levels.BOTH)

    @property
    def applies_to_province(self) -> bool:
        return self.levels in (Levels.PROVINCE, Levels.BOTH)


class ImportBatch(models.Model):
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    series = models.ForeignKey(SeriesDefinition, on_delete=models.PROTECT, related_name="batches")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=BatchStatus.choices)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField(db_default=Now(), editable=False)
    file_name = models.CharField(max_length=255, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text=_("SHA-256 của tệp hoặc nội dung gửi lên"))
    rows_total = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    # [{"row": 3, "column": "Giá trị", "message": "..."}], capped (services.MAX_REPORTED_ERRORS).
    errors = models.JSONField(default=list, blank=True)
    # Accepted rows the importer changed on the way (a legacy commune code resolved to its successor).
    notices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["province", "-submitted_at"], name="sectordata_batch_prov"),
            models.Index(fields=["series", "-submitted_at"], name="sectordata_batch_series"),
        ]
        verbose_name = _("lần nhập số liệu")
        verbose_name_plural = _("nhật ký nhập số liệu")

    def __str__(self) -> str:
        return f"#{self.pk} {self.series.code} ({self.get_status_display()})"

    @property
    def province_code(self) -> str:
        return self.province.code


class Observation(models.Model):
    series = models.ForeignKey(SeriesDefinition, on_delete=models.PROTECT, related_name="observations")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("đầu kỳ"))
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4)
    source_note = models.CharField(_("ghi chú nguồn"), max_length=255, blank=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+",
                              help_text=_("Lần nhập đặt giá trị hiện tại"))
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(db_default=Now())

    class Meta:
        ordering = ["series", "period_start", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["series", "unit", "period_start"], name="sectordata_obs_unique"),
        ]
        indexes = [
            models.Index(fields=["series", "period_start"], name="sectordata_obs_period"),
            models.Index(fields=["unit", "series", "-period_start"], name="sectordata_obs_unit_latest"),
            models.Index(fields=["province", "series"], name="sectordata_obs_province"),
        ]
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")

    def __str__(self) -> str:
        return f"{self.series.code} {self.unit_id} {self.period_start}: {self.value}"

    @property
    def province_code(self) -> str:
        return self.province.code


class ObservationRevision(models.Model):
    """The value an observation had before a later batch changed it (append-only)."""

    observation = models.ForeignKey(Observation, on_delete=models.PROTECT, related_name="revisions")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    previous_value = models.DecimalField(max_digits=18, decimal_places=4)
    previous_batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="revisions")
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["observation", "id"]
        verbose_name = _("lịch sử sửa số liệu")
        verbose_name_plural = _("lịch sử sửa số liệu")

    def __str__(self) -> str:
        return f"{self.observation_id}: {self.previous_value} → {self.value}"
