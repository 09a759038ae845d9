import datetime as dt

from chinhquyenso.workdays.calendar import VN_TZ, Calendar, OfficeSchedule
from chinhquyenso.workdays.holidays import default_entries
from chinhquyenso.workdays.models import EntryKind

YEARS = range(2024, 2031)


def rule_calendar(schedule: OfficeSchedule | None = None, extra_working=(), extra_off=()) -> Calendar:
    """The calendar the seed would produce for 2024–2030, built without the database."""
    off = {p.date for y in YEARS for p in default_entries(y) if p.kind != EntryKind.SWAP_WORK}
    return Calendar(
        days_off=frozenset(off | set(extra_off)),
        extra_working_days=frozenset(extra_working),
        schedule=schedule or OfficeSchedule(),
        years=frozenset(YEARS),
    )


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)
