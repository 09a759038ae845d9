"""Scoring as pure functions, one per method (no database, no Django models).

Every function returns the points rounded half-up to 2 decimals, or None = "no data" (the input
was not measured). None is never turned into 0 here: the total counts no-data indicators as 0
points earned (a unit cannot claim points it did not show) but the indicator stays "no data".

Methods (typical provincial sets, vn-regulations §5 [S]: Đắk Nông-style district DTI, Cao Lãnh):
- ratio:      points = min(a/b, 1) × max
- threshold:  full points when a/b × 100 ≥ T (percent), else (a/b × 100) ÷ T × max — the rule the
              IOC uses for QĐ 766 ratios too (dashboard.indicators.ratio_points)
- steps:      the row with the highest lower bound ("from", inclusive) ≤ value; below every row → 0
- yes_no:     max when yes, 0 when no
- choice:     the option's points
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")
HUNDRED = Decimal(100)


def _d(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def round2(value: Decimal) -> Decimal:
    return value.quantize(TWO, ROUND_HALF_UP)


def percent(a, b) -> Decimal | None:
    """a/b as a percentage with 2 decimals; None when either is missing or b is zero."""
    if a is None or b is None or _d(b) == 0:
        return None
    return round2(_d(a) * HUNDRED / _d(b))


def ratio(a, b, max_points) -> Decimal | None:
    if a is None or b is None:
        return None
    a, b, m = _d(a), _d(b), _d(max_points)
    if b <= 0 or a < 0:
        return None
    if a >= b:
        return round2(m)
    return round2(a * m / b)


def threshold(a, b, threshold_percent, max_points) -> Decimal | None:
    """Compared without dividing (a × 100 ≥ T × b) so "exactly met" is exact."""
    if a is None or b is None:
        return None
    a, b, t, m = _d(a), _d(b), _d(threshold_percent), _d(max_points)
    if b <= 0 or a < 0:
        return None
    if t <= 0 or a * HUNDRED >= t * b:
        return round2(m)
    return round2(a * HUNDRED * m / (t * b))


def steps(value, table: Sequence[Mapping], max_points) -> Decimal | None:
    if value is None:
        return None
    value = _d(value)
    best = None
    for row in table:
        lower = _d(row["from"])
        if lower <= value and (best is None or lower > best[0]):
            best = (lower, _d(row["points"]))
    if best is None:
        return Decimal("0.00")
    return round2(min(best[1], _d(max_points)))


def yes_no(flag: bool | None, max_points) -> Decimal | None:
    if flag is None:
        return None
    return round2(_d(max_points)) if flag else Decimal("0.00")


def choice(key: str | None, options: Sequence[Mapping], max_points) -> Decimal | None:
    if not key:
        return None
    for option in options:
        if option["key"] == key:
            return round2(min(_d(option["points"]), _d(max_points)))
    raise ValueError(key)


@dataclass(frozen=True)
class Inputs:
    a: Decimal | None = None
    b: Decimal | None = None
    number: Decimal | None = None
    flag: bool | None = None
    key: str = ""


def score(method: str, inputs: Inputs, *, max_points, threshold_percent=None, table=(), options=()) -> Decimal | None:
    """Dispatch by method name (Indicator.method)."""
    if method == "ratio":
        return ratio(inputs.a, inputs.b, max_points)
    if method == "threshold":
        return threshold(inputs.a, inputs.b, threshold_percent, max_points)
    if method == "steps":
        number = inputs.number
        if number is None and inputs.b is not None:
            number = percent(inputs.a, inputs.b)
        return steps(number, table, max_points)
    if method == "yes_no":
        return yes_no(inputs.flag, max_points)
    if method == "choice":
        return choice(inputs.key, options, max_points)
    raise ValueError(method)


def normalize(points, maximum) -> Decimal | None:
    """A total on the 0–1 scale of the DTI (4 decimals, as DTI results are published)."""
    if points is None or maximum is None or _d(maximum) <= 0:
        return None
    return max(Decimal(0), min(Decimal(1), _d(points) / _d(maximum))).quantize(FOUR, ROUND_HALF_UP)


def completes(total, group_points: Mapping[str, tuple], *, min_points=None, min_group_percent=None) -> bool:
    """The set's completion rule: total ≥ min_points and every group ≥ min_group_percent of its
    maximum. A rule part left empty (None) is not checked; a set with no rule never completes."""
    if min_points is None and min_group_percent is None:
        return False
    if min_points is not None and (total is None or _d(total) < _d(min_points)):
        return False
    if min_group_percent is not None:
        for earned, maximum in group_points.values():
            if _d(maximum) > 0 and _d(earned) * HUNDRED < _d(min_group_percent) * _d(maximum):
                return False
    return True


def competition_ranks(values: Sequence) -> list[int]:
    """Standard competition ranking of values already sorted best first: equal values share a rank
    and the next rank skips ("1, 1, 3")."""
    ranks: list[int] = []
    for i, value in enumerate(values):
        ranks.append(ranks[-1] if i and value == values[i - 1] else i + 1)
    return ranks
