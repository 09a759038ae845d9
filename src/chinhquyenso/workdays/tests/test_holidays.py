"""The rule-generated statutory holidays (pure; no database)."""

import datetime as dt

import pytest

from chinhquyenso.workdays.holidays import YearRules, default_entries, national_day_extra, tet_days
from chinhquyenso.workdays.models import EntryKind, NationalDayRule


def days(year: int, kind: str | None = None, rules: YearRules | None = None) -> set[dt.date]:
    return {p.date for p in default_entries(year, rules) if kind is None or p.kind == kind}


D = dt.date


@pytest.mark.parametrize(
    ("year", "before", "expected"),
    [
        # Default: last day of the lunar year + mùng 1–4. 2026 = the Bộ Nội vụ notice (16–20/2).
        (2026, 1, [D(2026, 2, 16), D(2026, 2, 17), D(2026, 2, 18), D(2026, 2, 19), D(2026, 2, 20)]),
        (2025, 1, [D(2025, 1, 28), D(2025, 1, 29), D(2025, 1, 30), D(2025, 1, 31), D(2025, 2, 1)]),
        # 2 + 3 split (the 2024 notice: 29 Chạp to mùng 3).
        (2024, 2, [D(2024, 2, 8), D(2024, 2, 9), D(2024, 2, 10), D(2024, 2, 11), D(2024, 2, 12)]),
        (2027, 0, [D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8), D(2027, 2, 9), D(2027, 2, 10)]),
    ],
)
def test_tet_days(year, before, expected):
    assert tet_days(year, before) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2021, D(2021, 9, 3)),  # 2/9 Thursday → Friday 3/9
        (2022, D(2022, 9, 1)),  # Friday → Thursday 1/9 (3/9 is a Saturday)
        (2023, D(2023, 9, 1)),  # Saturday → Friday 1/9
        (2024, D(2024, 9, 3)),  # Monday → Tuesday 3/9 (1/9 is a Sunday)
        (2025, D(2025, 9, 1)),  # Tuesday → Monday 1/9 joins the weekend
        (2026, D(2026, 9, 3)),  # Wednesday → neither joins a weekend: 3/9
        (2029, D(2029, 9, 3)),  # Sunday → Monday 3/9
    ],
)
def test_national_day_auto(year, expected):
    assert national_day_extra(year) == expected


def test_national_day_rule_is_data():
    assert national_day_extra(2026, NationalDayRule.BEFORE) == D(2026, 9, 1)
    assert national_day_extra(2025, NationalDayRule.AFTER) == D(2025, 9, 3)
    assert D(2026, 9, 1) in days(2026, rules=YearRules(national_day_rule=NationalDayRule.BEFORE))
    assert D(2026, 9, 3) not in days(2026, rules=YearRules(national_day_rule=NationalDayRule.BEFORE))


@pytest.mark.parametrize(
    ("year", "holiday_on_weekend", "make_up"),
    [
        (2026, D(2026, 4, 26), D(2026, 4, 27)),  # Giỗ Tổ on Sunday → Monday
        (2029, D(2029, 9, 2), D(2029, 9, 4)),  # 2/9 Sunday; 3/9 is the adjacent holiday → Tuesday 4/9
        (2023, D(2023, 9, 2), D(2023, 9, 4)),  # 2/9 Saturday → Monday 4/9
        (2027, D(2027, 5, 1), D(2027, 5, 3)),  # 1/5 Saturday → Monday 3/5
        (2023, D(2023, 1, 1), D(2023, 1, 2)),  # 1/1 Sunday → Monday 2/1
    ],
)
def test_make_up_day(year, holiday_on_weekend, make_up):
    entries = {p.date: p for p in default_entries(year)}
    assert entries[holiday_on_weekend].kind == EntryKind.HOLIDAY
    assert entries[make_up].kind == EntryKind.COMPENSATORY
    assert "Điều 111 khoản 3" in entries[make_up].legal_basis


def test_two_weekend_holidays_get_two_consecutive_make_up_days():
    # 30/4/2022 Saturday and 1/5/2022 Sunday → Monday 2/5 and Tuesday 3/5.
    assert days(2022, EntryKind.COMPENSATORY) >= {D(2022, 5, 2), D(2022, 5, 3)}


def test_tet_on_a_weekend_is_made_up_after_the_block():
    # Default 2024: 9/2 (Fri) to 13/2; 10/2 and 11/2 are the weekend → 14/2 and 15/2.
    assert {D(2024, 2, 14), D(2024, 2, 15)} <= days(2024, EntryKind.COMPENSATORY)


@pytest.mark.parametrize(
    ("day", "is_holiday"),
    [
        (D(2026, 11, 24), True),  # Tuesday: first Ngày Văn hóa Việt Nam
        (D(2025, 11, 24), False),  # not yet a holiday
        (D(2027, 11, 24), True),
    ],
)
def test_culture_day(day, is_holiday):
    assert (day in days(day.year, EntryKind.HOLIDAY)) is is_holiday


def test_culture_day_on_a_weekend_has_no_make_up_day():
    # 24/11/2029 is a Saturday: NQ 28/2026/QH16 gives no make-up day [S].
    assert D(2029, 11, 24).isoweekday() == 6
    assert D(2029, 11, 26) not in days(2029)


def test_full_2026_list():
    entries = default_entries(2026)
    assert [(p.date, p.kind) for p in entries] == [
        (D(2026, 1, 1), EntryKind.HOLIDAY),
        *[(D(2026, 2, d), EntryKind.HOLIDAY) for d in range(16, 21)],
        (D(2026, 4, 26), EntryKind.HOLIDAY),
        (D(2026, 4, 27), EntryKind.COMPENSATORY),
        (D(2026, 4, 30), EntryKind.HOLIDAY),
        (D(2026, 5, 1), EntryKind.HOLIDAY),
        (D(2026, 9, 2), EntryKind.HOLIDAY),
        (D(2026, 9, 3), EntryKind.HOLIDAY),
        (D(2026, 11, 24), EntryKind.HOLIDAY),
    ]
    assert all(p.legal_basis for p in entries)
    assert entries[1].name == "Tết Âm lịch (29 tháng Chạp)"


def test_2020_follows_the_2012_labour_code():
    entries = {p.date: p for p in default_entries(2020)}
    assert D(2020, 9, 2) in entries
    assert D(2020, 9, 1) not in entries and D(2020, 9, 3) not in entries  # one Quốc khánh day then
    assert entries[D(2020, 9, 2)].legal_basis.startswith("Bộ luật Lao động 10/2012")


@pytest.mark.parametrize("kwargs", [{"tet_days_before": 5}, {"tet_days_before": -1}, {"national_day_rule": "x"}])
def test_bad_rules(kwargs):
    with pytest.raises(ValueError):
        YearRules(**kwargs)


@pytest.mark.parametrize("year", range(2020, 2036))
def test_every_seed_year_has_unique_dates_and_eleven_statutory_days(year):
    entries = default_entries(year)
    assert len({p.date for p in entries}) == len(entries)
    holidays = [p for p in entries if p.kind == EntryKind.HOLIDAY]
    expected = 10 + (year >= 2021) + (year >= 2026)  # 1/1, 5 Tết, Giỗ Tổ, 30/4, 1/5, 2/9 (+1) (+24/11)
    assert len(holidays) == expected
