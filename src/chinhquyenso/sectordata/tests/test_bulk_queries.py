"""The bulk reads the IOC uses: latest value per series for a unit, latest communes' totals."""

import datetime

import pytest

from chinhquyenso.sectordata import queries

from .test_pages import load

pytestmark = pytest.mark.django_db


def test_latest_for_unit_and_province_totals(world, django_assert_num_queries):
    load(world, units=("14758", "14797"), quarters=("2025-Q1", "2025-Q2"))  # BTS = 7 per commune and quarter
    load(world, series="smartphone", units=("14758",), quarters=("2025-Q1",))
    series = [world["bts"], world["smartphone"], world["cameras"]]
    with django_assert_num_queries(1):
        latest = queries.latest_for_unit(world["c1"], series)
    assert latest[world["bts"].pk].period_start == datetime.date(2025, 4, 1)
    assert latest[world["smartphone"].pk].period_start == datetime.date(2025, 1, 1)
    assert world["cameras"].pk not in latest  # no data
    with django_assert_num_queries(2):
        totals = queries.latest_province_totals(series)
    assert totals[world["bts"].pk] == {"period_start": datetime.date(2025, 4, 1), "units": 2, "total": 14}
    assert totals[world["smartphone"].pk]["total"] is None  # a sum of rates means nothing
    assert world["cameras"].pk not in totals
