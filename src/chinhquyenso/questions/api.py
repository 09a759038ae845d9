"""/api/v1/questions/: public Q&A (search, FAQ, similar, submit, flag), the asker's own questions,
and the officers' queue and actions. Public schemas carry no asker fields at all; the officers'
detail fills them only for those allowed to see them (queries.can_see_identity)."""


import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from chinhquyenso.accounts.auth import api_auth, optional_api_auth
from chinhquyenso.accounts.models import User
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record_personal_data_view
from chinhquyenso.core.apischema import ApiError, IsoDate
from chinhquyenso.core.context import client_ip
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination
from chinhquyenso.procedures.models import Procedure
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, services, workflow
from .models import Question, Topic

router = Router(tags=["questions"])
CODE_PATTERN = r"^HD-\d{2}-\d{4}-\d{6}$"


optional_auth = optional_api_auth
WORK_ERRORS = {403: ApiError, 404: ApiError, 422: ApiError}


def _fail(exc: Exception):
    if isinstance(exc, services.RateLimited):
        raise HttpError(429, exc.message)
    if isinstance(exc, PermissionDenied):
        raise HttpError(403, str(exc) or "Bạn không có quyền thực hiện thao tác này.")
    if isinstance(exc, ValidationError):
        raise HttpError(422, " ".join(exc.messages))
    raise exc


# --- schemas ---------------------------------------------------------------------------------


class TopicOut(Schema):
    id: int
    code: str
    name: str
    description: str
    published: int = 0


class PublicQuestionOut(Schema):
    code: str
    title: str
    body: str
    additional_info: str
    answer: str
    topic: str = Field(..., alias="topic.name")
    topic_code: str = Field(..., alias="topic.code")
    agency: str = Field(..., alias="agency.name")
    procedure_code: str | None = None
    procedure_name: str | None = None
    received_at: datetime.datetime
    published_at: datetime.datetime | None
    is_faq: bool

    @staticmethod
    def resolve_procedure_code(obj: Question) -> str | None:
        return obj.procedure.code if obj.procedure_id else None

    @staticmethod
    def resolve_procedure_name(obj: Question) -> str | None:
        if obj.procedure_id and obj.procedure.current_version_id:
            return obj.procedure.current_version.name
        return None


class SimilarOut(Schema):
    code: str
    title: str
    topic: str = Field(..., alias="topic.name")


class QuestionSearchFilter(Schema):
    q: str = Field("", max_length=200, description="Từ khóa, có dấu hoặc không dấu")
    province: str = Field("", pattern=r"^(\d{2})?$", description="Mã tỉnh, 2 chữ số")
    topic: str = Field("", max_length=40, pattern=r"^[-a-z0-9]*$", description="Mã chủ đề")


class AskIn(Schema):
    topic_id: int = Field(..., ge=1)
    title: str = Field(..., max_length=1000)
    body: str = Field(..., max_length=40000)
    procedure_id: int | None = Field(None, ge=1)
    unit_code: str | None = Field(None, max_length=10, pattern=r"^([0-9]{5})?$", description="Mã xã, phường")
    asker_name: str = Field("", max_length=1000)
    asker_phone: str = Field("", max_length=40)
    asker_email: str = Field("", max_length=500)
    asker_address: str = Field("", max_length=1000)


class AskOut(Schema):
    code: str
    token: str = Field(description="Mã bí mật để người hỏi không đăng nhập theo dõi câu hỏi; chỉ trả về một lần")
    status: str
    agency: str
    answer_due: datetime.datetime


class FlagIn(Schema):
    reason: str = Field(..., max_length=2000)


class OwnQuestionOut(Schema):
    code: str
    title: str
    body: str
    additional_info: str
    status: str
    status_name: str
    topic: str = Field(..., alias="topic.name")
    agency: str = Field(..., alias="agency.name")
    answer_due: datetime.datetime | None
    answer: str | None
    refusal_reason: str
    is_hidden: bool
    hidden_reason: str
    satisfied: bool | None

    @staticmethod
    def resolve_status_name(obj: Question) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_answer(obj: Question) -> str | None:
        return obj.answer if obj.status == "published" else None


class AskerActionIn(Schema):
    token: str = Field("", max_length=64, description="Mã bí mật (khi không đăng nhập)")
    note: str = Field("", max_length=20000)


class RateIn(Schema):
    token: str = Field("", max_length=64)
    satisfied: bool


class QueueItemOut(Schema):
    code: str
    title: str
    status: str
    topic: str = Field(..., alias="topic.name")
    agency_id: int
    agency: str = Field(..., alias="agency.name")
    assignee_id: int | None
    received_at: datetime.datetime
    current_due: datetime.datetime | None
    overdue: bool
    is_hidden: bool
    flag_count: int

    @staticmethod
    def resolve_overdue(obj) -> bool:
        from django.utils import timezone

        return bool(obj.current_due and obj.current_due < timezone.now())


class QuestionEventOut(Schema):
    at: datetime.datetime
    action: str
    from_status: str
    to_status: str
    note: str
    actor_id: int | None


class AskerOut(Schema):
    name: str
    phone: str
    email: str
    address: str
    user_id: int | None


class ManagedQuestionOut(QueueItemOut):
    body: str
    additional_info: str
    answer: str
    classification: str
    refusal_reason: str
    refuse_due: datetime.datetime | None
    more_info_due: datetime.datetime | None
    answer_due: datetime.datetime | None
    publish_due: datetime.datetime | None
    resolved_on_time: bool | None
    published_on_time: bool | None
    is_faq: bool
    allowed_actions: list[str]
    asker_identity: AskerOut | None = Field(None, description="Chỉ trả về cho người có quyền xem (điều hành IOC)")
    history: list[QuestionEventOut]

    @staticmethod
    def resolve_allowed_actions(obj: Question, context) -> list[str]:
        return [t.name for t in services.allowed_transitions(context["request"].auth, obj)]

    @staticmethod
    def resolve_asker_identity(obj: Question, context) -> AskerOut | None:
        if not queries.can_see_identity(context["request"].auth, obj):
            return None
        return AskerOut(name=obj.asker_name, phone=obj.asker_phone, email=obj.asker_email,
                        address=obj.asker_address, user_id=obj.asker_id)

    @staticmethod
    def resolve_history(obj: Question) -> list:
        return list(queries.history(obj))


class QuestionActionIn(Schema):
    note: str = Field("", max_length=20000)
    reason: str = Field("", max_length=40)
    agency_id: int | None = Field(None, ge=1)
    assignee_id: int | None = Field(None, ge=1)
    answer: str = Field("", max_length=40000)
    classification: str = Field("", max_length=20)


class ModerationIn(Schema):
    reason: str = Field("", max_length=2000)
    position: int = Field(0, ge=0, le=1000)


class IndicatorFilter(Schema):
    province: str = Field(..., pattern=r"^\d{2}$")
    since: IsoDate
    until: IsoDate


class IndicatorsOut(Schema):
    received: int
    classified: int
    about_procedures: int
    resolved: int
    resolved_on_time: int
    open_within_due: int
    overdue: int
    published: int
    published_on_time: int
    satisfied: int
    dissatisfied: int


# --- public ----------------------------------------------------------------------------------


def _province_id(code: str) -> int | None:
    if not code:
        return None
    unit = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code).only("pk").first()
    if unit is None:
        raise HttpError(404, "Không có tỉnh này.")
    return unit.pk


class RankedSearch:
    """A sequence the paginator slices: one ranked search per page (queries.search)."""

    def __init__(self, text: str, province_id: int | None, topic_id: int | None):
        self.args = (text, province_id, topic_id)
        self.total: int | None = None

    def __getitem__(self, window: slice):
        text, province_id, topic_id = self.args
        page = queries.search(text, province_id=province_id, topic_id=topic_id,
                              limit=max(0, window.stop - window.start), offset=window.start)
        self.total = page.total
        return page.items

    def __len__(self) -> int:
        if self.total is None:
            self[0:1]
        return self.total or 0


@router.get("/", response={200: list[PublicQuestionOut], 404: ApiError}, summary="Tìm câu hỏi đã trả lời (công khai)")
@paginate(BoundedLimitOffsetPagination)
def list_questions(request, filters: Query[QuestionSearchFilter]):
    """Ranked, diacritics-insensitive ("dang ky" finds "đăng ký"); newest first without `q`."""
    province_id = _province_id(filters.province)
    topic_id = None
    if filters.topic:
        topic = Topic.objects.filter(code=filters.topic, **({"province_id": province_id} if province_id else {})).first()
        if topic is None:
            return []
        topic_id = topic.pk
    return RankedSearch(filters.q, province_id, topic_id)


@router.get("/topics", response={200: list[TopicOut], 404: ApiError}, summary="Chủ đề hỏi đáp của một tỉnh")
def list_topics(request, province: str = Query(..., pattern=r"^\d{2}$")):
    return list(queries.topics(_province_id(province)))


@router.get("/faq", response={200: list[PublicQuestionOut], 404: ApiError}, summary="Câu hỏi thường gặp")
def list_faq(request, province: str = Query(..., pattern=r"^\d{2}$"),
             topic: str = Query("", max_length=40, pattern=r"^[-a-z0-9]*$")):
    qs = queries.faq(province_id=_province_id(province))
    if topic:
        qs = qs.filter(topic__code=topic)
    return list(qs[:200])


@router.get("/similar", response={200: list[SimilarOut], 404: ApiError}, summary="Câu hỏi tương tự đã được trả lời")
def similar(request, title: str = Query(..., max_length=200), province: str = Query("", pattern=r"^(\d{2})?$")):
    return queries.similar(title, province_id=_province_id(province), limit=5)


@router.post("/", response={201: AskOut, 422: ApiError, 429: ApiError}, auth=optional_auth, summary="Đặt câu hỏi (đăng nhập không bắt buộc)")
def ask(request, payload: AskIn):
    topic = Topic.objects.select_related("province", "default_agency").filter(pk=payload.topic_id, is_active=True).first()
    if topic is None:
        raise HttpError(422, "Vui lòng chọn chủ đề câu hỏi.")
    procedure = None
    if payload.procedure_id:
        procedure = Procedure.objects.filter(pk=payload.procedure_id).first()
        if procedure is None:
            raise HttpError(422, "Không có thủ tục này.")
    unit = None
    if payload.unit_code:
        unit = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, code=payload.unit_code).first()
        if unit is None:
            raise HttpError(422, "Không có xã, phường này.")
    user = request.auth if getattr(request.auth, "is_authenticated", False) else None
    try:
        submitted = services.submit(
            topic=topic, procedure=procedure, unit=unit, title=payload.title, body=payload.body,
            asker_name=payload.asker_name, asker_phone=payload.asker_phone, asker_email=payload.asker_email,
            asker_address=payload.asker_address, user=user, client_ip=client_ip(request),
        )
    except (ValidationError, services.RateLimited) as e:
        _fail(e)
    q = submitted.question
    return Status(201, AskOut(code=q.code, token=submitted.token, status=q.status, agency=q.agency.name, answer_due=q.answer_due))


@router.get("/mine", response=list[OwnQuestionOut], auth=api_auth, summary="Câu hỏi của tôi")
@paginate(BoundedLimitOffsetPagination)
def mine(request):
    return queries.mine(request.auth)


def _code(code: str) -> str:
    import re

    if not re.match(CODE_PATTERN, code):
        raise HttpError(404, "Không tìm thấy câu hỏi.")
    return code


@router.get("/{code}", response=PublicQuestionOut, summary="Một câu hỏi đã công khai")
def get_question(request, code: str):
    question = queries.get_public(_code(code))
    if question is None:
        raise HttpError(404, "Không tìm thấy câu hỏi đã công khai với mã này.")
    return question


@router.post("/{code}/flag", response={201: dict, 422: ApiError, 429: ApiError}, summary="Báo cáo nội dung sai hoặc không phù hợp")
def flag(request, code: str, payload: FlagIn):
    question = queries.get_public(_code(code))
    if question is None:
        raise HttpError(404, "Không tìm thấy câu hỏi đã công khai với mã này.")
    try:
        services.flag(question, payload.reason, user=request.user, client_ip=client_ip(request))
    except (ValidationError, services.RateLimited) as e:
        _fail(e)
    return Status(201, {"detail": "Đã ghi nhận báo cáo."})


# --- the asker -------------------------------------------------------------------------------


def _own(request, code: str, token: str) -> Question:
    question = Question.objects.select_related("topic", "agency").filter(code=_code(code)).first()
    if question is None or not services._is_asker(request.auth, question, token):
        raise HttpError(404, "Không tìm thấy câu hỏi của bạn với mã này.")
    return question


@router.post("/{code}/own", response=OwnQuestionOut, auth=optional_auth, summary="Xem câu hỏi của mình (mã bí mật)")
def own(request, code: str, payload: AskerActionIn):
    return _own(request, code, payload.token)


@router.post("/{code}/provide-info", response={200: OwnQuestionOut, 403: ApiError, 422: ApiError}, auth=optional_auth, summary="Người hỏi bổ sung thông tin")
def provide_info(request, code: str, payload: AskerActionIn):
    question = _own(request, code, payload.token)
    try:
        return services.act(question, "provide_info", request.auth, token=payload.token, note=payload.note)
    except (ValidationError, PermissionDenied) as e:
        _fail(e)


@router.post("/{code}/rate", response={200: OwnQuestionOut, 403: ApiError, 422: ApiError}, auth=optional_auth, summary="Người hỏi đánh giá câu trả lời")
def rate(request, code: str, payload: RateIn):
    question = _own(request, code, payload.token)
    try:
        return services.rate(question, request.auth, payload.satisfied, token=payload.token)
    except (ValidationError, PermissionDenied) as e:
        _fail(e)


# --- officials -------------------------------------------------------------------------------


@router.get("/work/queue", response=list[QueueItemOut], auth=api_auth, summary="Hộp việc của cán bộ")
@paginate(BoundedLimitOffsetPagination)
def work_queue(request, box: str = Query("intake", pattern="^(" + "|".join(queries.QUEUES) + ")$")):
    return queries.queue(request.auth, box)


def _managed(request, code: str) -> Question:
    qs = queries.with_current_due(queries.for_officials(request.auth)).select_related("topic", "agency")
    question = qs.filter(code=_code(code)).first()
    if question is None:
        raise HttpError(404, "Không tìm thấy câu hỏi trong phạm vi của bạn.")
    return question


@router.get("/work/{code}", response=ManagedQuestionOut, auth=api_auth, summary="Câu hỏi (cán bộ)")
def work_detail(request, code: str):
    question = _managed(request, code)
    if queries.can_see_identity(request.auth, question) and question.asker_id != request.auth.pk:
        fields = [f for f in ("asker_name", "asker_phone", "asker_email", "asker_address") if getattr(question, f)]
        if fields:  # logged like the officials' page (Luật BVDLCN 91/2025)
            record_personal_data_view(question, fields, actor=request.auth)
    return question


@router.post("/work/{code}/actions/{action}", response={200: ManagedQuestionOut, **WORK_ERRORS}, auth=api_auth,
             summary="Thực hiện một bước xử lý (route, refuse, request_info, assign, draft, return, approve, publish)")
def work_action(request, code: str, action: str, payload: QuestionActionIn):
    question = _managed(request, code)
    if action not in workflow.TRANSITIONS or action == "provide_info":
        raise HttpError(404, "Không có thao tác này.")
    agency = assignee = None
    if payload.agency_id:
        agency = Agency.objects.filter(pk=payload.agency_id).first()
        if agency is None:
            raise HttpError(422, "Không có cơ quan này.")
    if payload.assignee_id:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise HttpError(422, "Không có cán bộ này.")
    try:
        question = services.act(question, action, request.auth, note=payload.note, reason=payload.reason,
                                agency=agency, assignee=assignee, answer=payload.answer,
                                classification=payload.classification)
    except (ValidationError, PermissionDenied) as e:
        _fail(e)
    if not queries.for_officials(request.auth).filter(pk=question.pk).exists():
        raise HttpError(404, "Câu hỏi đã chuyển ra ngoài phạm vi của bạn.")
    return _managed(request, question.code)


@router.post("/work/{code}/moderation/{action}", response={200: ManagedQuestionOut, **WORK_ERRORS}, auth=api_auth,
             summary="Kiểm duyệt: hide, unhide, faq, unfaq, dismiss_flags")
def work_moderation(request, code: str, action: str, payload: ModerationIn):
    question = _managed(request, code)
    try:
        if action == "hide":
            services.hide(question, request.auth, payload.reason)
        elif action == "unhide":
            services.unhide(question, request.auth)
        elif action in ("faq", "unfaq"):
            services.set_faq(question, request.auth, action == "faq", payload.position)
        elif action == "dismiss_flags":
            services.dismiss_flags(question, request.auth)
        else:
            raise HttpError(404, "Không có thao tác này.")
    except (ValidationError, PermissionDenied) as e:
        _fail(e)
    return _managed(request, question.code)


@router.get("/work/indicators/766", response={200: IndicatorsOut, **WORK_ERRORS}, auth=api_auth,
            summary="Số liệu hỏi đáp cho chỉ số 5.1–5.3 (QĐ 766)")
def indicators(request, filters: Query[IndicatorFilter]):
    """Questions received in [since, until]; for officials holding a role in the province."""
    from chinhquyenso.workdays.calendar import VN_TZ

    province_id = _province_id(filters.province)
    if not visible_agencies(request.auth).filter(province_id=province_id).exists():
        raise HttpError(403, "Bạn không có vai trò tại tỉnh này.")
    if filters.until < filters.since or (filters.until - filters.since).days > 3660:
        raise HttpError(422, "Khoảng thời gian không hợp lệ.")
    since = datetime.datetime.combine(filters.since, datetime.time.min, VN_TZ)
    until = datetime.datetime.combine(filters.until + datetime.timedelta(days=1), datetime.time.min, VN_TZ)
    return queries.indicators(province_id=province_id, since=since, until=until)
