"""JSON API of the community app, mounted at /api/v1/community/ (docs/community.md).

Public: coverage per commune (aggregates only), quizzes, leaderboards, phone codes, taking a
quiz (by session account or verified phone; the entry token is the capability). Officials
(auth=api_auth): villages, teams (members' phones masked), activity log, plans and tasks."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import StringConstraints

from chinhquyenso.accounts.auth import ApiTokenAuth, api_auth
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.core.apischema import ApiError, IsoDate
from chinhquyenso.core.context import client_ip
from chinhquyenso.core.pagination import BoundedLimitOffsetPagination
from chinhquyenso.core.text import is_digits, mask
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.queries import today as vn_today

from . import queries
from .models import ACTIVITY_KEYS, Choice, Entry, MemberRole, PlanTask, Question, Quiz, TaskStatus, Village
from .services import plans as plan_services
from .services import quizzes as quiz_services
from .services import teams as team_services

router = Router(tags=["community"])
MAX_ID = 2**62
# A required text must hold more than spaces (the services strip it and refuse it empty).
TEXT = r"\S"
COMMITTEES = (AgencyKind.PROVINCE_PC, AgencyKind.COMMUNE_PC)


def _msg(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _province(code: str) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code[:8]).first()
    if province is None:
        raise HttpError(404, "Không có tỉnh mã này.")
    return province


def _commune(code: str, province: AdministrativeUnit | None = None) -> AdministrativeUnit:
    if not is_digits(code):  # codes are digits; NUL in a lookup is a DataError on PostgreSQL
        raise HttpError(404, "Không có xã, phường mã này.")
    qs = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, code=code[:10])
    if province is not None:
        qs = qs.filter(province=province)
    commune = qs.select_related("province").first()
    if commune is None:
        raise HttpError(404, "Không có xã, phường mã này.")
    return commune


# What _write turns the services' refusals into.
WRITE_ERRORS = {403: ApiError, 409: ApiError, 422: ApiError, 429: ApiError}


# Refusals that come from the state of a team, plan or task, not from the data sent: the same request
# may succeed once the state changes, so they are conflicts (409, as in the other apps' workflows).
STATE_CONFLICTS = {"exists", "dissolved", "left", "inactive", "done"}


def _write(fn):
    try:
        return fn()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc) or "Bạn không có quyền thực hiện thao tác này.") from None
    except quiz_services.RateLimited as exc:
        raise HttpError(429, _msg(exc)) from None
    except quiz_services.AlreadySubmitted as exc:
        raise HttpError(409, _msg(exc)) from None
    except ValidationError as exc:
        conflict = not hasattr(exc, "error_dict") and {e.code for e in exc.error_list} <= STATE_CONFLICTS
        raise HttpError(409 if conflict else 422, _msg(exc)) from None


# --- public coverage --------------------------------------------------------------------------


class CommuneCoverageOut(Schema):
    code: str
    name: str
    villages: int
    covered: int
    percent: float


class CoverageOut(Schema):
    province: str
    on_date: datetime.date
    villages: int
    covered: int
    communes: list[CommuneCoverageOut]


@router.get("/coverage", response={200: CoverageOut, 404: ApiError}, summary="Tỷ lệ thôn có Tổ công nghệ số cộng đồng (công khai)")
def coverage(request: HttpRequest, tinh: str = Query("38", max_length=8),
             ngay: IsoDate | None = None):
    province = _province(tinh)
    on = ngay or vn_today()
    rows = queries.coverage_by_commune(province, on)
    return {"province": province.full_name, "on_date": on, "villages": sum(r["villages"] for r in rows),
            "covered": sum(r["covered"] for r in rows), "communes": rows}


# --- officials: villages and teams ------------------------------------------------------------


class VillageOut(Schema):
    id: int
    name: str
    kind: str
    code: str
    commune: str
    is_demo: bool

    @staticmethod
    def resolve_commune(obj: Village) -> str:
        return obj.commune.code


@router.get("/villages", response=list[VillageOut], auth=api_auth, summary="Thôn, tổ dân phố (cán bộ)")
@paginate(BoundedLimitOffsetPagination)
def villages(request: HttpRequest, commune: str = Query("", max_length=10)):
    qs = queries.readable(Village.objects.filter(is_active=True), request.auth).select_related("commune")
    if commune:
        qs = qs.filter(commune__code=commune)
    return qs.order_by("commune__code", "name_folded")


class MemberOut(Schema):
    id: int
    full_name: str
    role: MemberRole
    phone: str
    joined_on: datetime.date | None = None
    left_on: datetime.date | None = None

    @staticmethod
    def resolve_phone(obj) -> str:
        return mask(obj.phone, 3, 3)


class ActivityOut(Schema):
    id: int
    date: datetime.date
    sessions: int
    people_helped: int
    vneid_activations: int
    online_dossiers: int
    cashless_payments: int
    households_reached: int
    notes: str


class TeamOut(Schema):
    id: int
    name: str
    village: str
    village_id: int
    commune: str
    decision_number: str
    decision_date: datetime.date
    dissolved_on: datetime.date | None = None

    @staticmethod
    def resolve_village(obj) -> str:
        return obj.village.name

    @staticmethod
    def resolve_commune(obj) -> str:
        return obj.commune.code


class TeamDetailOut(TeamOut):
    members: list[MemberOut]
    activities: list[ActivityOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())

    @staticmethod
    def resolve_activities(obj) -> list:
        return list(obj.activities.all()[:200])


@router.get("/teams", response=list[TeamOut], auth=api_auth, summary="Tổ công nghệ số cộng đồng (cán bộ)")
@paginate(BoundedLimitOffsetPagination)
def teams(request: HttpRequest, commune: str = Query("", max_length=10)):
    qs = queries.teams_for(request.auth)
    if commune:
        qs = qs.filter(commune__code=commune)
    return qs.order_by("commune__code", "village__name_folded", "pk")


def _team(request, team_id: int):
    team = queries.team_for(request.auth, team_id) if 0 < team_id < MAX_ID else None
    if team is None:
        raise HttpError(404, "Không có tổ này hoặc bạn không được xem.")
    return team


@router.get("/teams/{team_id}", response=TeamDetailOut, auth=api_auth, summary="Một tổ: thành viên, nhật ký")
def team_detail(request: HttpRequest, team_id: int):
    return _team(request, team_id)


class TeamIn(Schema):
    village_id: int = Field(..., ge=1, le=MAX_ID)
    decision_number: str = Field(..., max_length=50, pattern=TEXT)
    decision_date: IsoDate
    name: str = Field("", max_length=200)


@router.post("/teams", response={201: TeamOut, 404: ApiError, **WRITE_ERRORS}, auth=api_auth, summary="Thành lập tổ (theo quyết định của Chủ tịch UBND xã)")
def create_team(request: HttpRequest, payload: TeamIn):
    village = queries.readable(Village.objects.all(), request.auth).select_related("commune").filter(
        pk=payload.village_id).first()
    if village is None:
        raise HttpError(404, "Không có thôn này hoặc bạn không được xem.")
    team = _write(lambda: team_services.create_team(
        request.auth, village, decision_number=payload.decision_number, decision_date=payload.decision_date,
        name=payload.name))
    return Reply(201, team)


class MemberIn(Schema):
    full_name: str = Field(..., max_length=150, pattern=TEXT)
    role: MemberRole
    phone: str = Field("", max_length=20)
    joined_on: IsoDate | None = None


@router.post("/teams/{team_id}/members", response={201: MemberOut, **WRITE_ERRORS}, auth=api_auth, summary="Thêm thành viên")
def add_member(request: HttpRequest, team_id: int, payload: MemberIn):
    team = _team(request, team_id)
    member = _write(lambda: team_services.add_member(request.auth, team, full_name=payload.full_name,
                                                     role=payload.role, phone=payload.phone,
                                                     joined_on=payload.joined_on))
    return Reply(201, member)


class ActivityIn(Schema):
    date: IsoDate
    sessions: int = Field(0, ge=0, le=team_services.MAX_COUNT)
    people_helped: int = Field(0, ge=0, le=team_services.MAX_COUNT)
    vneid_activations: int = Field(0, ge=0, le=team_services.MAX_COUNT)
    online_dossiers: int = Field(0, ge=0, le=team_services.MAX_COUNT)
    cashless_payments: int = Field(0, ge=0, le=team_services.MAX_COUNT)
    households_reached: int = Field(0, ge=0, le=team_services.MAX_COUNT)
    notes: str = Field("", max_length=2000)


@router.post("/teams/{team_id}/activities", response={201: ActivityOut, **WRITE_ERRORS}, auth=api_auth, summary="Ghi nhật ký hoạt động")
def log_activity(request: HttpRequest, team_id: int, payload: ActivityIn):
    team = _team(request, team_id)
    counts = {k: getattr(payload, k) for k in ACTIVITY_KEYS}
    activity = _write(lambda: team_services.log_activity(request.auth, team, date=payload.date, notes=payload.notes,
                                                         **counts))
    return Reply(201, activity)


# --- officials: plans -------------------------------------------------------------------------


class PlanOut(Schema):
    id: int
    year: int
    title: str
    unit: str
    agency: str
    n_tasks: int
    n_done: int
    n_overdue: int

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.full_name

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name


class TaskOut(Schema):
    id: int
    number: int
    title: str
    owner_agency: str
    owner_person: str
    deadline: datetime.date
    status: TaskStatus
    progress: int
    is_overdue: bool
    completed_on: datetime.date | None = None
    evidence_number: str
    evidence_date: datetime.date | None = None

    @staticmethod
    def resolve_owner_agency(obj) -> str:
        return obj.owner_agency.name


@router.get("/plans", response=list[PlanOut], auth=api_auth, summary="Kế hoạch chuyển đổi số (cán bộ)")
@paginate(BoundedLimitOffsetPagination)
def plans(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100)):
    qs = queries.plans_for(request.auth)
    if year:
        qs = qs.filter(year=year)
    return queries.progress_by_unit(qs, vn_today()).order_by("-year", "-unit__level", "unit__code")


@router.get("/plans/{plan_id}/tasks", response=list[TaskOut], auth=api_auth, summary="Nhiệm vụ của kế hoạch")
@paginate(BoundedLimitOffsetPagination)
def plan_tasks(request: HttpRequest, plan_id: int, overdue: bool = False):
    plan = queries.plans_for(request.auth).filter(pk=plan_id).first() if 0 < plan_id < MAX_ID else None
    if plan is None:
        raise HttpError(404, "Không có kế hoạch này hoặc bạn không được xem.")
    qs = queries.with_overdue(PlanTask.objects.filter(plan=plan).select_related("owner_agency"), vn_today())
    if overdue:
        qs = qs.filter(is_overdue=True)
    return qs.order_by("number")


class PlanIn(Schema):
    agency_id: int = Field(..., ge=1, le=MAX_ID, description="UBND tỉnh hoặc UBND xã ban hành kế hoạch")
    year: int = Field(..., ge=2020, le=2100)
    title: str = Field(..., max_length=255, pattern=TEXT)
    decision_number: str = Field("", max_length=50)
    decision_date: IsoDate | None = None


@router.post("/plans", response={201: PlanOut, 404: ApiError, **WRITE_ERRORS}, auth=api_auth, summary="Tạo kế hoạch chuyển đổi số năm")
def create_plan(request: HttpRequest, payload: PlanIn):
    agency = visible_agencies(request.auth).filter(pk=payload.agency_id, kind__in=COMMITTEES).first()
    if agency is None:
        raise HttpError(404, "Không có UBND này hoặc bạn không thuộc cơ quan này.")
    plan = _write(lambda: plan_services.create_plan(
        request.auth, agency, year=payload.year, title=payload.title, decision_number=payload.decision_number,
        decision_date=payload.decision_date))
    return Reply(201, queries.progress_by_unit(queries.plans_for(request.auth).filter(pk=plan.pk), vn_today()).get())


class TaskIn(Schema):
    title: str = Field(..., max_length=500, pattern=TEXT)
    owner_agency_id: int = Field(..., ge=1, le=MAX_ID)
    owner_person: str = Field("", max_length=150)
    deadline: IsoDate
    description: str = Field("", max_length=4000)


@router.post("/plans/{plan_id}/tasks", response={201: TaskOut, **WRITE_ERRORS}, auth=api_auth, summary="Thêm nhiệm vụ vào kế hoạch")
def create_task(request: HttpRequest, plan_id: int, payload: TaskIn):
    plan = queries.plans_for(request.auth).filter(pk=plan_id).first() if 0 < plan_id < MAX_ID else None
    if plan is None:
        raise HttpError(404, "Không có kế hoạch này hoặc bạn không được xem.")
    owner = Agency.objects.filter(pk=payload.owner_agency_id, province_id=plan.province_id).first()
    if owner is None:
        raise HttpError(422, "Cơ quan chủ trì không thuộc tỉnh của kế hoạch.")
    task = _write(lambda: plan_services.add_task(
        request.auth, plan, title=payload.title, owner_agency=owner, owner_person=payload.owner_person,
        deadline=payload.deadline, description=payload.description))
    return Reply(201, queries.with_overdue(PlanTask.objects.filter(pk=task.pk), vn_today()).select_related(
        "owner_agency").get())


class ReportIn(Schema):
    status: TaskStatus
    progress: int = Field(..., ge=0, le=100)
    note: str = Field(..., max_length=4000, pattern=TEXT)
    evidence_number: str = Field("", max_length=50)
    evidence_date: IsoDate | None = None


@router.post("/tasks/{task_id}/reports", response={201: TaskOut, **WRITE_ERRORS}, auth=api_auth, summary="Báo cáo tiến độ nhiệm vụ")
def report_task(request: HttpRequest, task_id: int, payload: ReportIn):
    task = queries.tasks_for(request.auth).filter(pk=task_id).first() if 0 < task_id < MAX_ID else None
    if task is None:
        raise HttpError(404, "Không có nhiệm vụ này hoặc bạn không được xem.")
    _write(lambda: plan_services.report_progress(
        request.auth, task, status=payload.status, progress=payload.progress, note=payload.note,
        evidence_number=payload.evidence_number, evidence_date=payload.evidence_date))
    return Reply(201, queries.with_overdue(PlanTask.objects.filter(pk=task.pk), vn_today()).select_related(
        "owner_agency").get())


# --- quizzes (public) -------------------------------------------------------------------------


class QuizOut(Schema):
    id: int
    title: str
    description: str
    unit: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    duration_minutes: int
    question_count: int
    state: str

    @staticmethod
    def resolve_unit(obj) -> str:
        return obj.unit.full_name

    @staticmethod
    def resolve_state(obj) -> str:
        now = timezone.now()
        return "sap_mo" if now < obj.opens_at else ("dang_mo" if now < obj.closes_at else "da_dong")


def _quiz(quiz_id: int) -> Quiz:
    quiz = Quiz.objects.filter(pk=quiz_id, is_published=True).select_related("unit").first() \
        if 0 < quiz_id < MAX_ID else None
    if quiz is None:
        raise HttpError(404, "Không có cuộc thi này.")
    return quiz


@router.get("/quizzes", response={200: list[QuizOut], 404: ApiError}, summary="Cuộc thi tìm hiểu (công khai)")
@paginate(BoundedLimitOffsetPagination)
def quizzes(request: HttpRequest, tinh: str = Query("38", max_length=8)):
    return queries.public_quizzes(_province(tinh))


@router.get("/quizzes/{quiz_id}", response=QuizOut, summary="Một cuộc thi")
def quiz_detail(request: HttpRequest, quiz_id: int):
    return _quiz(quiz_id)


class LeaderOut(Schema):
    rank: int
    full_name: str
    commune: str
    correct_count: int
    question_count: int
    time_taken_seconds: int
    submitted_at: datetime.datetime


@router.get("/quizzes/{quiz_id}/leaderboard", response=list[LeaderOut], summary="Bảng xếp hạng")
def leaderboard(request: HttpRequest, quiz_id: int, commune: str = Query("", max_length=10),
                limit: int = Query(100, ge=1, le=500)):
    quiz = _quiz(quiz_id)
    unit = _commune(commune, quiz.province) if commune else None
    rows = queries.leaderboard(quiz, unit)[:limit]
    return [{"rank": i, "full_name": e.full_name, "commune": e.commune.full_name, "correct_count": e.correct_count,
             "question_count": quiz.question_count, "time_taken_seconds": e.time_taken_seconds or 0,
             "submitted_at": e.submitted_at} for i, e in enumerate(rows, start=1)]


class PhoneIn(Schema):
    phone: str = Field(..., max_length=20)


@router.post("/phone-codes", response={202: dict, **WRITE_ERRORS}, summary="Gửi mã xác thực số điện thoại")
def phone_code(request: HttpRequest, payload: PhoneIn):
    _write(lambda: quiz_services.request_phone_code(payload.phone, ip=client_ip(request)))
    return Reply(202, {"detail": "Đã gửi mã xác thực (hiệu lực 10 phút)."})


class QuizStartIn(Schema):
    commune: str = Field(..., max_length=10, description="Mã xã, phường nơi sinh sống hoặc công tác")
    full_name: str = Field("", max_length=150)
    phone: str = Field("", max_length=20)
    code: str = Field("", max_length=10, description="Mã xác thực đã gửi đến số điện thoại")


class ChoiceOut(Schema):
    id: int
    text: str


class QuestionOut(Schema):
    id: int
    topic: str
    text: str
    multiple: bool
    choices: list[ChoiceOut]
    answer: list[int]


class QuizEntryOut(Schema):
    token: str
    quiz_id: int
    started_at: datetime.datetime
    deadline_at: datetime.datetime
    seconds_left: int
    submitted_at: datetime.datetime | None = None
    correct_count: int | None = None
    questions: list[QuestionOut]


def entry_payload(entry: Entry) -> dict:
    """The entry with its questions — choices without their correctness, ever."""
    questions = {q.pk: q for q in Question.objects.filter(pk__in=entry.question_ids)}
    choices: dict[int, list] = {}
    n_correct: dict[int, int] = {}
    for c in Choice.objects.filter(question_id__in=entry.question_ids).order_by("order", "pk"):
        choices.setdefault(c.question_id, []).append({"id": c.pk, "text": c.text})
        n_correct[c.question_id] = n_correct.get(c.question_id, 0) + c.is_correct
    answers = dict(entry.answers.values_list("question_id", "choice_ids"))
    now = timezone.now()
    done = entry.submitted_at is not None
    return {
        "token": entry.token, "quiz_id": entry.quiz_id, "started_at": entry.started_at,
        "deadline_at": entry.deadline_at, "submitted_at": entry.submitted_at,
        "seconds_left": 0 if done else max(0, int((entry.deadline_at - now).total_seconds())),
        "correct_count": entry.correct_count if done else None,
        "questions": [
            {"id": qid, "topic": questions[qid].topic, "text": questions[qid].text,
             # Whether several answers are expected is told (it is in the question's wording anyway).
             "multiple": n_correct.get(qid, 0) > 1, "choices": choices.get(qid, []), "answer": answers.get(qid, [])}
            for qid in entry.question_ids if qid in questions
        ],
    }


@router.post("/quizzes/{quiz_id}/entries", response={200: QuizEntryOut, 201: QuizEntryOut, **WRITE_ERRORS},
             summary="Bắt đầu dự thi (một lượt mỗi người; gọi lại trả về lượt đang làm)")
def start(request: HttpRequest, quiz_id: int, payload: QuizStartIn):
    quiz = _quiz(quiz_id)
    commune = _commune(payload.commune, quiz.province)
    user = ApiTokenAuth()(request) if request.headers.get("Authorization") else None
    if user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
        user = request.user
    phone = None
    if user is None:
        phone = _write(lambda: quiz_services.verify_phone_code(payload.phone, payload.code))
    entry, created = _write(lambda: quiz_services.start_entry(quiz, commune=commune, user=user, phone=phone,
                                                              full_name=payload.full_name))
    return Reply(201 if created else 200, entry_payload(entry))


def _entry(token: str, *, finish: bool = True) -> Entry:
    entry = Entry.objects.filter(token=token[:64]).first()
    if entry is None:
        raise HttpError(404, "Không có bài thi này.")
    if finish and entry.submitted_at is None and entry.deadline_at < timezone.now():
        quiz_services.finish_expired(entry=entry)
        entry.refresh_from_db()
    return entry


@router.get("/entries/{token}", response=QuizEntryOut, summary="Bài thi đang làm (không kèm đáp án)")
def entry_detail(request: HttpRequest, token: str):
    return entry_payload(_entry(token))


class AnswerIn(Schema):
    choice_ids: list[int] = Field(..., max_length=8)


@router.put("/entries/{token}/answers/{question_id}", response={200: dict, **WRITE_ERRORS}, summary="Lưu câu trả lời")
def answer(request: HttpRequest, token: str, question_id: int, payload: AnswerIn):
    entry = _entry(token, finish=False)
    _write(lambda: quiz_services.save_answer(entry.token, question_id, payload.choice_ids))
    return {"detail": "Đã lưu câu trả lời."}


# JSON object keys are strings: say which ones are question ids (any other key was a 422 the
# OpenAPI document did not announce).
QuestionKey = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,18}$")]


class SubmitIn(Schema):
    answers: dict[QuestionKey, list[int]] = Field(default_factory=dict, description="{mã câu hỏi: [mã lựa chọn]}",
                                                  json_schema_extra={"additionalProperties": False})


@router.post("/entries/{token}/submit", response={200: QuizEntryOut, **WRITE_ERRORS}, summary="Nộp bài")
def submit(request: HttpRequest, token: str, payload: SubmitIn):
    entry = _entry(token, finish=False)
    done = _write(lambda: quiz_services.submit(entry.token, payload.answers))
    return entry_payload(done)
