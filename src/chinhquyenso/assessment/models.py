"""Digital-transformation assessment: versioned criteria sets, assessments per unit and year,
per-indicator scores with evidence, reviewers, and the yearly completion plan.

A criteria set (bộ tiêu chí) is versioned data like the procedure catalogue (ARCHITECTURE.md
habit 4): an import makes a new DRAFT version; publishing freezes it (no row of a published set is
ever written again — checked in save() and in services). An assessment points at the exact version
it was made under. Scoring methods and points are data (see scoring.py and docs/assessment.md);
facts about Thanh Hóa's set (QĐ 1829/QĐ-UBND, 30/5/2023) and the provincial DTI (QĐ
405/QĐ-BKHCN, 03/4/2025) are vn-regulations §5 [S]/[V]; whatever we had to infer is tagged [I]
in the set's data, not here.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit

FROZEN_MESSAGE = _("Bộ tiêu chí đã ban hành được giữ nguyên, không sửa được; hãy nhập phiên bản mới để thay đổi.")


class Subject(models.TextChoices):
    COMMUNE = "commune", _("Xã, phường, đặc khu")
    AGENCY = "agency", _("Cơ quan, đơn vị")
    PROVINCE = "province", _("Tỉnh, thành phố")


class SetStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã ban hành")
    RETIRED = "retired", _("Đã thay thế")


class Method(models.TextChoices):
    """How an indicator's measured value becomes points (scoring.py has one pure function each)."""

    RATIO = "ratio", _("Tỷ lệ a/b × điểm tối đa")
    THRESHOLD = "threshold", _("Tỷ lệ so với ngưỡng")
    STEPS = "steps", _("Bảng bậc")
    YES_NO = "yes_no", _("Có/Không")
    CHOICE = "choice", _("Lựa chọn")


class SourceKind(models.TextChoices):
    COMPUTED = "computed", _("Tính từ hệ thống")
    SERIES = "series", _("Số liệu ngành")
    SELF = "self", _("Tự chấm, có minh chứng")


# The parts of an evidence record a criteria set may require, per indicator.
EVIDENCE_PARTS = {
    "number": _("số văn bản"),
    "date": _("ngày văn bản"),
    "summary": _("trích yếu nội dung"),
    "file": _("tệp minh chứng"),
}


class CriteriaSet(models.Model):
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("tỉnh"))
    code = models.CharField(_("mã bộ tiêu chí"), max_length=64)
    version = models.PositiveIntegerField(_("phiên bản"))
    name = models.CharField(_("tên"), max_length=255)
    subject = models.CharField(_("đối tượng đánh giá"), max_length=10, choices=Subject.choices)
    decision_number = models.CharField(_("số quyết định ban hành"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    # The completion rule ("hoàn thành chuyển đổi số"): data, because every province writes its own.
    completion_min_points = models.DecimalField(_("tổng điểm tối thiểu để hoàn thành"), max_digits=8,
                                                decimal_places=2, null=True, blank=True)
    completion_min_group_percent = models.DecimalField(_("mỗi nhóm đạt tối thiểu (% điểm nhóm)"), max_digits=5,
                                                       decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(_("tổng điểm tối đa"), max_digits=8, decimal_places=2, default=0)
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(max_length=10, choices=SetStatus.choices, default=SetStatus.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["province", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code", "version"], name="assessment_set_version_unique"),
        ]
        indexes = [models.Index(fields=["province", "status"], name="assessment_set_status")]
        verbose_name = _("bộ tiêu chí")
        verbose_name_plural = _("bộ tiêu chí")

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def province_code(self) -> str:
        return self.province.code

    @property
    def is_frozen(self) -> bool:
        return self.status != SetStatus.DRAFT


class _SetPart(models.Model):
    """Groups and indicators of a published set are frozen with it."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and CriteriaSet.objects.filter(pk=self.criteria_set_id).exclude(
                status=SetStatus.DRAFT).exists():
            raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)


class CriteriaGroup(_SetPart):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã nhóm"), max_length=16)
    name = models.CharField(_("tên nhóm"), max_length=255)
    order = models.PositiveIntegerField(default=0)
    max_points = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="assessment_group_unique")]
        verbose_name = _("nhóm tiêu chí")
        verbose_name_plural = _("nhóm tiêu chí")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class Indicator(_SetPart):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="indicators")
    group = models.ForeignKey(CriteriaGroup, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("mã chỉ tiêu"), max_length=16)
    name = models.CharField(_("tên chỉ tiêu"), max_length=500)
    order = models.PositiveIntegerField(default=0)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=7, decimal_places=2)
    method = models.CharField(_("cách tính điểm"), max_length=10, choices=Method.choices)
    threshold = models.DecimalField(_("ngưỡng (%)"), max_digits=7, decimal_places=2, null=True, blank=True)
    # STEPS: [{"from": 4, "points": 20}, ...] — the highest "from" ≤ value applies (scoring.steps).
    steps = models.JSONField(default=list, blank=True)
    # CHOICE: [{"key": "chu_tich", "label": "...", "points": 10}, ...]
    options = models.JSONField(default=list, blank=True)
    evidence = models.JSONField(_("minh chứng bắt buộc"), default=list, blank=True)  # subset of EVIDENCE_PARTS
    source_kind = models.CharField(_("nguồn dữ liệu"), max_length=10, choices=SourceKind.choices,
                                   default=SourceKind.SELF)
    source_key = models.CharField(_("khóa nguồn / mã chuỗi số liệu"), max_length=64, blank=True)
    unit_of_measure = models.CharField(_("đơn vị tính"), max_length=32, blank=True)
    verifier = models.CharField(_("đơn vị thẩm định"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="assessment_indicator_unique")]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    def evidence_labels(self) -> list[str]:
        return [str(EVIDENCE_PARTS[p]) for p in self.evidence if p in EVIDENCE_PARTS]


class Reviewer(models.Model):
    """An explicit assignment: this official reviews assessments under this criteria set, acting
    for a province-level agency (the provincial People's Committee or the Department of Science
    and Technology). It counts only while the official still holds Role.LEADER or
    Role.AGENCY_ADMIN at that agency (queries.reviewer_condition checks both in one predicate)."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="reviewers")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["criteria_set", "user"], name="assessment_reviewer_unique")]
        indexes = [models.Index(fields=["user", "criteria_set"], name="assessment_reviewer_user")]
        verbose_name = _("người thẩm định")
        verbose_name_plural = _("người thẩm định")

    def __str__(self) -> str:
        return f"{self.user} — {self.criteria_set}"

    @property
    def province_code(self) -> str:
        return self.province.code


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    IN_REVIEW = "in_review", _("Đang thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    PUBLISHED = "published", _("Đã công bố")


class Assessment(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="assessments")
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị được đánh giá"))
    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    self_points = models.DecimalField(_("điểm tự đánh giá"), max_digits=8, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(_("điểm thẩm định"), max_digits=8, decimal_places=2, null=True, blank=True)
    score_index = models.DecimalField(_("chỉ số (0–1)"), max_digits=5, decimal_places=4, null=True, blank=True)
    completed = models.BooleanField(_("hoàn thành chuyển đổi số"), null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "agency", "year"], name="assessment_unique_per_year"),
        ]
        indexes = [
            models.Index(fields=["criteria_set", "year", "status"], name="assessment_set_year"),
            models.Index(fields=["province", "year", "status"], name="assessment_province_year"),
            models.Index(fields=["unit", "year"], name="assessment_unit_year"),
        ]
        verbose_name = _("bản đánh giá")
        verbose_name_plural = _("bản đánh giá")

    def __str__(self) -> str:
        return f"{self.unit} — {self.year}"

    @property
    def province_code(self) -> str:
        return self.province.code

    @property
    def number(self) -> str:
        return f"{self.year}-{self.pk}"


class IndicatorScore(models.Model):
    """One indicator of one assessment: the measured value (computed, from a series, or entered),
    the evidence, the points the unit claims, and the reviewer's points and comment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value_a = models.DecimalField(_("tử số"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_b = models.DecimalField(_("mẫu số"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_number = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4, null=True, blank=True)
    value_bool = models.BooleanField(_("có/không"), null=True, blank=True)
    value_choice = models.CharField(_("lựa chọn"), max_length=64, blank=True)
    source_detail = models.CharField(_("nguồn số liệu"), max_length=255, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    self_points = models.DecimalField(_("điểm tự chấm"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    evidence_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    evidence_summary = models.TextField(_("trích yếu"), blank=True)
    evidence_file = models.FileField(_("tệp minh chứng"), upload_to="assessment/%Y/%m/", blank=True, max_length=255)
    unit_note = models.TextField(_("giải trình của đơn vị"), blank=True)
    review_points = models.DecimalField(_("điểm thẩm định"), max_digits=7, decimal_places=2, null=True, blank=True)
    review_comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["assessment", "indicator__order", "indicator__code"]
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="assessment_score_unique")]
        verbose_name = _("điểm chỉ tiêu")
        verbose_name_plural = _("điểm chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.assessment} — {self.indicator.code}"

    @property
    def province_code(self) -> str:
        return self.assessment.province.code

    @property
    def final_points(self):
        return self.review_points if self.review_points is not None else self.self_points


EVENT_LABELS = {
    "start": _("Mở bản tự đánh giá"), "submit": _("Gửi thẩm định"), "review": _("Bắt đầu thẩm định"),
    "return": _("Trả lại để bổ sung"), "accept_all": _("Chấp nhận điểm tự chấm"), "publish": _("Công bố kết quả"),
}


class AssessmentEvent(models.Model):
    """Append-only history of an assessment (submissions, returns with comments, publication)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["assessment", "at", "pk"]
        verbose_name = _("lịch sử đánh giá")
        verbose_name_plural = _("lịch sử đánh giá")

    def __str__(self) -> str:
        return f"{self.assessment} {self.action}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class PlanTarget(models.Model):
    """A yearly target of the province's plan: how many communes complete digital transformation
    in that year (`target`), or by the end of it (`cumulative`). Figures come from decisions such as
    Thanh Hóa QĐ 969/QĐ-UBND (18/3/2022) — data, one row per year and kind."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    set_code = models.CharField(_("mã bộ tiêu chí"), max_length=64)
    year = models.PositiveSmallIntegerField(_("năm"))
    target = models.PositiveIntegerField(_("chỉ tiêu số xã hoàn thành"))
    cumulative = models.BooleanField(_("lũy kế đến hết năm"), default=False)
    decision = models.CharField(_("căn cứ"), max_length=255, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["province", "set_code", "year", "cumulative"]
        constraints = [
            models.UniqueConstraint(fields=["province", "set_code", "year", "cumulative"], name="assessment_plan_unique"),
        ]
        verbose_name = _("chỉ tiêu kế hoạch")
        verbose_name_plural = _("chỉ tiêu kế hoạch")

    def __str__(self) -> str:
        return f"{self.set_code} {self.year}: {self.target}"

    @property
    def province_code(self) -> str:
        return self.province.code


class PlanCommune(models.Model):
    """This commune is planned to complete digital transformation in `year`."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    set_code = models.CharField(max_length=64)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("năm phải hoàn thành"))

    class Meta:
        ordering = ["province", "set_code", "year", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["set_code", "unit"], name="assessment_plan_commune_unique")]
        indexes = [models.Index(fields=["province", "set_code", "year"], name="assessment_plan_commune_year")]
        verbose_name = _("xã trong kế hoạch")
        verbose_name_plural = _("xã trong kế hoạch")

    def __str__(self) -> str:
        return f"{self.unit} → {self.year}"

    @property
    def province_code(self) -> str:
        return self.province.code
