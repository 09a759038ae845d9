"""Each scoring method against values computed by hand."""

from decimal import Decimal as D

import pytest

from chinhquyenso.assessment import scoring

STEPS = [{"from": "4", "points": "20"}, {"from": "3", "points": "15"}, {"from": "2", "points": "10"},
         {"from": "1", "points": "5"}]
PCT_STEPS = [{"from": "80", "points": "10"}, {"from": "50", "points": "5"}]
OPTIONS = [{"key": "ct", "points": "10"}, {"key": "pct", "points": "5"}, {"key": "khac", "points": "0"}]


@pytest.mark.parametrize("a, b, maximum, expected", [
    (30, 40, 10, D("7.50")),       # 0.75 × 10
    (1, 3, 10, D("3.33")),         # 3.333… rounds down
    (2, 3, 10, D("6.67")),         # 6.666… rounds up
    (1, 8, 1, D("0.13")),          # 0.125 → half up to 0.13
    (40, 40, 4, D("4.00")),        # full
    (50, 40, 4, D("4.00")),        # above 100 % is capped
    (0, 40, 4, D("0.00")),
    (5, 0, 4, None),               # zero denominator → no data
    (None, 40, 4, None),
    (5, None, 4, None),
    (-1, 40, 4, None),
])
def test_ratio(a, b, maximum, expected):
    assert scoring.ratio(a, b, maximum) == expected


@pytest.mark.parametrize("a, b, threshold, maximum, expected", [
    (60, 100, 60, 3, D("3.00")),    # threshold exactly met → full points
    (1, 3, D("33.33"), 2, D("2.00")),  # 33.333…% ≥ 33.33% (compared without dividing)
    (59, 100, 60, 3, D("2.95")),    # 59/60 × 3 = 2.95
    (30, 100, 60, 3, D("1.50")),    # half the threshold → half the points
    (95, 100, 95, 2, D("2.00")),
    (94, 100, 95, 2, D("1.98")),    # 94/95 × 2 = 1.9789… → 1.98
    (29, 100, 30, 2, D("1.93")),    # 29/30 × 2 = 1.9333…
    (80, 80, 100, 2, D("2.00")),
    (0, 100, 60, 3, D("0.00")),
    (10, 0, 60, 3, None),           # zero denominator → no data
    (None, 100, 60, 3, None),
])
def test_threshold(a, b, threshold, maximum, expected):
    assert scoring.threshold(a, b, threshold, maximum) == expected


@pytest.mark.parametrize("value, table, expected", [
    (4, STEPS, D("20.00")),
    (7, STEPS, D("20.00")),   # above the top step
    (3, STEPS, D("15.00")),   # boundary: "from" is inclusive
    (D("2.99"), STEPS, D("10.00")),  # just below the 3 boundary → the 2 step
    (2, STEPS, D("10.00")),
    (1, STEPS, D("5.00")),
    (0, STEPS, D("0.00")),    # below every step
    (None, STEPS, None),
    (D("79.99"), PCT_STEPS, D("5.00")),
    (80, PCT_STEPS, D("10.00")),
    (3, list(reversed(STEPS)), D("15.00")),  # order of rows does not matter
])
def test_steps(value, table, expected):
    assert scoring.steps(value, table, 20) == expected


def test_steps_capped_at_max():
    assert scoring.steps(5, [{"from": "1", "points": "30"}], 20) == D("20.00")


@pytest.mark.parametrize("flag, expected", [(True, D("3.00")), (False, D("0.00")), (None, None)])
def test_yes_no(flag, expected):
    assert scoring.yes_no(flag, 3) == expected


@pytest.mark.parametrize("key, expected", [("ct", D("10.00")), ("pct", D("5.00")), ("khac", D("0.00")),
                                           ("", None), (None, None)])
def test_choice(key, expected):
    assert scoring.choice(key, OPTIONS, 10) == expected


def test_choice_unknown_key_is_an_error():
    with pytest.raises(ValueError):
        scoring.choice("khong-co", OPTIONS, 10)


def test_dispatch_steps_from_a_ratio():
    # 45/50 = 90 % → the 80 % step
    assert scoring.score("steps", scoring.Inputs(a=D(45), b=D(50)), max_points=10, table=PCT_STEPS) == D("10.00")


@pytest.mark.parametrize("points, maximum, expected", [
    (D("824.1"), 1000, D("0.8241")), (D("66.666"), 100, D("0.6667")), (0, 100, D("0.0000")),
    (100, 100, D("1.0000")), (None, 100, None), (10, 0, None)])
def test_normalize(points, maximum, expected):
    assert scoring.normalize(points, maximum) == expected


@pytest.mark.parametrize("total, groups, rule, expected", [
    (D(85), {"A": (D(30), D(40)), "B": (D(55), D(60))}, (80, 70), True),
    (D(80), {"A": (D(28), D(40)), "B": (D(52), D(60))}, (80, 70), True),    # both exactly at the rule
    (D("79.99"), {"A": (D(40), D(40))}, (80, 70), False),
    (D(90), {"A": (D("27.99"), D(40)), "B": (D(60), D(60))}, (80, 70), False),  # a group under 70 %
    (D(90), {"A": (D(10), D(40))}, (80, None), True),
    (D(10), {"A": (D(10), D(10))}, (None, None), False),   # no rule → never "completed"
])
def test_completes(total, groups, rule, expected):
    assert scoring.completes(total, groups, min_points=rule[0], min_group_percent=rule[1]) is expected


@pytest.mark.parametrize("values, ranks", [
    ([D("0.9"), D("0.9"), D("0.8")], [1, 1, 3]),
    ([D("0.9"), D("0.8"), D("0.8"), D("0.8"), D("0.7")], [1, 2, 2, 2, 5]),
    ([D("0.5")], [1]),
    ([], []),
])
def test_competition_ranks(values, ranks):
    assert scoring.competition_ranks(values) == ranks
