"""Pages of the assessment: results (ranking + map), criteria sets (+ import/export), the
official's workspace, one assessment (the unit's form, the reviewer's form, actions), a unit's
years, and the plan. The province is `?tinh=<code>` (default settings.DEMO_PROVINCE_CODE).
Every page runs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyenso.core.text import is_digits
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, scoring, services, transfer, workflow
from .forms import CommentForm, ImportForm, StartForm, review_entries, unit_entries
from .models import Assessment, CriteriaSet, Method, SetStatus, Status, Subject

MAX_ID = 2**31 - 1


def _province(request) -> AdministrativeUnit:
    code = queries.clean_code(request.GET.get("tinh") or settings.DEMO_PROVINCE_CODE)[:2]
    province = None if not code else AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=code).first()
    if province is None:
        raise Http404(_("Không có tỉnh này."))
    return province


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("nam", default))
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


def _commune_set(province, code: str) -> CriteriaSet | None:
    qs = queries.public_sets(province).filter(subject=Subject.COMMUNE)
    code = queries.clean_code(code)
    return (qs.filter(code=code).first() if code else None) or qs.first()


@require_GET
def index(request):
    province = _province(request)
    criteria_set = _commune_set(province, request.GET.get("bo", ""))
    years = queries.years(province, criteria_set.code) if criteria_set else []
    year = _year(request, years[0] if years else datetime.date.today().year)
    rows = queries.ranking(criteria_set.code, province, year) if criteria_set else []
    return render(request, "assessment/index.html", {
        "province": province, "criteria_set": criteria_set, "year": year, "years": years, "rows": rows,
        "map": queries.map_points(rows), "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "sets": queries.public_sets(province).filter(subject=Subject.COMMUNE),
    })


@require_GET
def sets(request):
    province = _province(request)
    items = queries.visible_sets(request.user, province).order_by("code", "-version")
    can_import = services._can_manage_sets(request.user, province) if request.user.is_authenticated else False
    return render(request, "assessment/sets.html", {"province": province, "sets": items, "can_import": can_import})


def _set_or_404(request, set_id: int) -> CriteriaSet:
    if set_id > MAX_ID:
        raise Http404
    s = CriteriaSet.objects.select_related("province").filter(pk=set_id).first()
    if s is None or not queries.visible_sets(request.user, s.province).filter(pk=s.pk).exists():
        raise Http404(_("Không có bộ tiêu chí này."))
    return s


@require_http_methods(["GET", "POST"])
def set_detail(request, set_id: int):
    s = _set_or_404(request, set_id)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            services.publish_set(s, user=request.user)
            messages.success(request, _("Đã ban hành bộ tiêu chí; phiên bản này không sửa được nữa."))
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assessment:set", set_id=s.pk)
    groups = list(s.groups.order_by("order"))
    indicators = list(s.indicators.order_by("order"))
    for g in groups:
        g.items = [i for i in indicators if i.group_id == g.pk]
    can_manage = request.user.is_authenticated and services._can_manage_sets(request.user, s.province)
    reviewers = list(s.reviewers.select_related("user", "agency").order_by("user__full_name")) \
        if can_manage or queries.is_reviewer(request.user, s) else []
    return render(request, "assessment/set.html", {
        "s": s, "groups": groups, "can_publish": can_manage and s.status == SetStatus.DRAFT, "reviewers": reviewers,
    })


@require_GET
def set_export(request, set_id: int, fmt: str):
    if fmt not in ("json", "xlsx"):
        raise Http404
    s = _set_or_404(request, set_id)
    data = transfer.export(s)
    name = f"bo-tieu-chi-{s.code}-v{s.version}"
    if fmt == "xlsx":
        response = HttpResponse(transfer.to_xlsx(data),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = HttpResponse(transfer.to_json(data), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def set_import(request):
    province = _province(request)
    if not services._can_manage_sets(request.user, province):
        raise PermissionDenied(_("Chỉ quản trị Sở KH&CN hoặc UBND tỉnh được nhập bộ tiêu chí."))
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read(transfer.MAX_BYTES + 1)
        try:
            s = services.import_criteria(content, province=province, user=request.user,
                                         publish=form.cleaned_data["publish"])
        except transfer.ImportFailed as exc:
            errors = exc.errors
        except (ValidationError, PermissionDenied) as exc:
            errors = getattr(exc, "messages", [str(exc)])
        else:
            messages.success(request, _("Đã nhập bộ tiêu chí %(c)s, phiên bản %(v)s.") % {"c": s.code, "v": s.version})
            return redirect("assessment:set", set_id=s.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "assessment/import.html", {"province": province, "form": form, "errors": errors},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def workspace(request):
    province = _province(request)
    mine = list(queries.with_related(Assessment.objects.filter(province=province).filter(
        queries.member_condition(request.user))).order_by("-year", "unit__name")[:100])
    queue = list(queries.with_related(Assessment.objects.filter(province=province).filter(
        queries.reviewer_condition(request.user)).filter(status__in=[Status.SUBMITTED, Status.IN_REVIEW]))
        .order_by("submitted_at")[:200])
    starts = []
    for s in queries.public_sets(province):
        agencies = list(queries.startable_agencies(request.user, s).order_by("name")[:200]) \
            if not request.user.is_superuser else []
        if agencies:
            form = StartForm(initial={"year": datetime.date.today().year}, prefix=f"s{s.pk}")
            form.fields["agency"].choices = [(a.pk, a.name) for a in agencies]
            starts.append((s, form))
    if request.method == "POST":
        set_id = str(request.POST.get("set", ""))
        s = queries.public_sets(province).filter(pk=int(set_id)).first() \
            if is_digits(set_id) and int(set_id) <= MAX_ID else None
        if s is None:
            messages.error(request, _("Không có bộ tiêu chí này."))
        else:
            agencies = queries.startable_agencies(request.user, s)
            form = StartForm(request.POST, prefix=f"s{s.pk}")
            form.fields["agency"].choices = list(agencies.values_list("pk", "name"))
            if form.is_valid():
                try:
                    a = services.start_assessment(s, agencies.get(pk=form.cleaned_data["agency"]),
                                                  form.cleaned_data["year"], user=request.user)
                    return redirect("assessment:detail", pk=a.pk)
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            else:
                messages.error(request, _("Chọn đơn vị và năm đánh giá hợp lệ."))
    return render(request, "assessment/workspace.html", {"province": province, "mine": mine, "queue": queue,
                                                         "starts": starts})


def _assessment_or_404(request, pk: int) -> Assessment:
    if pk > MAX_ID:
        raise Http404
    a = queries.with_related(queries.visible_assessments(request.user)).filter(pk=pk).first()
    if a is None:
        raise Http404(_("Không có bản đánh giá này hoặc bạn không được xem."))
    return a


@require_http_methods(["GET", "POST"])
def detail(request, pk: int):
    a = _assessment_or_404(request, pk)
    is_member = queries.is_member(request.user, a) or (request.user.is_authenticated and request.user.is_superuser)
    is_reviewer = queries.is_reviewer(request.user, a)
    scores = queries.scores_of(a)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied
        action = request.POST.get("action", "")
        try:
            if action == "save":
                services.save_indicators(a, unit_entries(request.POST, request.FILES, scores), user=request.user)
                messages.success(request, _("Đã lưu."))
            elif action == "refresh":
                services.refresh_computed(a, user=request.user)
                messages.success(request, _("Đã cập nhật số liệu tự động."))
            elif action == "submit":
                services.save_indicators(a, unit_entries(request.POST, request.FILES, scores), user=request.user)
                services.submit(a, user=request.user)
                messages.success(request, _("Đã gửi thẩm định."))
            elif action == "review":
                services.review_indicators(a, review_entries(request.POST, scores), user=request.user)
                messages.success(request, _("Đã lưu điểm thẩm định."))
            elif action == "accept":
                services.accept_self_scores(a, user=request.user)
                messages.success(request, _("Đã chấp nhận điểm tự chấm của các chỉ tiêu chưa chấm."))
            elif action == "return":
                form = CommentForm(request.POST)
                services.return_assessment(a, user=request.user,
                                           comment=form.data.get("comment", "") if form.is_valid() else "")
                messages.success(request, _("Đã trả lại đơn vị."))
            elif action == "publish":
                services.publish_assessment(a, user=request.user)
                messages.success(request, _("Đã công bố kết quả."))
            else:
                raise ValidationError(_("Thao tác không hợp lệ."))
            return redirect("assessment:detail", pk=a.pk)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            errors, status = exc.messages, 400
            a = _assessment_or_404(request, pk)
            scores = queries.scores_of(a)
    show_review = a.status == Status.PUBLISHED or is_member or is_reviewer
    for score in scores:
        score.display = _display(score)
    return render(request, "assessment/detail.html", {
        "a": a, "scores": scores, "groups": queries.group_summary(scores, final=a.status != Status.DRAFT),
        "can_edit": is_member and a.status in workflow.EDIT_UNIT,
        "can_review": is_reviewer and a.status in workflow.EDIT_REVIEW,
        "transitions": workflow.available(a.status, is_unit=is_member, is_reviewer=is_reviewer),
        "show_review": show_review, "errors": errors, "comment_form": CommentForm(),
        "submission_errors": services.submission_errors(a, scores) if is_member and a.status in workflow.EDIT_UNIT
        else [],
        "events": list(a.events.select_related("actor")) if is_member or is_reviewer else [],
    }, status=status)


def _n(value) -> str:
    """A Decimal as people write it in the active language (Vietnamese: 35,48)."""
    from django.utils.formats import number_format

    return number_format(value.normalize(), use_l10n=True)


def _display(score) -> str:
    """The measured value as people read it: "45/50 (90%)", "3 cuộc họp", "Có", an option's label."""
    ind = score.indicator
    if ind.method in (Method.RATIO, Method.THRESHOLD) and score.value_b is not None:
        pct = scoring.percent(score.value_a, score.value_b)
        if score.value_b == 100:
            return f"{_n(pct)}%"
        return f"{_n(score.value_a)}/{_n(score.value_b)} ({_n(pct)}%)"
    if ind.method == Method.STEPS and score.value_number is not None:
        return f"{_n(score.value_number)} {ind.unit_of_measure}".strip()
    if ind.method == Method.YES_NO and score.value_bool is not None:
        return _("Có") if score.value_bool else _("Không")
    if ind.method == Method.CHOICE and score.value_choice:
        return next((o["label"] for o in ind.options if o["key"] == score.value_choice), score.value_choice)
    return ""


@login_required
@require_GET
def evidence(request, pk: int, score_id: int):
    a = _assessment_or_404(request, pk)
    if not (queries.is_member(request.user, a) or queries.is_reviewer(request.user, a)):
        raise PermissionDenied
    s = a.scores.filter(pk=min(score_id, MAX_ID)).first()
    if s is None or not s.evidence_file:
        raise Http404
    from django.http import FileResponse

    return FileResponse(s.evidence_file.open("rb"), as_attachment=True, filename=s.evidence_file.name.rsplit("/", 1)[-1])


@require_GET
def unit_history(request, code: str):
    code = queries.clean_code(code)[:10]
    unit = None if not code else AdministrativeUnit.objects.current().filter(code=code[:10]).exclude(level=Level.DISTRICT).first()
    if unit is None:
        raise Http404(_("Không có đơn vị này."))
    rows = queries.history(unit, request.user)
    previous: dict = {}
    for a in reversed(rows):
        prev = previous.get(a.criteria_set.code)
        a.delta = (a.score_index - prev) if (a.score_index is not None and prev is not None) else None
        if a.score_index is not None:
            previous[a.criteria_set.code] = a.score_index
    return render(request, "assessment/unit.html", {"unit": unit, "rows": rows})


@require_GET
def plan(request):
    province = _province(request)
    criteria_set = _commune_set(province, request.GET.get("bo", ""))
    rows = queries.plan_progress(province, criteria_set.code) if criteria_set else []
    return render(request, "assessment/plan.html", {"province": province, "criteria_set": criteria_set, "rows": rows})

