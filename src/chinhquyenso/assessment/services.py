"""Every write of the assessment app (ARCHITECTURE.md habit 1): one function per use case, in a
transaction, the row locked, validated (Vietnamese ValidationError / PermissionDenied), history
appended, audited in the same transaction.

Criteria sets: `import_criteria` (a new draft version, all or nothing), `publish_set` (freeze;
the previous published version of the code is retired), `assign_reviewer`.
Assessment cycle: `start_assessment` (scores created, computed values pre-filled), `refresh_computed`,
`save_indicator` (unit's values + evidence), `submit` (evidence rules enforced), `review_indicator`,
`accept_self_scores`, `return_assessment`, `publish_assessment`. Plan: `set_plan_target`,
`set_plan_communes`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, scoring, sources, transfer, workflow
from .models import (
    EVIDENCE_PARTS,
    Assessment,
    AssessmentEvent,
    CriteriaGroup,
    CriteriaSet,
    Indicator,
    IndicatorScore,
    Method,
    PlanCommune,
    PlanTarget,
    Reviewer,
    SetStatus,
    SourceKind,
)

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_MAGIC = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


# --- criteria sets -----------------------------------------------------------------------------

def _can_manage_sets(user, province: AdministrativeUnit) -> bool:
    if user is None:  # commands and demo loading
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    from chinhquyenso.accounts.models import Role
    from chinhquyenso.accounts.queries import visible_agencies

    return visible_agencies(user, [Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]).filter(
        province=province, kind__in=queries.REVIEWING_AGENCY_KINDS).exists()


@transaction.atomic
def import_criteria(content: bytes | dict, *, province: AdministrativeUnit, user=None,
                    publish: bool = False) -> CriteriaSet:
    """A file (bytes: JSON or .xlsx) or an already-read dict → a new draft version of the set's
    code in the province. Raises transfer.ImportFailed (every problem, per row and field) and
    stores nothing in that case."""
    if not _can_manage_sets(user, province):
        raise PermissionDenied(_("Chỉ quản trị Sở KH&CN hoặc UBND tỉnh được nhập bộ tiêu chí."))
    data = transfer.validate(content) if isinstance(content, dict) else transfer.parse(content)
    head = data["set"]
    # Two imports in one province serialize on the province row, so versions never collide (the
    # first import of a code has no set row yet to lock).
    AdministrativeUnit.objects.select_for_update().filter(pk=province.pk).first()
    version = (CriteriaSet.objects.filter(province=province, code=head["code"]).aggregate(m=Max("version"))["m"] or 0) + 1
    total = sum((ind["max_points"] for g in data["groups"] for ind in g["indicators"]), Decimal(0))
    criteria_set = CriteriaSet.objects.create(province=province, version=version, max_points=total, **head)
    for g in data["groups"]:
        group = CriteriaGroup.objects.create(
            criteria_set=criteria_set, code=g["code"], name=g["name"], order=g["order"], note=g["note"],
            max_points=sum((i["max_points"] for i in g["indicators"]), Decimal(0)))
        Indicator.objects.bulk_create([Indicator(criteria_set=criteria_set, group=group, **i) for i in g["indicators"]])
    record("assessment.criteria_import", criteria_set, after={
        **snapshot(criteria_set), "groups": len(data["groups"]),
        "indicators": sum(len(g["indicators"]) for g in data["groups"])}, province_code=province.code)
    if publish:
        criteria_set = publish_set(criteria_set, user=user)
    return criteria_set


@transaction.atomic
def publish_set(criteria_set: CriteriaSet, *, user=None) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.select_for_update().select_related("province").get(pk=criteria_set.pk)
    if not _can_manage_sets(user, criteria_set.province):
        raise PermissionDenied(_("Chỉ quản trị Sở KH&CN hoặc UBND tỉnh được ban hành bộ tiêu chí."))
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationError(_("Chỉ ban hành được bản nháp; phiên bản này đã được ban hành trước đó."), code="not_draft")
    now = timezone.now()
    for previous in CriteriaSet.objects.select_for_update().filter(
            province=criteria_set.province, code=criteria_set.code, status=SetStatus.PUBLISHED):
        previous.status = SetStatus.RETIRED
        previous.save(update_fields=["status"])
        record("assessment.criteria_retire", previous, before={"status": SetStatus.PUBLISHED},
               after={"status": SetStatus.RETIRED})
    criteria_set.status, criteria_set.published_at = SetStatus.PUBLISHED, now
    criteria_set.save(update_fields=["status", "published_at"])
    record("assessment.criteria_publish", criteria_set, before={"status": SetStatus.DRAFT},
           after=snapshot(criteria_set, ["status", "published_at"]))
    return criteria_set


@transaction.atomic
def assign_reviewer(criteria_set: CriteriaSet, reviewer_user, agency: Agency, *, user=None) -> Reviewer:
    """Make `reviewer_user` a reviewer of the set for `agency` (UBND tỉnh or a department of the
    set's province, e.g. Sở KH&CN), where they must hold Role.LEADER or Role.AGENCY_ADMIN."""
    from chinhquyenso.accounts.queries import visible_agencies

    criteria_set = CriteriaSet.objects.select_for_update().select_related("province").get(pk=criteria_set.pk)
    if not _can_manage_sets(user, criteria_set.province):
        raise PermissionDenied(_("Chỉ quản trị Sở KH&CN hoặc UBND tỉnh được phân công thẩm định."))
    if agency.province_id != criteria_set.province_id or agency.kind not in queries.REVIEWING_AGENCY_KINDS:
        raise ValidationError(_("Cơ quan thẩm định phải là UBND tỉnh hoặc một sở của tỉnh ban hành bộ tiêu chí."))
    if not visible_agencies(reviewer_user, queries.REVIEW_ROLES).filter(pk=agency.pk).exists():
        raise ValidationError(_("Người được phân công phải giữ vai trò Lãnh đạo hoặc Quản trị cơ quan tại %(a)s.") % {
            "a": agency.name})
    reviewer, created = Reviewer.objects.get_or_create(
        criteria_set=criteria_set, user=reviewer_user,
        defaults={"agency": agency, "province": criteria_set.province})
    if not created and reviewer.agency_id != agency.pk:
        reviewer.agency = agency
        reviewer.save(update_fields=["agency"])
    record("assessment.reviewer_assign", reviewer, after=snapshot(reviewer), province_code=criteria_set.province.code)
    return reviewer


# --- the assessment cycle ------------------------------------------------------------------------

def _event(assessment: Assessment, action: str, user, before: str, comment: str = "") -> None:
    AssessmentEvent.objects.create(assessment=assessment, action=action, from_status=before,
                                   to_status=assessment.status, actor=user if getattr(user, "pk", None) else None,
                                   comment=comment)


def _announce(assessment: Assessment, event: str, key: str, **extra) -> None:
    """After commit: submitted → the set's reviewers; returned/published → the unit's officials."""
    from django.urls import reverse

    from chinhquyenso.accounts.models import RoleAssignment, User
    from chinhquyenso.notifications.services import notify

    context = {"unit_name": assessment.unit.full_name, "year": assessment.year,
               "set_name": assessment.criteria_set.name, "detail_path": reverse("assessment:detail",
                                                                                args=[assessment.pk]),
               "points": str(assessment.points if assessment.points is not None else assessment.self_points),
               "score_index": str(assessment.score_index or ""), **extra}
    if event == "assessment.submitted":
        users = [r.user for r in Reviewer.objects.filter(criteria_set_id=assessment.criteria_set_id)
                 .select_related("user") if queries.is_reviewer(r.user, assessment)]
    else:
        members = RoleAssignment.objects.active().filter(role__in=queries.UNIT_ROLES,
                                                         agency__path__startswith=assessment.agency.path)
        users = list(User.objects.filter(is_active=True, pk__in=members.values("user_id")))

    def send():
        for user in users:
            notify(event, user, context, dedupe_key=f"{event}:{assessment.pk}:{key}:{user.pk}",
                   province_code=assessment.province.code)

    transaction.on_commit(send)


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related(
        "criteria_set", "province", "unit", "agency").get(pk=assessment.pk)


def _require_member(user, assessment: Assessment) -> None:
    if user is not None and not (getattr(user, "is_superuser", False) or queries.is_member(user, assessment)):
        raise PermissionDenied(_("Chỉ cán bộ của đơn vị được đánh giá mới thực hiện được thao tác này."))


def _require_reviewer(user, assessment: Assessment) -> None:
    if user is not None and not queries.is_reviewer(user, assessment):
        raise PermissionDenied(_("Chỉ người được phân công thẩm định bộ tiêu chí này mới thực hiện được thao tác này."))


def points_for(indicator: Indicator, score: IndicatorScore) -> Decimal | None:
    inputs = scoring.Inputs(a=score.value_a, b=score.value_b, number=score.value_number, flag=score.value_bool,
                            key=score.value_choice)
    return scoring.score(indicator.method, inputs, max_points=indicator.max_points,
                         threshold_percent=indicator.threshold, table=indicator.steps, options=indicator.options)


def _apply_measure(indicator: Indicator, score: IndicatorScore, measure: sources.Measure | None) -> None:
    score.value_a = score.value_b = score.value_number = None
    score.computed_at = timezone.now()
    if measure is None:
        score.source_detail = _("Chưa có số liệu từ nguồn (%(k)s).") % {"k": indicator.source_key}
    else:
        score.source_detail = measure.detail[:255]
        if indicator.method == Method.STEPS:
            score.value_number = scoring.percent(measure.numerator, measure.denominator) if measure.is_ratio \
                else measure.value
        elif measure.is_ratio:
            score.value_a, score.value_b = measure.numerator, measure.denominator
        elif measure.value is not None:  # a percentage from a sector series
            score.value_a, score.value_b = measure.value, Decimal(100)
    score.self_points = points_for(indicator, score)


def _totals(assessment: Assessment) -> None:
    scores = queries.scores_of(assessment)
    assessment.self_points = sum((s.self_points or Decimal(0) for s in scores), Decimal(0))
    reviewed = [s for s in scores if s.review_points is not None]
    assessment.points = sum((s.final_points or Decimal(0) for s in scores), Decimal(0)) if reviewed else None


@transaction.atomic
def start_assessment(criteria_set: CriteriaSet, agency: Agency, year: int, *, user=None) -> Assessment:
    criteria_set = CriteriaSet.objects.select_related("province").get(pk=criteria_set.pk)
    if criteria_set.status != SetStatus.PUBLISHED:
        raise ValidationError(_("Chỉ tự đánh giá theo bộ tiêu chí đang được áp dụng (đã ban hành)."))
    if not (2000 <= int(year) <= 2100):
        raise ValidationError(_("Năm đánh giá không hợp lệ."))
    if criteria_set.valid_from and year < criteria_set.valid_from.year or \
            criteria_set.valid_to and year > criteria_set.valid_to.year:
        raise ValidationError(_("Năm %(y)s nằm ngoài thời gian áp dụng của bộ tiêu chí.") % {"y": year})
    if agency.province_id != criteria_set.province_id or \
            agency.kind not in queries.SUBJECT_AGENCY_KINDS[criteria_set.subject]:
        raise ValidationError(_("Bộ tiêu chí này không áp dụng cho %(a)s.") % {"a": agency.name})
    if user is not None and not queries.startable_agencies(user, criteria_set).filter(pk=agency.pk).exists():
        raise PermissionDenied(_("Chỉ cán bộ của %(a)s mới tự đánh giá được cho đơn vị mình.") % {"a": agency.name})
    agency = Agency.objects.select_for_update().select_related("unit").get(pk=agency.pk)
    if Assessment.objects.filter(criteria_set__code=criteria_set.code, criteria_set__province=criteria_set.province,
                                 agency=agency, year=year).exists():
        raise ValidationError(_("%(a)s đã có bản đánh giá năm %(y)s theo bộ tiêu chí này.") % {
            "a": agency.name, "y": year}, code="exists")
    assessment = Assessment.objects.create(criteria_set=criteria_set, province=criteria_set.province,
                                           unit=agency.unit, agency=agency, year=year)
    target = sources.Target(unit=agency.unit, agency=agency, year=year)
    rows = []
    for indicator in criteria_set.indicators.order_by("order"):
        score = IndicatorScore(assessment=assessment, indicator=indicator)
        if indicator.source_kind != SourceKind.SELF:
            _apply_measure(indicator, score, sources.evaluate(indicator.source_kind, indicator.source_key, target))
        rows.append(score)
    IndicatorScore.objects.bulk_create(rows)
    _totals(assessment)
    assessment.save(update_fields=["self_points", "points"])
    _event(assessment, "start", user, "")
    record("assessment.start", assessment, after=snapshot(assessment), actor=user if getattr(user, "pk", None) else None)
    return assessment


@transaction.atomic
def refresh_computed(assessment: Assessment, *, user=None) -> Assessment:
    assessment = _locked(assessment)
    _require_member(user, assessment)
    if assessment.status not in workflow.EDIT_UNIT:
        raise ValidationError(_("Chỉ cập nhật số liệu khi bản đánh giá đang ở đơn vị."), code="transition")
    target = sources.Target(unit=assessment.unit, agency=assessment.agency, year=assessment.year)
    for score in IndicatorScore.objects.select_for_update().filter(assessment=assessment).exclude(
            indicator__source_kind=SourceKind.SELF).select_related("indicator"):
        _apply_measure(score.indicator, score,
                       sources.evaluate(score.indicator.source_kind, score.indicator.source_key, target))
        score.save()
    before = snapshot(assessment, ["self_points"])
    _totals(assessment)
    assessment.save(update_fields=["self_points", "points", "updated_at"])
    record("assessment.refresh", assessment, before=before, after=snapshot(assessment, ["self_points"]))
    return assessment


def _decimal(value, label: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return transfer._decimal(value)
    except ValueError:
        raise ValidationError(_("%(l)s: “%(v)s” không phải là số.") % {"l": label, "v": value}) from None


def _check_file(upload) -> ContentFile:
    name = (getattr(upload, "name", "") or "minh-chung").rsplit("/", 1)[-1][:120]
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("Tệp minh chứng vượt quá 10 MB."))
    data = upload.read(MAX_EVIDENCE_BYTES + 1)
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("Tệp minh chứng vượt quá 10 MB."))
    if not data or not data.startswith(EVIDENCE_MAGIC):
        raise ValidationError(_("Tệp minh chứng phải là PDF, JPEG hoặc PNG."))
    return ContentFile(data, name=name)


def save_indicator(score: IndicatorScore, *, user=None, values: dict | None = None, evidence: dict | None = None,
                   file=None) -> IndicatorScore:
    """One indicator (see save_indicators)."""
    save_indicators(score.assessment, {score.pk: {"values": values, "evidence": evidence, "file": file}}, user=user)
    return IndicatorScore.objects.select_related("indicator").get(pk=score.pk)


@transaction.atomic
def save_indicators(assessment: Assessment, entries: dict, *, user=None) -> Assessment:
    """The unit enters self-scored values and/or the evidence of indicators while the assessment
    is with the unit; all entries are saved or none. `entries`: {score id: {"values": {...} | None,
    "evidence": {...} | None, "file": upload | None}}; values: a, b (ratio/threshold), number
    (steps), flag (yes/no), choice; evidence: number, date, summary, note. Errors name the
    indicator they belong to."""
    assessment = _locked(assessment)
    _require_member(user, assessment)
    if assessment.status not in workflow.EDIT_UNIT:
        raise ValidationError(_("Bản đánh giá đã gửi thẩm định; đơn vị không sửa được nữa."), code="transition")
    ids = [int(k) for k in entries]
    scores = {s.pk: s for s in IndicatorScore.objects.select_for_update().select_related("indicator").filter(
        assessment=assessment, pk__in=ids)}
    if len(scores) != len(set(ids)):
        raise ValidationError(_("Có chỉ tiêu không thuộc bản đánh giá này."))
    errors: list[str] = []
    for pk, entry in entries.items():
        score = scores[int(pk)]
        try:
            _apply_entry(score, entry.get("values"), entry.get("evidence"), entry.get("file"))
        except ValidationError as exc:
            errors.extend(f"{_('Chỉ tiêu')} {score.indicator.code}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    for score in scores.values():
        before = score._before
        score.save()
        record("assessment.indicator_save", score, before=before, after=snapshot(score),
               province_code=assessment.province.code)
    _totals(assessment)
    assessment.save(update_fields=["self_points", "points", "updated_at"])
    return assessment


def _s(value) -> str:
    """Text from forms and the API: NFC, and no NUL (PostgreSQL text cannot hold it)."""
    return nfc(str(value).replace("\x00", "")) if value is not None else ""


def _apply_entry(score: IndicatorScore, values: dict | None, evidence: dict | None, file) -> None:
    indicator = score.indicator
    score._before = snapshot(score)
    if values is not None:
        if indicator.source_kind != SourceKind.SELF:
            raise ValidationError(_("chỉ tiêu lấy số liệu tự động, đơn vị không nhập giá trị."))
        _set_values(indicator, score, values)
        score.self_points = points_for(indicator, score)
    if evidence is not None:
        score.evidence_number = _s(evidence.get("number"))[:64]
        date = evidence.get("date")
        if isinstance(date, str):
            try:
                date = datetime.date.fromisoformat(date.strip()) if date.strip() else None
            except ValueError:
                raise ValidationError(_("ngày văn bản “%(v)s” không hợp lệ (YYYY-MM-DD).") % {"v": date}) from None
        if date is not None and not isinstance(date, datetime.date):
            raise ValidationError(_("ngày văn bản không hợp lệ."))
        if date is not None and date > timezone.localdate():
            raise ValidationError(_("ngày văn bản không được sau ngày hôm nay."))
        score.evidence_date = date
        score.evidence_summary = _s(evidence.get("summary"))[:5000]
        score.unit_note = _s(evidence.get("note"))[:5000]
    if file is not None:
        checked = _check_file(file)
        if score.evidence_file:
            score.evidence_file.delete(save=False)
        score.evidence_file.save(checked.name, checked, save=False)


def _set_values(indicator: Indicator, score: IndicatorScore, values: dict) -> None:
    score.value_a = score.value_b = score.value_number = None
    score.value_bool, score.value_choice = None, ""
    method = indicator.method
    if method in (Method.RATIO, Method.THRESHOLD):
        a, b = _decimal(values.get("a"), _("Tử số")), _decimal(values.get("b"), _("Mẫu số"))
        if (a is None) != (b is None):
            raise ValidationError(_("Nhập cả tử số và mẫu số (hoặc để trống cả hai)."))
        if a is not None:
            if a < 0 or b <= 0:
                raise ValidationError(_("Tử số không âm và mẫu số phải lớn hơn 0."))
            if a > b:
                raise ValidationError(_("Tử số không được lớn hơn mẫu số."))
        score.value_a, score.value_b = a, b
    elif method == Method.STEPS:
        number = _decimal(values.get("number"), _("Giá trị"))
        if number is not None and number < 0:
            raise ValidationError(_("Giá trị không được âm."))
        score.value_number = number
    elif method == Method.YES_NO:
        flag = values.get("flag")
        if isinstance(flag, str):
            flag = {"1": True, "true": True, "co": True, "có": True, "0": False, "false": False,
                    "khong": False, "không": False, "": None}.get(flag.strip().lower(), "bad")
        if flag not in (True, False, None):
            raise ValidationError(_("Chọn Có hoặc Không."))
        score.value_bool = flag
    elif method == Method.CHOICE:
        key = str(values.get("choice") or "").strip()
        if key and key not in {o["key"] for o in indicator.options}:
            raise ValidationError(_("Phương án “%(k)s” không có trong chỉ tiêu %(c)s.") % {"k": key, "c": indicator.code})
        score.value_choice = key


def submission_errors(assessment: Assessment, scores: list[IndicatorScore] | None = None) -> list[str]:
    """Why the unit may not submit yet (empty list = may submit). Self-scored indicators must
    have a value; an indicator that claims points must carry every evidence part its criteria
    set requires (document number, date, summary, file — vn-regulations §5: evidence cites the
    document's number, date and summary). Computed and series values are their own evidence."""
    errors = []
    for s in scores if scores is not None else queries.scores_of(assessment):
        ind = s.indicator
        if ind.source_kind != SourceKind.SELF:
            continue
        if s.self_points is None:
            errors.append(_("Chỉ tiêu %(c)s: chưa nhập số liệu tự đánh giá.") % {"c": ind.code})
            continue
        if s.self_points <= 0:
            continue
        have = {"number": bool(s.evidence_number), "date": s.evidence_date is not None,
                "summary": bool(s.evidence_summary), "file": bool(s.evidence_file)}
        missing = [str(EVIDENCE_PARTS[p]) for p in ind.evidence if not have.get(p)]
        if missing:
            errors.append(_("Chỉ tiêu %(c)s: thiếu minh chứng — %(m)s.") % {"c": ind.code, "m": ", ".join(missing)})
    return errors


@transaction.atomic
def submit(assessment: Assessment, *, user=None) -> Assessment:
    assessment = _locked(assessment)
    _require_member(user, assessment)
    try:
        t = workflow.check("submit", assessment.status)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc), code="transition") from None
    errors = submission_errors(assessment)
    if errors:
        raise ValidationError([ValidationError(e, code="incomplete") for e in errors])
    before = assessment.status
    assessment.status, assessment.submitted_at = t.target, timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    _event(assessment, "submit", user, before)
    record("assessment.submit", assessment, before={"status": before}, after={"status": assessment.status})
    _announce(assessment, "assessment.submitted", assessment.submitted_at.isoformat())
    return assessment


@transaction.atomic
def review_indicator(score: IndicatorScore, *, user=None, points=None, comment: str = "") -> IndicatorScore:
    assessment = _locked(score.assessment)
    _require_reviewer(user, assessment)
    try:
        t = workflow.check("review", assessment.status)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc), code="transition") from None
    score = IndicatorScore.objects.select_for_update().select_related("indicator").get(pk=score.pk)
    value = _decimal(points, _("Điểm thẩm định"))
    if value is None or value < 0 or value > score.indicator.max_points or value != value.quantize(scoring.TWO):
        raise ValidationError(_("Điểm thẩm định chỉ tiêu %(c)s phải từ 0 đến %(m)s, tối đa 2 chữ số thập phân.") % {
            "c": score.indicator.code, "m": score.indicator.max_points})
    before = snapshot(score, ["review_points", "review_comment"])
    score.review_points, score.review_comment = value, _s(comment)[:5000]
    score.reviewed_at, score.reviewed_by = timezone.now(), user if getattr(user, "pk", None) else None
    score.save(update_fields=["review_points", "review_comment", "reviewed_at", "reviewed_by"])
    previous = assessment.status
    assessment.status = t.target
    _totals(assessment)
    assessment.save(update_fields=["status", "points", "updated_at"])
    if previous != assessment.status:
        _event(assessment, "review", user, previous)
    record("assessment.indicator_review", score, before=before,
           after=snapshot(score, ["review_points", "review_comment"]), province_code=assessment.province.code)
    return score


@transaction.atomic
def review_indicators(assessment: Assessment, entries: dict, *, user=None) -> Assessment:
    """Several indicators scored at once (the review page): {score id: (points, comment)}; all or
    nothing, every bad row reported by its indicator code."""
    assessment = _locked(assessment)
    _require_reviewer(user, assessment)
    codes = dict(IndicatorScore.objects.filter(assessment=assessment).values_list("pk", "indicator__code"))
    errors = []
    for pk, (points, comment) in entries.items():
        if int(pk) not in codes:
            raise ValidationError(_("Có chỉ tiêu không thuộc bản đánh giá này."))
        try:
            with transaction.atomic():
                review_indicator(IndicatorScore(pk=int(pk), assessment=assessment), user=user, points=points,
                                 comment=comment)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return assessment


@transaction.atomic
def accept_self_scores(assessment: Assessment, *, user=None) -> int:
    """Confirm the unit's points (0 for "no data") on every indicator not yet scored."""
    assessment = _locked(assessment)
    _require_reviewer(user, assessment)
    try:
        t = workflow.check("review", assessment.status)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc), code="transition") from None
    now = timezone.now()
    pending = list(IndicatorScore.objects.select_for_update().filter(assessment=assessment, review_points__isnull=True))
    for score in pending:
        score.review_points = score.self_points if score.self_points is not None else Decimal("0.00")
        score.reviewed_at, score.reviewed_by = now, user if getattr(user, "pk", None) else None
    IndicatorScore.objects.bulk_update(pending, ["review_points", "reviewed_at", "reviewed_by"])
    previous = assessment.status
    assessment.status = t.target
    _totals(assessment)
    assessment.save(update_fields=["status", "points", "updated_at"])
    _event(assessment, "accept_all", user, previous, _("Chấp nhận điểm tự chấm của %(n)s chỉ tiêu.") % {"n": len(pending)})
    record("assessment.accept_self_scores", assessment, before={"status": previous},
           after={"status": assessment.status, "accepted": len(pending), "points": str(assessment.points)})
    return len(pending)


@transaction.atomic
def return_assessment(assessment: Assessment, *, user=None, comment: str = "") -> Assessment:
    assessment = _locked(assessment)
    _require_reviewer(user, assessment)
    try:
        t = workflow.check("return", assessment.status)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc), code="transition") from None
    comment = _s(comment)
    if not comment:
        raise ValidationError(_("Trả lại phải kèm ý kiến: đơn vị cần bổ sung gì."))
    before = assessment.status
    assessment.status = t.target
    assessment.save(update_fields=["status", "updated_at"])
    _event(assessment, "return", user, before, comment[:5000])
    record("assessment.return", assessment, before={"status": before},
           after={"status": assessment.status, "comment": comment[:500]})
    _announce(assessment, "assessment.returned", str(assessment.events.order_by("-pk").values_list("pk", flat=True)[0]),
              comment=comment[:1000])
    return assessment


@transaction.atomic
def publish_assessment(assessment: Assessment, *, user=None) -> Assessment:
    assessment = _locked(assessment)
    _require_reviewer(user, assessment)
    try:
        t = workflow.check("publish", assessment.status)
    except workflow.TransitionError as exc:
        raise ValidationError(str(exc), code="transition") from None
    scores = queries.scores_of(assessment)
    pending = [s.indicator.code for s in scores if s.review_points is None]
    if pending:
        raise ValidationError(_("Còn %(n)s chỉ tiêu chưa chấm điểm thẩm định: %(c)s.") % {
            "n": len(pending), "c": ", ".join(pending[:10]) + ("…" if len(pending) > 10 else "")}, code="incomplete")
    s = assessment.criteria_set
    total = sum((x.review_points for x in scores), Decimal(0))
    groups = {g["group"].code: (g["earned"], g["max"]) for g in queries.group_summary(scores)}
    before = assessment.status
    assessment.status, assessment.published_at = t.target, timezone.now()
    assessment.points = total
    assessment.score_index = scoring.normalize(total, s.max_points)
    assessment.completed = scoring.completes(total, groups, min_points=s.completion_min_points,
                                             min_group_percent=s.completion_min_group_percent)
    assessment.save(update_fields=["status", "published_at", "points", "score_index", "completed", "updated_at"])
    _event(assessment, "publish", user, before)
    record("assessment.publish", assessment, before={"status": before},
           after=snapshot(assessment, ["status", "points", "score_index", "completed", "published_at"]))
    _announce(assessment, "assessment.published", "publish")
    return assessment


# --- plan ----------------------------------------------------------------------------------------

@transaction.atomic
def set_plan_target(province: AdministrativeUnit, set_code: str, year: int, target: int, *, cumulative: bool = False,
                    decision: str = "", note: str = "", user=None) -> PlanTarget:
    if not _can_manage_sets(user, province):
        raise PermissionDenied(_("Chỉ quản trị Sở KH&CN hoặc UBND tỉnh được sửa kế hoạch."))
    if not (2000 <= int(year) <= 2100) or int(target) < 0:
        raise ValidationError(_("Năm hoặc chỉ tiêu không hợp lệ."))
    row = PlanTarget.objects.select_for_update().filter(province=province, set_code=set_code, year=year,
                                                         cumulative=cumulative).first()
    before = snapshot(row) if row else None
    if row is None:
        row = PlanTarget(province=province, set_code=set_code, year=year, cumulative=cumulative, target=target)
    row.target, row.decision, row.note = int(target), _s(decision)[:255], _s(note)[:5000]
    row.save()
    record("assessment.plan_target", row, before=before, after=snapshot(row), province_code=province.code)
    return row


@transaction.atomic
def set_plan_communes(province: AdministrativeUnit, set_code: str, year: int, units: list[AdministrativeUnit], *,
                      user=None) -> int:
    if not _can_manage_sets(user, province):
        raise PermissionDenied(_("Chỉ quản trị Sở KH&CN hoặc UBND tỉnh được sửa kế hoạch."))
    bad = [u.full_name for u in units if u.level != Level.COMMUNE or u.province_id != province.pk]
    if bad:
        raise ValidationError(_("Không phải xã, phường của tỉnh: %(u)s.") % {"u": ", ".join(bad[:5])})
    created = 0
    for unit in units:
        row, made = PlanCommune.objects.update_or_create(set_code=set_code, unit=unit,
                                                         defaults={"year": year, "province": province})
        created += made
        record("assessment.plan_commune", row, after=snapshot(row), province_code=province.code)
    return created
