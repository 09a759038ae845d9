"""Demo data for one real province: its agencies and one demo account per role.

Agency names follow the two-tier organisation after 1 July 2025 (NĐ 118/2025 for the one-stop
centres). The electronic identifier codes below are DEMO codes in the shape of QĐ 20/2020/QĐ-TTg
(e.g. 000.00.00.H56 for the provincial People's Committee); the real codes of the province's
agencies are loaded by the province itself — nothing in the platform parses them.
"""

from dataclasses import dataclass

from django.db import transaction

from chinhquyenso.accounts.models import Role, RoleAssignment, User, UserKind
from chinhquyenso.agencies import services as agency_services
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.audit.services import record
from chinhquyenso.units.models import AdministrativeUnit, Level

DEMO_PASSWORD = "ChinhQuyenSo@2025"  # noqa: S105 — printed by `make run`, demo only

# Provincial departments after the 2025 reorganisation (NQ 190/2025/QH15 merged ministries; the
# provinces mirrored it): name, short code.
PROVINCE_DEPARTMENTS = [
    ("Văn phòng UBND tỉnh", "VP"),
    ("Sở Nội vụ", "SNV"),
    ("Sở Tư pháp", "STP"),
    ("Sở Tài chính", "STC"),
    ("Sở Xây dựng", "SXD"),
    ("Sở Nông nghiệp và Môi trường", "SNNMT"),
    ("Sở Công Thương", "SCT"),
    ("Sở Khoa học và Công nghệ", "SKHCN"),
    ("Sở Giáo dục và Đào tạo", "SGDDT"),
    ("Sở Y tế", "SYT"),
    ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
    ("Sở Dân tộc và Tôn giáo", "SDTTG"),
    ("Thanh tra tỉnh", "TTT"),
]
JUSTICE_DEPARTMENTS = [("VP", "Văn phòng Sở"), ("HCTP", "Phòng Hành chính tư pháp"), ("BTTP", "Phòng Bổ trợ tư pháp")]
COMMUNE_OFFICES = [("Văn phòng HĐND và UBND", "VP"), ("Phòng Kinh tế", "PKT"), ("Phòng Văn hóa - Xã hội", "PVHXH")]

# Old-system province letter codes of QĐ 20/2020 (H + 2 digits) for the demo provinces we know.
PROVINCE_EID_PREFIX = {"38": "H56", "72": "H59", "66": "H17", "46": "H57", "01": "H26"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str | None
    where: str  # "province", "department", "province_centre", "commune", "commune_centre"
    title: str = ""
    superuser: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("congdan", "Lê Thị Hoa", None, "", "Công dân"),
    DemoAccount("motcua", "Trần Văn Bình", Role.ONE_STOP_OFFICER, "commune_centre", "Công chức Bộ phận một cửa"),
    DemoAccount("chuyenvien", "Phạm Thị Lan", Role.SPECIALIST, "commune", "Công chức Văn phòng - Thống kê"),
    DemoAccount("lanhdao", "Nguyễn Văn Hùng", Role.LEADER, "commune", "Chủ tịch UBND"),
    DemoAccount("vanthu", "Hoàng Thị Mai", Role.DOCUMENT_CLERK, "commune", "Văn thư"),
    DemoAccount("ioc", "Đỗ Minh Tuấn", Role.IOC_OPERATOR, "province", "Chuyên viên Trung tâm IOC"),
    DemoAccount("quantricoquan", "Vũ Thị Thu", Role.AGENCY_ADMIN, "department", "Quản trị hệ thống Sở KH&CN"),
    DemoAccount("quantri", "Bùi Quốc Khánh", Role.SYSTEM_ADMIN, "province", "Quản trị hệ thống", superuser=True),
]


def _get_or_create_agency(code: str, **fields) -> Agency:
    existing = Agency.objects.filter(code=code).first()
    return existing or agency_services.create_agency(code=code, **fields)


@transaction.atomic
def load_agencies(province: AdministrativeUnit) -> dict[str, Agency]:
    """Idempotent: agencies are found by their code before anything is created."""
    prefix = PROVINCE_EID_PREFIX.get(province.code, f"H{province.code}")
    ubnd = _get_or_create_agency(
        f"000.00.00.{prefix}", name=f"UBND {province.full_name}", short_name="UBND tỉnh",
        kind=AgencyKind.PROVINCE_PC, unit=province,
    )
    made = {"province": ubnd}
    for i, (name, short) in enumerate(PROVINCE_DEPARTMENTS, start=1):
        made[short] = _get_or_create_agency(
            f"000.{i:02d}.00.{prefix}", name=name, short_name=short, kind=AgencyKind.DEPARTMENT,
            unit=province, parent=ubnd,
        )
    made["department"] = made["SKHCN"]
    for code, name in JUSTICE_DEPARTMENTS:
        if not made["STP"].departments.filter(code=code).exists():
            agency_services.create_department(agency=made["STP"], code=code, name=name)
    made["province_centre"] = _get_or_create_agency(
        f"000.01.01.{prefix}", name=f"Trung tâm Phục vụ hành chính công {province.full_name}",
        short_name="TTPVHCC tỉnh", kind=AgencyKind.PROVINCE_SERVICE_CENTRE, unit=province, parent=made["VP"],
    )
    communes = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province).order_by("code")
    for commune in communes:
        pc = _get_or_create_agency(
            f"{commune.code}.00.{prefix}", name=f"UBND {commune.full_name}", short_name="UBND",
            kind=AgencyKind.COMMUNE_PC, unit=commune, parent=ubnd,
        )
        centre = _get_or_create_agency(
            f"{commune.code}.01.{prefix}", name=f"Trung tâm Phục vụ hành chính công {commune.full_name}",
            short_name="TTPVHCC", kind=AgencyKind.COMMUNE_SERVICE_CENTRE, unit=commune, parent=pc,
        )
        made.setdefault("commune", pc)
        made.setdefault("commune_centre", centre)
    if "commune" in made:
        pc = made["commune"]
        for code, (name, short) in enumerate(COMMUNE_OFFICES, start=2):
            _get_or_create_agency(
                f"{pc.unit.code}.{code:02d}.{prefix}", name=f"{name} {pc.unit.full_name}", short_name=short,
                kind=AgencyKind.OFFICE, unit=pc.unit, parent=pc,
            )
        if not made["commune_centre"].reception_points.exists():
            agency_services.create_reception_point(
                agency=made["commune_centre"], name=f"Bộ phận một cửa {pc.unit.full_name}", unit=pc.unit,
                address=f"Trụ sở UBND {pc.unit.full_name}", opening_hours="Thứ Hai – Thứ Sáu, 07:30–11:30 và 13:30–17:00",
            )
    if not made["province_centre"].reception_points.exists():
        agency_services.create_reception_point(
            agency=made["province_centre"], name="Trụ sở Trung tâm Phục vụ hành chính công tỉnh", unit=province,
            opening_hours="Thứ Hai – Thứ Sáu, 07:30–11:30 và 13:30–17:00; sáng Thứ Bảy 07:30–11:30",
        )
    return made


@transaction.atomic
def load_accounts(agencies: dict[str, Agency]) -> list[tuple[DemoAccount, User]]:
    result = []
    for i, spec in enumerate(DEMO_ACCOUNTS):
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = User.objects.create_user(
                spec.username, DEMO_PASSWORD, full_name=spec.full_name, title=spec.title,
                email=f"{spec.username}@demo.chinhquyenso.vn", phone=f"09120000{i:02d}",
                kind=UserKind.CITIZEN if spec.role is None else UserKind.OFFICIAL,
                is_staff=spec.superuser, is_superuser=spec.superuser,
            )
            record("account.demo_create", user, after={"username": user.username, "role": spec.role})
        if spec.role is not None:
            RoleAssignment.objects.get_or_create(
                user=user, role=spec.role, agency=agencies[spec.where], defaults={"include_subagencies": True}
            )
        result.append((spec, user))
    return result
