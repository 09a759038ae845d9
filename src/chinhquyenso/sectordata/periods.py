"""Periods of a series: every period is stored as the date it starts (1 January, the first day of
a quarter or of a month), so ranges, ordering and indexes are plain date comparisons.

Accepted spellings (what sector spreadsheets use in practice):
- year:    "2025"
- quarter: "2025-Q1", "Q1/2025", "Q1-2025", "Quý 1/2025", "quy 1 nam 2025", "2025Q1", "I/2025"
- month:   "2025-03", "03/2025", "3/2025", "Tháng 3/2025", "T3/2025"
- any:     the ISO date of the period's first day ("2025-04-01"), or a spreadsheet date cell on it.
"""

from __future__ import annotations

import datetime
import re

from chinhquyenso.core.text import fold

from .models import Granularity

MIN_YEAR = 1990
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

_YEAR = re.compile(r"^(?:nam\s*)?(\d{4})$")
_QUARTER = [
    re.compile(r"^(?P<y>\d{4})\s*[-/ ]?\s*q\s*(?P<q>[1-4])$"),
    re.compile(r"^(?:q|quy)\s*(?P<q>[1-4]|iv|iii|ii|i)\s*(?:[-/ ]|nam)\s*(?:nam\s*)?(?P<y>\d{4})$"),
    re.compile(r"^(?P<q>iv|iii|ii|i)\s*[-/]\s*(?P<y>\d{4})$"),
]
_MONTH = [
    re.compile(r"^(?P<y>\d{4})\s*[-/]\s*(?P<m>\d{1,2})$"),
    re.compile(r"^(?:thang\s*|t)?(?P<m>\d{1,2})\s*(?:[-/ ]|nam)\s*(?:nam\s*)?(?P<y>\d{4})$"),
]
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ t]00:00(?::00)?)?$")


class PeriodError(ValueError):
    pass


def is_period_start(day: datetime.date, granularity: str) -> bool:
    if day.day != 1:
        return False
    if granularity == Granularity.YEAR:
        return day.month == 1
    if granularity == Granularity.QUARTER:
        return day.month in (1, 4, 7, 10)
    return True


def _checked(year: int, month: int, granularity: str, today: datetime.date) -> datetime.date:
    if year < MIN_YEAR:
        raise PeriodError(f"Năm {year} quá xa (từ {MIN_YEAR} trở đi).")
    start = datetime.date(year, month, 1)
    if start > today:
        raise PeriodError(f"Kỳ {label(start, granularity)} chưa bắt đầu, chưa thể có số liệu.")
    return start


def parse(value, granularity: str, *, today: datetime.date | None = None) -> datetime.date:
    """The first day of the period `value` names, for a series of `granularity`; PeriodError with a
    Vietnamese reason when it names no period or a period of another granularity."""
    today = today or datetime.date.today()
    kind = Granularity(granularity).label.lower()
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if not is_period_start(value, granularity):
            raise PeriodError(f"Ngày {value:%d/%m/%Y} không phải ngày đầu {kind}; ghi kỳ dạng {example(granularity)}.")
        return _checked(value.year, value.month, granularity, today)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise PeriodError("Thiếu kỳ số liệu.")
    text = fold(value).replace(".", "/")
    if len(text) > 40:
        raise PeriodError("Kỳ số liệu quá dài.")
    match = _ISO_DATE.match(text)
    if match:
        try:
            day = datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            raise PeriodError(f"Ngày “{value}” không tồn tại.") from None
        return parse(day, granularity, today=today)
    if granularity == Granularity.YEAR:
        match = _YEAR.match(text)
        if match:
            return _checked(int(match.group(1)), 1, granularity, today)
    elif granularity == Granularity.QUARTER:
        for pattern in _QUARTER:
            match = pattern.match(text)
            if match:
                q = match.group("q")
                quarter = ROMAN[q] if q in ROMAN else int(q)
                return _checked(int(match.group("y")), 3 * quarter - 2, granularity, today)
    else:
        for pattern in _MONTH:
            match = pattern.match(text)
            if match:
                month = int(match.group("m"))
                if not 1 <= month <= 12:
                    raise PeriodError(f"Tháng {month} không tồn tại.")
                return _checked(int(match.group("y")), month, granularity, today)
    raise PeriodError(f"“{value}” không phải kỳ {kind}; ghi dạng {example(granularity)}.")


def example(granularity: str) -> str:
    return {"year": "2025", "quarter": "2025-Q1 hoặc Quý 1/2025", "month": "2025-03 hoặc 03/2025"}[granularity]


def label(start: datetime.date, granularity: str) -> str:
    """"Quý 2/2025", "03/2025", "2025"."""
    if granularity == Granularity.YEAR:
        return str(start.year)
    if granularity == Granularity.QUARTER:
        return f"Quý {(start.month - 1) // 3 + 1}/{start.year}"
    return f"{start.month:02d}/{start.year}"


def code(start: datetime.date, granularity: str) -> str:
    """Machine form used by the API and CSV templates: "2025", "2025-Q2", "2025-03"."""
    if granularity == Granularity.YEAR:
        return str(start.year)
    if granularity == Granularity.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def step(start: datetime.date, granularity: str, n: int = 1) -> datetime.date:
    months = {"year": 12, "quarter": 3, "month": 1}[granularity] * n
    index = start.year * 12 + start.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def end(start: datetime.date, granularity: str) -> datetime.date:
    """The last day of the period."""
    return step(start, granularity) - datetime.timedelta(days=1)


def containing(day: datetime.date, granularity: str) -> datetime.date:
    """The start of the period that contains `day`."""
    if granularity == Granularity.YEAR:
        return datetime.date(day.year, 1, 1)
    if granularity == Granularity.QUARTER:
        return datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return datetime.date(day.year, day.month, 1)


def starts_between(first: datetime.date, last: datetime.date, granularity: str) -> list[datetime.date]:
    """Period starts from the period containing `first` to the one containing `last`."""
    current, stop, out = containing(first, granularity), containing(last, granularity), []
    while current <= stop and len(out) < 1000:
        out.append(current)
        current = step(current, granularity)
    return out
