import datetime

import pytest

from chinhquyenso.sectordata import periods
from chinhquyenso.sectordata.models import Granularity

from .conftest import TODAY

D = datetime.date


@pytest.mark.parametrize("text, granularity, expected", [
    ("2025", Granularity.YEAR, D(2025, 1, 1)),
    (2024, Granularity.YEAR, D(2024, 1, 1)),
    ("Năm 2025", Granularity.YEAR, D(2025, 1, 1)),
    ("2025-Q1", Granularity.QUARTER, D(2025, 1, 1)),
    ("2025q4", Granularity.QUARTER, D(2025, 10, 1)),
    ("Q2/2025", Granularity.QUARTER, D(2025, 4, 1)),
    ("Quý 3/2025", Granularity.QUARTER, D(2025, 7, 1)),
    ("quý 3 năm 2025", Granularity.QUARTER, D(2025, 7, 1)),
    ("IV/2024", Granularity.QUARTER, D(2024, 10, 1)),
    ("2025-04-01", Granularity.QUARTER, D(2025, 4, 1)),
    (datetime.datetime(2025, 7, 1), Granularity.QUARTER, D(2025, 7, 1)),
    ("2025-03", Granularity.MONTH, D(2025, 3, 1)),
    ("03/2025", Granularity.MONTH, D(2025, 3, 1)),
    ("3/2025", Granularity.MONTH, D(2025, 3, 1)),
    ("Tháng 12/2024", Granularity.MONTH, D(2024, 12, 1)),
    ("T11/2026", Granularity.MONTH, D(2026, 11, 1)),  # the current month: preliminary figures allowed
    ("2026-Q4", Granularity.QUARTER, D(2026, 10, 1)),
])
def test_accepted_spellings(text, granularity, expected):
    assert periods.parse(text, granularity, today=TODAY) == expected


@pytest.mark.parametrize("text, granularity, reason", [
    ("2025-03", Granularity.QUARTER, "không phải kỳ quý"),
    ("2025", Granularity.QUARTER, "không phải kỳ quý"),
    ("2025-Q1", Granularity.MONTH, "không phải kỳ tháng"),
    ("2025-Q5", Granularity.QUARTER, "không phải kỳ quý"),
    ("2025-13", Granularity.MONTH, "Tháng 13 không tồn tại"),
    ("2025-05-01", Granularity.QUARTER, "không phải ngày đầu quý"),
    ("2025-02-30", Granularity.MONTH, "không tồn tại"),
    (D(2025, 3, 15), Granularity.MONTH, "không phải ngày đầu tháng"),
    ("2027", Granularity.YEAR, "chưa bắt đầu"),
    ("2026-12", Granularity.MONTH, "chưa bắt đầu"),
    ("1900", Granularity.YEAR, "quá xa"),
    ("", Granularity.YEAR, "Thiếu kỳ"),
    (None, Granularity.YEAR, "Thiếu kỳ"),
    (3.5, Granularity.YEAR, "Thiếu kỳ"),
    ("x" * 100, Granularity.YEAR, "quá dài"),
])
def test_rejected_with_reason(text, granularity, reason):
    with pytest.raises(periods.PeriodError, match=reason):
        periods.parse(text, granularity, today=TODAY)


@pytest.mark.parametrize("start, granularity, label, code, end", [
    (D(2025, 4, 1), Granularity.QUARTER, "Quý 2/2025", "2025-Q2", D(2025, 6, 30)),
    (D(2024, 2, 1), Granularity.MONTH, "02/2024", "2024-02", D(2024, 2, 29)),
    (D(2025, 1, 1), Granularity.YEAR, "2025", "2025", D(2025, 12, 31)),
])
def test_labels_and_ends(start, granularity, label, code, end):
    assert periods.label(start, granularity) == label
    assert periods.code(start, granularity) == code
    assert periods.end(start, granularity) == end
    assert periods.parse(code, granularity, today=TODAY) == start


def test_starts_between():
    assert periods.starts_between(D(2025, 11, 5), D(2026, 2, 1), Granularity.QUARTER) == [
        D(2025, 10, 1), D(2026, 1, 1)]
