import datetime
import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.sectordata import services
from chinhquyenso.sectordata.models import Granularity, Levels, Rollup, ValueType
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory

TODAY = datetime.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    c1 = CommuneFactory(code="14758", parent=province, name="Hàm Rồng", full_name="Phường Hàm Rồng", kind="phường")
    c2 = CommuneFactory(code="14797", parent=province, name="Hạc Thành", full_name="Phường Hạc Thành", kind="phường")
    c3 = CommuneFactory(code="14845", parent=province, name="Mường Lát", full_name="Xã Mường Lát")
    # Pre-2025 communes: one merged into Hàm Rồng, one split between Hàm Rồng and Hạc Thành.
    old = datetime.date(2008, 1, 1)
    merged = CommuneFactory(code="14761", parent=province, name="Đông Cương", full_name="Xã Đông Cương",
                            valid_from=old, valid_to=datetime.date(2025, 6, 30))
    merged.successors.add(c1)
    split = CommuneFactory(code="14764", parent=province, name="Đông Hương", full_name="Phường Đông Hương",
                           valid_from=old, valid_to=datetime.date(2025, 6, 30))
    split.successors.add(c1, c2)
    other_province = ProvinceFactory(code="37", name="Ninh Bình", full_name="Tỉnh Ninh Bình")
    foreign = CommuneFactory(code="14500", parent=other_province, name="Hoa Lư", full_name="Phường Hoa Lư",
                             kind="phường")
    ubnd = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, name="UBND tỉnh Thanh Hóa")
    skhcn = AgencyFactory(parent=ubnd, unit=province, name="Sở Khoa học và Công nghệ", short_name="SKHCN")
    syt = AgencyFactory(parent=ubnd, unit=province, name="Sở Y tế", short_name="SYT")
    commune_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=ubnd, unit=c3, name="UBND xã Mường Lát")
    other_ubnd = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=other_province, name="UBND tỉnh Ninh Bình")
    users = {
        "pusher": RoleAssignmentFactory(role=Role.SPECIALIST, agency=skhcn, user__username="skhcn1").user,
        "health": RoleAssignmentFactory(role=Role.SPECIALIST, agency=syt, user__username="syt1").user,
        "ioc": RoleAssignmentFactory(role=Role.IOC_OPERATOR, agency=ubnd, user__username="ioc1").user,
        "leader": RoleAssignmentFactory(role=Role.LEADER, agency=ubnd, user__username="lanhdao1").user,
        "commune": RoleAssignmentFactory(role=Role.SPECIALIST, agency=commune_pc, user__username="xa1").user,
        "foreign": RoleAssignmentFactory(role=Role.IOC_OPERATOR, agency=other_ubnd, user__username="ioc9").user,
        "citizen": UserFactory(username="congdan1"),
    }
    infra = services.ensure_sector("ha-tang-so", "Hạ tầng số", 10)
    security = services.ensure_sector("an-ninh", "An ninh", 20)
    common = dict(province=province, levels=Levels.COMMUNE, granularity=Granularity.QUARTER,
                  source="Sở KH&CN — SỐ LIỆU MẪU", owner_agency=skhcn)
    smartphone = services.define_series(
        code="ty-le-smartphone", name="Tỷ lệ người dân có điện thoại thông minh", sector=infra,
        unit_of_measure="%", value_type=ValueType.PERCENT, decimal_places=1, **common)
    bts = services.define_series(
        code="so-tram-bts", name="Số trạm BTS", sector=infra, unit_of_measure="trạm", value_type=ValueType.COUNT,
        rollup=Rollup.SUM, **common)
    cameras = services.define_series(
        code="so-camera", name="Số camera an ninh", sector=security, unit_of_measure="camera",
        value_type=ValueType.COUNT, rollup=Rollup.SUM, is_public=False, **common)
    return {
        "province": province, "c1": c1, "c2": c2, "c3": c3, "merged": merged, "split": split,
        "other_province": other_province, "foreign": foreign, "ubnd": ubnd, "skhcn": skhcn, "syt": syt,
        "commune_pc": commune_pc, "smartphone": smartphone, "bts": bts, "cameras": cameras, **users,
    }


def csv_upload(text: str, name: str = "so-lieu.csv", bom: bool = False) -> SimpleUploadedFile:
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    return SimpleUploadedFile(name, data, content_type="text/csv")


def xlsx_bytes(rows: list[list], percent_col: int | None = None) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Số liệu"
    for row in rows:
        ws.append(row)
    if percent_col is not None:
        for cells in ws.iter_rows(min_row=2):
            cells[percent_col].number_format = "0.0%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def xlsx_upload(rows: list[list], name: str = "so-lieu.xlsx", **kw) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows, **kw),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
