import datetime

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import queries
from .forms import UnitSearchForm
from .models import TWO_TIER_START

PER_PAGE = 30


@require_GET
def unit_search(request):
    """Public search: works as a plain GET form; with htmx only the results block is swapped."""
    # An empty query string is an unbound form: the page opens with "include old names" ticked.
    form = UnitSearchForm(request.GET if "q" in request.GET else None, initial={"cu": True})
    status, results, page = 200, None, None
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["q"]:
            data = form.cleaned_data
            results = queries.search(data["q"], province=data["tinh"] or None, current_only=not data["cu"])
            page = Paginator(results, PER_PAGE).get_page(request.GET.get("trang"))
        elif form.errors:
            status = 400
    template = "units/_results.html" if request.htmx else "units/search.html"
    return render(request, template, {"form": form, "page": page, "reform_day": TWO_TIER_START}, status=status)


@require_GET
def unit_detail(request, code: str):
    """One unit by code, in force today or, with ?on=YYYY-MM-DD, on that day (old units)."""
    raw_on = request.GET.get("on", "")
    try:
        on = datetime.date.fromisoformat(raw_on) if raw_on else None
    except ValueError:
        return render(
            request, "units/error.html",
            {"message": _("Ngày «%(on)s» không hợp lệ; hãy dùng dạng NĂM-THÁNG-NGÀY, ví dụ 2025-06-30.")
             % {"on": raw_on[:20]}},
            status=400,
        )
    unit = queries.get_unit(code, on)
    if unit is None:
        raise Http404(_("Không tìm thấy đơn vị hành chính mã %(code)s.") % {"code": code[:20]})
    children = unit.children.filter(valid_from=unit.valid_from).order_by("code").only(
        "code", "kind", "full_name", "valid_from", "valid_to"
    )
    return render(request, "units/detail.html", {"unit": unit, "children": children})
