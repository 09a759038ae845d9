"""Data of the community app: villages, community digital technology teams (Tổ công nghệ số cộng
đồng, CV 793/BTTTT-THH 05/3/2022), the steering committee's yearly plan, and awareness quizzes.

Every table carries its province (FK to units.AdministrativeUnit), as agencies do.
Writes go through `services/`; nothing here saves on its own behalf except text normalisation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from chinhquyenso.agencies.models import Agency, Department
from chinhquyenso.core.text import fold, mask, nfc
from chinhquyenso.units.models import AdministrativeUnit

# --- villages --------------------------------------------------------------------------------


class VillageKind(models.TextChoices):
    THON = "thon", _("Thôn")
    BAN = "ban", _("Bản")
    LANG = "lang", _("Làng")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
    AP = "ap", _("Ấp")
    KHU_PHO = "khu_pho", _("Khu phố")
    OTHER = "khac", _("Khác")


class Village(models.Model):
    """A village or residential group (thôn, bản, tổ dân phố, ấp, khu phố) inside a commune.
    The national unit list stops at communes, so communes keep this list themselves (import)."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="villages")
    name = models.CharField(_("tên thôn, tổ dân phố"), max_length=120)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)
    kind = models.CharField(_("loại"), max_length=12, choices=VillageKind.choices, default=VillageKind.THON)
    code = models.CharField(_("mã nội bộ"), max_length=20, blank=True)
    is_active = models.BooleanField(_("đang có"), default=True)
    is_demo = models.BooleanField(_("dữ liệu mẫu"), default=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["commune", "name_folded"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name_folded"], name="village_name_unique_in_commune"),
        ]
        indexes = [models.Index(fields=["province", "commune", "is_active"], name="village_scope_idx")]
        verbose_name = _("thôn, tổ dân phố")
        verbose_name_plural = _("thôn, tổ dân phố")

    def __str__(self) -> str:
        return self.name

    def normalise(self) -> None:
        self.name = nfc(self.name)
        self.code = nfc(self.code)
        self.name_folded = fold(self.name)

    @property
    def province_code(self) -> str:
        return self.province.code


# --- community digital technology teams ------------------------------------------------------


class MemberRole(models.TextChoices):
    """CV 793/BTTTT-THH: the village head plus at least two people, the youth union recommended;
    many provinces add the women's union, the commune police etc. [S]."""

    LEADER = "to_truong", _("Tổ trưởng / Trưởng thôn")
    YOUTH_UNION = "doan_thanh_nien", _("Đoàn Thanh niên")
    WOMEN_UNION = "hoi_phu_nu", _("Hội Phụ nữ")
    POLICE = "cong_an_xa", _("Công an xã")
    FARMERS_UNION = "hoi_nong_dan", _("Hội Nông dân")
    VETERANS = "cuu_chien_binh", _("Hội Cựu chiến binh")
    OTHER = "khac", _("Khác")


class Team(models.Model):
    """One team per village, set up by a decision of the commune chairman (CV 793/BTTTT-THH).
    A dissolved team keeps its row (history); a village then may get a new one."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey(Village, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("tên tổ"), max_length=200)
    decision_number = models.CharField(_("số quyết định thành lập"), max_length=50)
    decision_date = models.DateField(_("ngày quyết định"))
    note = models.TextField(_("ghi chú"), blank=True)
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["commune", "village__name_folded"]
        constraints = [
            models.UniqueConstraint(
                fields=["village"], condition=Q(dissolved_on__isnull=True), name="team_one_active_per_village"
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=models.F("decision_date")),
                name="team_dissolved_after_decision",
            ),
        ]
        indexes = [models.Index(fields=["province", "commune"], name="team_scope_idx")]
        verbose_name = _("tổ công nghệ số cộng đồng")
        verbose_name_plural = _("tổ công nghệ số cộng đồng")

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.province.code


class TeamMember(models.Model):
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("họ và tên"), max_length=150)
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices)
    phone = models.CharField(_("điện thoại"), max_length=15, blank=True)
    joined_on = models.DateField(_("ngày tham gia"), null=True, blank=True)
    left_on = models.DateField(_("ngày thôi tham gia"), null=True, blank=True)

    class Meta:
        ordering = ["team", "left_on", "role", "full_name"]
        verbose_name = _("thành viên tổ")
        verbose_name_plural = _("thành viên tổ")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, 3, 3)

    @property
    def province_code(self) -> str:
        return self.province.code


# The counts a team reports (issue 7; vn-regulations §5.1 registry fields [I]).
ACTIVITY_FIELDS = (
    ("sessions", _("Buổi hướng dẫn, tuyên truyền")),
    ("people_helped", _("Lượt người được hỗ trợ")),
    ("vneid_activations", _("Tài khoản VNeID được kích hoạt")),
    ("online_dossiers", _("Hồ sơ trực tuyến được hỗ trợ nộp")),
    ("cashless_payments", _("Người dân được cài đặt thanh toán không dùng tiền mặt")),
    ("households_reached", _("Hộ gia đình được tiếp cận")),
)
ACTIVITY_KEYS = tuple(k for k, _label in ACTIVITY_FIELDS)


class TeamActivity(models.Model):
    """One entry of a team's activity log: what the team did on a day (or a reporting run), as
    counts. Corrections are new entries with a note; entries are never edited."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="activities")
    date = models.DateField(_("ngày"))
    sessions = models.PositiveIntegerField(_("số buổi"), default=0)
    people_helped = models.PositiveIntegerField(_("lượt người được hỗ trợ"), default=0)
    vneid_activations = models.PositiveIntegerField(_("kích hoạt VNeID"), default=0)
    online_dossiers = models.PositiveIntegerField(_("hồ sơ trực tuyến"), default=0)
    cashless_payments = models.PositiveIntegerField(_("thanh toán không dùng tiền mặt"), default=0)
    households_reached = models.PositiveIntegerField(_("hộ gia đình được tiếp cận"), default=0)
    notes = models.TextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["province", "date"], name="activity_province_date_idx"),
            models.Index(fields=["commune", "date"], name="activity_commune_date_idx"),
        ]
        verbose_name = _("hoạt động của tổ")
        verbose_name_plural = _("nhật ký hoạt động của tổ")

    def __str__(self) -> str:
        return f"{self.team} — {self.date:%d/%m/%Y}"

    @property
    def province_code(self) -> str:
        return self.province.code


# --- steering committee plan -----------------------------------------------------------------


class Plan(models.Model):
    """The yearly digital-transformation plan of a unit (province or commune), owned by the
    unit's People's Committee (its Ban chỉ đạo chuyển đổi số)."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan chủ trì"))
    year = models.PositiveSmallIntegerField(_("năm"))
    title = models.CharField(_("tên kế hoạch"), max_length=255)
    decision_number = models.CharField(_("số văn bản ban hành"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    next_number = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-year", "unit"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="plan_one_per_unit_year")]
        indexes = [models.Index(fields=["province", "year"], name="plan_province_year_idx")]
        verbose_name = _("kế hoạch chuyển đổi số")
        verbose_name_plural = _("kế hoạch chuyển đổi số")

    def __str__(self) -> str:
        return self.title

    @property
    def province_code(self) -> str:
        return self.province.code


class TaskStatus(models.TextChoices):
    """Stored statuses. "Quá hạn" is derived (queries.with_overdue): not done and its deadline day
    has passed, so it can never disagree with the calendar."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class PlanTask(models.Model):
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveIntegerField(_("số thứ tự"))
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan chủ trì"))
    owner_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("phòng, bộ phận")
    )
    owner_person = models.CharField(_("người phụ trách"), max_length=150, blank=True)
    deadline = models.DateField(_("thời hạn"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    evidence_number = models.CharField(_("số văn bản minh chứng"), max_length=50, blank=True)
    evidence_date = models.DateField(_("ngày văn bản minh chứng"), null=True, blank=True)
    evidence_file = models.FileField(_("tệp minh chứng"), upload_to="community/evidence/%Y/", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_task_number_unique"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="plan_task_progress_max_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="plan_task_done_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["province", "status", "deadline"], name="plan_task_due_idx"),
            models.Index(fields=["owner_agency", "status"], name="plan_task_owner_idx"),
        ]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def province_code(self) -> str:
        return self.province.code


class TaskReport(models.Model):
    """A progress report on a task: appended, never edited (the task keeps the current values)."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="reports")
    at = models.DateTimeField(db_default=Now())
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(_("nội dung báo cáo"))
    evidence_number = models.CharField(max_length=50, blank=True)
    evidence_date = models.DateField(null=True, blank=True)
    evidence_file = models.FileField(upload_to="community/evidence/%Y/", blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")

    def __str__(self) -> str:
        return f"{self.task} — {self.at:%d/%m/%Y}"

    @property
    def province_code(self) -> str:
        return self.province.code


# --- awareness quizzes -----------------------------------------------------------------------


class Question(models.Model):
    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("chủ đề"), max_length=100)
    text = models.TextField(_("câu hỏi"))
    explanation = models.TextField(_("giải thích đáp án"), blank=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["topic", "id"]
        indexes = [models.Index(fields=["province", "topic"], name="question_topic_idx")]
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("ngân hàng câu hỏi")

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def province_code(self) -> str:
        return self.province.code


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("phương án"), max_length=500)
    is_correct = models.BooleanField(_("đúng"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = _("phương án trả lời")
        verbose_name_plural = _("phương án trả lời")

    def __str__(self) -> str:
        return self.text[:80]


class Quiz(models.Model):
    """A timed online contest. Each entry gets `question_count` questions drawn from the pool,
    deterministically from (quiz seed, person), and `duration_minutes` from its start (never past
    `closes_at`)."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("địa bàn tổ chức"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị tổ chức"))
    title = models.CharField(_("tên cuộc thi"), max_length=255)
    description = models.TextField(_("thể lệ"), blank=True)
    opens_at = models.DateTimeField(_("mở lúc"))
    closes_at = models.DateTimeField(_("đóng lúc"))
    duration_minutes = models.PositiveSmallIntegerField(_("thời gian làm bài (phút)"))
    question_count = models.PositiveSmallIntegerField(_("số câu mỗi lượt"))
    questions = models.ManyToManyField(Question, related_name="quizzes", verbose_name=_("ngân hàng câu hỏi"))
    seed = models.CharField(max_length=32, editable=False)
    is_published = models.BooleanField(_("đã công bố"), default=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="quiz_closes_after_opening"),
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="quiz_duration_positive"),
            models.CheckConstraint(condition=Q(question_count__gte=1), name="quiz_question_count_positive"),
        ]
        indexes = [models.Index(fields=["province", "opens_at"], name="quiz_province_opens_idx")]
        verbose_name = _("cuộc thi")
        verbose_name_plural = _("cuộc thi tìm hiểu")

    def __str__(self) -> str:
        return self.title

    @property
    def province_code(self) -> str:
        return self.province.code


class Entry(models.Model):
    """One person's only entry in a quiz: by account (user) or by a verified phone. A signed-in
    person's phone is stored too, so the same person cannot enter again by phone alone."""

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="entries")
    commune = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("xã, phường nơi sinh sống hoặc công tác"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # NULL, not "", when absent: the unique (quiz, phone) constraint must ignore account-only entries.
    phone = models.CharField(max_length=15, null=True, blank=True)  # noqa: DJ001
    full_name = models.CharField(_("họ và tên"), max_length=150)
    is_official = models.BooleanField(default=False)
    token = models.CharField(max_length=43, unique=True, editable=False)
    question_ids = models.JSONField(default=list, editable=False)
    started_at = models.DateTimeField()
    deadline_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(default=0)
    time_taken_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user"], condition=Q(user__isnull=False), name="entry_one_per_account"),
            models.UniqueConstraint(fields=["quiz", "phone"], condition=Q(phone__isnull=False), name="entry_one_per_phone"),
            models.CheckConstraint(condition=Q(user__isnull=False) | Q(phone__isnull=False), name="entry_has_identity"),
        ]
        indexes = [
            models.Index(fields=["quiz", "submitted_at"], name="entry_quiz_submitted_idx"),
            models.Index(fields=["province", "commune", "started_at"], name="entry_commune_idx"),
        ]
        verbose_name = _("bài dự thi")
        verbose_name_plural = _("bài dự thi")

    def __str__(self) -> str:
        return f"{self.full_name} — {self.quiz}"

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, 3, 3)

    @property
    def province_code(self) -> str:
        return self.province.code


class Answer(models.Model):
    """The latest answer to one question of an entry; only answers saved before the entry's
    deadline are ever written (services.save_answer refuses later ones)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    choice_ids = models.JSONField(default=list)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "question"], name="answer_one_per_question")]
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.question_id}"


class PhoneCode(models.Model):
    """A one-time code sent to a phone to take part in quizzes without an account. Only an HMAC
    of the code is stored."""

    phone = models.CharField(max_length=15)
    code_hash = models.CharField(max_length=64)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["phone", "created_at"], name="phonecode_phone_idx"),
            models.Index(fields=["ip", "created_at"], name="phonecode_ip_idx"),
        ]
        verbose_name = _("mã xác thực số điện thoại")
        verbose_name_plural = _("mã xác thực số điện thoại")

    def __str__(self) -> str:
        return f"{mask(self.phone, 3, 3)} {self.created_at:%Y-%m-%d %H:%M}"
