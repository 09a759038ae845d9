"""Pages of documents (officials only). Every write goes through services/outgoing."""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chinhquyenso.core.dbrouter import replica_reads

from . import exports, outgoing, services, signing
from .forms import ActionForm, DraftForm, FilterForm, IncomingForm
from .models import Attachment, Direction
from .queries import Filters, documents, register_agencies, register_rows, timeline, visible_documents
from .workflow import TRANSITIONS


def official_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_official:
            raise PermissionDenied(_("Trang này dành cho cán bộ, công chức."))
        return view(request, *args, **kwargs)

    return wrapper


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@require_GET
@official_required
# A search reads from the replica when one is configured (core.dbrouter); the plain register list
# stays on the primary, so a clerk sees the document just registered.
@replica_reads(when=lambda request, *args, **kwargs: bool(request.GET.get("q")))
def register_list(request, direction: str):
    form = FilterForm(request.GET or None)
    status = 200
    f = Filters(direction=direction)
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            f.q, f.status, f.urgency, f.year, f.overdue = d["q"], d["trang_thai"], d["do_khan"], d["nam"], d["qua_han"]
            f.doc_type = d["loai"].code if d["loai"] else ""
        else:
            status = 400
    qs = documents(request.user, f) if status == 200 else visible_documents(request.user).none()
    order = "-register__year", "-register_number", "-created_at"
    page = Paginator(qs.order_by(*order), 25).get_page(request.GET.get("trang"))
    template = "documents/_rows.html" if request.htmx else "documents/list.html"
    return render(request, template, {
        "form": form, "page": page, "direction": direction, "incoming": direction == Direction.INCOMING,
        "export_agencies": register_agencies(request.user).order_by("path")[:50],
        "year": datetime.date.today().year,
    }, status=status)


@require_GET
@official_required
def detail(request, pk: int):
    doc = get_object_or_404(
        visible_documents(request.user).select_related("doc_type", "agency", "lead_unit", "handler", "register"), pk=pk
    )
    files = list(doc.files.all())
    verification = {}
    for att in files:  # our own signatures and those of incoming documents alike
        with att.file.open("rb") as fh:
            verification[att.pk] = signing.verify(fh.read())
    actions = services.allowed_transitions(request.user, doc)
    return render(request, "documents/detail.html", {
        "doc": doc, "files": [(f, verification.get(f.pk)) for f in files], "events": timeline(doc),
        "recipients": doc.recipients.all(), "coordinating": doc.coordinating_units.all(), "actions": actions,
        "action_form": ActionForm(document=doc) if actions else None,
        "slip": [e for e in timeline(doc) if e.action in ("assign", "opinion", "complete")],
    })


@require_POST
@official_required
def act(request, pk: int, name: str):
    doc = get_object_or_404(visible_documents(request.user), pk=pk)
    if name not in TRANSITIONS and name != "opinion":
        raise Http404
    form = ActionForm(request.POST, document=doc)
    if not form.is_valid():
        for field, errs in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errs)}")
        return redirect("documents:detail", pk=doc.pk)
    data = form.cleaned_data
    try:
        if name == "opinion":
            services.add_opinion(doc, actor=request.user, note=data["note"])
        else:
            data["coordinating_units"] = list(data["coordinating_units"] or [])
            outgoing.perform(doc, name, actor=request.user, **data)
    except PermissionError as exc:
        raise PermissionDenied(str(exc)) from None
    except ValidationError as exc:
        for m in _errors(exc):
            messages.error(request, m)
        return redirect("documents:detail", pk=doc.pk)
    messages.success(request, _("Đã thực hiện: %(label)s.") % {
        "label": TRANSITIONS[name].label if name in TRANSITIONS else _("Ghi ý kiến")})
    return redirect("documents:detail", pk=doc.pk)


@require_http_methods(["GET", "POST"])
@official_required
def register_incoming(request):
    form = IncomingForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["agency"].queryset.exists():
        raise PermissionDenied(_("Chỉ văn thư được vào sổ văn bản đến."))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = services.register_incoming(
                agency=d["agency"], doc_type=d["doc_type"], subject=d["subject"],
                issuing_agency_name=d["issuing_agency_name"], number_symbol=d["number_symbol"],
                issued_on=d["issued_on"], signer_name=d["signer_name"], urgency=d["urgency"], secrecy=d["secrecy"],
                is_electronic=d["is_electronic"], files=[d["file"]] if d["file"] else [],
                attachments=[d["attachment"]] if d["attachment"] else [], actor=request.user,
                forward_to=d["forward_to"],
            )
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": doc.register_number_display})
            return redirect("documents:detail", pk=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/form.html", {"form": form, "title": _("Vào sổ văn bản đến")}, status=status)


def _attach(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
@official_required
def draft(request):
    form = DraftForm(request.POST or None, request.FILES or None, user=request.user)
    if not form.fields["agency"].queryset.exists():
        raise PermissionDenied(_("Bạn không có quyền soạn văn bản."))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        recipients = [{"agency": a} for a in d["internal"]] + d["external"]
        try:
            doc = outgoing.create_draft(
                agency=d["agency"], doc_type=d["doc_type"], subject=d["subject"], actor=request.user,
                drafting_unit_symbol=d["drafting_unit_symbol"], signer_title=d["signer_title"],
                authority=d["authority"], urgency=d["urgency"], secrecy=d["secrecy"], recipients=recipients,
                recipients_text=d["recipients_text"], copies=d["copies"], files=[d["file"]],
                attachments=[d["attachment"]] if d["attachment"] else [],
            )
        except PermissionError as exc:
            raise PermissionDenied(str(exc)) from None
        except ValidationError as exc:
            _attach(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo."))
            return redirect("documents:detail", pk=doc.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "documents/form.html", {"form": form, "title": _("Soạn văn bản đi")}, status=status)


@require_GET
@official_required
def download(request, pk: int):
    att = get_object_or_404(Attachment.objects.filter(document__in=visible_documents(request.user)), pk=pk)
    return FileResponse(att.file.open("rb"), as_attachment=False, filename=att.name, content_type="application/pdf")


@require_GET
@official_required
def export(request, direction: str, agency_id: int, year: int, fmt: str):
    agency = get_object_or_404(register_agencies(request.user), pk=agency_id)
    if not 2000 <= year <= 2100 or fmt not in ("xlsx", "pdf"):
        raise Http404
    confidential = request.GET.get("mat") == "1"
    qs = register_rows(request.user, agency.pk, year, direction, confidential)
    name = f"so-van-ban-{'den' if direction == Direction.INCOMING else 'di'}-{year}"
    args = {"direction": direction, "agency_name": agency.name, "year": year, "confidential": confidential}
    if fmt == "xlsx":
        return FileResponse(exports.excel(qs, **args), as_attachment=True, filename=f"{name}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = HttpResponse(exports.pdf(qs, **args), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
