import datetime

import pytest

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.documents.tests.pdfs import pdf_with_text
from chinhquyenso.exchange import services
from chinhquyenso.exchange.edxml import Attachment, DocumentPackage, Organ, StaffInfo
from chinhquyenso.exchange.transports import get_transport
from chinhquyenso.units.tests.factories import CommuneFactory

DIRECTORY = "chinhquyenso.exchange.transports.DirectoryTransport"
LGSP_URL = "https://lgsp.example.gov.vn/edoc"


@pytest.fixture(autouse=True)
def _exchange_settings(settings, tmp_path):
    settings.EXCHANGE_TRANSPORTS = {
        "directory": {"BACKEND": DIRECTORY, "ROOT": str(tmp_path / "drop")},
        "lgsp": {
            "BACKEND": "chinhquyenso.exchange.transports.LgspHttpTransport",
            "URL": LGSP_URL,
            "SYSTEM_ID": "thanhhoa-qlvb",
            "SECRET_KEY": "khoa-bi-mat",
            "TIMEOUT": 3,
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    settings.EXCHANGE_RETRY_BASE_SECONDS = 60
    settings.EXCHANGE_RETRY_MAX_SECONDS = 3600
    settings.EXCHANGE_AUTO_REGISTER = False
    get_transport.cache_clear()
    yield
    get_transport.cache_clear()


@pytest.fixture
def drop(tmp_path):
    return tmp_path / "drop"


@pytest.fixture
def two(db):
    """Two commune people's committees in one province, each on the platform with its own
    endpoint (the two "instances"), plus a clerk at each and an outsider."""
    province = AgencyFactory(kind=AgencyKind.PROVINCE_PC, short_name="UBND tỉnh", name="UBND tỉnh Thử")
    a = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=province, short_name="UBND", name="UBND xã Đông Sơn",
                      unit=CommuneFactory(parent=province.unit, province=province.unit, name="Đông Sơn", full_name="Xã Đông Sơn"))
    b = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=province, short_name="UBND", name="UBND xã Hoằng Hóa",
                      unit=CommuneFactory(parent=province.unit, province=province.unit, name="Hoằng Hóa", full_name="Xã Hoằng Hóa"))
    ea = services.save_endpoint(agency=a, organ_id="000.00.38.A01", organ_name="UBND xã Đông Sơn")
    eb = services.save_endpoint(agency=b, organ_id="000.00.38.B02", organ_name="UBND xã Hoằng Hóa")
    clerk_a = RoleAssignmentFactory(role=Role.DOCUMENT_CLERK, agency=a, user=OfficialFactory(username="vanthu_a")).user
    clerk_b = RoleAssignmentFactory(role=Role.DOCUMENT_CLERK, agency=b, user=OfficialFactory(username="vanthu_b")).user
    specialist_a = RoleAssignmentFactory(role=Role.SPECIALIST, agency=a, user=OfficialFactory(username="chuyenvien_a")).user
    return {"province": province, "a": a, "b": b, "ea": ea, "eb": eb, "clerk_a": clerk_a, "clerk_b": clerk_b,
            "specialist_a": specialist_a}


def sample_package(sender: Organ, recipient: Organ, **overrides) -> DocumentPackage:
    values = dict(
        sender=sender,
        recipients=(recipient,),
        code_number="05",
        code_notation="QĐ-UBND",
        promulgation_place="Đông Sơn",
        promulgation_date=datetime.date(2025, 9, 8),
        subject="Về việc giao chỉ tiêu chuyển đổi số năm 2025",
        signer_full_name="Nguyễn Văn Hùng",
        signer_position="Chủ tịch",
        signer_competence="KT.",
        type_code="quyet-dinh",
        type_name="Quyết định",
        type_detail="QĐ",
        content="Nội dung tóm tắt",
        due_date=datetime.date(2025, 9, 30),
        steering_type="1",
        priority="2",
        to_places=("Như Điều 3", "Lưu: VT"),
        promulgation_amount=10,
        page_amount=3,
        appendixes=("Phụ lục I",),
        attachments=(Attachment("qd-1", "quyet-dinh.pdf", "application/pdf", pdf_with_text(), "Văn bản chính"),),
        business_doc_type="0",
        business_doc_reason="Văn bản mới",
        staff=StaffInfo(department="Văn phòng", staff="Hoàng Thị Mai", mobile="0912345678", email="vt@example.vn"),
        timestamp=datetime.datetime(2025, 9, 8, 9, 30, 15, tzinfo=datetime.timezone(datetime.timedelta(hours=7))),
    )
    values.update(overrides)
    return DocumentPackage(**values)
