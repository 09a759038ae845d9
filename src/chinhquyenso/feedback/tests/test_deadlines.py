"""Deadline tables with real dates of 2025–2026 (holidays from the seeded calendar; office hours
07:30–11:30, 13:30–17:00, Monday–Friday)."""

import pytest

from chinhquyenso.feedback import deadlines
from chinhquyenso.feedback.models import Category
from chinhquyenso.workdays.queries import load_calendar

from .conftest import at

PROFILE = Category(ack_hours=8, urgent_hours=4, normal_days=15, complex_days=30, publish_days=2)

ACK = [
    # received, expected acknowledgement due (8 working hours)
    (at(2025, 10, 6, 9, 0), at(2025, 10, 7, 9, 30), "Monday morning → Tuesday 09:30"),
    (at(2025, 10, 4, 10, 0), at(2025, 10, 7, 8, 0), "Saturday → counted from Monday 07:30"),
    (at(2025, 10, 7, 12, 0), at(2025, 10, 8, 14, 0), "lunch break → counted from 13:30"),
    (at(2025, 10, 6, 22, 0), at(2025, 10, 8, 8, 0), "night → counted from next opening"),
    (at(2025, 8, 29, 16, 0), at(2025, 9, 3, 16, 30), "over Quốc khánh 1–2/9/2025"),
    (at(2026, 2, 13, 16, 0), at(2026, 2, 23, 16, 30), "over Tết Bính Ngọ 16–20/2/2026"),
]

HANDLING = [
    # assigned, urgency, expected due
    (at(2025, 10, 7, 15, 0), "khan", at(2025, 10, 8, 9, 30), "khẩn: 4 working hours across the night"),
    (at(2025, 4, 29, 16, 30), "khan", at(2025, 5, 2, 11, 0), "khẩn across 30/4 and 1/5"),
    (at(2025, 8, 25, 10, 0), "binh_thuong", at(2025, 9, 17, 17, 0), "15 working days across Quốc khánh"),
    (at(2025, 10, 4, 10, 0), "binh_thuong", at(2025, 10, 27, 17, 0), "assigned on Saturday"),
    (at(2026, 2, 9, 8, 0), "phuc_tap", at(2026, 3, 30, 17, 0), "30 working days across Tết 2026"),
]

PUBLISH = [
    (at(2025, 8, 29, 10, 0), at(2025, 9, 4, 17, 0), "2 working days after a result before Quốc khánh"),
    (at(2026, 4, 24, 15, 0), at(2026, 4, 29, 17, 0), "across the Giỗ Tổ compensatory day 27/4/2026"),
]


@pytest.fixture
def cal(world):
    return load_calendar(None)


@pytest.mark.parametrize(("received", "expected", "why"), ACK, ids=[r[2] for r in ACK])
def test_acknowledgement_due(cal, received, expected, why):
    assert deadlines.ack_due(cal, received, PROFILE) == expected


@pytest.mark.parametrize(("assigned", "urgency", "expected", "why"), HANDLING, ids=[r[3] for r in HANDLING])
def test_handling_due(cal, assigned, urgency, expected, why):
    assert deadlines.handling_due(cal, assigned, urgency, PROFILE) == expected


@pytest.mark.parametrize(("handled", "expected", "why"), PUBLISH, ids=[r[2] for r in PUBLISH])
def test_publish_due(cal, handled, expected, why):
    assert deadlines.publish_due(cal, handled, PROFILE) == expected


def test_profile_is_data(cal):
    quick = Category(ack_hours=2, urgent_hours=1, normal_days=5, complex_days=10, publish_days=1)
    assert deadlines.ack_due(cal, at(2025, 10, 6, 9, 0), quick) == at(2025, 10, 6, 11, 0)
    assert deadlines.handling_due(cal, at(2025, 10, 6, 9, 0), "binh_thuong", quick) == at(2025, 10, 13, 17, 0)


def test_report_stores_its_deadlines(make_report, world):
    report = make_report(now=at(2025, 8, 29, 16, 0))
    assert report.ack_due_at == at(2025, 9, 3, 16, 30)
