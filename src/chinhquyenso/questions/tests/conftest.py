import datetime as dt

import pytest
from django.core.cache import cache

from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory, UserFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.questions.models import Topic
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory
from chinhquyenso.workdays import services as workdays_services
from chinhquyenso.workdays.calendar import VN_TZ


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def calendar_years(db):
    for year in (2026, 2027):
        workdays_services.seed_year(year)


@pytest.fixture
def world(db, calendar_years):
    """A province with its People's Committee, a department, one commune with its committee,
    and officials in each role; a second province with its own leader; a citizen."""
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    commune = CommuneFactory(parent=province, name="Hạc Thành", full_name="Phường Hạc Thành")
    root = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, name="UBND tỉnh Thanh Hóa")
    justice = AgencyFactory(parent=root, unit=province, name="Sở Tư pháp")
    commune_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=root, unit=commune, name="UBND phường Hạc Thành")
    other_province = ProvinceFactory(code="40", name="Nghệ An", full_name="Tỉnh Nghệ An")
    other_root = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=other_province)

    def role(r, agency, **kw):
        return RoleAssignmentFactory(role=r, agency=agency, user=OfficialFactory(), **kw).user

    topic = Topic.objects.create(province=province, code="ho-tich", name="Hộ tịch", default_agency=justice)
    land = Topic.objects.create(province=province, code="dat-dai", name="Đất đai", default_agency=commune_pc)
    return {
        "province": province, "commune": commune, "root": root, "justice": justice, "commune_pc": commune_pc,
        "other_province": other_province, "other_root": other_root, "topic": topic, "land": land,
        "officer": role("one_stop_officer", justice),
        "specialist": role("specialist", justice),
        "specialist2": role("specialist", justice),
        "leader": role("leader", justice),
        "ioc": role("ioc_operator", root),
        "commune_specialist": role("specialist", commune_pc),
        "other_leader": role("leader", other_root),
        "citizen": UserFactory(full_name="Lê Thị Hoa", phone="0912345678"),
    }
