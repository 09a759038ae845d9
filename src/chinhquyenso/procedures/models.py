"""The administrative procedure catalogue (thủ tục hành chính, TTHC).

A Procedure is the stable identity (national code + local suffix, per province); its content lives
in ProcedureVersions. A published version is frozen (ARCHITECTURE.md habit 4, Open Zaak catalogi):
editing makes a new draft version, and every dossier keeps the version it was filed under, so the
fee and legal time a citizen was promised never change under them.

Codes: national code like "2.000908" (CSDL quốc gia về TTHC) plus a per-locality suffix, e.g.
"2.000908.000.00.00.H61" (vn-regulations §2.5 [V]). Online level per NĐ 42/2022 (§2.5 [S]).
Time units follow DVCQG's DonViTinh (workdays.deadlines.TimeUnit). Internal process steps are
budgeted in quarters of a working day (§2.4 [V]).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.accounts.models import Role
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.workdays.deadlines import UNIT_LABELS, TimeUnit

TIME_UNIT_CHOICES = [(unit.value, label) for unit, label in UNIT_LABELS.items()]

FROZEN_MESSAGE = _("Phiên bản đã công bố được giữ nguyên, không sửa được; hãy tạo phiên bản mới để thay đổi.")


class CompetentLevel(models.TextChoices):
    """Cấp thực hiện after the two-tier reorganisation (no district level since 1/7/2025)."""

    PROVINCE = "tinh", _("Cấp tỉnh")
    COMMUNE = "xa", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    """NĐ 42/2022/NĐ-CP: toàn trình (filed and resolved fully online, result online or by public
    postal service) or một phần (any other online service); "none" = no online service."""

    FULL = "toan_trinh", _("Toàn trình")
    PARTIAL = "mot_phan", _("Một phần")
    NONE = "khong", _("Không trực tuyến")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")
    RETIRED = "retired", _("Đã thay thế")


class FeeKind(models.TextChoices):
    """Phí and lệ phí are different things in Luật Phí và lệ phí 2015; DVCQG's LoaiPhiLePhi."""

    CHARGE = "phi", _("Phí")
    FEE = "le_phi", _("Lệ phí")


class StepKind(models.TextChoices):
    """What a step of the internal process does; the dossier workflow maps each to its actions."""

    RECEIVE = "receive", _("Tiếp nhận, chuyển hồ sơ")
    APPRAISE = "appraise", _("Thẩm định, xử lý")
    APPROVE = "approve", _("Phê duyệt, ký kết quả")
    INTER_AGENCY = "inter_agency", _("Liên thông sang cơ quan khác")
    RETURN = "return", _("Trả kết quả")


class Sector(models.Model):
    """Ngành (e.g. Tư pháp) — national data, shared by every province."""

    code = models.CharField("mã ngành", max_length=32, unique=True)
    name = models.CharField("tên ngành", max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = "ngành"
        verbose_name_plural = "ngành"

    def __str__(self) -> str:
        return self.name


class SectorField(models.Model):
    """Lĩnh vực (e.g. Hộ tịch, Chứng thực) — DVCQG's MaLinhVuc/TenLinhVuc."""

    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="fields", verbose_name="ngành")
    code = models.CharField("mã lĩnh vực", max_length=32, unique=True)
    name = models.CharField("tên lĩnh vực", max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """The identity of a TTHC in one province's catalogue; content is in its versions.

    `current_version` points at the published version in force (None until the first publish);
    it is maintained by procedures.services only."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name="tỉnh")
    national_code = models.CharField("mã TTHC quốc gia", max_length=32, db_index=True)
    local_suffix = models.CharField("hậu tố địa phương", max_length=64, blank=True)
    current_version = models.OneToOneField(
        "ProcedureVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="phiên bản hiện hành",
    )
    # Who keeps this catalogue entry up to date (its agency administrators edit drafts and
    # publish): the competent department for province-level procedures, the provincial People's
    # Committee for commune-level ones. Access to the staff pages is one predicate over it.
    managing_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="cơ quan quản lý danh mục",
    )
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["national_code"]
        verbose_name = "thủ tục hành chính"
        verbose_name_plural = "thủ tục hành chính"
        constraints = [
            models.UniqueConstraint(fields=["province", "national_code", "local_suffix"], name="procedure_code_unique"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        """Full code as published locally: "2.000908" or "2.000908.000.00.00.H61"."""
        return f"{self.national_code}.{self.local_suffix}" if self.local_suffix else self.national_code


class ProcedureVersion(models.Model):
    """One version of a procedure's content. Frozen once published (procedures.services refuses
    edits; dossiers point here with PROTECT so a used version can never disappear)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    # Copied from the procedure: every tenant table carries its province (sharding key).
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    number = models.PositiveIntegerField("phiên bản")
    status = models.CharField("trạng thái", max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    published_at = models.DateTimeField("ngày công bố", null=True, blank=True)
    retired_at = models.DateTimeField("ngày thay thế", null=True, blank=True)
    publishing_decision = models.CharField("quyết định công bố", max_length=255, blank=True)

    name = models.CharField("tên thủ tục", max_length=500)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    sector_field = models.ForeignKey(SectorField, on_delete=models.PROTECT, related_name="+", verbose_name="lĩnh vực")
    level = models.CharField("cấp thực hiện", max_length=8, choices=CompetentLevel.choices)
    # Who resolves it: at commune level every commune's People's Committee, so a kind; at province
    # level usually one department, so an agency (optional for kinds-only catalogues).
    competent_agency_kind = models.CharField(
        "loại cơ quan có thẩm quyền", max_length=20, choices=AgencyKind.choices, default=AgencyKind.COMMUNE_PC
    )
    competent_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="cơ quan có thẩm quyền",
    )
    competent_agency_text = models.CharField("cơ quan thực hiện (như công bố)", max_length=500, blank=True)
    legal_basis = models.TextField("căn cứ pháp lý", blank=True)
    legal_time = models.DecimalField("thời hạn giải quyết", max_digits=6, decimal_places=2)
    time_unit = models.CharField("đơn vị thời hạn", max_length=16, choices=TIME_UNIT_CHOICES,
                                 default=TimeUnit.WORKING_DAYS.value)
    legal_time_text = models.CharField("thời hạn (như công bố)", max_length=500, blank=True)
    applicant_person = models.BooleanField("cá nhân được thực hiện", default=True)
    applicant_organization = models.BooleanField("tổ chức được thực hiện", default=False)
    applicant_text = models.CharField("đối tượng thực hiện (như công bố)", max_length=500, blank=True)
    requirements = models.TextField("yêu cầu, điều kiện", blank=True)
    steps_text = models.TextField("trình tự thực hiện (như công bố)", blank=True)
    result_name = models.CharField("kết quả thực hiện", max_length=500)
    result_paper = models.BooleanField("kết quả bản giấy", default=True)
    result_electronic = models.BooleanField("kết quả điện tử", default=False)
    online_level = models.CharField("mức độ trực tuyến", max_length=16, choices=OnlineLevel.choices,
                                    default=OnlineLevel.PARTIAL)
    accepts_in_person = models.BooleanField("nộp trực tiếp", default=True)
    accepts_postal = models.BooleanField("nộp qua bưu chính công ích", default=True)
    change_note = models.TextField("nội dung thay đổi", blank=True)
    # Where the content was checked against ("[I] chưa đối chiếu" when it was not): shown to staff.
    source_note = models.CharField("ghi chú nguồn đối chiếu", max_length=1000, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["procedure_id", "-number"]
        verbose_name = "phiên bản thủ tục"
        verbose_name_plural = "phiên bản thủ tục"
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="procedure_version_number_unique"),
            # At most one published version per procedure at any time.
            models.UniqueConstraint(fields=["procedure"], condition=models.Q(status="published"),
                                    name="procedure_one_published_version"),
        ]
        indexes = [
            models.Index(fields=["status", "level"], name="procedure_version_status_level"),
            models.Index(fields=["province", "status"], name="procedure_version_prov_status"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    # Model-level guard behind procedures.services: a version loaded as published or retired may
    # only have its status and retired_at written (retiring it), nothing else.
    def save(self, *args, **kwargs):
        loaded = getattr(self, "_loaded_status", None)
        if loaded in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= {"status", "retired_at"}:
                raise ValidationError(FROZEN_MESSAGE, code="frozen")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args, **kwargs):
        if getattr(self, "_loaded_status", None) in (VersionStatus.PUBLISHED, VersionStatus.RETIRED):
            raise ValidationError(FROZEN_MESSAGE, code="frozen")
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        obj = super().from_db(db, field_names, values, **kwargs)
        obj._loaded_status = obj.__dict__.get("status")
        return obj

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT

    @property
    def legal_time_quarters(self) -> int | None:
        """The legal time in quarters of a working day (None for calendar days and months, which
        have no fixed length in working time)."""
        if self.time_unit == TimeUnit.WORKING_DAYS:
            return int(self.legal_time * 4)
        if self.time_unit == TimeUnit.HOURS:
            return int(self.legal_time / 2)  # a working day is 8 office hours; a quarter is 2 hours
        return None

    @property
    def total_fee(self) -> Decimal:
        return sum((fee.amount for fee in self.fees.all()), Decimal(0))


class VersionPart(models.Model):
    """A row that belongs to a ProcedureVersion: writing or deleting it is refused once that
    version is frozen (one indexed EXISTS per write; bulk writes go through services, which lock
    the draft first)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self) -> None:
        frozen = ProcedureVersion.objects.filter(pk=self.version_id).exclude(status=VersionStatus.DRAFT)
        if frozen.exists():
            raise ValidationError(FROZEN_MESSAGE, code="frozen")


class ComponentSpec(VersionPart):
    """One document of the dossier (thành phần hồ sơ) as the catalogue describes it."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    order = models.PositiveSmallIntegerField("thứ tự")
    code = models.CharField("mã thành phần", max_length=64, blank=True)
    name = models.CharField("tên giấy tờ", max_length=1000)
    originals = models.PositiveSmallIntegerField("số bản chính", default=0)
    copies = models.PositiveSmallIntegerField("số bản sao", default=0)
    required = models.BooleanField("bắt buộc", default=True)
    form_name = models.CharField("mẫu đơn, tờ khai", max_length=255, blank=True)
    form_file = models.FileField("tệp mẫu", upload_to="procedures/forms/%Y/", blank=True)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        ordering = ["version_id", "order"]
        verbose_name = "thành phần hồ sơ"
        verbose_name_plural = "thành phần hồ sơ"
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="component_spec_order_unique")]

    def __str__(self) -> str:
        return self.name


class FeeSpec(VersionPart):
    """A fee or charge (DVCQG DanhSachLePhi: TenPhiLePhi, MaPhiLePhi, Gia, LoaiPhiLePhi). Amounts
    in đồng; an exemption is a row with amount 0 and the condition in `note`."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    order = models.PositiveSmallIntegerField("thứ tự", default=1)
    kind = models.CharField("loại", max_length=8, choices=FeeKind.choices, default=FeeKind.FEE)
    code = models.CharField("mã phí, lệ phí", max_length=64, blank=True)
    name = models.CharField("tên phí, lệ phí", max_length=500)
    amount = models.DecimalField("mức thu (đồng)", max_digits=14, decimal_places=0)
    note = models.CharField("ghi chú, miễn giảm", max_length=1000, blank=True)

    class Meta:
        ordering = ["version_id", "order"]
        verbose_name = "phí, lệ phí"
        verbose_name_plural = "phí, lệ phí"

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} đ"


class ProcessStep(VersionPart):
    """A step of the internal process (quy trình nội bộ): who does it and its budget in quarters
    of a working day. Published versions in working days/hours have budgets summing to the legal
    time (checked when publishing). An INTER_AGENCY step hands the dossier to `agency` (or an
    agency of `agency_kind`) for its share of the legal time."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", editable=False)
    order = models.PositiveSmallIntegerField("thứ tự")
    kind = models.CharField("loại bước", max_length=16, choices=StepKind.choices)
    name = models.CharField("nội dung công việc", max_length=500)
    role = models.CharField("vai trò thực hiện", max_length=32, choices=Role.choices)
    department_name = models.CharField("bộ phận thực hiện", max_length=255, blank=True)
    quarters = models.PositiveIntegerField("thời gian (phần tư ngày làm việc)")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="cơ quan liên thông"
    )
    agency_kind = models.CharField("loại cơ quan liên thông", max_length=20, choices=AgencyKind.choices, blank=True)

    class Meta:
        ordering = ["version_id", "order"]
        verbose_name = "bước xử lý"
        verbose_name_plural = "bước xử lý"
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="process_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def working_days(self) -> Decimal:
        return Decimal(self.quarters) / 4
