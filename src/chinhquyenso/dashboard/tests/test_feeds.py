"""The IOC shows community and sector figures read through those apps' queries."""

import datetime

import pytest

from chinhquyenso.dashboard import feeds
from chinhquyenso.dashboard.indicators import Period, Scope
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_no_villages_and_no_series_is_no_data():
    province = ProvinceFactory()
    commune = CommuneFactory(parent=province, province=province)
    period = Period("year", 2026)
    figures = feeds.community_figures(Scope(province, unit=commune), period)
    assert figures["coverage"] is None and figures["villages"] == 0 and figures["quiz_entries"] == 0
    assert feeds.sector_figures(Scope(province), None) == []


def test_coverage_counts_villages_with_an_active_team():
    from chinhquyenso.community.models import Team, Village

    province = ProvinceFactory()
    commune = CommuneFactory(parent=province, province=province)
    villages = [Village.objects.create(name=f"Thôn {i}", name_folded=f"thon {i}", commune=commune, province=province)
                for i in range(1, 5)]
    Team.objects.create(village=villages[0], province=province, commune=commune, name="Tổ CNSCĐ thôn 1",
                        decision_number="01/QĐ-UBND",
                        decision_date=datetime.date(2026, 1, 5))
    figures = feeds.community_figures(Scope(province, unit=commune), Period("year", 2026))
    assert (figures["covered"], figures["villages"], figures["coverage"]) == (1, 4, 25.0)
