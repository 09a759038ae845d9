"""The citizen portal: track a dossier without logging in, file online step by step (draft, resume,
check your answers, confirmation), my dossiers, supplements, withdrawal and rating."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyenso.agencies.models import Agency
from chinhquyenso.procedures.models import CompetentLevel, ComponentSpec
from chinhquyenso.procedures.queries import find_published

from .. import queries, services
from ..forms import ApplicantForm, CommuneChoiceForm, DeliveryForm, LookupForm, RatingForm, UploadForm
from ..models import Dossier, DossierComponent
from ..workflow import Status
from .common import component_file, fee_qr, page_of, rate_limited, report, result_file, timeline

LOOKUPS_PER_10_MIN = 30
WIZARD_STEPS = [("nguoi-nop", gettext_lazy("Người nộp")), ("giay-to", gettext_lazy("Giấy tờ")),
                ("nhan-ket-qua", gettext_lazy("Nhận kết quả")), ("kiem-tra", gettext_lazy("Kiểm tra và nộp"))]


@require_GET
def lookup(request):
    """Tra cứu hồ sơ by code + phone (the QR code on every slip links here with ?ma=)."""
    form = LookupForm(request.GET or None, initial={"ma": request.GET.get("ma", "")})
    result, status = None, 200
    if request.GET.get("ma") and request.GET.get("dien_thoai"):
        if rate_limited(request, "dossier-lookup", LOOKUPS_PER_10_MIN):
            messages.error(request, _("Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."))
            status = 429
        elif form.is_valid():
            result = queries.public_lookup(form.cleaned_data["ma"], form.cleaned_data["dien_thoai"])
            if result is None:
                status = 404
                messages.error(request, _("Không tìm thấy hồ sơ với mã và số điện thoại này. Kiểm tra lại mã "
                                          "trên giấy tiếp nhận và số điện thoại đã khai."))
    elif request.GET.get("ma") or request.GET.get("dien_thoai"):
        form = LookupForm(initial={"ma": request.GET.get("ma", "")})
    return render(request, "dossiers/lookup.html", {"form": form, "result": result}, status=status)


def _version_or_404(code: str):
    version = find_published(code, settings.DEMO_PROVINCE_CODE) or find_published(code)
    if version is None:
        raise Http404(_("Không tìm thấy thủ tục đang áp dụng với mã này."))
    return version


def _communes(version):
    return (Agency.objects.filter(province_id=version.province_id, kind=version.competent_agency_kind, is_active=True)
            .select_related("unit").order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def start(request, code: str):
    """Nộp hồ sơ trực tuyến: choose where (commune-level procedures) and open a draft."""
    version = _version_or_404(code)
    needs_place = version.level == CompetentLevel.COMMUNE and not version.competent_agency_id
    agencies = _communes(version) if needs_place else []
    form = CommuneChoiceForm(request.POST or None, agencies=agencies)
    drafts = queries.for_citizen(request.user).filter(status=Status.DRAFT, procedure_version=version)
    if request.method == "POST":
        resolving = None
        if needs_place:
            if not form.is_valid():
                return render(request, "dossiers/start.html", {"version": version, "form": form, "drafts": drafts},
                              status=400)
            resolving = get_object_or_404(agencies, pk=form.cleaned_data["agency"])
        try:
            dossier = services.start_draft(user=request.user, procedure_version=version, resolving_agency=resolving)
        except services.DossierError as err:
            status = report(request, err)
            return render(request, "dossiers/start.html", {"version": version, "form": form, "drafts": drafts},
                          status=status)
        return redirect("dossiers:wizard", pk=dossier.pk, step="nguoi-nop")
    return render(request, "dossiers/start.html", {"version": version, "form": form, "drafts": drafts,
                                                   "needs_place": needs_place})


def _own_dossier(request, pk: int) -> Dossier:
    dossier = (queries.for_citizen(request.user).filter(pk=pk)
               .select_related("procedure_version", "resolving_agency", "reception_agency")
               .prefetch_related("fees", Prefetch("components", queryset=_live_components()))
               .first())
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def _live_components():
    return DossierComponent.objects.filter(is_deleted=False).order_by("id")


def _initial_applicant(dossier: Dossier) -> dict:
    return {
        "kind": dossier.applicant_kind, "name": dossier.applicant_name, "id_number": dossier.applicant_id_number,
        "birth_date": dossier.applicant_birth_date, "address": dossier.applicant_address,
        "phone": dossier.applicant_phone, "email": dossier.applicant_email,
        "representative_name": dossier.representative_name,
        "representative_id_number": dossier.representative_id_number,
        "representative_phone": dossier.representative_phone,
        "representative_relation": dossier.representative_relation, "subject": dossier.subject,
        "sets_count": dossier.sets_count,
    }


@login_required
@require_http_methods(["GET", "POST"])
def wizard(request, pk: int, step: str):
    """One page per step; every POST saves the draft, so the citizen can stop and resume."""
    if step not in dict(WIZARD_STEPS):
        raise Http404()
    dossier = _own_dossier(request, pk)
    if dossier.status != Status.DRAFT:
        return redirect("dossiers:mine_detail", pk=dossier.pk)
    version = dossier.procedure_version
    specs = list(ComponentSpec.objects.filter(version=version).order_by("order"))
    context = {"dossier": dossier, "version": version, "step": step, "steps": WIZARD_STEPS, "specs": specs}
    status = 200
    if step == "nguoi-nop":
        form = ApplicantForm(request.POST or None, initial=_initial_applicant(dossier))
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.save_draft(dossier, user=request.user, applicant=form.applicant())
                    return redirect("dossiers:wizard", pk=pk, step="giay-to")
                except services.DossierError as err:
                    status = report(request, err)
            else:
                status = 400
        context["form"] = form
    elif step == "giay-to":
        uploaded = {c.spec_id: c for c in dossier.components.all()}
        context["rows"] = [(spec, uploaded.get(spec.pk)) for spec in specs]
        context["upload_form"] = UploadForm()
    elif step == "nhan-ket-qua":
        form = DeliveryForm(request.POST or None, initial={"result_delivery": dossier.result_delivery,
                                                           "delivery_address": dossier.delivery_address})
        if request.method == "POST":
            if form.is_valid():
                try:
                    services.save_draft(dossier, user=request.user,
                                        result_delivery=form.cleaned_data["result_delivery"],
                                        delivery_address=form.cleaned_data["delivery_address"])
                    return redirect("dossiers:wizard", pk=pk, step="kiem-tra")
                except services.DossierError as err:
                    status = report(request, err)
            else:
                status = 400
        context["form"] = form
    else:  # kiem-tra: check your answers
        uploaded = {c.spec_id for c in dossier.components.all()}
        context["missing"] = [s for s in specs if s.required and s.pk not in uploaded]
        context["idempotency_key"] = uuid.uuid4().hex
        context["qr"] = fee_qr(dossier)
    return render(request, "dossiers/wizard.html", context, status=status)


@login_required
@require_POST
def upload(request, pk: int, spec_id: int):
    dossier = _own_dossier(request, pk)
    form = UploadForm(request.POST, request.FILES)
    back = reverse("dossiers:wizard", kwargs={"pk": pk, "step": "giay-to"})
    if dossier.status == Status.SUPPLEMENT:
        back = reverse("dossiers:mine_detail", kwargs={"pk": pk})
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn một tệp để tải lên."))
        return redirect(back)
    try:
        upload = form.cleaned_data["file"]
        # spec 0 = a document outside the catalogue's list (e.g. one asked for in a supplement request).
        services.attach_component(dossier, actor=request.user, spec=spec_id or None,
                                  name="" if spec_id else _("Giấy tờ bổ sung: %(name)s") % {"name": upload.name[:200]},
                                  uploaded_file=upload)
        messages.success(request, _("Đã tải lên “%(name)s”.") % {"name": form.cleaned_data["file"].name})
    except services.DossierError as err:
        report(request, err)
    return redirect(back)


@login_required
@require_POST
def submit(request, pk: int):
    """Double click, refresh or a retried POST carry the same key → one dossier (services.submit)."""
    dossier = _own_dossier(request, pk)
    try:
        dossier = services.submit(dossier, user=request.user,
                                  idempotency_key=(request.POST.get("idempotency_key") or "")[:128])
    except services.DossierError as err:
        report(request, err)
        return redirect("dossiers:wizard", pk=pk, step="kiem-tra")
    messages.success(request, _("Đã nộp hồ sơ. Mã hồ sơ của bạn: %(code)s") % {"code": dossier.code})
    return redirect(reverse("dossiers:mine_detail", kwargs={"pk": dossier.pk}) + "?moi-nop=1")


@login_required
@require_GET
def mine(request):
    qs = (queries.for_citizen(request.user).select_related("procedure_version", "current_agency")
          .order_by("status", "-submitted_at", "-id"))
    return render(request, "dossiers/mine.html", {"page": page_of(request, qs, 20)})


@login_required
@require_GET
def mine_detail(request, pk: int):
    dossier = queries.detail(queries.for_citizen(request.user)).filter(pk=pk).first()
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    if dossier.status == Status.DRAFT:
        return redirect("dossiers:wizard", pk=pk, step="nguoi-nop")
    actions = {t.action for t in queries.available_actions(dossier, request.user)}
    open_supplement = next((s for s in dossier.supplements.all() if s.completed_at is None), None)
    return render(request, "dossiers/mine_detail.html", {
        "dossier": dossier, "timeline": timeline(dossier), "actions": actions, "supplement": open_supplement,
        "rating_form": RatingForm(), "upload_form": UploadForm(), "qr": fee_qr(dossier),
        "just_submitted": request.GET.get("moi-nop") == "1",
        "components": [c for c in dossier.components.all() if not c.is_deleted],
        "slips": [s for s in dossier.slips.all() if s.kind in ("BM01", "BM02", "BM03", "BM04")],
    })


@login_required
@require_POST
def mine_action(request, pk: int, action: str):
    """The applicant's own actions: supply (after uploading), withdraw, rate."""
    dossier = queries.for_citizen(request.user).filter(pk=pk).first()
    if dossier is None or action not in ("supply", "withdraw", "rate"):
        raise Http404()
    payload = {}
    if action == "rate":
        form = RatingForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Vui lòng chọn mức độ hài lòng."))
            return redirect("dossiers:mine_detail", pk=pk)
        payload = {"rating": form.cleaned_data["rating"], "comment": form.cleaned_data["comment"]}
    elif action == "withdraw":
        payload = {"reason": request.POST.get("reason", "")[:2000]}
    else:
        payload = {"note": request.POST.get("note", "")[:2000]}
    try:
        services.perform(dossier.pk, action, actor=request.user, **payload)
        messages.success(request, {"supply": _("Đã gửi giấy tờ bổ sung."), "withdraw": _("Đã rút hồ sơ."),
                                   "rate": _("Cảm ơn bạn đã đánh giá.")}[action])
    except services.DossierError as err:
        report(request, err)
    return redirect("dossiers:mine_detail", pk=pk)


@login_required
@require_GET
def mine_file(request, pk: int, component_id: int):
    dossier = queries.for_citizen(request.user).filter(pk=pk).first()
    if dossier is None:
        raise Http404()
    return component_file(get_object_or_404(dossier.components.filter(is_deleted=False), pk=component_id))


@login_required
@require_GET
def mine_result(request, pk: int, result_id: int):
    dossier = queries.for_citizen(request.user).filter(pk=pk).first()
    if dossier is None:
        raise Http404()
    return result_file(get_object_or_404(dossier.results.exclude(file=""), pk=result_id))
