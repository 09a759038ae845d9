"""handoff_results: the BM.05 result of each hand-off, table-driven with real dates (Vietnam time)."""

import pytest

from chinhquyenso.dossiers.slips.control import EARLY, LATE, ON_TIME, handoff_results, judge

from .slip_factories import at

NOW = at(2025, 11, 10, 9, 0)


@pytest.mark.parametrize(("ended", "due", "expected"), [
    (at(2025, 11, 5, 10, 0), at(2025, 11, 5, 11, 30), ON_TIME),     # same day, before the due instant
    (at(2025, 11, 5, 11, 30), at(2025, 11, 5, 11, 30), ON_TIME),    # exactly at the due instant
    (at(2025, 11, 5, 11, 31), at(2025, 11, 5, 11, 30), LATE),       # one minute late
    (at(2025, 11, 4, 16, 59), at(2025, 11, 5, 8, 0), EARLY),        # the working day before
    (at(2025, 12, 31, 23, 59), at(2026, 1, 2, 8, 0), EARLY),        # across the new year
    (at(2026, 1, 2, 7, 0), at(2025, 12, 31, 17, 0), LATE),          # after Tết Dương lịch
    (None, at(2025, 11, 10, 8, 0), LATE),                           # still open, past due
    (None, at(2025, 11, 10, 10, 0), None),                          # still open, not yet due
    (at(2025, 11, 5, 10, 0), None, None),                           # no budget (final return)
])
def test_judge(ended, due, expected):
    assert judge(ended, due, NOW) == expected


def rows(*spec):
    return [{"seq": i, "giver": g, "receiver": r, "content": "", "started_at": s, "due_at": d}
            for i, (g, r, s, d) in enumerate(spec, start=1)]


@pytest.mark.parametrize(("log", "closed", "expected"), [
    # Reception → specialist (due 07/11 17:00, handed 06/11 → early) → leader (due 07/11 11:00,
    # handed 07/11 10:00 → on time) → one-stop (no due) closed.
    (rows(("Một cửa", "Chuyên viên", at(2025, 11, 5, 9, 0), at(2025, 11, 7, 17, 0)),
          ("Chuyên viên", "Lãnh đạo", at(2025, 11, 6, 15, 0), at(2025, 11, 7, 11, 0)),
          ("Lãnh đạo", "Một cửa", at(2025, 11, 7, 10, 0), at(2025, 11, 7, 17, 0)),
          ("Một cửa", "Công dân", at(2025, 11, 7, 14, 0), None)),
     True, [EARLY, ON_TIME, ON_TIME, None]),
    # Specialist late across 30/4–1/5 (due 29/4, handed on 5/5); the leader's row is still open and overdue.
    (rows(("Một cửa", "Chuyên viên", at(2025, 4, 28, 9, 0), at(2025, 4, 29, 17, 0)),
          ("Chuyên viên", "Lãnh đạo", at(2025, 5, 5, 8, 30), at(2025, 5, 5, 12, 0))),
     False, [LATE, LATE]),
    (rows(("Một cửa", "Chuyên viên", at(2025, 11, 10, 8, 0), at(2025, 11, 11, 17, 0))), False, [None]),
    ([], False, []),
])
def test_handoff_results(log, closed, expected):
    out = handoff_results(log, now=NOW, closed=closed)
    assert [h.result for h in out] == expected
    for i, h in enumerate(out[:-1]):
        assert h.ended_at == log[i + 1]["started_at"]


def test_labels_are_vietnamese():
    out = handoff_results(rows(("A", "B", at(2025, 11, 3, 8, 0), at(2025, 11, 3, 9, 0)),
                               ("B", "C", at(2025, 11, 3, 10, 0), None)), now=NOW, closed=True)
    assert [h.result_label for h in out] == ["Quá hạn", ""]
