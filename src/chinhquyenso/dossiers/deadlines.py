"""Dossier deadlines: pure functions over workdays.calendar.Calendar (ARCHITECTURE.md habit 5).

Every rule cites vn-regulations §2.4 (the legal basis is given there per rule):

- Reception cut-off: a dossier received after 15:00 counts from the next working day
  (`paper_cutoff`); an online dossier received in the last hour before closing likewise
  (`online_cutoff`) [V]. Due date = the legal time of the version snapshot on the dossier.
- Supplement (BM.02): the request pauses the clock (status 5). When the applicant completes it:
  for channels in SUPPLEMENT_RESTART_CHANNELS (default: online only) the count restarts from
  zero ("Thời hạn giải quyết được tính lại từ đầu", 2025 liên thông decree, NĐ 45/2020 pattern
  [V]); for the others the due date moves by the paused working time (the 766 formula subtracts
  supplement time, §2.4 [S]). The restart rule is tagged [V] on a decree that may not bind every
  procedure, so it is data: settings.DOSSIER_SUPPLEMENT_RESTART_CHANNELS overrides the default.
- Online dossiers: the supplement request must come within 8 working hours of submission [V];
  the applicant has 15 working days to complete it, then processing stops [V].
- Apology and extension (BM.04): at the latest one working day before the due date; once [V].
- Process steps: budget in quarters of a working day (`due_for_quarters`) [V].
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from chinhquyenso.workdays.calendar import Calendar
from chinhquyenso.workdays.deadlines import (
    TimeUnit,
    counting_start,
    due_for,
    due_for_quarters,
    online_cutoff,
    paper_cutoff,
)

from .workflow import Channel

SUPPLEMENT_WINDOW_HOURS = 8  # online dossiers: request within 08 working hours [V]
SUPPLEMENT_LIMIT_WORKING_DAYS = 15  # no supplement within 15 working days → stop [V]
EXTENSION_NOTICE_WORKING_DAYS = 1  # BM.04 at the latest 01 day before the deadline [V]
DEFAULT_RESTART_CHANNELS = frozenset({Channel.ONLINE})


class Timeliness:
    """BM.05 column "Kết quả": trước hạn / đúng hạn / quá hạn."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    LABELS = {EARLY: "Trước hạn", ON_TIME: "Đúng hạn", LATE: "Quá hạn"}


def restart_channels() -> frozenset[int]:
    value = getattr(settings, "DOSSIER_SUPPLEMENT_RESTART_CHANNELS", None)
    return DEFAULT_RESTART_CHANNELS if value is None else frozenset(int(v) for v in value)


def cutoff_for(cal: Calendar, channel: int) -> datetime.time:
    return online_cutoff(cal) if channel == Channel.ONLINE else paper_cutoff(cal)


def _amount(legal_time: Decimal | float | int, unit: str) -> float | int:
    return float(legal_time) if TimeUnit(unit) is TimeUnit.HOURS else int(legal_time)


@dataclass(frozen=True)
class Clock:
    counting_started_at: datetime.datetime | None  # None: unchanged (resumed, not restarted)
    due_at: datetime.datetime


def initial_due(cal: Calendar, received_at: datetime.datetime, legal_time, unit: str, channel: int) -> Clock:
    """Due instant of a dossier received at `received_at` (after the cut-off: next working day)."""
    due = due_for(cal, received_at, _amount(legal_time, unit), unit, cutoff_for(cal, channel))
    return Clock(due.start, due.due)


def resumed_due(cal: Calendar, *, channel: int, legal_time, unit: str, due_at: datetime.datetime,
                paused_at: datetime.datetime, resumed_at: datetime.datetime) -> tuple[Clock | None, bool]:
    """The clock after a supplement is completed at `resumed_at`. Returns (clock, restarted):
    online dossiers restart from zero (clock counted from `resumed_at`, cut-off applied), others
    keep their due date pushed back by the working time the dossier spent paused."""
    if channel in restart_channels():
        return initial_due(cal, resumed_at, legal_time, unit, channel), True
    paused = cal.working_time_between(paused_at, resumed_at)
    return Clock(counting_started_at=None, due_at=cal.add_working_time(due_at, max(paused, datetime.timedelta()))), False


def supplement_window_open(cal: Calendar, submitted_at: datetime.datetime, now: datetime.datetime) -> bool:
    """Online dossiers: a supplement request within 8 working hours of submission (§2.4 [V])."""
    return cal.working_time_between(submitted_at, now) <= datetime.timedelta(hours=SUPPLEMENT_WINDOW_HOURS)


def supplement_respond_by(cal: Calendar, requested_at: datetime.datetime) -> datetime.datetime:
    """The applicant has 15 working days (§2.4 [V]); the sweep stops the dossier after that."""
    start = counting_start(cal, requested_at, None)
    return cal.closing_of(cal.add_working_days(start.date(), SUPPLEMENT_LIMIT_WORKING_DAYS))


def extension_allowed(cal: Calendar, due_at: datetime.datetime, now: datetime.datetime) -> bool:
    """BM.04 must be issued at least one working day before the due date (§2.4 [V])."""
    return cal.working_days_between(now.astimezone(due_at.tzinfo).date(), due_at.date()) >= EXTENSION_NOTICE_WORKING_DAYS \
        if now < due_at else False


def step_due(cal: Calendar, start: datetime.datetime, quarters: int) -> datetime.datetime:
    """A process step's due instant from its budget in quarters of a working day (§2.4 [V])."""
    return due_for_quarters(cal, start, quarters)


def due_soon(cal: Calendar, due_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Due within one working day from now (not yet late)."""
    if due_at is None or due_at <= now:
        return False
    return due_at <= cal.add_working_time(now, cal.schedule.day_length)


def due_soon_threshold(cal: Calendar, now: datetime.datetime) -> datetime.datetime:
    """Instants up to this one are "due within one working day" (the sweep and the queues)."""
    return cal.add_working_time(now, cal.schedule.day_length)


def timeliness(end: datetime.datetime, due: datetime.datetime | None) -> str | None:
    """Early when finished on an earlier day than the due date, on time up to the due instant,
    late after it (BM.05; on time ⇔ NgayKetThucXuLy ≤ NgayHenTra, §2.4 [S])."""
    if due is None:
        return None
    if end > due:
        return Timeliness.LATE
    if end.astimezone(due.tzinfo).date() < due.date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME
