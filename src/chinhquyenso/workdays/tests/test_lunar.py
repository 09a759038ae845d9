"""Lunar conversion against known dates (Tết and Giỗ Tổ as published in Vietnamese calendars)."""

import datetime as dt

import pytest

from chinhquyenso.workdays.lunar import LunarDate, lunar_new_year, lunar_to_solar, solar_to_lunar


@pytest.mark.parametrize(
    ("year", "tet"),
    [
        (1985, dt.date(1985, 1, 21)),  # Vietnam (UTC+7); China had 20/2/1985
        (2007, dt.date(2007, 2, 17)),  # China: 18/2/2007
        (2020, dt.date(2020, 1, 25)),
        (2023, dt.date(2023, 1, 22)),
        (2024, dt.date(2024, 2, 10)),
        (2025, dt.date(2025, 1, 29)),
        (2026, dt.date(2026, 2, 17)),
        (2027, dt.date(2027, 2, 6)),
        (2030, dt.date(2030, 2, 2)),  # China: 3/2/2030
    ],
)
def test_tet(year, tet):
    assert lunar_new_year(year) == tet
    assert solar_to_lunar(tet) == LunarDate(year, 1, 1)


@pytest.mark.parametrize(
    ("year", "vietnam", "china"),
    [(1985, dt.date(1985, 1, 21), dt.date(1985, 2, 20)), (2007, dt.date(2007, 2, 17), dt.date(2007, 2, 18)),
     (2030, dt.date(2030, 2, 2), dt.date(2030, 2, 3)), (2026, dt.date(2026, 2, 17), dt.date(2026, 2, 17))],
)
def test_vietnamese_and_chinese_new_year_differ_by_time_zone(year, vietnam, china):
    assert lunar_new_year(year) == vietnam
    assert lunar_new_year(year, tz=8) == china


@pytest.mark.parametrize(
    ("year", "gio_to"),
    [(2024, dt.date(2024, 4, 18)), (2025, dt.date(2025, 4, 7)), (2026, dt.date(2026, 4, 26)), (2027, dt.date(2027, 4, 16))],
)
def test_gio_to_hung_vuong(year, gio_to):
    assert lunar_to_solar(year, 3, 10) == gio_to


@pytest.mark.parametrize(
    ("solar", "lunar"),
    [
        (dt.date(2023, 3, 22), LunarDate(2023, 2, 1, leap=True)),  # Quý Mão: leap month 2
        (dt.date(2023, 4, 20), LunarDate(2023, 3, 1)),
        (dt.date(2025, 7, 25), LunarDate(2025, 6, 1, leap=True)),  # Ất Tỵ: leap month 6
        (dt.date(2025, 8, 23), LunarDate(2025, 7, 1)),
        (dt.date(2026, 2, 16), LunarDate(2025, 12, 29)),  # Chạp 2025 has 29 days
        (dt.date(2024, 2, 9), LunarDate(2023, 12, 30)),
        (dt.date(2025, 10, 6), LunarDate(2025, 8, 15)),  # Tết Trung thu 2025
        (dt.date(2033, 12, 22), LunarDate(2033, 11, 1, leap=True)),  # the "2033 problem": leap 11
        (dt.date(2034, 1, 20), LunarDate(2033, 12, 1)),
    ],
)
def test_known_dates(solar, lunar):
    assert solar_to_lunar(solar) == lunar
    assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == solar


def test_round_trip_over_two_decades():
    day = dt.date(2015, 1, 1)
    while day < dt.date(2036, 1, 1):
        lunar = solar_to_lunar(day)
        assert lunar_to_solar(lunar.year, lunar.month, lunar.day, lunar.leap) == day, day
        day += dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((2024, 2, 1, True), "không có tháng nhuận"),
        ((2023, 5, 1, True), "không có tháng 5 nhuận"),
        ((2025, 12, 30, False), "không có ngày 30"),
        ((2025, 13, 1, False), "không hợp lệ"),
    ],
)
def test_invalid_lunar_dates(args, message):
    with pytest.raises(ValueError, match=message):
        lunar_to_solar(*args)
