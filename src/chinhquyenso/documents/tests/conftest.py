import pytest

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.documents.models import DocumentType
from chinhquyenso.units.tests.factories import CommuneFactory


class FakeSigningService:
    """Stands in for chinhquyenso.signatures.services in workflow tests: appends an incremental
    comment naming who signed, so tests can see which signatures were applied in which order."""

    def __init__(self):
        self.calls = []

    def _mark(self, pdf: bytes, tag: str) -> bytes:
        self.calls.append(tag)
        return pdf + f"\n%signed:{tag}\n".encode()

    def sign_personal(self, pdf, *, user):
        return self._mark(pdf, f"personal:{user.username}")

    def sign_organization(self, pdf, *, agency):
        return self._mark(pdf, f"organization:{agency.code}")

    def sign_attachment(self, pdf, *, agency, number_symbol):
        return self._mark(pdf, f"attachment:{number_symbol}")

    def verify(self, pdf):
        return []


@pytest.fixture
def fake_signing(monkeypatch):
    service = FakeSigningService()
    monkeypatch.setattr("chinhquyenso.documents.signing._services", lambda: service)
    return service


@pytest.fixture
def org(db):
    """A commune people's committee with its office (VP) and economics office (PKT), another
    commune, and a clerk, a leader and two specialists."""
    province = AgencyFactory(kind=AgencyKind.PROVINCE_PC, short_name="UBND tỉnh")
    commune = CommuneFactory(parent=province.unit, province=province.unit, name="Đông Sơn", full_name="Xã Đông Sơn")
    ubnd = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=province, unit=commune, short_name="UBND",
                         name="UBND xã Đông Sơn")
    vp = AgencyFactory(kind=AgencyKind.OFFICE, parent=ubnd, unit=commune, short_name="VP",
                       name="Văn phòng HĐND và UBND")
    pkt = AgencyFactory(kind=AgencyKind.OFFICE, parent=ubnd, unit=commune, short_name="PKT",
                        name="Phòng Kinh tế")
    other = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=province, unit=CommuneFactory(parent=province.unit,
                          province=province.unit), short_name="UBND", name="UBND xã Khác")
    clerk = RoleAssignmentFactory(role=Role.DOCUMENT_CLERK, agency=ubnd,
                                  user=OfficialFactory(username="vanthu_t", full_name="Hoàng Thị Mai")).user
    leader = RoleAssignmentFactory(role=Role.LEADER, agency=ubnd,
                                   user=OfficialFactory(username="lanhdao_t", full_name="Nguyễn Văn Hùng",
                                                        title="Chủ tịch")).user
    specialist = RoleAssignmentFactory(role=Role.SPECIALIST, agency=pkt,
                                       user=OfficialFactory(username="chuyenvien_t", full_name="Phạm Thị Lan")).user
    drafter = RoleAssignmentFactory(role=Role.SPECIALIST, agency=ubnd,
                                    user=OfficialFactory(username="soanthao_t", full_name="Lê Văn Soạn")).user
    outsider = RoleAssignmentFactory(role=Role.LEADER, agency=other,
                                     user=OfficialFactory(username="ngoai_t", full_name="Trần Ngoài")).user
    return {"province": province, "ubnd": ubnd, "vp": vp, "pkt": pkt, "other": other, "clerk": clerk,
            "leader": leader, "specialist": specialist, "drafter": drafter, "outsider": outsider}


@pytest.fixture
def holidays(db):
    from chinhquyenso.workdays import services as workdays

    workdays.seed_years(2025, 2027)


@pytest.fixture
def types(db):
    from chinhquyenso.documents.seeding import NOTIFICATION_TEMPLATES, ensure_document_types
    from chinhquyenso.notifications.models import NotificationTemplate
    from chinhquyenso.notifications.seeding import ensure_templates

    # transaction=True tests flush the tables the data migration filled
    ensure_document_types(DocumentType)
    ensure_templates(NotificationTemplate, NOTIFICATION_TEMPLATES)
    return {t.code: t for t in DocumentType.objects.all()}
