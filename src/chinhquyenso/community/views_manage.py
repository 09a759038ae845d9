"""Officials' forms that create things: a village, a yearly plan and its tasks, questions of the
bank and quizzes. Choices offered are already scoped (agencies the official sees); the services
check again."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.workdays.queries import today as vn_today

from . import queries
from .forms import PlanForm, QuestionForm, QuizForm, TaskForm, VillageForm
from .models import Question
from .services import plans as plan_services
from .services import quizzes as quiz_services
from .services import teams as team_services

COMMITTEES = (AgencyKind.PROVINCE_PC, AgencyKind.COMMUNE_PC)
MAX_CHOICES = 300


def _add_error(form, exc) -> None:
    form.add_error(None, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))


def _committees(user) -> list[Agency]:
    return list(visible_agencies(user).filter(kind__in=COMMITTEES, is_active=True)
                .order_by("path")[:MAX_CHOICES])


def _pick(agencies: list[Agency], pk) -> Agency | None:
    return next((a for a in agencies if str(a.pk) == str(pk)), None)


@login_required
@require_http_methods(["GET", "POST"])
def village_create(request, code: str):
    commune = queries.manageable_communes(request.user).filter(code=code[:10]).select_related("province").first()
    if commune is None:
        raise PermissionDenied(_("Bạn không quản lý xã, phường này."))
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team_services.create_village(request.user, commune, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(v)s.") % {"v": form.cleaned_data["name"]})
            return redirect(f"{reverse('community:teams')}?xa={commune.code}")
    return render(request, "community/staff/form.html", {
        "title": _("Thêm thôn, tổ dân phố — %(c)s") % {"c": commune.full_name}, "form": form,
        "back": f"{reverse('community:teams')}?xa={commune.code}",
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    agencies = _committees(request.user)
    if not agencies:
        raise PermissionDenied(_("Bạn không thuộc UBND tỉnh hoặc UBND xã nào."))
    form = PlanForm(request.POST or None, agencies=agencies, initial={"year": vn_today().year})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = _pick(agencies, data.pop("agency"))
        try:
            plan = plan_services.create_plan(request.user, agency, **data)
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã tạo kế hoạch."))
            return redirect("community:plan", pk=plan.pk)
    return render(request, "community/staff/form.html", {
        "title": _("Tạo kế hoạch chuyển đổi số năm"), "form": form, "back": reverse("community:plans"),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request, pk: int):
    plan = queries.plans_for(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Không có kế hoạch này hoặc bạn không được xem."))
    # Owners: the plan's committee, its offices and centres, and (for a province) its departments.
    owners = list(Agency.objects.filter(Q(pk=plan.agency_id) | Q(parent_id=plan.agency_id), is_active=True)
                  .order_by("path")[:MAX_CHOICES])
    form = TaskForm(request.POST or None, agencies=owners)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        owner = _pick(owners, data.pop("owner_agency"))
        try:
            plan_services.add_task(request.user, plan, owner_agency=owner, **data)
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã thêm nhiệm vụ."))
            return redirect("community:plan", pk=plan.pk)
    return render(request, "community/staff/form.html", {
        "title": _("Thêm nhiệm vụ — %(p)s") % {"p": plan.title}, "form": form,
        "back": reverse("community:plan", args=[plan.pk]),
    }, status=400 if request.method == "POST" else 200)


def _own_provinces(user):
    return visible_agencies(user).values("province_id")


@login_required
@require_http_methods(["GET", "POST"])
def questions(request):
    if not request.user.is_official:
        raise PermissionDenied(_("Chỉ cán bộ được quản lý ngân hàng câu hỏi."))
    qs = Question.objects.filter(province__in=_own_provinces(request.user)).annotate(
        n_choices=Count("choices"), n_correct=Count("choices", filter=Q(choices__is_correct=True)))
    agencies = list(visible_agencies(request.user).select_related("province")[:1])
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not agencies:
            raise PermissionDenied(_("Bạn không thuộc cơ quan nào."))
        try:
            quiz_services.create_question(request.user, agencies[0].province, topic=form.cleaned_data["topic"],
                                          text=form.cleaned_data["text"], choices=form.parsed_choices(),
                                          explanation=form.cleaned_data["explanation"])
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã thêm câu hỏi."))
            return redirect("community:questions")
    page = Paginator(qs.order_by("topic", "-id"), 50).get_page(request.GET.get("trang"))
    return render(request, "community/staff/questions.html", {"page": page, "form": form},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def quiz_create(request):
    agencies = _committees(request.user)
    if not agencies:
        raise PermissionDenied(_("Bạn không thuộc UBND tỉnh hoặc UBND xã nào."))
    bank = Question.objects.filter(province__in=_own_provinces(request.user), is_active=True)
    topics = list(bank.values_list("topic", flat=True).distinct().order_by("topic"))
    form = QuizForm(request.POST or None, agencies=agencies, topics=topics)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        agency = _pick(agencies, data.pop("agency"))
        chosen = data.pop("topics")
        pool = bank.filter(province=agency.province_id)
        if chosen:
            pool = pool.filter(topic__in=chosen)
        try:
            quiz = quiz_services.create_quiz(request.user, agency, questions=list(pool), **data)
        except (ValidationError, PermissionDenied) as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã tạo cuộc thi."))
            return redirect("community:quiz", pk=quiz.pk)
    if request.method == "GET":
        start = datetime.datetime.combine(vn_today() + datetime.timedelta(days=1), datetime.time(7, 0))
        form.initial.update({"opens_at": start, "closes_at": start + datetime.timedelta(days=14),
                             "duration_minutes": 15, "question_count": 10})
    return render(request, "community/staff/form.html", {
        "title": _("Tạo cuộc thi tìm hiểu"), "form": form, "back": reverse("community:quizzes"),
    }, status=400 if request.method == "POST" else 200)
