"""Due dates of legal times: reception cut-off, units, real dates (pure)."""

import datetime as dt

import pytest

from chinhquyenso.workdays.calendar import OfficeSchedule
from chinhquyenso.workdays.deadlines import (
    TimeUnit,
    counting_start,
    due_for,
    due_for_quarters,
    online_cutoff,
    paper_cutoff,
)

from .helpers import at, rule_calendar

CAL = rule_calendar()
T = dt.time


@pytest.mark.parametrize(
    ("received", "cutoff", "start"),
    [
        (at(2026, 11, 23, 9, 0), T(15), at(2026, 11, 23, 9, 0)),
        (at(2026, 11, 23, 14, 59), T(15), at(2026, 11, 23, 14, 59)),
        (at(2026, 11, 23, 15, 0), T(15), at(2026, 11, 25, 7, 30)),  # after 15:00; 24/11 is a holiday
        (at(2026, 11, 23, 15, 30), T(16), at(2026, 11, 23, 15, 30)),  # online: before the last hour
        (at(2026, 11, 23, 16, 5), T(16), at(2026, 11, 25, 7, 30)),  # online: within the last hour
        (at(2026, 11, 23, 12, 0), T(15), at(2026, 11, 23, 13, 30)),  # lunch → afternoon opening
        (at(2026, 11, 23, 6, 0), T(15), at(2026, 11, 23, 7, 30)),  # before opening: same day
        (at(2026, 11, 23, 17, 30), None, at(2026, 11, 25, 7, 30)),  # after closing, no cut-off
        (at(2026, 11, 23, 16, 30), None, at(2026, 11, 23, 16, 30)),
        (at(2026, 2, 14, 10, 0), T(15), at(2026, 2, 23, 7, 30)),  # Saturday before Tết 2026
        (at(2026, 2, 13, 15, 10), T(15), at(2026, 2, 23, 7, 30)),  # Friday after 15:00 before Tết
    ],
)
def test_counting_start(received, cutoff, start):
    assert counting_start(CAL, received, cutoff) == start


def test_cutoffs_follow_the_agency_closing():
    assert paper_cutoff(CAL) == T(15)
    assert online_cutoff(CAL) == T(16)
    late = rule_calendar(OfficeSchedule(intervals=((T(8), T(12)), (T(13), T(17, 30)))))
    assert online_cutoff(late) == T(16, 30)


@pytest.mark.parametrize(
    ("received", "amount", "unit", "due"),
    [
        # Working days: the start day is not counted; due at closing of the last day.
        (at(2026, 11, 23, 9, 0), 1, TimeUnit.WORKING_DAYS, at(2026, 11, 25, 17, 0)),
        (at(2026, 11, 23, 16, 0), 1, TimeUnit.WORKING_DAYS, at(2026, 11, 26, 17, 0)),  # after 15:00
        (at(2026, 11, 23, 9, 0), 0, TimeUnit.WORKING_DAYS, at(2026, 11, 23, 17, 0)),  # same-day service
        (at(2026, 11, 23, 15, 30), 0, TimeUnit.WORKING_DAYS, at(2026, 11, 25, 17, 0)),  # same-day, late
        (at(2026, 2, 12, 10, 0), 3, TimeUnit.WORKING_DAYS, at(2026, 2, 24, 17, 0)),  # across Tết 2026
        (at(2025, 1, 24, 10, 0), 3, TimeUnit.WORKING_DAYS, at(2025, 2, 5, 17, 0)),  # across Tết 2025
        (at(2026, 4, 24, 10, 0), 5, TimeUnit.WORKING_DAYS, at(2026, 5, 6, 17, 0)),  # Giỗ Tổ + 30/4–1/5
        (at(2029, 8, 30, 10, 0), 2, TimeUnit.WORKING_DAYS, at(2029, 9, 5, 17, 0)),  # 2/9/2029 Sunday
        (at(2025, 11, 21, 10, 0), 1, TimeUnit.WORKING_DAYS, at(2025, 11, 24, 17, 0)),  # 24/11/2025 works
        # Calendar days: end on a day off moves to the next working day (BLDS 2015 Điều 148(3)).
        (at(2026, 11, 20, 10, 0), 2, TimeUnit.DAYS, at(2026, 11, 23, 17, 0)),  # Sunday → Monday
        (at(2026, 11, 20, 10, 0), 4, TimeUnit.DAYS, at(2026, 11, 25, 17, 0)),  # 24/11 → 25/11
        (at(2026, 11, 20, 10, 0), 5, TimeUnit.DAYS, at(2026, 11, 25, 17, 0)),
        (at(2026, 2, 10, 10, 0), 7, TimeUnit.DAYS, at(2026, 2, 23, 17, 0)),  # lands on 17/2 (mùng 1)
        # Working hours, exact instants.
        (at(2026, 11, 23, 10, 0), 2, TimeUnit.HOURS, at(2026, 11, 23, 12, 0) + dt.timedelta(hours=2)),
        (at(2026, 11, 23, 14, 0), 8, TimeUnit.HOURS, at(2026, 11, 25, 14, 30)),
        (at(2026, 11, 23, 15, 30), 2, TimeUnit.HOURS, at(2026, 11, 25, 9, 30)),  # after the cut-off
        # Months: same day number; 30/1 + 1 month → 28/2 (no 30/2), a Saturday → Monday 2/3/2026.
        (at(2026, 1, 30, 10, 0), 1, TimeUnit.MONTHS, at(2026, 3, 2, 17, 0)),
    ],
)
def test_due_for(received, amount, unit, due):
    assert due_for(CAL, received, amount, unit).due == due


def test_online_cutoff_changes_the_start():
    received = at(2026, 11, 23, 15, 30)
    assert due_for(CAL, received, 1, TimeUnit.WORKING_DAYS, online_cutoff(CAL)).due == at(2026, 11, 25, 17, 0)
    assert due_for(CAL, received, 1, TimeUnit.WORKING_DAYS, paper_cutoff(CAL)).due == at(2026, 11, 26, 17, 0)


def test_due_is_aware_vietnam_time():
    result = due_for(CAL, dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC), 1, "ngay_lam_viec")
    assert result.due.utcoffset() == dt.timedelta(hours=7)
    assert result.start == at(2026, 11, 23, 9, 0)
    assert result.due_date == dt.date(2026, 11, 25)


def test_step_budget_in_quarters():
    # Received Friday 13/2/2026 at 14:00, a 0.75-day step (3 quarters = 5 h 37 min 30 s):
    # 3 h on Friday, then Tết 16–20/2, then 2 h 37 min 30 s on Monday 23/2.
    assert due_for_quarters(CAL, at(2026, 2, 13, 14, 0), 3) == at(2026, 2, 23, 10, 7) + dt.timedelta(seconds=30)


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [(-1, TimeUnit.WORKING_DAYS, "không được âm"), (1.5, TimeUnit.WORKING_DAYS, "số nguyên"), (1, "tuan", "tuan")],
)
def test_bad_legal_times(amount, unit, message):
    with pytest.raises(ValueError, match=message):
        due_for(CAL, at(2026, 11, 23, 9), amount, unit)
