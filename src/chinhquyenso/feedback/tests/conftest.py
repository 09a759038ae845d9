import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.feedback import services
from chinhquyenso.feedback.models import Category, CategoryKind, CategoryQuestion, CategoryRoute
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory
from chinhquyenso.workdays.calendar import VN_TZ

# A Monday 09:00 in Thanh Hóa, an ordinary working day.
MONDAY = datetime.datetime(2025, 10, 6, 9, 0, tzinfo=VN_TZ)
POINT = (Decimal("19.801000"), Decimal("105.771000"))


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN_TZ)


def jpeg_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"  # Make
    exif[0x0110] = "SecretPhone X"  # Model
    exif[0x8825] = {1: "N", 2: (19.0, 48.0, 0.0), 3: "E", 4: (105.0, 46.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes | None = None, name="anh.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data if data is not None else jpeg_with_exif(), content_type=content_type)


@pytest.fixture(autouse=True)
def _clean_cache(settings):
    # Hashing the fixture users' passwords with PBKDF2 is most of a test's setup time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    from chinhquyenso.workdays.services import seed_year

    seed_year(2025)
    seed_year(2026)
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    c1 = CommuneFactory(parent=province, name="Hạc Thành", full_name="Phường Hạc Thành", kind="phường",
                        latitude=Decimal("19.800000"), longitude=Decimal("105.770000"))
    c2 = CommuneFactory(parent=province, name="Quảng Phú", full_name="Xã Quảng Phú",
                        latitude=Decimal("19.900000"), longitude=Decimal("105.600000"))
    other_province = ProvinceFactory(code="37", name="Ninh Bình", full_name="Tỉnh Ninh Bình")
    c3 = CommuneFactory(parent=other_province, name="Hoa Lư", full_name="Phường Hoa Lư",
                        latitude=Decimal("20.250000"), longitude=Decimal("105.970000"))
    ubnd = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, name="UBND tỉnh Thanh Hóa")
    dept = AgencyFactory(parent=ubnd, unit=province, name="Sở Xây dựng", email="sxd@example.vn")
    c1_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=ubnd, unit=c1, name="UBND phường Hạc Thành")
    other_ubnd = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=other_province, name="UBND tỉnh Ninh Bình")
    operator = RoleAssignmentFactory(role=Role.IOC_OPERATOR, agency=ubnd, user__username="ioc1").user
    operator2 = RoleAssignmentFactory(role=Role.IOC_OPERATOR, agency=ubnd, user__username="ioc2").user
    other_operator = RoleAssignmentFactory(role=Role.IOC_OPERATOR, agency=other_ubnd, user__username="ioc9").user
    handler = RoleAssignmentFactory(role=Role.SPECIALIST, agency=c1_pc, user__username="xuly1").user
    dept_handler = RoleAssignmentFactory(role=Role.SPECIALIST, agency=dept, user__username="xuly2").user
    group = Category.objects.create(province=province, code="moi-truong", name="Môi trường", icon="🌳")
    waste = Category.objects.create(province=province, parent=group, code="rac-thai", name="Rác thải",
                                    description="Rác thải, điểm tập kết tự phát")
    road = Category.objects.create(province=province, code="giao-thong", name="Hạ tầng giao thông")
    CategoryQuestion.objects.create(category=road, code="lan-duong", label="Làn đường", datatype="singlevaluelist",
                                    required=True, choices=[["trai", "Bên trái"], ["phai", "Bên phải"]])
    complaint = Category.objects.create(
        province=province, code="khieu-nai-to-cao", name="Khiếu nại, tố cáo", kind=CategoryKind.OUT_OF_SCOPE,
        guidance="Gửi khiếu nại theo Luật Khiếu nại 2011 hoặc tố cáo theo Luật Tố cáo 2018 tại Ban Tiếp công dân.",
    )
    CategoryRoute.objects.create(category=waste, unit=c1, agency=c1_pc)
    CategoryRoute.objects.create(category=waste, unit=province, agency=dept)
    citizen = UserFactory(username="dan1", phone="0912345678")
    return {
        "province": province, "c1": c1, "c2": c2, "c3": c3, "other_province": other_province,
        "ubnd": ubnd, "dept": dept, "c1_pc": c1_pc, "other_ubnd": other_ubnd,
        "operator": operator, "operator2": operator2, "other_operator": other_operator,
        "handler": handler, "dept_handler": dept_handler, "citizen": citizen,
        "group": group, "waste": waste, "road": road, "complaint": complaint,
    }


@pytest.fixture
def make_report(world):
    counter = iter(range(1, 10_000))

    def make(category=None, now=MONDAY, point=POINT, **extra):
        n = next(counter)
        fields = dict(
            province=world["province"], category=category or world["waste"],
            description=f"Rác thải đổ trộm ở đầu ngõ số {n}", latitude=point[0], longitude=point[1],
            name="Lê Thị Hoa", phone="0987654321", email="hoa@example.vn", client_ip=f"10.0.0.{n % 250}",
            now=now,
        )
        fields.update(extra)
        return services.submit_report(**fields)

    return make


@pytest.fixture
def walk(world):
    """Drive a report to a status through the services."""
    op, h = world["operator"], world["handler"]

    def go(report, to, now=MONDAY):
        steps = {
            "accepted": ["accept"],
            "assigned": ["accept", "assign"],
            "in_progress": ["accept", "assign", "start"],
            "returned": ["accept", "assign", "send_back"],
            "result_submitted": ["accept", "assign", "start", "submit_result"],
            "published": ["accept", "assign", "start", "submit_result", "publish"],
            "closed": ["accept", "assign", "start", "submit_result", "close"],
            "refused": ["refuse"],
        }[to]
        for step in steps:
            if step == "accept":
                report = services.accept(report.pk, op, now=now)
            elif step == "assign":
                report = services.assign(report.pk, op, agency=world["c1_pc"], urgency="binh_thuong", now=now)
            elif step == "start":
                report = services.start(report.pk, h, now=now)
            elif step == "send_back":
                report = services.send_back(report.pk, h, note="Không thuộc thẩm quyền của phường", now=now)
            elif step == "submit_result":
                report = services.submit_result(report.pk, h, result="Đã thu gom rác, lắp biển cấm đổ rác", now=now)
            elif step == "publish":
                report = services.publish(report.pk, op, now=now)
            elif step == "close":
                report = services.close(report.pk, op, note="Có thông tin cá nhân", now=now)
            elif step == "refuse":
                report = services.refuse(report.pk, op, reason="insufficient", now=now)
        return report

    return go
