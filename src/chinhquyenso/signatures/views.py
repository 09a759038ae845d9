"""Verification page: upload any signed PDF, read the report. The file is read in memory and
dropped; nothing is stored."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .errors import BadPdfError
from .forms import VerifyForm
from .services import verify


def read_upload(upload) -> bytes:
    return b"".join(upload.chunks())


@require_http_methods(["GET", "POST"])
def verify_page(request):
    reports, error, status = None, "", 200
    form = VerifyForm()
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                reports = verify(read_upload(form.cleaned_data["file"]))
            except BadPdfError as exc:
                error, status = exc.message, 400
        else:
            status = 400
    context = {"form": form, "reports": reports, "error": error,
               "file_name": request.FILES["file"].name if "file" in request.FILES else ""}
    template = "signatures/_report.html" if request.headers.get("HX-Request") and request.method == "POST" else "signatures/verify.html"
    return render(request, template, context, status=status)
