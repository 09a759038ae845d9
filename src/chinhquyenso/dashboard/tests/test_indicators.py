"""Each indicator computed BY HAND on the scripted March 2026 history (scenario.py) and compared."""

import datetime
from decimal import Decimal

import pytest

from chinhquyenso.dashboard import indicators
from chinhquyenso.dashboard.indicators import Period, ratio_points
from chinhquyenso.dashboard.models import DossierFact, Rollup

from . import scenario

MARCH = Period("month", 2026, 3)
AFTER = datetime.date(2026, 4, 15)
pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world, events):
    with events():
        return scenario.run(world)


def test_facts_follow_the_dvcqg_rules(world, history):
    facts = {f.dossier_id: f for f in DossierFact.objects.all()}
    a, b, c, d, e, f = (facts[history[k].pk] for k in "ABCDEF")
    assert (a.ended_on, a.on_time, a.finished) == (datetime.date(2026, 3, 3), True, True)
    assert (b.on_time, b.due_on) == (False, datetime.date(2026, 3, 2))  # second supplement → late
    assert (c.ended_on, c.on_time) == (datetime.date(2026, 3, 10), True)  # 7 days waiting subtracted
    # judged due = NgayHenTra 12/3 (5/3 pushed 5 working days) − shift 7 days + wait 7 days = 12/3
    assert c.due_on == datetime.date(2026, 3, 12)
    assert (d.ended_on, d.on_time, d.due_on) == (None, None, datetime.date(2026, 3, 5))
    assert (e.received_on, e.due_on) == (datetime.date(2026, 3, 30), datetime.date(2026, 4, 2))
    assert (f.ended_on, f.on_time, f.online) == (datetime.date(2026, 3, 2), True, True)  # pending supplement
    assert a.e_result and a.paper_result_e and not b.e_result


def test_progress_2_1_by_hand(world, history):
    # Ended in March with a due date: A (on time), B (late: 2nd supplement), C (on time, waiting
    # subtracted), F (pending supplement: ended at the request, on time) → 4 judged, 3 on time.
    # Unfinished at 31/3: D (due 5/3 → overdue), E (due 2/4 → within) → +1 on time, +2 counted.
    r = indicators.compute("2.1", unit_or_agency=world.province, period=MARCH, today=AFTER)
    assert (r.numerator, r.denominator, r.value) == (4, 6, Decimal("66.67"))
    assert r.points == Decimal("13.33")  # 20 × 4/6, no threshold
    # April judged on 15/4 (running): nothing ended in April; D and E are unfinished and both past
    # their due dates (5/3, 2/4) → 0 of 2.
    april = indicators.compute("2.1", unit_or_agency=world.province, period=Period("month", 2026, 4), today=AFTER)
    assert (april.numerator, april.denominator, april.value) == (0, 2, Decimal("0.00"))
    # The first quarter, judged at 31/3: the same dossiers as March.
    q1 = indicators.compute("2.1", unit_or_agency=world.province, period=Period("quarter", 2026, 1), today=AFTER)
    assert (q1.numerator, q1.denominator) == (4, 6)
    num, den = indicators.drilldown("2.1", unit_or_agency=world.province, period=MARCH, today=AFTER)
    assert set(num.values_list("pk", flat=True)) == {history[k].pk for k in "ACFE"}
    assert set(den.values_list("pk", flat=True)) == {history[k].pk for k in "ABCDEF"}


def test_commune_scope_and_other_commune_empty(world, history):
    from chinhquyenso.dossiers.tests.factories import CommuneFactory  # noqa: F401
    commune = world.commune_pc.unit
    r = indicators.compute("2.1", unit_or_agency=commune, period=MARCH, today=AFTER)
    assert (r.numerator, r.denominator) == (4, 6)
    other = indicators.compute("2.1", unit_or_agency=world.other_pc.unit, period=MARCH, today=AFTER)
    assert other.value is None and other.denominator == 0  # "no data", never 0% or 100%
    agency = indicators.compute("2.1", unit_or_agency=world.commune_pc, period=MARCH, today=AFTER)
    assert (agency.numerator, agency.denominator) == (4, 6)


def test_cohort_indicators_by_hand(world, history):
    p = world.province
    got = {r.code: r for r in indicators.compute_all(p, MARCH, today=AFTER)}
    # 6 received in March; only F online; version is toàn trình; F delivers online → 3.4 = 1/6.
    assert (got["3.3"].numerator, got["3.3"].denominator, got["3.3"].value) == (1, 6, Decimal("16.67"))
    assert got["3.3"].points == Decimal(0)  # tracking item (0 points, threshold 50% shown)
    assert (got["3.4"].numerator, got["3.4"].denominator) == (1, 6)
    assert got["3.4"].points == Decimal("2.00")  # 12 × 1/6
    # Results: A has an electronic result; the version returns paper → 5.1 = 1/6.
    assert (got["5.1"].numerator, got["5.1"].denominator) == (1, 6)
    # Digitized = digitized input AND e-result: none of the counter components was flagged.
    assert (got["5.2"].numerator, got["5.2"].denominator) == (0, 6)
    assert got["5.2"].points == Decimal("0.00")
    # Fee 8,000 đ on every dossier, nobody paid online.
    assert (got["4.3"].numerator, got["4.3"].denominator) == (0, 6)
    # 2.2: finished A (3/3 10:00 − 2/3 09:00 = 25 h), B (5/3 10:00 − 2/3 09:05), C (10/3 10:00 − 2/3 09:20).
    hours = 25 + (3 * 24 + 55 / 60) + (8 * 24 + 40 / 60)
    assert got["2.2"].denominator == 3
    assert got["2.2"].value == Decimal(str(round(hours / 24 / 3, 2)))
    # 6.4 = 100 − (late 2/6 + complaints 0/6) = 66.67; threshold 90 → 6 × 66.67/90.
    assert got["6.4"].value == Decimal("66.67")
    assert got["6.4"].points == Decimal("4.44")
    # Nothing recorded for 1.1, 1.2, 4.1, 5.3 → "no data"; no ratings → HL no data.
    for code in ("1.1", "1.2", "4.1", "5.3", "HL"):
        assert got[code].value is None and got[code].points is None


def test_catalogue_indicators(world, history):
    got = {r.code: r for r in indicators.compute_all(world.province, MARCH, today=AFTER)}
    # One published version, toàn trình, with a fee, for persons; F was online → 3.2 = 1/1.
    assert (got["3.1"].numerator, got["3.1"].denominator) == (1, 1)
    assert (got["3.2"].numerator, got["3.2"].denominator) == (1, 1)
    assert (got["4.2"].numerator, got["4.2"].denominator) == (0, 1)
    # steps_text is empty in the factory version → not "complete".
    assert (got["1.3"].numerator, got["1.3"].denominator) == (0, 1)


def test_procedure_figures_below_the_province(world, history):
    """The province reads its (month, province, procedure) rollup rows; a commune and an agency
    read the facts of their own dossiers — all March dossiers are the commune's, so the figures
    agree, and the other commune has none."""
    from chinhquyenso.dashboard.indicators.figures import procedure_counts
    from chinhquyenso.dashboard.indicators.periods import Scope

    province = procedure_counts(Scope.of(world.province), MARCH)
    # 6 received (F online), 3 finished: A 25 h, B 72 h 55 min, C 8 days 40 min; all judged, B late.
    assert [{k: row[k] for k in ("received", "online", "paid_online", "finished", "ended_judged", "ended_on_time")}
            for row in province] == [{"received": 6, "online": 1, "paid_online": 0, "finished": 3,
                                      "ended_judged": 4, "ended_on_time": 3}]
    assert province[0]["processing_seconds"] == (25 * 60 + 72 * 60 + 55 + 8 * 24 * 60 + 40) * 60
    for scope in (Scope.of(world.commune_pc.unit), Scope.of(world.commune_pc)):
        assert procedure_counts(scope, MARCH) == province
    assert procedure_counts(Scope.of(world.other_pc.unit), MARCH) == []
    commune = {r.code: r for r in indicators.compute_all(world.commune_pc.unit, MARCH, today=AFTER)}
    assert (commune["3.2"].numerator, commune["4.2"].numerator) == (1, 0)


@pytest.mark.parametrize("value,points,threshold,expected", [
    ("80", 4, 80, "4.00"), ("95", 4, 80, "4.00"), ("40", 4, 80, "2.00"), ("50", 6, None, "3.00"),
    ("0", 6, None, "0.00"), ("100", 20, None, "20.00"),
])
def test_ratio_to_points(value, points, threshold, expected):
    d = indicators.Definition("x", "1", "x", "n", "d", points, threshold)
    assert ratio_points(Decimal(value), d) == Decimal(expected)
    assert ratio_points(None, d) is None


def test_rebuilt_equals_incremental(world, history):
    def snapshot():
        fields = [f.name for f in Rollup._meta.fields if f.name != "id"]
        rows = {}
        for row in Rollup.objects.values(*fields):
            counters = {k: v for k, v in row.items() if k not in ("grain", "start", "agency_id", "procedure_id",
                                                                   "unit_id", "province")}
            if any(counters.values()):
                rows[(row["grain"], row["start"], row["province"], row["agency_id"], row["procedure_id"],
                      row["unit_id"])] = counters
        facts = list(DossierFact.objects.order_by("pk").values())
        return rows, facts

    incremental = snapshot()
    assert incremental[0] and len(incremental[1]) == 6
    from chinhquyenso.dashboard.rollups import rebuild
    rebuild()
    assert snapshot() == incremental
    rebuild(world.province.pk)
    assert snapshot() == incremental


def test_ranking_of_communes(world, history):
    rows = indicators.ranking("2.1", world.province, MARCH, group="unit", today=AFTER)
    assert [(r["id"], r["value"]) for r in rows] == [(world.commune_pc.unit_id, Decimal("66.67"))]
    assert rows[0]["rank"] == 1
