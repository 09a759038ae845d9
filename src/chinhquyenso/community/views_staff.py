"""Officials' pages: the team registry of the communes they see, a team (members with masked
phones, activity log, forms), the village import, and the leaders' task monitoring.

Every page is scoped by one predicate (queries.readable / plans_for / tasks_for); forms post to
the services, which check the write permission again."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chinhquyenso.core.text import is_digits
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.queries import load_calendar
from chinhquyenso.workdays.queries import today as vn_today

from . import queries
from .forms import ActivityForm, DissolveForm, MemberForm, TaskReportForm, TeamForm, VillageImportForm
from .models import ACTIVITY_FIELDS, ACTIVITY_KEYS, PlanTask, Team, TeamMember, Village
from .services import plans as plan_services
from .services import teams as team_services

PAGE_SIZE = 50


def _form_errors(form, exc: ValidationError | PermissionDenied) -> None:
    form.add_error(None, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _readable_communes(user):
    """Communes with villages the official may read, with coverage counts (one query)."""
    today = vn_today()
    teams = Team.objects.filter(queries.active_team_filter(today), village=OuterRef("pk"))
    return (queries.readable(Village.objects.filter(is_active=True), user)
            .values("commune__code", "commune__full_name")
            .annotate(villages=Count("pk"), covered=Count("pk", filter=Q(Exists(teams))))
            .order_by("commune__code"))


@login_required
def teams(request):
    communes = list(_readable_communes(request.user))
    code = (request.GET.get("xa") or (communes[0]["commune__code"] if len(communes) == 1 else ""))[:10]
    commune = None
    villages = []
    can_manage = False
    if code:
        commune = AdministrativeUnit.objects.filter(level=Level.COMMUNE, code=code).first()
        if commune is None or not any(c["commune__code"] == code for c in communes):
            raise Http404(_("Không có xã này hoặc bạn không được xem."))
        today = vn_today()
        active = Team.objects.filter(queries.active_team_filter(today)).annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True)))
        villages = list(Village.objects.filter(commune=commune, is_active=True)
                        .prefetch_related(Prefetch("teams", queryset=active, to_attr="active_teams"))
                        .order_by("pk"))  # the order of the commune's list (import order), "số 2" before "số 10"
        can_manage = queries.can_manage_commune(request.user, commune)
    for c in communes:
        c["percent"] = round(100 * c["covered"] / c["villages"], 1) if c["villages"] else 0
    return render(request, "community/staff/teams.html", {
        "communes": communes, "commune": commune, "villages": villages, "can_manage": can_manage,
    })


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request, village_id: int):
    village = queries.readable(Village.objects.all(), request.user).select_related("commune").filter(
        pk=village_id).first()
    if village is None:
        raise Http404(_("Không có thôn này hoặc bạn không được xem."))
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_services.create_team(request.user, village, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thành lập %(t)s.") % {"t": team.name})
            return redirect("community:team", pk=team.pk)
    return render(request, "community/staff/team_create.html", {"village": village, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request, pk: int):
    team = queries.team_for(request.user, pk)
    if team is None:
        raise Http404(_("Không có tổ này hoặc bạn không được xem."))
    can_manage = queries.can_manage_commune(request.user, team.commune)
    member_form, activity_form, dissolve_form = MemberForm(), ActivityForm(), DissolveForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "member":
                member_form = MemberForm(request.POST)
                if member_form.is_valid():
                    team_services.add_member(request.user, team, **member_form.cleaned_data)
                    messages.success(request, _("Đã thêm thành viên."))
                    return redirect("community:team", pk=team.pk)
            elif action == "activity":
                activity_form = ActivityForm(request.POST)
                if activity_form.is_valid():
                    data = activity_form.cleaned_data
                    counts = {k: data.get(k) or 0 for k in ACTIVITY_KEYS}
                    team_services.log_activity(request.user, team, date=data["date"], notes=data["notes"], **counts)
                    messages.success(request, _("Đã ghi nhật ký hoạt động."))
                    return redirect("community:team", pk=team.pk)
            elif action == "leave":
                raw = request.POST.get("member", "")
                member = TeamMember.objects.filter(team=team, pk=int(raw)).first() \
                    if is_digits(raw) and len(raw) < 18 else None
                if member is None:
                    raise ValidationError(_("Không có thành viên này."))
                team_services.remove_member(request.user, member)
                messages.success(request, _("Đã ghi nhận thành viên thôi tham gia."))
                return redirect("community:team", pk=team.pk)
            elif action == "dissolve":
                dissolve_form = DissolveForm(request.POST)
                if dissolve_form.is_valid():
                    team_services.dissolve_team(request.user, team, **dissolve_form.cleaned_data)
                    messages.success(request, _("Đã ghi nhận giải thể tổ."))
                    return redirect("community:team", pk=team.pk)
        except ValidationError as exc:
            target = {"member": member_form, "activity": activity_form, "dissolve": dissolve_form}.get(action)
            if target is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("community:team", pk=team.pk)
            _form_errors(target, exc)
        status = 400
    activities = Paginator(team.activities.all(), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "community/staff/team.html", {
        "team": team, "members": list(team.members.all()), "activities": activities, "can_manage": can_manage,
        "member_form": member_form, "activity_form": activity_form, "dissolve_form": dissolve_form,
        "fields": ACTIVITY_FIELDS,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def village_import(request, code: str):
    commune = queries.manageable_communes(request.user).filter(code=code[:10]).first()
    if commune is None:
        raise PermissionDenied(_("Bạn không quản lý xã, phường này."))
    form = VillageImportForm(request.POST or None, request.FILES or None)
    report: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = team_services.import_villages(request.user, commune, form.cleaned_data["tep"].read())
        except ValidationError as exc:
            report = exc.messages
        else:
            messages.success(request, _("Đã nhập %(c)s thôn mới, bỏ qua %(s)s thôn đã có.") % {
                "c": result["created"], "s": result["skipped"]})
            return redirect(f"{_teams_url()}?xa={commune.code}")
    return render(request, "community/staff/village_import.html", {"commune": commune, "form": form,
                                                                    "report": report},
                  status=400 if request.method == "POST" else 200)


def _teams_url() -> str:
    from django.urls import reverse

    return reverse("community:teams")


# --- task monitoring ------------------------------------------------------------------------------


def _deadline_label(cal, today: datetime.date, task) -> str:
    """Working-day aware: the calendar is cached in memory, so this costs no query per row."""
    if task.status == "done":
        return ""
    if task.deadline == today:
        return _("hạn hôm nay")
    days = cal.working_days_between(today, task.deadline)
    if task.deadline > today:
        return _("còn %(n)s ngày làm việc") % {"n": days}
    return _("quá hạn %(n)s ngày làm việc") % {"n": -days}


def _with_labels(tasks, today):
    cal = load_calendar()
    rows = list(tasks)
    for t in rows:
        t.deadline_label = _deadline_label(cal, today, t)
    return rows


@login_required
def plans(request):
    today = vn_today()
    try:
        year = int(request.GET.get("nam") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, 2000), 2100)
    plan_rows = list(queries.progress_by_unit(queries.plans_for(request.user).filter(year=year), today)
                     .order_by("-unit__level", "unit__code"))  # the province first
    for p in plan_rows:
        p.percent = round(100 * p.n_done / p.n_tasks) if p.n_tasks else 0
    overdue = _with_labels(
        queries.with_overdue(queries.tasks_for(request.user).filter(plan__year=year), today)
        .filter(is_overdue=True).order_by("deadline", "pk")[:100], today)
    return render(request, "community/staff/plans.html", {
        "plans": plan_rows, "overdue": overdue, "year": year, "today": today,
    })


@login_required
def plan_detail(request, pk: int):
    plan = queries.plans_for(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Không có kế hoạch này hoặc bạn không được xem."))
    today = vn_today()
    tasks = queries.with_overdue(PlanTask.objects.filter(plan=plan), today).select_related(
        "owner_agency", "owner_department")
    if request.GET.get("loc") == "qua_han":
        tasks = tasks.filter(is_overdue=True)
    rows = _with_labels(tasks.order_by("-is_overdue", "status", "deadline", "number"), today)
    progress = queries.plan_progress(plan.unit, plan.year, today=today)
    return render(request, "community/staff/plan.html", {"plan": plan, "tasks": rows, "progress": progress,
                                                         "filter": request.GET.get("loc", "")})


@login_required
@require_http_methods(["GET", "POST"])
def task_detail(request, pk: int):
    today = vn_today()
    task = queries.with_overdue(queries.tasks_for(request.user), today).filter(pk=pk).first()
    if task is None:
        raise Http404(_("Không có nhiệm vụ này hoặc bạn không được xem."))
    form = TaskReportForm(request.POST or None, request.FILES or None,
                          initial={"status": task.status, "progress": task.progress})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan_services.report_progress(request.user, task, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi báo cáo tiến độ."))
                return redirect("community:task", pk=task.pk)
        status = 400
    task.deadline_label = _deadline_label(load_calendar(), today, task)
    return render(request, "community/staff/task.html", {
        "task": task, "reports": list(task.reports.all()), "form": form, "can_report": task.status != "done",
    }, status=status)
