"""Working-day arithmetic over real dates (pure Calendar, no database)."""

import datetime as dt

import pytest

from chinhquyenso.workdays.calendar import Calendar, OfficeSchedule

from .helpers import at, rule_calendar

D = dt.date
T = dt.time
CAL = rule_calendar()
# 2025 as actually announced: off Friday 2/5, worked Saturday 26/4 (swap notice) [S].
SWAP_2025 = rule_calendar(extra_working={D(2025, 4, 26)}, extra_off={D(2025, 5, 2)})


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),  # Friday before Tết Bính Ngọ
        (D(2026, 2, 16), False),  # 29 Chạp
        (D(2026, 2, 17), False),  # mùng 1
        (D(2026, 2, 20), False),  # mùng 4
        (D(2026, 2, 23), True),  # back to work
        (D(2026, 4, 26), False),  # Giỗ Tổ (Sunday)
        (D(2026, 4, 27), False),  # make-up Monday
        (D(2026, 4, 28), True),
        (D(2026, 4, 30), False),
        (D(2026, 5, 1), False),
        (D(2026, 9, 2), False),
        (D(2026, 9, 3), False),
        (D(2026, 9, 4), True),
        (D(2026, 11, 24), False),  # Tuesday, Ngày Văn hóa Việt Nam
        (D(2025, 11, 24), True),  # Monday, not a holiday in 2025
        (D(2026, 11, 21), False),  # an ordinary Saturday
        (D(2026, 11, 23), True),  # an ordinary Monday
        (D(2029, 9, 4), False),  # make-up for 2/9/2029 (Sunday)
    ],
)
def test_is_working_day(day, working):
    assert CAL.is_working_day(day) is working


def test_swapped_days():
    assert SWAP_2025.is_working_day(D(2025, 4, 26))  # Saturday worked
    assert not SWAP_2025.is_working_day(D(2025, 5, 2))  # Friday off
    assert not CAL.is_working_day(D(2025, 4, 26))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 12), 2, D(2026, 2, 23)),  # Thu → Fri, then Tết 16–20/2 and two weekends
        (D(2026, 2, 13), 5, D(2026, 2, 27)),
        (D(2025, 1, 24), 1, D(2025, 1, 27)),  # Tết Ất Tỵ 28/1–1/2 (Sat) + make-up Mon 3/2
        (D(2025, 1, 24), 2, D(2025, 2, 4)),
        (D(2026, 4, 24), 1, D(2026, 4, 28)),  # Fri → skips Sun Giỗ Tổ and its make-up Monday
        (D(2026, 4, 29), 1, D(2026, 5, 4)),  # the 30/4–1/5 block
        (D(2025, 4, 25), 1, D(2025, 4, 28)),
        (D(2025, 4, 29), 1, D(2025, 5, 2)),  # rule calendar: Friday 2/5/2025 is a working day
        (D(2026, 9, 1), 1, D(2026, 9, 4)),
        (D(2029, 8, 31), 1, D(2029, 9, 5)),  # 3/9 holiday + 4/9 make-up for Sunday 2/9
        (D(2026, 11, 23), 1, D(2026, 11, 25)),  # 24/11/2026
        (D(2025, 11, 21), 1, D(2025, 11, 24)),  # 24/11/2025 is an ordinary Monday
        (D(2026, 11, 20), 0, D(2026, 11, 20)),  # n = 0 on a working day: that day
        (D(2026, 11, 21), 0, D(2026, 11, 23)),  # n = 0 on a Saturday: the next working day
        (D(2026, 2, 23), -1, D(2026, 2, 13)),  # backwards across Tết
        (D(2026, 5, 4), -2, D(2026, 4, 28)),
    ],
)
def test_add_working_days(start, n, expected):
    assert CAL.add_working_days(start, n) == expected


def test_add_working_days_with_the_2025_swap():
    assert SWAP_2025.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)  # the worked Saturday
    assert SWAP_2025.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)  # 30/4, 1/5, 2/5 off


def test_working_days_between_inverts_add():
    for start, n in [(D(2026, 2, 12), 7), (D(2026, 4, 24), 4), (D(2029, 8, 30), 3)]:
        assert CAL.working_days_between(start, CAL.add_working_days(start, n)) == n


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at(2026, 11, 23, 8, 0), 2, at(2026, 11, 23, 10, 0)),
        (at(2026, 11, 23, 10, 30), 2, at(2026, 11, 23, 14, 30)),  # across the lunch break
        (at(2026, 11, 23, 12, 0), 1, at(2026, 11, 23, 14, 30)),  # received during lunch
        (at(2026, 11, 23, 16, 0), 1, at(2026, 11, 23, 17, 0)),  # ends exactly at closing
        (at(2026, 11, 23, 16, 0), 2, at(2026, 11, 25, 8, 30)),  # across 24/11/2026
        (at(2026, 11, 23, 16, 0), 8, at(2026, 11, 25, 16, 30)),  # 1 h Mon, holiday Tue, 4 h + 3 h Wed
        (at(2026, 2, 13, 15, 0), 4, at(2026, 2, 23, 9, 30)),  # Friday before Tết → after Tết
        (at(2026, 11, 21, 9, 0), 1, at(2026, 11, 23, 8, 30)),  # Saturday → Monday
        (at(2026, 11, 23, 6, 0), 0.5, at(2026, 11, 23, 8, 0)),  # before opening
        (at(2026, 11, 23, 9, 0), 0, at(2026, 11, 23, 9, 0)),
    ],
)
def test_add_working_hours(start, hours, expected):
    assert CAL.add_working_hours(start, hours) == expected


def test_add_working_hours_accepts_other_time_zones_and_returns_vietnam_time():
    start = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)  # 08:00 in Hà Nội
    result = CAL.add_working_hours(start, 1)
    assert result == at(2026, 11, 23, 9, 0)
    assert result.utcoffset() == dt.timedelta(hours=7)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (at(2026, 11, 23, 7, 30), at(2026, 11, 23, 17, 0), 450),  # a full day is 7 h 30
        (at(2026, 11, 23, 11, 0), at(2026, 11, 23, 14, 0), 60),  # lunch break excluded
        (at(2026, 11, 23, 16, 0), at(2026, 11, 25, 8, 30), 120),  # across 24/11/2026
        (at(2026, 2, 13, 16, 0), at(2026, 2, 23, 8, 0), 90),  # across Tết 2026
        (at(2026, 11, 21, 8, 0), at(2026, 11, 22, 17, 0), 0),  # a weekend
        (at(2026, 11, 23, 10, 0), at(2026, 11, 23, 9, 0), -60),
    ],
)
def test_working_time_between(start, end, minutes):
    assert CAL.working_minutes_between(start, end) == minutes


def test_quarters_follow_the_agency_day():
    assert CAL.quarter_day == dt.timedelta(minutes=112, seconds=30)
    assert CAL.add_quarters(at(2026, 11, 23, 7, 30), 2) == at(2026, 11, 23, 11, 15)  # 3 h 45
    assert CAL.add_quarters(at(2026, 11, 23, 9, 0), 2) == at(2026, 11, 23, 14, 45)  # 2 h 30 + lunch + 1 h 15
    assert CAL.add_quarters(at(2026, 11, 23, 7, 30), 4) == at(2026, 11, 23, 17, 0)
    assert CAL.add_quarters(at(2026, 11, 23, 7, 30), 5) == at(2026, 11, 25, 9, 22) + dt.timedelta(seconds=30)  # over 24/11
    short = rule_calendar(OfficeSchedule(intervals=((T(8), T(12)), (T(13), T(17)))))
    assert short.quarter_day == dt.timedelta(hours=2)
    assert short.add_quarters(at(2026, 11, 23, 8, 0), 3) == at(2026, 11, 23, 15, 0)


def test_saturday_office_counts_saturday():
    cal = rule_calendar(OfficeSchedule(weekdays=frozenset({1, 2, 3, 4, 5, 6})))
    assert cal.is_working_day(D(2026, 11, 21))
    assert not cal.is_working_day(D(2026, 11, 22))


@pytest.mark.parametrize(
    ("weekdays", "intervals", "message"),
    [
        ({1}, ((T(11), T(9)),), "phải trước giờ kết thúc"),
        ({1}, ((T(7, 30), T(11, 30)), (T(11), T(17))), "chồng lên"),
        ({1}, ((T(13), T(17)), (T(7), T(11))), "chồng lên"),
        (set(), ((T(8), T(9)),), "ít nhất một ngày"),
        ({8}, ((T(8), T(9)),), "các số từ 1"),
        ({1}, (), "ít nhất một khoảng"),
    ],
)
def test_bad_schedules_are_rejected(weekdays, intervals, message):
    with pytest.raises(ValueError, match=message):
        OfficeSchedule(frozenset(weekdays), intervals)


def test_naive_datetimes_are_rejected():
    with pytest.raises(ValueError, match="múi giờ"):
        CAL.add_working_hours(dt.datetime(2026, 11, 23, 8, 0), 1)
    with pytest.raises(ValueError, match="múi giờ"):
        CAL.working_time_between(dt.datetime(2026, 11, 23, 8, 0), at(2026, 11, 23, 9))


def test_negative_duration_is_rejected():
    with pytest.raises(ValueError):
        CAL.add_working_time(at(2026, 11, 23, 8), dt.timedelta(hours=-1))


def test_empty_calendar_counts_weekdays_only():
    cal = Calendar()
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 16)
    assert not cal.covers(D(2026, 2, 13))
    assert CAL.covers(D(2026, 2, 13))
