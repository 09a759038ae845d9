import copy
import json

import pytest
from django.core.cache import cache

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory, UserFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.assessment import services, transfer
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory

# A small set with one indicator per method and each data source.
SMALL_SET = {
    "format": transfer.FORMAT, "version": 1,
    "set": {"code": "TEST-XA", "name": "Bộ tiêu chí thử", "subject": "commune", "decision_number": "1829/QĐ-UBND",
            "decision_date": "2023-05-30", "issuer": "Chủ tịch UBND tỉnh", "valid_from": "2023-05-30",
            "valid_to": None, "completion_min_points": "30", "completion_min_group_percent": "50", "note": ""},
    "groups": [
        {"code": "CQS", "name": "Chính quyền số", "note": "", "indicators": [
            {"code": "1.1", "name": "Kế hoạch chuyển đổi số năm", "max_points": "10", "method": "yes_no",
             "evidence": ["number", "date", "summary", "file"], "source_kind": "self"},
            {"code": "1.2", "name": "Số cuộc họp Ban Chỉ đạo", "max_points": "20", "method": "steps",
             "steps": [{"from": "4", "points": "20"}, {"from": "3", "points": "15"}, {"from": "2", "points": "10"},
                       {"from": "1", "points": "5"}], "evidence": ["number"], "source_kind": "self"},
            {"code": "1.3", "name": "Người chủ trì", "max_points": "10", "method": "choice",
             "options": [{"key": "ct", "label": "Chủ tịch", "points": "10"},
                         {"key": "pct", "label": "Phó Chủ tịch", "points": "5"}], "source_kind": "self"},
            {"code": "1.4", "name": "Hồ sơ toàn trình", "max_points": "10", "method": "threshold", "threshold": "50",
             "source_kind": "computed", "source_key": "ho_so_toan_trinh"},
        ]},
        {"code": "HTS", "name": "Hạ tầng số", "note": "", "indicators": [
            {"code": "4.1", "name": "Điện thoại thông minh", "max_points": "10", "method": "threshold",
             "threshold": "80", "source_kind": "series", "source_key": "ty-le-smartphone"},
            {"code": "4.2", "name": "Cán bộ có máy tính", "max_points": "10", "method": "ratio",
             "evidence": ["summary"], "source_kind": "self"},
        ]},
    ],
}


def small_set_bytes(**changes) -> bytes:
    data = copy.deepcopy(SMALL_SET)
    data["set"].update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    w.c1 = CommuneFactory(code="14758", parent=w.province, name="Hàm Rồng", full_name="Phường Hàm Rồng",
                          latitude="19.8", longitude="105.78")
    w.c2 = CommuneFactory(code="14797", parent=w.province, name="Hạc Thành", full_name="Phường Hạc Thành",
                          latitude="19.81", longitude="105.77")
    w.c3 = CommuneFactory(code="14845", parent=w.province, name="Đông Sơn", full_name="Xã Đông Sơn")
    w.ubnd = AgencyFactory(code="000.00.00.H56", name="UBND Tỉnh Thanh Hóa", kind=AgencyKind.PROVINCE_PC,
                           unit=w.province)
    w.skhcn = AgencyFactory(code="000.08.00.H56", name="Sở Khoa học và Công nghệ", kind=AgencyKind.DEPARTMENT,
                            unit=w.province, parent=w.ubnd)
    w.pc1 = AgencyFactory(code="14758.00.H56", name="UBND Phường Hàm Rồng", kind=AgencyKind.COMMUNE_PC, unit=w.c1,
                          parent=w.ubnd)
    w.centre1 = AgencyFactory(code="14758.01.H56", name="TTPVHCC Hàm Rồng", kind=AgencyKind.COMMUNE_SERVICE_CENTRE,
                              unit=w.c1, parent=w.pc1)
    w.pc2 = AgencyFactory(code="14797.00.H56", name="UBND Phường Hạc Thành", kind=AgencyKind.COMMUNE_PC, unit=w.c2,
                          parent=w.ubnd)
    w.pc3 = AgencyFactory(code="14845.00.H56", name="UBND Xã Đông Sơn", kind=AgencyKind.COMMUNE_PC, unit=w.c3,
                          parent=w.ubnd)
    w.clerk1 = RoleAssignmentFactory(role=Role.SPECIALIST, agency=w.pc1).user
    w.clerk2 = RoleAssignmentFactory(role=Role.SPECIALIST, agency=w.pc2).user
    w.clerk3 = RoleAssignmentFactory(role=Role.SPECIALIST, agency=w.pc3).user
    w.officer1 = RoleAssignmentFactory(role=Role.ONE_STOP_OFFICER, agency=w.centre1).user  # not in UNIT_ROLES
    w.reviewer = RoleAssignmentFactory(role=Role.AGENCY_ADMIN, agency=w.skhcn).user
    w.province_leader = RoleAssignmentFactory(role=Role.LEADER, agency=w.ubnd).user  # covers communes, not reviewer
    w.citizen = UserFactory()
    w.other_official = OfficialFactory()
    w.set = services.import_criteria(small_set_bytes(), province=w.province, publish=True)
    services.assign_reviewer(w.set, w.reviewer, w.skhcn)
    return w


def fill_all(w, assessment, *, flag=True, meetings=4, choice="ct", a=8, b=10, with_evidence=True):
    """Enter every self-scored indicator (with full evidence)."""
    from django.core.files.base import ContentFile

    from chinhquyenso.assessment.models import IndicatorScore

    values = {"1.1": {"flag": flag}, "1.2": {"number": meetings}, "1.3": {"choice": choice}, "4.2": {"a": a, "b": b}}
    entries = {}
    for s in IndicatorScore.objects.filter(assessment=assessment).select_related("indicator"):
        code = s.indicator.code
        if code not in values:
            continue
        entries[s.pk] = {"values": values[code]}
        if with_evidence:
            entries[s.pk]["evidence"] = {"number": "12/KH-UBND", "date": "2025-02-10", "summary": "Kế hoạch CĐS"}
            if code == "1.1":
                entries[s.pk]["file"] = ContentFile(b"%PDF-1.4\n%%EOF\n", name="ke-hoach.pdf")
    services.save_indicators(assessment, entries, user=w.clerk1 if assessment.agency_id == w.pc1.pk else None)
