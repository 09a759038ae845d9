"""JSON API of the digital-transformation assessment, mounted at /api/v1/assessment/.

Public (no login): published criteria sets, published results, ranking, a unit's published years,
the plan. With a token or session: the assessments the official may see (queries.visible_assessments)
and every step of the cycle through services. Errors: 404 {"detail"}, 403 {"detail"},
422 {"detail", "errors": [...]} — all in Vietnamese.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import Field, File, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth, optional_api_auth
from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.apischema import IsoDate, decimal_string, inline_choices
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, services, sources, transfer
from .models import Assessment, CriteriaSet, IndicatorScore, Status

router = Router(tags=["assessment"])
AssessmentStatus = inline_choices(Status, "AssessmentStatus")
DECIMAL = r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"
MAX_ID = 2**31 - 1


read_auth = optional_api_auth


class AssessmentErrorOut(Schema):
    detail: str
    errors: list[str] = []


# Refusals that come from the state of the set or assessment, not from the data sent: the same
# request can succeed once the state changes (as in the other apps' workflows).
STATE_CONFLICTS = {"transition", "not_draft", "incomplete", "exists"}


def _fail(exc: Exception):
    if isinstance(exc, PermissionDenied):
        return Reply(403, {"detail": str(exc) or "Không có quyền thực hiện thao tác này."})
    if (isinstance(exc, ValidationError) and not hasattr(exc, "error_dict")
            and {e.code for e in exc.error_list} <= STATE_CONFLICTS):
        messages = exc.messages
        detail = messages[0] if len(messages) == 1 else "Chưa thực hiện được thao tác này ở trạng thái hiện tại."
        return Reply(409, {"detail": detail, "errors": messages})
    if isinstance(exc, transfer.ImportFailed):
        return Reply(422, {"detail": "Tệp bộ tiêu chí không hợp lệ; chưa lưu gì.", "errors": exc.errors})
    return Reply(422, {"detail": "Dữ liệu không hợp lệ.", "errors": exc.messages})


def _province(code: str) -> AdministrativeUnit:
    code = queries.clean_code(code)[:10]
    province = None if not code else AdministrativeUnit.objects.current().filter(level=Level.PROVINCE,
                                                                                   code=code).first()
    if province is None:
        raise HttpError(404, "Không có tỉnh này.")
    return province


# --- schemas -------------------------------------------------------------------------------------

class AssessmentIndicatorOut(Schema):
    code: str
    group: str
    name: str
    max_points: Decimal
    method: str
    threshold: Decimal | None
    steps: list[dict]
    options: list[dict]
    evidence: list[str]
    source_kind: str
    source_key: str
    unit_of_measure: str
    verifier: str
    note: str

    @staticmethod
    def resolve_group(obj) -> str:
        return obj.group.code


class GroupOut(Schema):
    code: str
    name: str
    max_points: Decimal


class SetOut(Schema):
    id: int
    province: str
    code: str
    version: int
    name: str
    subject: str
    status: str
    decision_number: str
    decision_date: datetime.date | None
    issuer: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    max_points: Decimal
    completion_min_points: Decimal | None
    completion_min_group_percent: Decimal | None

    @staticmethod
    def resolve_province(obj) -> str:
        return obj.province.code


class SetDetailOut(SetOut):
    note: str
    groups: list[GroupOut]
    indicators: list[AssessmentIndicatorOut]

    @staticmethod
    def resolve_groups(obj) -> list:
        return list(obj.groups.order_by("order"))

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.select_related("group").order_by("order"))


class AssessmentOut(Schema):
    id: int
    set_code: str
    set_version: int
    unit: str
    unit_name: str
    agency: str
    year: int
    status: str
    self_points: Decimal | None
    points: Decimal | None
    score_index: Decimal | None
    completed: bool | None
    submitted_at: datetime.datetime | None
    published_at: datetime.datetime | None

    @staticmethod
    def resolve_set_code(obj) -> str:
        return obj.criteria_set.code

    @staticmethod
    def resolve_set_version(obj) -> int:
        return obj.criteria_set.version

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.code

    @staticmethod
    def resolve_unit_name(obj) -> str:
        return obj.unit.full_name

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name


class ScoreOut(Schema):
    code: str
    name: str
    group: str
    max_points: Decimal
    method: str
    source_kind: str
    value_a: Decimal | None
    value_b: Decimal | None
    value_number: Decimal | None
    value_bool: bool | None
    value_choice: str
    source_detail: str
    self_points: Decimal | None
    no_data: bool
    evidence_number: str
    evidence_date: datetime.date | None
    evidence_summary: str
    has_file: bool
    review_points: Decimal | None
    review_comment: str


class AssessmentEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    comment: str
    at: datetime.datetime


class AssessmentDetailOut(AssessmentOut):
    scores: list[ScoreOut]
    events: list[AssessmentEventOut]
    submission_errors: list[str]

    @staticmethod
    def resolve_scores(obj) -> list:
        return obj.api_scores

    @staticmethod
    def resolve_events(obj) -> list:
        return obj.api_events

    @staticmethod
    def resolve_submission_errors(obj) -> list:
        return obj.api_errors


class RankOut(Schema):
    rank: int
    unit: str
    unit_name: str
    points: Decimal | None
    score_index: Decimal | None
    completed: bool | None
    assessment_id: int


class PlanRowOut(Schema):
    year: int
    target: int | None
    cumulative: bool
    decision: str
    planned: int
    planned_done: int
    achieved: int
    gap: int | None


class SourceOut(Schema):
    key: str
    label: str
    origin: str


# --- helpers ---------------------------------------------------------------------------------------

def _visible(request, assessment_id: int) -> Assessment:
    if assessment_id > MAX_ID:
        raise HttpError(404, "Không có bản đánh giá này.")
    user = getattr(request, "auth", None)
    a = queries.with_related(queries.visible_assessments(user)).filter(pk=assessment_id).first()
    if a is None:
        raise HttpError(404, "Không có bản đánh giá này hoặc bạn không được xem.")
    return a


def _score_row(s: IndicatorScore, *, show_review: bool) -> dict:
    ind = s.indicator
    return {
        "code": ind.code, "name": ind.name, "group": ind.group.code, "max_points": ind.max_points, "method": ind.method,
        "source_kind": ind.source_kind, "value_a": s.value_a, "value_b": s.value_b, "value_number": s.value_number,
        "value_bool": s.value_bool, "value_choice": s.value_choice, "source_detail": s.source_detail,
        "self_points": s.self_points, "no_data": s.self_points is None, "evidence_number": s.evidence_number,
        "evidence_date": s.evidence_date, "evidence_summary": s.evidence_summary, "has_file": bool(s.evidence_file),
        "review_points": s.review_points if show_review else None,
        "review_comment": s.review_comment if show_review else "",
    }


def _detail(request, a: Assessment) -> Assessment:
    user = getattr(request, "auth", None)
    scores = queries.scores_of(a)
    insider = queries.is_reviewer(user, a) or queries.is_member(user, a)
    a.api_scores = [_score_row(s, show_review=a.status == Status.PUBLISHED or insider) for s in scores]
    a.api_events = list(a.events.values("action", "from_status", "to_status", "comment", "at")) if insider else []
    a.api_errors = services.submission_errors(a, scores) if insider and a.status in ("draft", "returned") else []
    return a


def _score(a: Assessment, code: str) -> IndicatorScore:
    s = IndicatorScore.objects.select_related("indicator", "assessment").filter(
        assessment=a, indicator__code=queries.clean_code(code)[:16]).first()
    if s is None:
        raise HttpError(404, "Không có chỉ tiêu này trong bản đánh giá.")
    return s


# --- criteria sets ---------------------------------------------------------------------------------

@router.get("/sources", response=list[SourceOut], summary="Các nguồn tính tự động (khóa dùng trong bộ tiêu chí)")
def list_sources(request):
    return [{"key": s.key, "label": s.label, "origin": s.origin} for s in sources.REGISTRY.values()]


@router.get("/sets", response={200: list[SetOut], 404: AssessmentErrorOut}, auth=read_auth, summary="Bộ tiêu chí của một tỉnh")
@paginate(BoundedLimitOffsetPagination)
def list_sets(request, tinh: str = "38"):
    user = getattr(request, "auth", None)
    return queries.visible_sets(user, _province(tinh)).select_related("province").order_by("code", "-version")


def _set(request, set_id: int) -> CriteriaSet:
    if set_id > MAX_ID:
        raise HttpError(404, "Không có bộ tiêu chí này.")
    s = CriteriaSet.objects.select_related("province").filter(pk=set_id).first()
    if s is None or not queries.visible_sets(getattr(request, "auth", None), s.province).filter(pk=s.pk).exists():
        raise HttpError(404, "Không có bộ tiêu chí này.")
    return s


@router.get("/sets/{int:set_id}", response={200: SetDetailOut, 404: AssessmentErrorOut}, auth=read_auth,
            summary="Bộ tiêu chí: nhóm và chỉ tiêu")
def set_detail(request, set_id: int):
    return _set(request, set_id)


@router.get("/sets/{int:set_id}/export", response={200: None, 404: AssessmentErrorOut}, auth=read_auth,
            summary="Tải bộ tiêu chí (JSON hoặc Excel)")
def export_set(request, set_id: int, dinh_dang: str = "json"):
    s = _set(request, set_id)
    data = transfer.export(s)
    name = f"bo-tieu-chi-{s.code}-v{s.version}"
    if dinh_dang == "xlsx":
        response = HttpResponse(transfer.to_xlsx(data),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(transfer.to_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@router.post("/sets/import", response={201: SetOut, 403: AssessmentErrorOut, 404: AssessmentErrorOut, 422: AssessmentErrorOut}, auth=api_auth,
             summary="Nhập bộ tiêu chí (JSON hoặc Excel) thành phiên bản nháp mới; lỗi → không lưu gì")
def import_set(request, file: UploadedFile = File(...),  # noqa: B008 — ninja declares uploads this way
               tinh: str = "38", ban_hanh: bool = False):
    province = _province(tinh)
    content = file.read(transfer.MAX_BYTES + 1)
    try:
        return Reply(201, services.import_criteria(content, province=province, user=request.auth, publish=ban_hanh))
    except (ValidationError, PermissionDenied, transfer.ImportFailed) as exc:
        return _fail(exc)


@router.post("/sets/{int:set_id}/publish", response={200: SetOut, 403: AssessmentErrorOut, 404: AssessmentErrorOut,
                                                      409: AssessmentErrorOut, 422: AssessmentErrorOut},
             auth=api_auth, summary="Ban hành (khóa) bản nháp")
def publish_set(request, set_id: int):
    s = _set(request, set_id)
    try:
        return services.publish_set(s, user=request.auth)
    except (ValidationError, PermissionDenied) as exc:
        return _fail(exc)


class ReviewerIn(Schema):
    username: str = Field(..., max_length=150)
    agency_id: int = Field(..., ge=1, le=MAX_ID)


class ReviewerOut(Schema):
    username: str
    full_name: str
    agency: str
    agency_id: int

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.user.full_name

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name


@router.get("/sets/{int:set_id}/reviewers", response={200: list[ReviewerOut], 403: AssessmentErrorOut, 404: AssessmentErrorOut},
            auth=api_auth, summary="Người được phân công thẩm định bộ tiêu chí")
def list_reviewers(request, set_id: int):
    s = _set(request, set_id)
    if not services._can_manage_sets(request.auth, s.province) and not queries.is_reviewer(request.auth, s):
        return Reply(403, {"detail": "Chỉ quản trị tỉnh hoặc người thẩm định xem được danh sách này."})
    return list(s.reviewers.select_related("user", "agency").order_by("user__username"))


@router.post("/sets/{int:set_id}/reviewers", response={201: ReviewerOut, 403: AssessmentErrorOut, 404: AssessmentErrorOut, 422: AssessmentErrorOut},
             auth=api_auth, summary="Phân công người thẩm định (Lãnh đạo/Quản trị tại UBND tỉnh hoặc một sở)")
def add_reviewer(request, set_id: int, payload: ReviewerIn):
    from chinhquyenso.accounts.models import User

    s = _set(request, set_id)
    user = User.objects.filter(username=payload.username.strip().lower().replace("\x00", ""), is_active=True).first()
    agency = Agency.objects.filter(pk=payload.agency_id).first()
    if user is None or agency is None:
        raise HttpError(404, "Không có tài khoản hoặc cơ quan này.")
    try:
        return Reply(201, services.assign_reviewer(s, user, agency, user=request.auth))
    except (ValidationError, PermissionDenied) as exc:
        return _fail(exc)


# --- assessments ---------------------------------------------------------------------------------

class AssessmentFilter(Schema):
    tinh: str = "38"
    bo: str = Field("", max_length=64, description="Mã bộ tiêu chí")
    nam: int | None = Field(None, ge=2000, le=2100)
    trang_thai: AssessmentStatus | None = None
    don_vi: str = Field("", max_length=10, description="Mã đơn vị hành chính")


@router.get("/assessments", response={200: list[AssessmentOut], 404: AssessmentErrorOut}, auth=read_auth,
            summary="Bản đánh giá người dùng được xem (công khai: đã công bố)")
@paginate(BoundedLimitOffsetPagination)
def list_assessments(request, filters: Query[AssessmentFilter]):
    qs = queries.with_related(queries.visible_assessments(getattr(request, "auth", None))).filter(
        province=_province(filters.tinh))
    if filters.bo:
        qs = qs.filter(criteria_set__code=queries.clean_code(filters.bo))
    if filters.nam:
        qs = qs.filter(year=filters.nam)
    if filters.trang_thai:
        qs = qs.filter(status=filters.trang_thai)
    if filters.don_vi:
        qs = qs.filter(unit__code=queries.clean_code(filters.don_vi))
    return qs.order_by("-year", "unit__code", "pk")


@router.get("/assessments/{int:assessment_id}", response={200: AssessmentDetailOut, 404: AssessmentErrorOut}, auth=read_auth,
            summary="Bản đánh giá: điểm từng chỉ tiêu, lịch sử")
def assessment_detail(request, assessment_id: int):
    return _detail(request, _visible(request, assessment_id))


class AssessmentStartIn(Schema):
    set_id: int = Field(..., ge=1, le=MAX_ID)
    agency_id: int = Field(..., ge=1, le=MAX_ID)
    year: int = Field(..., ge=2000, le=2100)


@router.post("/assessments", response={201: AssessmentDetailOut, 403: AssessmentErrorOut, 404: AssessmentErrorOut,
                                        409: AssessmentErrorOut, 422: AssessmentErrorOut},
             auth=api_auth, summary="Mở bản tự đánh giá (số liệu tự động được điền sẵn)")
def start(request, payload: AssessmentStartIn):
    s = CriteriaSet.objects.filter(pk=payload.set_id).first()
    agency = Agency.objects.filter(pk=payload.agency_id).first()
    if s is None or agency is None:
        raise HttpError(404, "Không có bộ tiêu chí hoặc cơ quan này.")
    try:
        a = services.start_assessment(s, agency, payload.year, user=request.auth)
    except (ValidationError, PermissionDenied) as exc:
        return _fail(exc)
    return Reply(201, _detail(request, _visible(request, a.pk)))


class ValuesIn(Schema):
    a: Decimal | None = Field(None, json_schema_extra=decimal_string(DECIMAL))
    b: Decimal | None = Field(None, json_schema_extra=decimal_string(DECIMAL))
    number: Decimal | None = Field(None, json_schema_extra=decimal_string(DECIMAL))
    flag: bool | None = None
    choice: str = Field("", max_length=64)


class EvidenceIn(Schema):
    number: str = Field("", max_length=64)
    date: IsoDate | None = None
    summary: str = Field("", max_length=5000)
    note: str = Field("", max_length=5000)


class IndicatorIn(Schema):
    values: ValuesIn | None = None
    evidence: EvidenceIn | None = None


def _act(request, assessment_id: int, fn):
    a = _visible(request, assessment_id)
    try:
        fn(a)
    except (ValidationError, PermissionDenied) as exc:
        return _fail(exc)
    return _detail(request, _visible(request, a.pk))


ACT = {200: AssessmentDetailOut, 403: AssessmentErrorOut, 404: AssessmentErrorOut, 409: AssessmentErrorOut,
       422: AssessmentErrorOut}


@router.patch("/assessments/{int:assessment_id}/indicators/{code}", response=ACT, auth=api_auth,
              summary="Đơn vị nhập giá trị tự chấm và minh chứng của một chỉ tiêu")
def save_indicator(request, assessment_id: int, code: str, payload: IndicatorIn):
    def fn(a):
        services.save_indicator(_score(a, code), user=request.auth,
                                values=payload.values.dict() if payload.values else None,
                                evidence=payload.evidence.dict() if payload.evidence else None)
    return _act(request, assessment_id, fn)


@router.post("/assessments/{int:assessment_id}/refresh", response=ACT, auth=api_auth,
             summary="Lấy lại số liệu tự động")
def refresh(request, assessment_id: int):
    return _act(request, assessment_id, lambda a: services.refresh_computed(a, user=request.auth))


@router.post("/assessments/{int:assessment_id}/submit", response=ACT, auth=api_auth, summary="Gửi thẩm định")
def submit(request, assessment_id: int):
    return _act(request, assessment_id, lambda a: services.submit(a, user=request.auth))


class ReviewIn(Schema):
    points: Decimal = Field(json_schema_extra=decimal_string(r"^[0-9]{1,5}(\.[0-9]{1,2})?$"))
    comment: str = Field("", max_length=5000)


@router.post("/assessments/{int:assessment_id}/indicators/{code}/review", response=ACT, auth=api_auth,
             summary="Chấm điểm thẩm định một chỉ tiêu")
def review(request, assessment_id: int, code: str, payload: ReviewIn):
    return _act(request, assessment_id, lambda a: services.review_indicator(
        _score(a, code), user=request.auth, points=payload.points, comment=payload.comment))


@router.post("/assessments/{int:assessment_id}/accept", response=ACT, auth=api_auth,
             summary="Chấp nhận điểm tự chấm của các chỉ tiêu chưa chấm")
def accept(request, assessment_id: int):
    return _act(request, assessment_id, lambda a: services.accept_self_scores(a, user=request.auth))


class CommentIn(Schema):
    comment: str = Field(..., max_length=5000, pattern=r"\S", description="Ý kiến: đơn vị cần bổ sung gì")


@router.post("/assessments/{int:assessment_id}/return", response=ACT, auth=api_auth,
             summary="Trả lại đơn vị kèm ý kiến")
def return_(request, assessment_id: int, payload: CommentIn):
    return _act(request, assessment_id, lambda a: services.return_assessment(a, user=request.auth,
                                                                              comment=payload.comment))


@router.post("/assessments/{int:assessment_id}/publish", response=ACT, auth=api_auth, summary="Công bố kết quả")
def publish(request, assessment_id: int):
    return _act(request, assessment_id, lambda a: services.publish_assessment(a, user=request.auth))


# --- results ---------------------------------------------------------------------------------------

@router.get("/ranking", response={200: list[RankOut], 404: AssessmentErrorOut},
            summary="Xếp hạng kết quả đã công bố (đồng hạng: 1, 1, 3; cùng hạng xếp theo tên)")
def ranking(request, bo: str = Query("TH-CDS-XA", max_length=64), nam: int = Query(2025, ge=2000, le=2100),
            tinh: str = Query("38", max_length=10)):
    rows = queries.ranking(queries.clean_code(bo), _province(tinh), nam)
    return [{"rank": r["rank"], "unit": r["assessment"].unit.code, "unit_name": r["assessment"].unit.full_name,
             "points": r["assessment"].points, "score_index": r["assessment"].score_index,
             "completed": r["assessment"].completed, "assessment_id": r["assessment"].pk} for r in rows]


@router.get("/units/{code}/history", response={200: list[AssessmentOut], 404: AssessmentErrorOut}, auth=read_auth,
            summary="Kết quả qua các năm của một đơn vị")
def unit_history(request, code: str):
    code = queries.clean_code(code)[:10]
    unit = None if not code else AdministrativeUnit.objects.current().filter(code=code).exclude(level=Level.DISTRICT).first()
    if unit is None:
        raise HttpError(404, "Không có đơn vị này.")
    return queries.history(unit, getattr(request, "auth", None))


@router.get("/plan", response={200: list[PlanRowOut], 404: AssessmentErrorOut},
            summary="Kế hoạch hoàn thành chuyển đổi số theo năm: chỉ tiêu, đạt được, còn thiếu")
def plan(request, bo: str = Query("TH-CDS-XA", max_length=64), tinh: str = Query("38", max_length=10)):
    return [{"year": r["year"], "target": r["target"].target if r["target"] else None,
             "cumulative": bool(r["target"] and r["target"].cumulative),
             "decision": r["target"].decision if r["target"] else "", "planned": r["planned"],
             "planned_done": r["planned_done"], "achieved": r["achieved"], "gap": r["gap"]}
            for r in queries.plan_progress(_province(tinh), queries.clean_code(bo))]
