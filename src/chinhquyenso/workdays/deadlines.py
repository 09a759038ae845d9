"""Due dates of legal times (thời hạn giải quyết) over a Calendar: pure functions.

Rules and where they come from:

- Reception cut-off (vn-regulations §2.4 [V]): a dossier received **after 15:00** counts from the
  next working day (paper transfer rule; same-day services 2.000908, 2.000815). Online dossiers:
  received **within the last hour before closing** count from the next working day (2025 liên
  thông decree, NĐ 45/2020 pattern). Both are the `cutoff` parameter; see `paper_cutoff()` and
  `online_cutoff()`. Reception on a day off or outside office hours also counts from the next
  working day.
- Days: the first day is not counted and a term ending on a day off moves to the end of the next
  working day (Bộ luật Dân sự 2015 Điều 147(1), 148(3) [I]). A term in days ends at the close of
  office on its last day (148(4) says 24:00; an office returns results only during office hours).
- Units follow DVCQG's `DonViTinh`: giờ, ngày, ngày làm việc, tháng (vn-regulations §2.4 [S]).
  "Giờ" is taken as office hours ("02 giờ làm việc", "08 giờ làm việc" in §2.4).
"""

import calendar as _pycal
import datetime
from dataclasses import dataclass
from enum import StrEnum

from .calendar import VN_TZ, Calendar, _aware

PAPER_CUTOFF = datetime.time(15, 0)


class TimeUnit(StrEnum):
    WORKING_DAYS = "ngay_lam_viec"
    DAYS = "ngay"
    HOURS = "gio"
    MONTHS = "thang"


UNIT_LABELS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.DAYS: "ngày",
    TimeUnit.HOURS: "giờ làm việc",
    TimeUnit.MONTHS: "tháng",
}


def paper_cutoff(cal: Calendar) -> datetime.time:
    """15:00 (vn-regulations §2.4 [V]); takes the calendar only to match online_cutoff()."""
    return PAPER_CUTOFF


def online_cutoff(cal: Calendar) -> datetime.time:
    """One hour before this agency's closing time (16:00 for a 17:00 close) [V]."""
    closing = datetime.datetime.combine(datetime.date(2000, 1, 1), cal.schedule.closing)
    return (closing - datetime.timedelta(hours=1)).time()


def counting_start(cal: Calendar, received_at: datetime.datetime,
                   cutoff: datetime.time | None = PAPER_CUTOFF) -> datetime.datetime:
    """The instant a legal time starts running for something received at `received_at`.

    Received on a working day before the cut-off and during office hours → that instant (moved
    past the lunch break when received during lunch). Otherwise the opening of the next working
    day. `cutoff=None` disables the cut-off rule (office hours still apply)."""
    received = _aware(received_at, "thời điểm tiếp nhận")
    day = received.date()
    late = cutoff is not None and received.time() >= cutoff
    if cal.is_working_day(day) and not late and received < cal.closing_of(day):
        return cal.next_open_instant(received)
    return cal.opening_of(cal.next_working_day(day))


def _add_months(day: datetime.date, months: int) -> datetime.date:
    """Same day number `months` later, or the last day of that month (BLDS 2015 Điều 148(2) [I])."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, _pycal.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Due:
    start: datetime.datetime  # when the time started running (after the cut-off rule)
    due: datetime.datetime  # the deadline instant, aware, Asia/Ho_Chi_Minh

    @property
    def due_date(self) -> datetime.date:
        return self.due.date()


def due_for(cal: Calendar, received_at: datetime.datetime, amount: int | float, unit: TimeUnit | str,
            cutoff: datetime.time | None = PAPER_CUTOFF) -> Due:
    """Deadline of a legal time `amount` `unit` for something received at `received_at`.

    Working days / days / months end at the close of office of the last day; hours end at the
    exact instant. amount = 0 working days is a same-day service: due at today's close (or the
    next working day's close when received after the cut-off)."""
    unit = TimeUnit(unit)
    if amount < 0:
        raise ValueError("Thời hạn không được âm.")
    if unit is not TimeUnit.HOURS and amount != int(amount):
        raise ValueError("Thời hạn tính bằng ngày hoặc tháng phải là số nguyên.")
    start = counting_start(cal, received_at, cutoff)
    start_day = start.date()
    if unit is TimeUnit.HOURS:
        return Due(start, cal.add_working_hours(start, amount))
    if unit is TimeUnit.WORKING_DAYS:
        last = cal.add_working_days(start_day, int(amount))
    elif unit is TimeUnit.DAYS:
        last = cal.next_working_day(start_day + datetime.timedelta(days=int(amount)), include_today=True)
    else:
        last = cal.next_working_day(_add_months(start_day, int(amount)), include_today=True)
    return Due(start, cal.closing_of(last))


def due_for_quarters(cal: Calendar, start_at: datetime.datetime, quarters: int) -> datetime.datetime:
    """A process step's due instant: budget in quarters of a working day, from `start_at`
    (vn-regulations §2.4: step budgets in units of 0.25 working day [V])."""
    return cal.add_quarters(start_at, quarters)


def local_now() -> datetime.datetime:
    return datetime.datetime.now(VN_TZ)
