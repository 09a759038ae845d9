"""Due-date rules of dossiers (vn-regulations §2.4) with real calendar dates: Tết 2026 (16–20/2),
Giỗ Tổ made up on 27/4, 30/4–1/5, Quốc khánh 2–3/9, 24/11 (from 2026); pure functions."""

from decimal import Decimal

import pytest

from chinhquyenso.dossiers import deadlines
from chinhquyenso.dossiers.workflow import Channel
from chinhquyenso.workdays.tests.helpers import at, rule_calendar

CAL = rule_calendar()
PAPER, ONLINE, POSTAL = Channel.IN_PERSON, Channel.ONLINE, Channel.POSTAL


@pytest.mark.parametrize(
    ("legal_time", "unit", "channel", "received", "start", "due"),
    [
        # Friday before Tết, after 15:00: counts from Monday 23/2 (Tết 16–20/2).
        ("3", "ngay_lam_viec", PAPER, at(2026, 2, 13, 15, 10), at(2026, 2, 23, 7, 30), at(2026, 2, 26, 17)),
        ("3", "ngay_lam_viec", PAPER, at(2026, 2, 13, 10, 0), at(2026, 2, 13, 10, 0), at(2026, 2, 25, 17)),
        # 30/4 and 1/5 are holidays, then a weekend.
        ("5", "ngay_lam_viec", PAPER, at(2026, 4, 29, 9, 0), at(2026, 4, 29, 9, 0), at(2026, 5, 8, 17)),
        # Friday 24/4 after 15:00; Monday 27/4 is Giỗ Tổ (26/4 is a Sunday, made up on Monday).
        ("2", "ngay_lam_viec", POSTAL, at(2026, 4, 24, 15, 30), at(2026, 4, 28, 7, 30), at(2026, 5, 4, 17)),
        # Quốc khánh 2–3/9/2026.
        ("1", "ngay_lam_viec", PAPER, at(2026, 9, 1, 14, 0), at(2026, 9, 1, 14, 0), at(2026, 9, 4, 17)),
        # Online: only the last hour before closing (16:00) moves the start; 24/11 is a holiday.
        ("3", "ngay_lam_viec", ONLINE, at(2026, 11, 23, 15, 30), at(2026, 11, 23, 15, 30), at(2026, 11, 27, 17)),
        ("3", "ngay_lam_viec", ONLINE, at(2026, 11, 23, 16, 5), at(2026, 11, 25, 7, 30), at(2026, 11, 30, 17)),
        ("3", "ngay_lam_viec", PAPER, at(2026, 11, 23, 15, 30), at(2026, 11, 25, 7, 30), at(2026, 11, 30, 17)),
        # Same-day service (chứng thực): after 15:00 → next working day.
        ("0", "ngay_lam_viec", PAPER, at(2026, 3, 2, 10, 0), at(2026, 3, 2, 10, 0), at(2026, 3, 2, 17)),
        ("0", "ngay_lam_viec", PAPER, at(2026, 3, 2, 15, 0), at(2026, 3, 3, 7, 30), at(2026, 3, 3, 17)),
        # Hours are office hours: 9:00–11:30, 13:30–17:00 = 6 h, then 2 h on Tuesday.
        ("8", "gio", PAPER, at(2026, 3, 2, 9, 0), at(2026, 3, 2, 9, 0), at(2026, 3, 3, 9, 30)),
        # Calendar days.
        ("15", "ngay", PAPER, at(2026, 3, 2, 9, 0), at(2026, 3, 2, 9, 0), at(2026, 3, 17, 17)),
    ],
)
def test_initial_due(legal_time, unit, channel, received, start, due):
    clock = deadlines.initial_due(CAL, received, Decimal(legal_time), unit, channel)
    assert (clock.counting_started_at, clock.due_at) == (start, due)


@pytest.mark.parametrize(
    ("channel", "due", "paused", "resumed", "new_due", "restarted"),
    [
        # Online: the count restarts from zero when the supplement is complete (§2.4 [V]).
        (ONLINE, at(2026, 2, 26, 17), at(2026, 2, 24, 10), at(2026, 3, 4, 10), at(2026, 3, 9, 17), True),
        # ... and the online cut-off applies to the new start (16:30 → next working day).
        (ONLINE, at(2026, 2, 26, 17), at(2026, 2, 24, 10), at(2026, 3, 4, 16, 30), at(2026, 3, 10, 17), True),
        # Paper: the paused working time (24/2 10:00 → 25/2 10:00 = 7.5 h = one day) is added.
        (PAPER, at(2026, 2, 26, 17), at(2026, 2, 24, 10), at(2026, 2, 25, 10), at(2026, 2, 27, 17), False),
        # Paper across Tết: 1 h + 7.5 h + 1 h paused → due moves from 13/2 17:00 to 24/2 9:30.
        (PAPER, at(2026, 2, 13, 17), at(2026, 2, 12, 16), at(2026, 2, 23, 8, 30), at(2026, 2, 24, 9, 30), False),
    ],
)
def test_resumed_due(channel, due, paused, resumed, new_due, restarted):
    clock, did_restart = deadlines.resumed_due(CAL, channel=channel, legal_time=Decimal(3), unit="ngay_lam_viec",
                                               due_at=due, paused_at=paused, resumed_at=resumed)
    assert (clock.due_at, did_restart) == (new_due, restarted)


def test_restart_rule_is_configurable(settings):
    settings.DOSSIER_SUPPLEMENT_RESTART_CHANNELS = [PAPER, ONLINE]
    clock, restarted = deadlines.resumed_due(CAL, channel=PAPER, legal_time=Decimal(3), unit="ngay_lam_viec",
                                             due_at=at(2026, 2, 26, 17), paused_at=at(2026, 2, 24, 10),
                                             resumed_at=at(2026, 3, 4, 10))
    assert restarted and clock.due_at == at(2026, 3, 9, 17)
    settings.DOSSIER_SUPPLEMENT_RESTART_CHANNELS = []
    _, restarted = deadlines.resumed_due(CAL, channel=ONLINE, legal_time=Decimal(3), unit="ngay_lam_viec",
                                         due_at=at(2026, 2, 26, 17), paused_at=at(2026, 2, 24, 10),
                                         resumed_at=at(2026, 3, 4, 10))
    assert not restarted


@pytest.mark.parametrize(
    ("submitted", "now", "open_"),
    [
        (at(2026, 3, 2, 9), at(2026, 3, 3, 9), True),  # 6 h + 1.5 h
        (at(2026, 3, 2, 9), at(2026, 3, 3, 9, 30), True),  # exactly 8 h
        (at(2026, 3, 2, 9), at(2026, 3, 3, 10), False),  # 8.5 h
        (at(2026, 2, 13, 14), at(2026, 2, 23, 10), True),  # Tết does not count: 3 h + 2.5 h
        (at(2026, 2, 13, 14), at(2026, 2, 23, 14, 30), True),  # 3 h + 4 h + 1 h = 8 h
        (at(2026, 2, 13, 14), at(2026, 2, 23, 14, 45), False),
    ],
)
def test_supplement_window_for_online_dossiers(submitted, now, open_):
    assert deadlines.supplement_window_open(CAL, submitted, now) is open_


def test_supplement_deadline_is_15_working_days_skipping_tet():
    assert deadlines.supplement_respond_by(CAL, at(2026, 2, 2, 10)) == at(2026, 3, 2, 17)


@pytest.mark.parametrize(
    ("due", "now", "allowed"),
    [
        (at(2026, 2, 26, 17), at(2026, 2, 25, 10), True),  # the working day before
        (at(2026, 2, 26, 17), at(2026, 2, 26, 9), False),  # on the due day: too late
        (at(2026, 2, 23, 17), at(2026, 2, 13, 16), True),  # Friday before Tết, due the Monday after
        (at(2026, 2, 23, 17), at(2026, 2, 23, 8), False),
        (at(2026, 5, 4, 17), at(2026, 4, 29, 16), True),  # 30/4–1/5 in between
        (at(2026, 2, 26, 17), at(2026, 2, 27, 9), False),  # already late
    ],
)
def test_extension_at_least_one_working_day_before(due, now, allowed):
    assert deadlines.extension_allowed(CAL, due, now) is allowed


@pytest.mark.parametrize(
    ("end", "due", "result"),
    [
        (at(2026, 2, 25, 10), at(2026, 2, 26, 17), "early"),
        (at(2026, 2, 26, 16, 59), at(2026, 2, 26, 17), "on_time"),
        (at(2026, 2, 26, 17), at(2026, 2, 26, 17), "on_time"),
        (at(2026, 2, 27, 8), at(2026, 2, 26, 17), "late"),
    ],
)
def test_timeliness(end, due, result):
    assert deadlines.timeliness(end, due) == result


@pytest.mark.parametrize(
    ("now", "due", "soon"),
    [
        (at(2026, 2, 13, 14), at(2026, 2, 23, 10), True),  # one working day ahead skips Tết
        (at(2026, 2, 13, 14), at(2026, 2, 23, 15), False),
        (at(2026, 2, 13, 14), at(2026, 2, 13, 13), False),  # already late
    ],
)
def test_due_soon(now, due, soon):
    assert deadlines.due_soon(CAL, due, now) is soon


def test_step_due_in_quarters():
    # A quarter of a 7.5 h day = 1 h 52 min 30 s.
    assert deadlines.step_due(CAL, at(2026, 2, 13, 9), 2) == at(2026, 2, 13, 14, 45)  # 2.5 h + lunch + 1.25 h
    assert deadlines.step_due(CAL, at(2026, 2, 13, 16), 1) == at(2026, 2, 23, 8, 22).replace(second=30)  # 1 h + 52.5 min
