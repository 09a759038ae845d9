"""Slip downloads and the tracking-register export page (officers)."""

import dataclasses

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chinhquyenso.audit.services import record

from . import queries, register, rendering
from .forms import RegisterForm


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def slip_filename(slip) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in f"{slip.kind}-{slip.symbol}")
    return f"{safe}.pdf"


@require_GET
@login_required
def slip_pdf(request, pk: int):
    slip = queries.visible_slips(request.user).select_related("dossier").filter(pk=pk).first()
    if slip is None:
        raise Http404(_("Không tìm thấy phiếu hoặc bạn không có quyền xem."))
    return pdf_response(rendering.render_pdf(slip, request=request), slip_filename(slip),
                        download=request.GET.get("tai") == "1")


def register_file(spec: register.RegisterSpec, fmt: str, user):
    """The register as a file; each export is logged, as it copies applicants' names, addresses and
    phones out of the system (Luật BVDLCN 91/2025/QH15)."""
    spec = dataclasses.replace(spec, full_contact=queries.keeps_register(user, spec.agency))
    name = f"so-theo-doi-{spec.field.code}-{spec.start:%Y%m%d}-{spec.end:%Y%m%d}"
    if fmt == "xlsx":
        response = FileResponse(
            register.write_xlsx(spec), as_attachment=True, filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = pdf_response(register.render_pdf(spec), f"{name}.pdf", download=True)
    with transaction.atomic():
        record("personal_data.exported", spec.agency, actor=user, after={
            "register": spec.symbol, "field": spec.field.code, "start": spec.start.isoformat(),
            "end": spec.end.isoformat(), "format": fmt, "full_contact": spec.full_contact})
    return response


@require_GET
@login_required
def register_export(request):
    if not queries.register_agencies(request.user).exists():
        return render(request, "403.html", status=403)
    form = RegisterForm(request.GET or None, user=request.user)
    status = 200
    if request.GET and form.is_valid():
        data = form.cleaned_data
        spec = register.RegisterSpec(agency=data["agency"], field=data["field"], start=data["start"], end=data["end"])
        try:
            return register_file(spec, data["format"], request.user)
        except register.RegisterTooLarge as exc:
            form.add_error(None, str(exc))
    if request.GET and form.errors:
        status = 400
    return render(request, "dossiers/slips/register.html", {"form": form}, status=status)
