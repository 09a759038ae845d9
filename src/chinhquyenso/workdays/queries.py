"""Reads shared by pages, API and other apps, including the cached Calendar loader.

`load_calendar()` builds the Calendar from two small queries (a few hundred entries for the
seeded years, plus one office-hours row) and keeps it in process memory, so computing a
deadline costs no query after the first load. Writes (services.py) call invalidate_calendar();
other processes notice through a version number in Django's cache (shared when CACHES points to
Redis or a database cache) and, at worst, after CALENDAR_TTL seconds.
"""

import datetime
import threading
import time

from django.core.cache import cache
from django.db.models import Q

from .calendar import VN_TZ, Calendar, OfficeSchedule
from .models import CalendarEntry, CalendarYear, EntryKind, OfficeHours

CALENDAR_TTL = 300.0  # seconds: the bound on staleness in other processes without a shared cache
_VERSION_KEY = "workdays:calendar-version"
_lock = threading.Lock()
_memo: dict[int | None, tuple[object, float, Calendar]] = {}


def invalidate_calendar() -> None:
    with _lock:
        _memo.clear()
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # the key is missing (expired or never set)
        cache.set(_VERSION_KEY, 1, None)


def _schedule_from(row: OfficeHours | None) -> OfficeSchedule:
    if row is None:
        return OfficeSchedule()
    intervals = [(row.morning_start, row.morning_end)]
    if row.afternoon_start is not None and row.afternoon_end is not None:
        intervals.append((row.afternoon_start, row.afternoon_end))
    return OfficeSchedule(frozenset(int(d) for d in row.weekdays), tuple(intervals))


def _build(agency_id: int | None) -> Calendar:
    days_off, working = set(), set()
    for day, kind in CalendarEntry.objects.values_list("date", "kind"):
        if kind == EntryKind.SWAP_WORK:
            working.add(day)
        else:
            days_off.add(day)
    # The agency's own row wins over the platform default (agency NULL); one query for both.
    wanted = Q(agency__isnull=True)
    if agency_id is not None:
        wanted |= Q(agency_id=agency_id)
    rows = OfficeHours.objects.filter(wanted)
    chosen = None
    for row in rows:
        if row.agency_id is not None or chosen is None:
            chosen = row
    years = frozenset(CalendarYear.objects.filter(seeded_at__isnull=False).values_list("year", flat=True))
    return Calendar(frozenset(days_off), frozenset(working), _schedule_from(chosen), years)


def load_calendar(agency_id: int | None = None) -> Calendar:
    """The calendar of an agency (its office hours) or of the platform default (None)."""
    version = cache.get(_VERSION_KEY)
    now = time.monotonic()
    with _lock:
        hit = _memo.get(agency_id)
    if hit is not None and hit[0] == version and now - hit[1] < CALENDAR_TTL:
        return hit[2]
    calendar = _build(agency_id)
    with _lock:
        _memo[agency_id] = (version, now, calendar)
    return calendar


def entries_for_year(year: int) -> list[CalendarEntry]:
    return list(CalendarEntry.objects.filter(date__year=year).order_by("date"))


def calendar_year(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).first()


def seeded_years() -> list[int]:
    return list(CalendarYear.objects.filter(seeded_at__isnull=False).values_list("year", flat=True))


def today() -> datetime.date:
    return datetime.datetime.now(VN_TZ).date()
