import datetime

from django.db import models

from chinhquyenso.core.text import fold, nfc

# The two-tier local government started on this day (Luật 72/2025/QH15; NQ 202/2025/QH15).
TWO_TIER_START = datetime.date(2025, 7, 1)


class Level(models.TextChoices):
    PROVINCE = "province", "Tỉnh/thành phố"
    DISTRICT = "district", "Huyện/quận (trước 01/7/2025)"
    COMMUNE = "commune", "Xã/phường/đặc khu"


class AdministrativeUnitQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or datetime.date.today()
        return self.filter(valid_from__lte=on).filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=on))

    def provinces(self):
        return self.filter(level=Level.PROVINCE)

    def communes(self):
        return self.filter(level=Level.COMMUNE)

    def search(self, text: str):
        """Diacritics-insensitive: "dong hoa" finds "Đông Hòa"; "đ" folds to "d"."""
        folded = fold(text)
        if not folded:
            return self.none()
        return self.filter(name_folded__contains=folded)


class AdministrativeUnit(models.Model):
    """A province, a (pre-2025) district or a commune, current or historical.

    Codes are the national statistics office's codes (2 digits province, 3 district, 5 commune).
    A code is unique only together with its level and validity: "01" is Hà Nội before and after
    1 July 2025. Historical units point to the units that replaced them (successors), so old
    addresses and old dossiers still resolve.
    """

    code = models.CharField(max_length=10)
    level = models.CharField(max_length=10, choices=Level.choices)
    kind = models.CharField(max_length=40, help_text="tỉnh, thành phố, xã, phường, đặc khu, huyện, quận…")
    name = models.CharField(max_length=120, help_text="Tên không kèm loại, ví dụ: Đông Hòa")
    full_name = models.CharField(max_length=160, help_text="Tên đầy đủ, ví dụ: Phường Đông Hòa")
    name_folded = models.CharField(max_length=160, db_index=True, editable=False)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Tỉnh chứa đơn vị (chính nó nếu là tỉnh)",
    )
    valid_from = models.DateField(default=TWO_TIER_START)
    valid_to = models.DateField(null=True, blank=True)
    successors = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="predecessors")
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    area_km2 = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_unique_per_period"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            ),
        ]
        indexes = [models.Index(fields=["code", "level"], name="unit_code_idx")]
        verbose_name = "đơn vị hành chính"
        verbose_name_plural = "đơn vị hành chính"

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.full_name = nfc(self.full_name) or self.name
        self.kind = nfc(self.kind)
        self.name_folded = fold(self.full_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        url = reverse("units:detail", args=[self.code])
        # A historical unit shares its code with its successor (Hà Nội is "01" in both), so its
        # page is addressed by a day on which it was in force.
        return f"{url}?on={self.valid_to.isoformat()}" if self.valid_to else url

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def province_code(self) -> str:
        return self.code if self.level == Level.PROVINCE else (self.province.code if self.province_id else "")


class UnitDataLoad(models.Model):
    """One run of load_units: which data file (by checksum) was loaded, over what scope, with what
    effect. It is the object the audit entry for the run points to, so reference-data imports are
    traceable without an audit row per unit (see services.load_units)."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=200, help_text="Gói và phiên bản nguồn, ví dụ vietnamadminunits 1.0.4")
    checksum = models.CharField(max_length=64, help_text="SHA-256 của tệp dữ liệu")
    province_code = models.CharField(max_length=8, blank=True, help_text="Trống nếu nạp toàn bộ")
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    links_added = models.PositiveIntegerField(default=0)
    links_removed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = "lần nạp dữ liệu đơn vị hành chính"
        verbose_name_plural = "các lần nạp dữ liệu đơn vị hành chính"

    def __str__(self) -> str:
        scope = self.province_code or "toàn quốc"
        return f"Nạp {self.source} ({scope}) lúc {self.loaded_at:%Y-%m-%d %H:%M}"
