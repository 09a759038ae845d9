"""The officers' workspace: queues per role, the dossier page with the actions the user may take,
and counter reception of walk-in dossiers with scanning (digitization) and the printed receipt."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyenso.accounts.models import Role, User
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import SERVICE_CENTRE_KINDS
from chinhquyenso.audit.services import record_personal_data_view
from chinhquyenso.core.text import mask
from chinhquyenso.procedures.models import ComponentSpec
from chinhquyenso.procedures.queries import published

from .. import queries, services
from ..forms import ApplicantForm, CounterDeliveryForm, CounterProcedureForm, QueueFilterForm
from ..models import PaymentMethod
from ..workflow import Status, transition
from .common import component_file, fee_qr, page_of, report, result_file, timeline

QUEUE_TABS = [
    ("tiep-nhan", gettext_lazy("Chờ tiếp nhận")), ("chuyen-xu-ly", gettext_lazy("Chờ chuyển xử lý")),
    ("xu-ly", gettext_lazy("Chờ xử lý")), ("phe-duyet", gettext_lazy("Chờ phê duyệt")),
    ("tra-ket-qua", gettext_lazy("Chờ trả kết quả")), ("cho-bo-sung", gettext_lazy("Chờ bổ sung")),
    ("tat-ca", gettext_lazy("Tất cả")),
]


def _official(request):
    if not request.user.is_official and not request.user.is_superuser:
        raise PermissionDenied(_("Trang này dành cho cán bộ, công chức."))


@login_required
@require_GET
def queue(request, tab: str = ""):
    _official(request)
    tabs = dict(QUEUE_TABS)
    if tab and tab not in tabs:
        raise Http404()
    tab = tab or "tat-ca"
    # The visible agencies' ids, evaluated once: every statement below is planned with them.
    scope = queries.Scope(request.user)
    province = _province_code(request.user)
    form = QueueFilterForm(request.GET or None, statuses=[s for s in Status if s != Status.DRAFT],
                           procedures=_procedure_choices(province))
    valid = form.is_valid()

    def narrow(qs):
        qs = queries.annotate_deadlines(qs)
        if not valid:
            return qs
        data = form.cleaned_data
        return queries.search(qs, q=data["q"], procedure=data["thu_tuc"], status=data["status"],
                              channel=data["channel"], received_from=data["tu_ngay"], received_to=data["den_ngay"],
                              overdue=True if data["han"] == "qua-han" else None,
                              due_soon=True if data["han"] == "sap-den-han" else None)

    if tab == "tat-ca":
        rows = narrow(queries.for_queue_rows(queries.for_official(request.user, scope=scope)))
        # Every dossier the official may see, newest first, by index ranges (queries.NewestFirst).
        ids = queries.NewestFirst(narrow(queries.not_drafts()), scope.agency_ids())
    else:
        rows = narrow(queries.for_queue_rows(queries.queue(request.user, tab, scope=scope)))
        ids = rows.order_by("due_at", "id").values_list("pk", flat=True)
    # Page the narrow ids, then load the page's rows with their joins (50 primary keys).
    page = page_of(request, ids)
    loaded = rows.in_bulk(list(page.object_list))
    page.object_list = [loaded[pk] for pk in page.object_list if pk in loaded]
    capped = getattr(ids, "capped", False)
    return render(request, "dossiers/queue.html", {
        "tabs": QUEUE_TABS, "tab": tab, "form": form, "page": page,
        "capped": capped, "cap": number_format(queries.NewestFirst.COUNT_CAP, force_grouping=True) if capped else "",
        "query": request.GET.copy().urlencode() if request.GET else "",
    }, status=200 if form.is_bound is False or valid else 400)


PROCEDURE_CHOICES_SECONDS = 300


def _procedure_choices(province: str) -> list[tuple[int, str]]:
    """The procedure filter's options: the province's published catalogue (~2,000 rows), kept a
    few minutes per process — a procedure published a moment ago joins the filter within
    PROCEDURE_CHOICES_SECONDS, and the queue no longer reads the catalogue on every request."""
    if not province:
        return []
    key = f"dossiers:queue-procedures:{province}"
    choices = cache.get(key)
    if choices is None:
        choices = list(published(province_code=province).values_list("procedure_id", "name").order_by("name"))
        cache.set(key, choices, PROCEDURE_CHOICES_SECONDS)
    return choices


def _province_code(user) -> str:
    """The province of the official's first grant ("" for none)."""
    grant = user.role_assignments.active().select_related("agency__province").first()
    return grant.agency.province.code if grant else ""


def _visible(request, pk: int, *, full: bool = True):
    """The dossier if the official may see it (404 otherwise); `full` loads what the page shows,
    otherwise only the row, for the writes that just need the access check."""
    qs = queries.for_official(request.user)
    dossier = (queries.detail(qs) if full else qs).filter(pk=pk).first()
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ hoặc bạn không có quyền xem."))
    return dossier


def _assignees(dossier, action: str):
    """Who the next step can be given to, for the transfer/forward/send_back forms."""
    steps = list(dossier.procedure_version.steps.all())
    current = dossier.current_step.order if dossier.current_step_id else -1
    if action == "send_back":
        earlier = [s for s in steps if s.order < current and s.kind not in ("receive", "return")]
        step = earlier[-1] if earlier else None
    else:
        step = next((s for s in steps if s.order > current and s.kind not in ("receive", "return")), None)
    if step is None:
        return None, []
    agency = step.agency or (dossier.reception_agency if step.kind in ("receive", "return") else dossier.resolving_agency)
    ancestors = [int(x) for x in agency.path.strip("/").split("/") if x.isdigit()]
    # One filter() call: every condition applies to the same grant row.
    users = (User.objects.filter(
        Q(role_assignments__agency=agency) | Q(role_assignments__agency__in=ancestors,
                                               role_assignments__include_subagencies=True),
        is_active=True, role_assignments__role=step.role,
    ).distinct().order_by("full_name")[:50])
    return step, users


@login_required
@require_GET
def detail(request, pk: int):
    _official(request)
    dossier = _visible(request, pk)
    actions = queries.available_actions(dossier, request.user)
    forms_for = []
    for t in actions:
        step, users = _assignees(dossier, t.action) if t.action in ("transfer", "forward", "send_back") else (None, [])
        forms_for.append({"t": t, "next_step": step, "users": users})
    # Identification number and phones masked; shown in full on request, and that is logged
    # (Luật BVDLCN 91/2025/QH15): the page is opened far more often than the numbers are needed.
    reveal = request.GET.get("hien") == "dinh-danh"
    shown = [f for f in IDENTITY_FIELDS if getattr(dossier, f)]
    if reveal and shown:
        record_personal_data_view(dossier, shown, actor=request.user)
    identity = {f: getattr(dossier, f) if reveal else mask(getattr(dossier, f)) for f in IDENTITY_FIELDS}
    return render(request, "dossiers/office_detail.html", {
        "identity": identity, "can_reveal": bool(shown) and not reveal,
        "dossier": dossier, "timeline": timeline(dossier), "actions": forms_for, "qr": fee_qr(dossier),
        "components": [c for c in dossier.components.all() if not c.is_deleted],
        "status_labels": dict(Status.choices), "payment_methods": PaymentMethod.choices,
    })


IDENTITY_FIELDS = ("applicant_id_number", "applicant_phone", "representative_phone")


def _payload(action: str, post) -> dict:
    """Form fields → the service payload (docs/dossiers.md)."""
    payload = {}
    for key in ("reason", "note", "assignee", "new_due_at", "method", "reference"):
        if post.get(key):
            payload[key] = post.get(key)[:5000]
    if action == "request_supplement":
        payload["items"] = post.get("items", "")[:5000]
        payload.setdefault("reason", "")
    if action == "request_financial":
        rows = []
        for line in post.get("obligations", "").splitlines():
            name, _sep, amount = line.rpartition("|")
            if not _sep:
                name, amount = line, "0"
            if name.strip():
                rows.append({"name": name.strip(), "amount": amount.strip().replace(".", "").replace(",", "") or "0"})
        payload["obligations"] = rows
    if action == "approve" and post.get("result_name"):
        payload["results"] = [{"name": post["result_name"], "number_symbol": post.get("result_number", ""),
                               "electronic": post.get("result_electronic") == "1"}]
    return payload


@login_required
@require_POST
def act(request, pk: int, action: str):
    _official(request)
    dossier = _visible(request, pk, full=False)
    try:
        services.perform(dossier.pk, action, actor=request.user, **_payload(action, request.POST))
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": transition(action).label})
    except services.DossierError as err:
        report(request, err)
    return redirect("dossiers:office_detail", pk=pk)


@login_required
@require_POST
def scan(request, pk: int):
    """Scan/upload a component at the counter (digitization: DuocSoHoa)."""
    _official(request)
    dossier = _visible(request, pk, full=False)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Vui lòng chọn tệp."))
    else:
        try:
            services.attach_component(dossier, actor=request.user, spec=request.POST.get("spec") or None,
                                      name=request.POST.get("name", "")[:500], uploaded_file=upload, digitized=True)
            messages.success(request, _("Đã số hóa “%(name)s”.") % {"name": upload.name})
        except services.DossierError as err:
            report(request, err)
    return redirect("dossiers:office_detail", pk=pk)


@login_required
@require_POST
def pay(request, pk: int, fee_id: int):
    _official(request)
    dossier = _visible(request, pk, full=False)
    try:
        services.record_payment(dossier.pk, fee_id, actor=request.user, method=request.POST.get("method", ""),
                                reference=request.POST.get("reference", "")[:128])
        messages.success(request, _("Đã ghi nhận nộp phí."))
    except services.DossierError as err:
        report(request, err)
    return redirect("dossiers:office_detail", pk=pk)


@login_required
@require_POST
def add_result(request, pk: int):
    _official(request)
    dossier = _visible(request, pk, full=False)
    try:
        services.attach_result(dossier.pk, actor=request.user, name=request.POST.get("name", ""),
                               number_symbol=request.POST.get("number_symbol", ""),
                               uploaded_file=request.FILES.get("file"))
        messages.success(request, _("Đã đính kèm kết quả điện tử."))
    except services.DossierError as err:
        report(request, err)
    return redirect("dossiers:office_detail", pk=pk)


@login_required
@require_GET
def office_result(request, pk: int, result_id: int):
    _official(request)
    dossier = _visible(request, pk)
    return result_file(get_object_or_404(dossier.results.exclude(file=""), pk=result_id))


@login_required
@require_GET
def office_file(request, pk: int, component_id: int):
    _official(request)
    dossier = _visible(request, pk)
    return component_file(get_object_or_404(dossier.components.filter(is_deleted=False), pk=component_id))


def _counters(user):
    return visible_agencies(user, [Role.ONE_STOP_OFFICER]).filter(kind__in=SERVICE_CENTRE_KINDS).order_by("path")


@login_required
@require_http_methods(["GET", "POST"])
def counter(request):
    """Tiếp nhận hồ sơ trực tiếp: pick the procedure, then the applicant, components and delivery."""
    _official(request)
    centres = list(_counters(request.user)[:20])
    if not centres:
        raise PermissionDenied(_("Bạn không phải cán bộ một cửa của Trung tâm Phục vụ hành chính công nào."))
    centre = next((c for c in centres if str(c.pk) == request.POST.get("centre", request.GET.get("centre"))),
                  centres[0])
    versions = published(province_code=centre.province.code).order_by("name")
    pick = CounterProcedureForm(request.GET or None, versions=versions)
    version = pick.cleaned_data["version"] if pick.is_valid() else None
    if version is None:
        return render(request, "dossiers/counter.html", {"pick": pick, "centres": centres, "centre": centre})
    specs = list(ComponentSpec.objects.filter(version=version).order_by("order"))
    applicant = ApplicantForm(request.POST or None)
    delivery = CounterDeliveryForm(request.POST or None, initial={"result_delivery": "counter"})
    status = 200
    if request.method == "POST":
        if applicant.is_valid() and delivery.is_valid():
            components = []
            for spec in specs:
                if request.POST.get(f"c{spec.pk}") != "1" and not request.FILES.get(f"f{spec.pk}"):
                    continue
                upload = request.FILES.get(f"f{spec.pk}")
                components.append({"spec": spec, "file": upload, "originals": spec.originals, "copies": spec.copies,
                                   "digitized": upload is not None})
            try:
                dossier = services.receive_at_counter(
                    officer=request.user, reception_agency=centre, procedure_version=version,
                    applicant=applicant.applicant(), components=components,
                    channel=delivery.cleaned_data["channel"],
                    result_delivery=delivery.cleaned_data["result_delivery"],
                    delivery_address=delivery.cleaned_data["delivery_address"],
                    idempotency_key=(request.POST.get("idempotency_key") or "")[:128],
                )
                messages.success(request, _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận cho người nộp.") % {
                    "code": dossier.code})
                return redirect(reverse("dossiers:office_detail", kwargs={"pk": dossier.pk}) + "#phieu")
            except services.DossierError as err:
                status = report(request, err)
        else:
            status = 400
    return render(request, "dossiers/counter.html", {
        "pick": pick, "centres": centres, "centre": centre, "version": version, "specs": specs,
        "applicant": applicant, "delivery": delivery, "idempotency_key": uuid.uuid4().hex,
        "max_mb": getattr(settings, "DOSSIER_MAX_UPLOAD_BYTES", 10 * 1024 * 1024) // (1024 * 1024),
    }, status=status)
