"""Staff pages for those who maintain the catalogue: agency administrators of the managing agency
and system administrators. Every object is fetched through queries.manageable_procedures (one SQL
predicate), so another agency's procedure is a 404, not a 403 that confirms it exists."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, services, transfer
from .forms import (
    ComponentFormSet,
    FeeFormSet,
    ImportForm,
    NewProcedureForm,
    NewVersionForm,
    PublishForm,
    StepFormSet,
    VersionForm,
    rows_of,
)
from .models import ProcedureVersion, VersionStatus
from .services import COMPONENT_FIELDS, CONTENT_FIELDS, FEE_FIELDS, STEP_FIELDS


def manager_required(view):
    """Signed in and holding an agency- or system-administrator role somewhere."""
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not visible_agencies(request.user, queries.MANAGER_ROLES).exists():
            raise PermissionDenied(_("Chỉ quản trị cơ quan hoặc quản trị hệ thống được quản lý danh mục thủ tục."))
        return view(request, *args, **kwargs)
    return wrapped


def _provinces(user):
    ids = visible_agencies(user, queries.MANAGER_ROLES).values("province_id")
    return AdministrativeUnit.objects.filter(pk__in=ids, level=Level.PROVINCE).order_by("code")


def _agencies(province_id):
    return Agency.objects.filter(province_id=province_id, is_active=True).order_by("path")


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" if field != "__all__" else m for field, ms in exc.message_dict.items() for m in ms]
    return exc.messages


@manager_required
def staff_list(request):
    q = request.GET.get("q", "")[:100]
    page = Paginator(queries.staff_procedures(request.user, q), 50).get_page(request.GET.get("trang"))
    return render(request, "procedures/staff/list.html", {"page": page, "q": q})


@manager_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    provinces = _provinces(request.user)
    form = NewProcedureForm(request.POST or None, provinces=provinces,
                            agencies=Agency.objects.filter(province__in=provinces, is_active=True))
    errors = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        province = data.pop("province")
        national, suffix = services.parse_code(data.pop("code"))
        managing = services.default_managing_agency(province, data.get("competent_agency"))
        if managing is None or not visible_agencies(request.user, queries.MANAGER_ROLES).filter(pk=managing.pk).exists():
            errors.append(_("Bạn không quản lý cơ quan sẽ quản lý thủ tục này (cơ quan có thẩm quyền hoặc UBND tỉnh)."))
        else:
            try:
                version = services.create_procedure(province=province, national_code=national, local_suffix=suffix,
                                                    managing_agency=managing, **data)
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã tạo thủ tục; hãy bổ sung thành phần hồ sơ, phí và quy trình."))
                return redirect("procedures:staff_edit", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "procedures/staff/create.html", {"form": form, "errors": errors}, status=status)


@manager_required
def staff_procedure(request, pk: int):
    procedure = get_object_or_404(queries.manageable_procedures(request.user).select_related("province"), pk=pk)
    versions = list(queries.with_parts(procedure.versions.all(), steps=True).order_by("-number"))
    history = []
    for i, version in enumerate(versions):
        previous = versions[i + 1] if i + 1 < len(versions) else None
        history.append({"version": version, "first": previous is None,
                        "changes": queries.diff_versions(previous, version) if previous else []})
    return render(request, "procedures/staff/procedure.html", {
        "procedure": procedure, "history": history,
        "has_draft": any(v.status == VersionStatus.DRAFT for v in versions),
        "new_version_form": NewVersionForm(), "publish_form": PublishForm(),
    })


def _draft_or_404(request, pk):
    return get_object_or_404(queries.manageable_versions(request.user).select_related("procedure", "province"), pk=pk)


def _part_formsets(version, data=None, files=None):
    # Initial rows on POST too: an unchanged form template file is then kept, not dropped.
    agencies = _agencies(version.province_id)
    initial = {
        "components": [{f: getattr(c, f) for f in COMPONENT_FIELDS} for c in version.components.order_by("order")],
        "fees": [{f: getattr(c, f) for f in FEE_FIELDS} for c in version.fees.order_by("order")],
        "steps": [{f: getattr(c, f) for f in STEP_FIELDS} for c in version.steps.order_by("order")],
    }
    return {
        "components": ComponentFormSet(data, files, prefix="tp", initial=initial["components"]),
        "fees": FeeFormSet(data, prefix="phi", initial=initial["fees"]),
        "steps": StepFormSet(data, prefix="bx", initial=initial["steps"], form_kwargs={"agencies": agencies}),
    }


@manager_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, pk: int):
    version = _draft_or_404(request, pk)
    if version.is_frozen:
        messages.error(request, _("Phiên bản đã công bố không sửa được; hãy tạo phiên bản mới."))
        return redirect("procedures:staff_procedure", pk=version.procedure_id)
    agencies = _agencies(version.province_id)
    errors = []
    if request.method == "POST":
        form = VersionForm(request.POST, instance=ProcedureVersion(province=version.province), agencies=agencies)
        sets = _part_formsets(version, request.POST, request.FILES)
        if form.is_valid() and all(s.is_valid() for s in sets.values()):
            content = {f: form.cleaned_data[f] for f in CONTENT_FIELDS}
            try:
                services.update_draft(
                    version, **content,
                    components=rows_of(sets["components"], COMPONENT_FIELDS),
                    fees=rows_of(sets["fees"], FEE_FIELDS),
                    steps=rows_of(sets["steps"], STEP_FIELDS),
                )
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("Đã lưu bản nháp."))
                return redirect("procedures:staff_edit", pk=version.pk)
    else:
        form = VersionForm(instance=version, agencies=agencies)
        sets = _part_formsets(version)
    status = 400 if request.method == "POST" else 200
    return render(request, "procedures/staff/edit.html", {
        "version": version, "form": form, "sets": sets, "errors": errors,
        "publish_problems": services.publish_errors(version) if request.method == "GET" else [],
    }, status=status)


@manager_required
@require_POST
def staff_publish(request, pk: int):
    version = _draft_or_404(request, pk)
    form = PublishForm(request.POST)
    decision = form.cleaned_data["decision"] if form.is_valid() else ""
    try:
        services.publish(version, decision=decision)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("procedures:staff_edit", pk=version.pk) if not version.is_frozen else redirect(
            "procedures:staff_procedure", pk=version.procedure_id)
    messages.success(request, _("Đã công bố phiên bản %(n)s.") % {"n": version.number})
    return redirect("procedures:staff_procedure", pk=version.procedure_id)


@manager_required
@require_POST
def staff_new_version(request, pk: int):
    procedure = get_object_or_404(queries.manageable_procedures(request.user), pk=pk)
    form = NewVersionForm(request.POST)
    note = form.cleaned_data["change_note"] if form.is_valid() else ""
    try:
        version = services.new_version(procedure, change_note=note)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("procedures:staff_procedure", pk=procedure.pk)
    return redirect("procedures:staff_edit", pk=version.pk)


@manager_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    provinces = _provinces(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, provinces=provinces)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > transfer.MAX_BYTES:
            errors = [_("Tệp quá lớn (tối đa 10 MB).")]
        else:
            try:
                result = transfer.import_file(upload.read(), province=form.cleaned_data["province"],
                                              publish=form.cleaned_data["publish"], filename=upload.name,
                                              user=request.user)
            except transfer.ImportFailed as exc:
                errors = exc.messages
    status = 400 if request.method == "POST" and (errors or not form.is_valid()) else 200
    return render(request, "procedures/staff/import.html", {"form": form, "errors": errors, "result": result},
                  status=status)


@manager_required
def staff_export(request):
    province = get_object_or_404(_provinces(request.user), code=request.GET.get("tinh", ""))
    data = transfer.export_catalogue(province)
    if request.GET.get("dinh_dang") == "xlsx":
        response = HttpResponse(transfer.to_xlsx(data),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        name = f"thu-tuc-{province.code}.xlsx"
    else:
        response = HttpResponse(transfer.to_json(data), content_type="application/json; charset=utf-8")
        name = f"thu-tuc-{province.code}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
