"""The working-day calendar as data (vn-regulations §2.4: "data-driven calendar table, do not
hard-code"). Writes go through services.py; the calendar functions in calendar.py never touch
the database."""

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Now

from chinhquyenso.agencies.models import Agency


class EntryKind(models.TextChoices):
    # Bộ luật Lao động 45/2019, Điều 112(1) and NQ 28/2026/QH16 (24/11).
    HOLIDAY = "nghi_le", "Nghỉ lễ, Tết"
    # Điều 111(3): a holiday on the weekly rest day is made up on the next working day.
    COMPENSATORY = "nghi_bu", "Nghỉ bù"
    # Annual swap notices (Thủ tướng / Bộ Nội vụ): a weekday off, worked back on a weekend day.
    SWAP_OFF = "nghi_hoan_doi", "Nghỉ hoán đổi"
    SWAP_WORK = "lam_bu", "Làm việc bù"


DAY_OFF_KINDS = frozenset({EntryKind.HOLIDAY, EntryKind.COMPENSATORY, EntryKind.SWAP_OFF})


class Origin(models.TextChoices):
    SEED = "seed", "Sinh theo quy tắc"
    MANUAL = "manual", "Quản trị nhập hoặc sửa"


class NationalDayRule(models.TextChoices):
    """Which day joins 2/9 (Điều 112(1)(đ): "02/9 và 01 ngày liền kề trước hoặc sau", Điều 112(3):
    the PM fixes it yearly)."""

    AUTO = "auto", "Tự động: ngày làm việc liền kề nối với cuối tuần"
    BEFORE = "before", "Ngày 01/9"
    AFTER = "after", "Ngày 03/9"


class CalendarYear(models.Model):
    """Per-year knobs for the rule-based defaults, and whether the year was seeded.

    Seeding a year once and then leaving it alone is what keeps admin edits (and deletions) safe
    from a re-run of `seed_holidays`."""

    year = models.PositiveSmallIntegerField("năm", unique=True)
    tet_days_before = models.PositiveSmallIntegerField(
        "số ngày Tết trước mùng 1",
        default=1,
        help_text="Trong 5 ngày Tết, số ngày thuộc cuối năm âm lịch cũ (0–4); còn lại tính từ mùng 1.",
    )
    national_day_rule = models.CharField(
        "ngày nghỉ liền kề Quốc khánh", max_length=8, choices=NationalDayRule.choices, default=NationalDayRule.AUTO
    )
    note = models.TextField("ghi chú, văn bản công bố", blank=True)
    seeded_at = models.DateTimeField("đã sinh ngày nghỉ lúc", null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = "năm lịch"
        verbose_name_plural = "năm lịch"
        constraints = [
            models.CheckConstraint(condition=Q(tet_days_before__lte=4), name="calendar_year_tet_days_before_lte_4"),
            models.CheckConstraint(condition=Q(year__gte=1950, year__lte=2199), name="calendar_year_range"),
        ]

    def __str__(self) -> str:
        return f"Năm {self.year}"


class CalendarEntry(models.Model):
    """One special day. A date carries at most one entry (unique), so two holidays can never
    overlap and a day cannot be both a holiday and a swapped working day."""

    date = models.DateField(
        "ngày", unique=True, error_messages={"unique": "Ngày này đã có trong lịch; mỗi ngày chỉ có một mục."}
    )
    kind = models.CharField("loại", max_length=16, choices=EntryKind.choices)
    name = models.CharField("tên", max_length=200)
    legal_basis = models.CharField("căn cứ pháp lý, nguồn", max_length=300)
    origin = models.CharField("nguồn gốc", max_length=8, choices=Origin.choices, default=Origin.MANUAL)
    rule_code = models.CharField("mã quy tắc", max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = "ngày nghỉ, ngày làm bù"
        verbose_name_plural = "ngày nghỉ, ngày làm bù"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EntryKind.values), name="calendar_entry_kind_valid",
                violation_error_message="Loại ngày không hợp lệ.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"

    @property
    def is_day_off(self) -> bool:
        return self.kind in DAY_OFF_KINDS


class OfficeHours(models.Model):
    """Office hours of an agency (agency NULL = platform default). Default 07:30–11:30 and
    13:30–17:00, Monday–Friday [I] (the common provincial rule; set yours here)."""

    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name="cơ quan"
    )
    weekdays = models.CharField(
        "ngày làm việc trong tuần", max_length=7, default="12345", help_text="Các số 1 (thứ Hai) đến 7 (Chủ nhật)."
    )
    morning_start = models.TimeField("sáng từ")
    morning_end = models.TimeField("sáng đến")
    afternoon_start = models.TimeField("chiều từ", null=True, blank=True)
    afternoon_end = models.TimeField("chiều đến", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "giờ làm việc"
        verbose_name_plural = "giờ làm việc"
        constraints = [
            # One row per agency and one platform default: NULL folded to 0 so it is unique too.
            models.UniqueConstraint(
                Coalesce("agency", Value(0)), name="office_hours_one_per_agency",
                violation_error_message="Cơ quan này (hoặc mặc định toàn hệ thống) đã có giờ làm việc; hãy sửa bản ghi đó.",
            ),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end")), name="office_hours_morning_ordered",
                violation_error_message="Giờ bắt đầu buổi sáng phải trước giờ kết thúc.",
            ),
        ]

    def __str__(self) -> str:
        owner = self.agency.name if self.agency_id else "Mặc định toàn hệ thống"
        return f"Giờ làm việc — {owner}"
