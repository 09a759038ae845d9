"""Q&A time limits: pure functions over the working-day calendar (ARCHITECTURE.md habit 5).

Defaults are the DVCQG PAKN timing rules used for indicator 5.2 of QĐ 766 (vn-regulations §3
[S]), reused for Q&A as a design choice (§6 [I]); the per-province DeadlineProfile overrides
them. The first day is not counted and terms end at the close of office of the last working
day (workdays.deadlines.due_for, BLDS 2015 Điều 147–148). No reception cut-off applies: an
online question counts from the instant it arrives (or the next opening).
"""

import datetime
from dataclasses import dataclass

from chinhquyenso.workdays.calendar import Calendar
from chinhquyenso.workdays.deadlines import TimeUnit, due_for


@dataclass(frozen=True)
class Limits:
    refuse_days: int = 2
    more_info_days: int = 5
    answer_days: int = 15
    publish_days: int = 2
    warn_days: int = 2


@dataclass(frozen=True)
class Clocks:
    refuse_due: datetime.datetime
    more_info_due: datetime.datetime
    answer_due: datetime.datetime


def _due(cal: Calendar, start: datetime.datetime, days: int) -> datetime.datetime:
    return due_for(cal, start, days, TimeUnit.WORKING_DAYS, cutoff=None).due


def intake_clocks(cal: Calendar, start: datetime.datetime, limits: Limits) -> Clocks:
    """Deadlines that run from sending, from the latest transfer, or from the asker's supplement."""
    return Clocks(
        refuse_due=_due(cal, start, limits.refuse_days),
        more_info_due=_due(cal, start, limits.more_info_days),
        answer_due=_due(cal, start, limits.answer_days),
    )


def publish_due(cal: Calendar, approved_at: datetime.datetime, limits: Limits) -> datetime.datetime:
    return _due(cal, approved_at, limits.publish_days)


def warn_from(cal: Calendar, due: datetime.datetime, limits: Limits) -> datetime.date:
    """The working day from which a reminder goes out: `warn_days` working days before `due`."""
    day = due.date()
    for _ in range(limits.warn_days):
        day = cal.previous_working_day(day)
    return day
