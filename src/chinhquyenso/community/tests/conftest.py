import datetime

import pytest
from django.core.cache import cache

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.community.models import Village
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory
from chinhquyenso.workdays.calendar import VN_TZ


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN_TZ)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


def make_world():
    from chinhquyenso.workdays.services import seed_year

    for year in (2025, 2026):
        seed_year(year)
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    c1 = CommuneFactory(parent=province, code="16000", name="Hạc Thành", full_name="Phường Hạc Thành", kind="phường")
    c2 = CommuneFactory(parent=province, code="16001", name="Quảng Phú", full_name="Xã Quảng Phú")
    other_province = ProvinceFactory(code="37", name="Ninh Bình", full_name="Tỉnh Ninh Bình")
    c3 = CommuneFactory(parent=other_province, code="14000", name="Hoa Lư", full_name="Phường Hoa Lư")
    ubnd = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, name="UBND tỉnh Thanh Hóa")
    dept = AgencyFactory(parent=ubnd, unit=province, name="Sở Khoa học và Công nghệ")
    c1_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=ubnd, unit=c1, name="UBND phường Hạc Thành")
    c1_centre = AgencyFactory(kind=AgencyKind.COMMUNE_SERVICE_CENTRE, parent=c1_pc, unit=c1, name="TTPVHCC Hạc Thành")
    c2_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=ubnd, unit=c2, name="UBND xã Quảng Phú")
    other_ubnd = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=other_province, name="UBND tỉnh Ninh Bình")
    c3_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=other_ubnd, unit=c3, name="UBND phường Hoa Lư")
    w = {
        "province": province, "c1": c1, "c2": c2, "c3": c3, "other_province": other_province,
        "ubnd": ubnd, "dept": dept, "c1_pc": c1_pc, "c1_centre": c1_centre, "c2_pc": c2_pc,
        "other_ubnd": other_ubnd, "c3_pc": c3_pc,
        "c1_official": RoleAssignmentFactory(role=Role.SPECIALIST, agency=c1_pc, user__username="xa1").user,
        "c2_official": RoleAssignmentFactory(role=Role.DOCUMENT_CLERK, agency=c2_pc, user__username="xa2").user,
        "centre_officer": RoleAssignmentFactory(role=Role.ONE_STOP_OFFICER, agency=c1_centre,
                                                user__username="motcua1").user,
        "province_official": RoleAssignmentFactory(role=Role.IOC_OPERATOR, agency=ubnd, user__username="tinh1").user,
        "dept_official": RoleAssignmentFactory(role=Role.SPECIALIST, agency=dept, user__username="so1").user,
        "other_official": RoleAssignmentFactory(role=Role.SPECIALIST, agency=c3_pc, user__username="nb1").user,
        "citizen": UserFactory(username="dan1", phone="0912345678", full_name="Lê Thị Hoa"),
    }
    for commune, names in ((c1, ["Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3", "Tổ dân phố Đông Sơn"]),
                           (c2, ["Thôn 1", "Thôn 2", "Thôn Đông"]),
                           (c3, ["Thôn Yên Thành"])):
        for name in names:
            v = Village(province=commune.province, commune=commune, name=name)
            v.normalise()
            v.save()
    return w


@pytest.fixture
def world(db):
    return make_world()


def village(commune, name):
    from chinhquyenso.core.text import fold

    return Village.objects.get(commune=commune, name_folded=fold(name))
