"""Officials' pages: the queue and a report with its actions.

IOC operators see their province's reports with the reporter's identity; handling agencies see
the reports assigned to them, without it (the ReporterContact row is only loaded for operators).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record_personal_data_view
from chinhquyenso.core.text import mask

from . import queries, services, workflow
from .forms import ActionForm
from .models import Report, ReporterContact, Status
from .views import _map_context

PAGE_SIZE = 25


@login_required
def queue(request):
    qs = queries.with_list_relations(queries.staff_reports(request.user))
    status = request.GET.get("trang_thai", "")
    if status in Status.values:
        qs = qs.filter(status=status)
    elif status == "qua_han":
        qs = qs.filter(Q(status__in=list(workflow.HANDLING), due_at__lt=timezone.now())
                       | Q(status=Status.NEW, ack_due_at__lt=timezone.now()))
    else:
        qs = qs.filter(status__in=list(workflow.OPEN))
    # Identity columns only where the official is the province's IOC operator: one subquery.
    qs = qs.annotate(identity_visible=Q(province_id__in=queries.operator_provinces(request.user)))
    qs = qs.annotate(has_contact=Exists(ReporterContact.objects.filter(report=OuterRef("pk"))))
    page = Paginator(qs.order_by("due_at", "ack_due_at", "-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("trang"))
    rows = list(page.object_list)
    visible_ids = [r.pk for r in rows if r.identity_visible]
    contacts = {c.report_id: c for c in ReporterContact.objects.filter(report_id__in=visible_ids)} if visible_ids else {}
    for r in rows:
        c = contacts.get(r.pk)
        r.reporter_label = f"{c.name} · {mask(c.phone)}" if c else ""
    return render(request, "feedback/staff/queue.html", {
        "page": page, "rows": rows, "status": status, "statuses": Status.choices, "now": timezone.now(),
    })


def _staff_report(request, number: str) -> Report:
    report = queries.with_list_relations(queries.staff_reports(request.user)).prefetch_related("photos").filter(
        number=number).first()
    if report is None:
        raise Http404
    return report


@login_required
def detail(request, number: str):
    report = _staff_report(request, number)
    operator = queries.is_operator(request.user, report.province_id)
    handler = queries.is_handler(request.user, report.agency_id)
    actions = [t for t in workflow.TRANSITIONS.values() if report.status in t.sources and (
        (t.who == workflow.OPERATOR and operator) or (t.who == workflow.AGENCY and handler))]
    contact = ReporterContact.objects.filter(report=report).first() if operator else None
    if contact is not None:  # the reporter's identity, unmasked: who saw it is logged (Luật BVDLCN 91/2025)
        shown = [f for f in ("name", "phone", "email") if getattr(contact, f)]
        if shown:
            record_personal_data_view(report, shown, actor=request.user)
    agencies = []
    if operator and any(t.name == "assign" for t in actions):
        agencies = list(Agency.objects.filter(province_id=report.province_id, is_active=True)
                        .order_by("path").only("id", "name")[:500])
        suggested = report.category.routes.filter(unit__in=[report.commune_id, report.province_id]).order_by(
            "-unit__level").select_related("agency")
        suggestion = next((r.agency for r in suggested if r.unit_id == report.commune_id), None) or next(
            (r.agency for r in suggested), None)
    else:
        suggestion = None
    duplicates = []
    if operator and report.latitude is not None and any(t.name == "merge" for t in actions):
        duplicates = queries.nearby_open(report.category, float(report.latitude), float(report.longitude),
                                         exclude_id=report.pk)
    timeline = list(queries.full_timeline(report))
    for e in timeline:
        t = workflow.TRANSITIONS.get(e.action)
        e.label = t.label if t else {"submit": _("Gửi phản ánh"), "absorb": _("Nhận gộp phản ánh trùng"),
                                     "set_commune": _("Sửa xã, phường")}.get(
            e.action, e.action)
        e.status_label = Status(e.to_status).label if e.to_status in Status.values else ""
    return render(request, "feedback/staff/detail.html", {
        "report": report, "timeline": timeline, "actions": actions, "contact": contact,
        "operator": operator, "agencies": agencies, "suggestion": suggestion, "duplicates": duplicates,
        "communes": _communes(report) if operator else [],
        "form": ActionForm(), "now": timezone.now(), **_map_context(report.province),
    })


def _communes(report: Report):
    from chinhquyenso.units.models import AdministrativeUnit

    return AdministrativeUnit.objects.current().filter(level="commune", province_id=report.province_id).only(
        "code", "full_name").order_by("name")


@login_required
@require_POST
def act(request, number: str, action: str):
    report = _staff_report(request, number)
    form = ActionForm(request.POST)
    if action not in services.ACTIONS and action not in ("merge", "set_commune"):
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Dữ liệu không hợp lệ."))
        return redirect("feedback:staff_detail", number)
    d = form.cleaned_data
    try:
        if action == "set_commune":
            from chinhquyenso.units.models import AdministrativeUnit

            commune = AdministrativeUnit.objects.current().filter(code=d["target"].strip(), level="commune").first()
            services.set_commune(report.pk, request.user, commune=commune)
        elif action == "merge":
            target = queries.staff_reports(request.user).filter(number=d["target"].strip()).first()
            if target is None:
                raise ValidationError(_("Không tìm thấy phản ánh cần gộp vào."))
            services.merge(report.pk, target.pk, request.user)
        elif action == "refuse":
            services.refuse(report.pk, request.user, reason=d["reason"], note=d["note"])
        elif action == "assign":
            agency = Agency.objects.filter(pk=d["agency"] or 0).first()  # services checks the province
            services.assign(report.pk, request.user, agency=agency, urgency=d["urgency"], note=d["note"])
        elif action == "submit_result":
            services.submit_result(report.pk, request.user, result=d["result"])
        elif action in ("send_back", "reject_result", "close"):
            services.ACTIONS[action](report.pk, request.user, note=d["note"])
        elif action == "accept":
            services.accept(report.pk, request.user, note=d["note"])
        else:
            services.ACTIONS[action](report.pk, request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return render(request, "feedback/staff/denied.html", {"report": report, "message": str(exc)}, status=403)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:staff_detail", number)
    messages.success(request, _("Đã cập nhật phản ánh %(n)s.") % {"n": report.number})
    return redirect("feedback:staff_detail", number)
