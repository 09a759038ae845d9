"""Pure working-time arithmetic over a Calendar value (ARCHITECTURE.md habit 5).

Nothing here reads the database: build a `Calendar` once (queries.load_calendar caches it) and
pass it in. All datetimes in and out are timezone-aware; they are evaluated in Asia/Ho_Chi_Minh.

A working day is a day of the schedule's weekdays (default Monday–Friday) that is not a day off
(holiday, make-up day, swapped day off), or a weekend day declared a swapped working day
(vn-regulations §2.4; Bộ luật Lao động 45/2019 Điều 111–112).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_ONE_DAY = datetime.timedelta(days=1)
# A loop bound: no legal time in these functions needs more than a few years of working days.
_MAX_SCAN_DAYS = 366 * 20


def _t(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


@dataclass(frozen=True)
class OfficeSchedule:
    """Weekdays (ISO 1 = Monday … 7 = Sunday) and the ordered, non-overlapping office intervals of
    one day, e.g. 07:30–11:30 and 13:30–17:00 with the lunch break between them."""

    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    intervals: tuple[tuple[datetime.time, datetime.time], ...] = (
        (_t("07:30"), _t("11:30")),
        (_t("13:30"), _t("17:00")),
    )

    def __post_init__(self) -> None:
        problem = schedule_problem(self.weekdays, self.intervals)
        if problem:
            raise ValueError(problem)

    @property
    def day_length(self) -> datetime.timedelta:
        return sum((_span(start, end) for start, end in self.intervals), datetime.timedelta())

    @property
    def opening(self) -> datetime.time:
        return self.intervals[0][0]

    @property
    def closing(self) -> datetime.time:
        return self.intervals[-1][1]


def _span(start: datetime.time, end: datetime.time) -> datetime.timedelta:
    return datetime.datetime.combine(datetime.date.min, end) - datetime.datetime.combine(datetime.date.min, start)


def schedule_problem(weekdays: Iterable[int], intervals: Iterable[tuple[datetime.time, datetime.time]]) -> str:
    """Vietnamese description of what is wrong with a schedule, or "" when it is valid."""
    days = set(weekdays)
    if not days:
        return "Phải có ít nhất một ngày làm việc trong tuần."
    if not days <= set(range(1, 8)):
        return "Ngày trong tuần phải là các số từ 1 (thứ Hai) đến 7 (Chủ nhật)."
    spans = list(intervals)
    if not spans:
        return "Phải có ít nhất một khoảng giờ làm việc."
    previous_end: datetime.time | None = None
    for start, end in spans:
        if start.tzinfo is not None or end.tzinfo is not None:
            return "Giờ làm việc là giờ địa phương, không kèm múi giờ."
        if start >= end:
            return f"Giờ bắt đầu {start:%H:%M} phải trước giờ kết thúc {end:%H:%M}."
        if previous_end is not None and start < previous_end:
            return f"Khoảng giờ bắt đầu {start:%H:%M} chồng lên khoảng trước (kết thúc {previous_end:%H:%M})."
        previous_end = end
    return ""


def _aware(value: datetime.datetime, name: str = "thời điểm") -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{name} phải là datetime.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name.capitalize()} phải kèm múi giờ (giờ Việt Nam là UTC+7).")
    return value.astimezone(VN_TZ)


@dataclass(frozen=True)
class Calendar:
    """The special days of the platform plus one agency's office schedule."""

    days_off: frozenset[datetime.date] = frozenset()
    extra_working_days: frozenset[datetime.date] = frozenset()
    schedule: OfficeSchedule = field(default_factory=OfficeSchedule)
    # Years whose special days are in the table; outside them only weekdays count (see covers()).
    years: frozenset[int] = frozenset()

    def covers(self, day: datetime.date) -> bool:
        return day.year in self.years

    # --- days -----------------------------------------------------------------------------

    def is_working_day(self, day: datetime.date) -> bool:
        if isinstance(day, datetime.datetime):
            day = _aware(day).date()
        if day in self.extra_working_days:
            return True
        return day.isoweekday() in self.schedule.weekdays and day not in self.days_off

    def next_working_day(self, day: datetime.date, *, include_today: bool = False) -> datetime.date:
        current = day if include_today else day + _ONE_DAY
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(current):
                return current
            current += _ONE_DAY
        raise ValueError("Không tìm thấy ngày làm việc trong khoảng thời gian hợp lý.")

    def previous_working_day(self, day: datetime.date) -> datetime.date:
        current = day - _ONE_DAY
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(current):
                return current
            current -= _ONE_DAY
        raise ValueError("Không tìm thấy ngày làm việc trong khoảng thời gian hợp lý.")

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after `start` (start itself is not counted: Bộ luật Dân sự 2015
        Điều 147(1), "ngày đầu tiên của thời hạn không được tính" [I]). n = 0 gives start if it is a
        working day, else the next one; a negative n counts backwards."""
        if n == 0:
            return self.next_working_day(start, include_today=True)
        current = start
        step = self.next_working_day if n > 0 else self.previous_working_day
        for _ in range(abs(n)):
            current = step(current)
        return current

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Working days in (start, end]: the inverse of add_working_days for working-day ends."""
        if end < start:
            return -self.working_days_between(end, start)
        count, current = 0, start + _ONE_DAY
        while current <= end:
            count += self.is_working_day(current)
            current += _ONE_DAY
        return count

    # --- instants -------------------------------------------------------------------------

    def _intervals_on(self, day: datetime.date) -> list[tuple[datetime.datetime, datetime.datetime]]:
        if not self.is_working_day(day):
            return []
        return [
            (datetime.datetime.combine(day, start, VN_TZ), datetime.datetime.combine(day, end, VN_TZ))
            for start, end in self.schedule.intervals
        ]

    def opening_of(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, self.schedule.opening, VN_TZ)

    def closing_of(self, day: datetime.date) -> datetime.datetime:
        return datetime.datetime.combine(day, self.schedule.closing, VN_TZ)

    def is_open(self, instant: datetime.datetime) -> bool:
        instant = _aware(instant)
        return any(start <= instant < end for start, end in self._intervals_on(instant.date()))

    def next_open_instant(self, instant: datetime.datetime) -> datetime.datetime:
        """instant itself when the office is open, else the next opening (after lunch, next day…)."""
        instant = _aware(instant)
        day = instant.date()
        for _ in range(_MAX_SCAN_DAYS):
            for start, end in self._intervals_on(day):
                if instant < end:
                    return max(start, instant)
            day += _ONE_DAY
        raise ValueError("Không tìm thấy giờ làm việc trong khoảng thời gian hợp lý.")

    def add_working_time(self, start: datetime.datetime, duration: datetime.timedelta) -> datetime.datetime:
        """The instant when `duration` of office time has passed since `start`, skipping nights,
        the lunch break, weekends and days off. A budget that ends exactly at a closing time ends
        there (17:00), not at the next opening."""
        current = _aware(start, "thời điểm bắt đầu")
        if duration < datetime.timedelta():
            raise ValueError("Thời lượng không được âm.")
        if not duration:
            return current
        remaining = duration
        day = current.date()
        for _ in range(_MAX_SCAN_DAYS):
            for begin, end in self._intervals_on(day):
                if current >= end:
                    continue
                current = max(current, begin)
                available = end - current
                if remaining <= available:
                    return current + remaining
                remaining -= available
                current = end
            day += _ONE_DAY
        raise ValueError("Thời lượng quá lớn.")

    def add_working_hours(self, start: datetime.datetime, hours: float | int) -> datetime.datetime:
        return self.add_working_time(start, datetime.timedelta(hours=hours))

    def working_time_between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Office time inside [start, end); negative when end is before start."""
        start, end = _aware(start, "thời điểm bắt đầu"), _aware(end, "thời điểm kết thúc")
        if end < start:
            return -self.working_time_between(end, start)
        total = datetime.timedelta()
        day = start.date()
        while day <= end.date():
            for begin, finish in self._intervals_on(day):
                lo, hi = max(begin, start), min(finish, end)
                if hi > lo:
                    total += hi - lo
            day += _ONE_DAY
        return total

    def working_minutes_between(self, start: datetime.datetime, end: datetime.datetime) -> int:
        return int(self.working_time_between(start, end).total_seconds() // 60)

    # --- step budgets (vn-regulations §2.4: "đơn vị 0,25 ngày làm việc") ------------------

    @property
    def quarter_day(self) -> datetime.timedelta:
        """A quarter of this agency's working day (7 h 30 → 1 h 52 min 30 s)."""
        return self.schedule.day_length / 4

    def add_quarters(self, start: datetime.datetime, quarters: int) -> datetime.datetime:
        """Due instant of a step budget of `quarters` × 0.25 working day starting at `start`."""
        if quarters < 0:
            raise ValueError("Số phần tư ngày không được âm.")
        return self.add_working_time(start, self.quarter_day * quarters)
