"""Public calendar page, citizen due-date form, and the staff table import."""

import calendar as pycal
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chinhquyenso.core.text import is_digits

from . import queries, services
from .calendar import Calendar
from .forms import DueForm, ImportForm
from .models import CalendarEntry, EntryKind

WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
WEEKDAYS_SHORT = ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
MONTHS = [f"Tháng {m}" for m in range(1, 13)]


def weekday_name(day: datetime.date) -> str:
    return WEEKDAYS[day.weekday()]


def month_grids(year: int, cal: Calendar, entries: dict[datetime.date, CalendarEntry]) -> list[dict]:
    """Twelve month tables: weeks of seven cells (None outside the month)."""
    grids = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                entry = entries.get(day)
                cells.append({
                    "date": day, "entry": entry, "working": cal.is_working_day(day),
                    "css": entry.kind if entry else ("weekend" if day.isoweekday() >= 6 else ""),
                })
            weeks.append(cells)
        grids.append({"name": MONTHS[month - 1], "month": month, "weeks": weeks})
    return grids


def _year_param(request) -> tuple[int | None, str]:
    raw = request.GET.get("nam", "").strip()
    if not raw:
        return queries.today().year, ""
    # isascii: "²".isdigit() is True but int("²") raises.
    if not is_digits(raw) or not services.MIN_YEAR <= int(raw) <= services.MAX_YEAR:
        return None, _("Năm “%(v)s” không hợp lệ: nhập năm từ %(a)s đến %(b)s.") % {
            "v": raw[:10], "a": services.MIN_YEAR, "b": services.MAX_YEAR}
    return int(raw), ""


@require_GET
def calendar_page(request):
    year, error = _year_param(request)
    if error:
        return render(request, "workdays/calendar.html", {"error": error, "form": DueForm()}, status=400)
    entries = queries.entries_for_year(year)
    by_date = {e.date: e for e in entries}
    cal = queries.load_calendar()
    context = {
        "year": year,
        "entries": [{"entry": e, "weekday": weekday_name(e.date)} for e in entries],
        "days_off": sum(1 for e in entries if e.is_day_off),
        "swap_work": sum(1 for e in entries if e.kind == EntryKind.SWAP_WORK),
        "calendar_year": queries.calendar_year(year),
        "grids": month_grids(year, cal, by_date),
        "weekdays": list(zip(WEEKDAYS_SHORT, WEEKDAYS, strict=True)),
        "schedule": cal.schedule,
        "form": DueForm(initial={"tu_ngay": queries.today(), "so_ngay": 5}),
        "can_import": request.user.has_perm("workdays.add_calendarentry"),
    }
    return render(request, "workdays/calendar.html", context)


@require_GET
def due_page(request):
    if not request.GET:
        return render(request, "workdays/due.html", {"form": DueForm(initial={"tu_ngay": queries.today()})})
    form = DueForm(request.GET)
    if not form.is_valid():
        return render(request, "workdays/due.html", {"form": form}, status=400)
    cal = queries.load_calendar()
    start, days = form.cleaned_data["tu_ngay"], form.cleaned_data["so_ngay"]
    counted_from = start
    if form.cleaned_data["sau_15h"] or not cal.is_working_day(start):
        counted_from = cal.next_working_day(start)
    due = cal.add_working_days(counted_from, days)
    skipped = list(
        CalendarEntry.objects.filter(date__gt=counted_from, date__lte=due).order_by("date")
    )
    result = {
        "start": start, "start_weekday": weekday_name(start), "counted_from": counted_from,
        "counted_weekday": weekday_name(counted_from), "due": due, "due_weekday": weekday_name(due),
        "days": days, "closing": cal.schedule.closing, "skipped": skipped,
        "uncovered": not (cal.covers(start) and cal.covers(due)),
    }
    return render(request, "workdays/due.html", {"form": form, "result": result})


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if not request.user.has_perm("workdays.add_calendarentry"):
        raise PermissionDenied
    form = ImportForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.import_entries(form.cleaned_data["rows"])
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("rows", message)
            else:
                messages.success(request, _("Đã thêm %(n)s ngày vào lịch.") % {"n": len(created)})
                return redirect(f"{reverse('workdays:calendar')}?nam={created[0].date.year}")
        return render(request, "workdays/import.html", {"form": form}, status=400)
    return render(request, "workdays/import.html", {"form": form})
