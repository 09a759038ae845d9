"""GET /api/v1/workdays/{year} (the year's special days) and GET /api/v1/workdays/due (deadline).

Parameters are parsed here rather than by pydantic so every 422 carries a Vietnamese message."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import WithJsonSchema

from chinhquyenso.core.text import is_digits

from . import queries, services
from .calendar import VN_TZ
from .deadlines import UNIT_LABELS, TimeUnit, due_for, online_cutoff, paper_cutoff
from .models import EntryKind

router = Router(tags=["workdays"])
MAX_AMOUNT = {TimeUnit.WORKING_DAYS: 730, TimeUnit.DAYS: 1095, TimeUnit.HOURS: 2000, TimeUnit.MONTHS: 36}


class Error(Schema):
    detail: str


class EntryOut(Schema):
    date: datetime.date
    weekday: int
    kind: str
    kind_label: str
    is_day_off: bool
    name: str
    legal_basis: str
    origin: str


class YearOut(Schema):
    year: int
    seeded: bool
    tet_days_before: int | None
    national_day_rule: str | None
    entries: list[EntryOut]


class DueOut(Schema):
    received_at: datetime.datetime
    counting_from: datetime.datetime
    due: datetime.datetime
    due_date: datetime.date
    amount: float
    unit: str
    unit_label: str
    covered: bool


class BadInput(Exception):
    pass


def _parse_start(raw: str) -> datetime.datetime:
    raw = raw.strip()
    try:
        if len(raw) == 10:  # a date alone: counted from the start of that day
            value = datetime.datetime.combine(datetime.date.fromisoformat(raw), datetime.time(0, 0), VN_TZ)
        else:
            value = datetime.datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput("Tham số start không hợp lệ: dùng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM+07:00.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)  # a wall-clock time in Việt Nam
    if not services.MIN_YEAR <= value.year <= services.MAX_YEAR:
        raise BadInput(f"Năm phải từ {services.MIN_YEAR} đến {services.MAX_YEAR}.")
    return value


def _parse_amount(days: str | None, hours: str | None, amount: str | None, unit: str | None) -> tuple[float, TimeUnit]:
    given = [(v, u) for v, u in ((days, TimeUnit.WORKING_DAYS), (hours, TimeUnit.HOURS)) if v not in (None, "")]
    if amount not in (None, ""):
        try:
            chosen = TimeUnit(unit or TimeUnit.WORKING_DAYS)
        except ValueError:
            raise BadInput("Tham số unit phải là một trong: " + ", ".join(u.value for u in TimeUnit) + ".") from None
        given.append((amount, chosen))
    if len(given) != 1:
        raise BadInput("Cho đúng một trong các tham số days, hours hoặc amount (kèm unit).")
    raw, chosen = given[0]
    try:
        value = float(raw) if chosen is TimeUnit.HOURS else int(raw)
    except ValueError:
        kind = "một số" if chosen is TimeUnit.HOURS else "một số nguyên"
        raise BadInput(f"Thời hạn phải là {kind}.") from None
    if value != value or value < 0:  # NaN or negative
        raise BadInput("Thời hạn không được âm.")
    if value > MAX_AMOUNT[chosen]:
        raise BadInput(f"Thời hạn tối đa là {MAX_AMOUNT[chosen]} {UNIT_LABELS[chosen]}.")
    return value, chosen


@router.get("/due", response={200: DueOut, 422: Error}, url_name="workdays_due")
def due(request: HttpRequest, start: str = "", days: str | None = None, hours: str | None = None,
        amount: str | None = None, unit: str | None = None, agency: str | None = None, cutoff: str = "paper"):
    """Deadline of a legal time from a reception instant. `cutoff`: paper (after 15:00 counts from
    the next working day), online (last hour before closing), none."""
    try:
        if not start:
            raise BadInput("Thiếu tham số start (ngày hoặc thời điểm tiếp nhận).")
        received = _parse_start(start)
        value, chosen = _parse_amount(days, hours, amount, unit)
        agency_id = None
        if agency not in (None, ""):
            if not is_digits(agency):
                raise BadInput("Tham số agency phải là mã số cơ quan.")
            agency_id = int(agency)
        cal = queries.load_calendar(agency_id)
        cutoffs = {"paper": paper_cutoff(cal), "online": online_cutoff(cal), "none": None}
        if cutoff not in cutoffs:
            raise BadInput("Tham số cutoff phải là paper, online hoặc none.")
        result = due_for(cal, received, value, chosen, cutoffs[cutoff])
    except (BadInput, ValueError) as exc:
        return Status(422, {"detail": str(exc)})
    return Status(200, {
        "received_at": received, "counting_from": result.start, "due": result.due, "due_date": result.due_date,
        "amount": value, "unit": chosen.value, "unit_label": UNIT_LABELS[chosen],
        "covered": cal.covers(received.date()) and cal.covers(result.due_date),
    })


# The years services.MIN_YEAR..MAX_YEAR (1950..2199), as the view reads them (ASCII digits). Only
# documented: the view checks them itself, to answer in Vietnamese.
YEAR_PATTERN = r"^0*(19[5-9][0-9]|2[01][0-9]{2})$"
Year = Annotated[str, WithJsonSchema({"type": "string", "pattern": YEAR_PATTERN})]


@router.get("/{year}", response={200: YearOut, 422: Error}, url_name="workdays_year")
def year_entries(request: HttpRequest, year: Year):
    if not is_digits(year) or not services.MIN_YEAR <= int(year) <= services.MAX_YEAR:
        return Status(422, {"detail": f"Năm phải là số từ {services.MIN_YEAR} đến {services.MAX_YEAR}."})
    number = int(year)
    calendar_year = queries.calendar_year(number)
    labels = dict(EntryKind.choices)
    return Status(200, {
        "year": number,
        "seeded": bool(calendar_year and calendar_year.seeded_at),
        "tet_days_before": calendar_year.tet_days_before if calendar_year else None,
        "national_day_rule": calendar_year.national_day_rule if calendar_year else None,
        "entries": [
            {"date": e.date, "weekday": e.date.isoweekday(), "kind": e.kind, "kind_label": labels[e.kind],
             "is_day_off": e.is_day_off, "name": e.name, "legal_basis": e.legal_basis, "origin": e.origin}
            for e in queries.entries_for_year(number)
        ],
    })
