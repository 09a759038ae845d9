from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.core.text import fold, nfc
from chinhquyenso.units.models import AdministrativeUnit


class AgencyKind(models.TextChoices):
    PROVINCE_PC = "ubnd_tinh", _("UBND tỉnh/thành phố")
    DEPARTMENT = "so_nganh", _("Sở, ban, ngành")
    PROVINCE_SERVICE_CENTRE = "ttpvhcc_tinh", _("Trung tâm Phục vụ hành chính công tỉnh")
    COMMUNE_PC = "ubnd_xa", _("UBND xã/phường/đặc khu")
    COMMUNE_SERVICE_CENTRE = "ttpvhcc_xa", _("Trung tâm Phục vụ hành chính công xã")
    OFFICE = "phong_ban", _("Phòng, ban chuyên môn")
    VERTICAL = "nganh_doc", _("Cơ quan ngành dọc")
    OTHER = "khac", _("Khác")


# The one-stop centres (NĐ 118/2025 Art. on TTPVHCC) are where dossiers are received.
SERVICE_CENTRE_KINDS = {AgencyKind.PROVINCE_SERVICE_CENTRE, AgencyKind.COMMUNE_SERVICE_CENTRE}


class Agency(models.Model):
    """A state agency. `code` is its electronic identifier (mã định danh điện tử, QĐ 20/2020/QĐ-TTg
    as amended by QĐ 09/2025/QĐ-TTg), kept as an opaque string: its layout changed with the
    2025 reorganisation, so nothing may parse it by position.

    `path` is the materialised chain of ancestor ids ("/1/7/42/"); "this agency and everything
    under it" is then one indexed prefix predicate, which is how access scoping stays one SQL
    filter (ARCHITECTURE.md habit 6)."""

    code = models.CharField("mã định danh điện tử", max_length=64, unique=True)
    name = models.CharField("tên cơ quan", max_length=255)
    short_name = models.CharField("tên viết tắt", max_length=64, blank=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    kind = models.CharField("loại cơ quan", max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="cơ quan cấp trên"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="agencies", verbose_name="địa bàn"
    )
    province = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False, verbose_name="tỉnh"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    email = models.EmailField(blank=True)
    is_active = models.BooleanField("đang hoạt động", default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = "cơ quan"
        verbose_name_plural = "cơ quan"

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.province.code if self.province_id else ""

    @property
    def is_service_centre(self) -> bool:
        return self.kind in SERVICE_CENTRE_KINDS

    def normalise(self) -> None:
        self.code = self.code.strip()
        self.name = nfc(self.name)
        self.short_name = nfc(self.short_name)
        self.address = nfc(self.address)
        self.name_folded = fold(self.name)


class Department(models.Model):
    """A room/division inside an agency (phòng, bộ phận) that steps of a process are assigned to."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="departments")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="department_code_unique")]
        verbose_name = "phòng, bộ phận"
        verbose_name_plural = "phòng, bộ phận"

    def __str__(self) -> str:
        return f"{self.name} — {self.agency.short_name or self.agency.name}"


class ReceptionPoint(models.Model):
    """A place where a one-stop centre receives dossiers and returns results (điểm tiếp nhận và
    trả kết quả, NĐ 118/2025): the centre's own hall or a branch the commune decided on."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="reception_points")
    name = models.CharField(max_length=255)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    opening_hours = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = "điểm tiếp nhận và trả kết quả"
        verbose_name_plural = "điểm tiếp nhận và trả kết quả"

    def __str__(self) -> str:
        return self.name
