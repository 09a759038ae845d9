"""Factories for dossier tests: a small province with a commune (People's Committee + its one-stop
centre) and a department, officials with roles, and published procedure versions created directly
(components, fees, steps), independent of the procedures app's services."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from chinhquyenso.accounts.models import Role, RoleAssignment
from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.procedures.models import (
    CompetentLevel,
    ComponentSpec,
    FeeSpec,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
    SectorField,
    StepKind,
    VersionStatus,
)
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory
from chinhquyenso.workdays.calendar import VN_TZ

_n = iter(range(1, 10**6))

def _pdf() -> bytes:
    import io

    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


PDF = _pdf()


def at(y, m, d, hh=9, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def steps_for(quarters: int, inter_agency=None) -> list[dict]:
    steps = [
        {"kind": StepKind.RECEIVE, "name": "Tiếp nhận, chuyển hồ sơ", "role": Role.ONE_STOP_OFFICER, "quarters": 1},
        {"kind": StepKind.APPRAISE, "name": "Thẩm định hồ sơ", "role": Role.SPECIALIST, "quarters": quarters - 3},
        {"kind": StepKind.APPROVE, "name": "Ký duyệt kết quả", "role": Role.LEADER, "quarters": 1},
        {"kind": StepKind.RETURN, "name": "Trả kết quả", "role": Role.ONE_STOP_OFFICER, "quarters": 1},
    ]
    if inter_agency is not None:
        steps[1]["quarters"] -= 2
        steps.insert(2, {"kind": StepKind.INTER_AGENCY, "name": "Liên thông", "role": Role.SPECIALIST,
                         "quarters": 2, "agency": inter_agency})
    return steps


def make_version(province, *, legal_time="3", time_unit="ngay_lam_viec", online=OnlineLevel.FULL,
                 competent_agency=None, required=True, fee=Decimal(8000), inter_agency=None,
                 kind=AgencyKind.COMMUNE_PC) -> ProcedureVersion:
    n = next(_n)
    sector, _ = Sector.objects.get_or_create(code="TP", defaults={"name": "Tư pháp"})
    field, _ = SectorField.objects.get_or_create(code="HT", defaults={"sector": sector, "name": "Hộ tịch"})
    procedure = Procedure.objects.create(province=province, national_code=f"9.{n:06d}")
    version = ProcedureVersion.objects.create(
        procedure=procedure, province=province, number=1, name=f"Đăng ký khai sinh thử {n}", name_folded="",
        sector_field=field, level=CompetentLevel.COMMUNE, competent_agency=competent_agency,
        competent_agency_kind=kind, legal_time=Decimal(legal_time), time_unit=time_unit,
        result_name="Giấy khai sinh", online_level=online,
    )
    ComponentSpec.objects.create(version=version, province=province, order=1, name="Tờ khai đăng ký khai sinh",
                                 originals=1, required=required)
    ComponentSpec.objects.create(version=version, province=province, order=2, name="Giấy chứng sinh",
                                 originals=1, required=False)
    if fee:
        FeeSpec.objects.create(version=version, province=province, name="Lệ phí", amount=fee)
    quarters = int(Decimal(legal_time) * 4) if time_unit == "ngay_lam_viec" else 8
    for order, step in enumerate(steps_for(max(quarters, 4 + (2 if inter_agency else 0)), inter_agency), start=1):
        ProcessStep.objects.create(version=version, province=province, order=order, **step)
    version.status = VersionStatus.PUBLISHED
    version.published_at = at(2025, 7, 1)
    version.save()
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return version


@dataclass
class World:
    province: object
    commune_pc: object
    centre: object
    department: object
    other_pc: object
    other_centre: object
    officer: object
    specialist: object
    leader: object
    other_officer: object
    other_specialist: object
    citizen: object
    other_citizen: object
    version: object


def grant(user, role, agency, subtree=True):
    RoleAssignment.objects.create(user=user, role=role, agency=agency, include_subagencies=subtree)
    return user


def make_world(**version_kwargs) -> World:
    province = ProvinceFactory()
    pc_root = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province)
    commune = CommuneFactory(parent=province, province=province)
    commune_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, unit=commune, parent=pc_root)
    centre = AgencyFactory(kind=AgencyKind.COMMUNE_SERVICE_CENTRE, unit=commune, parent=commune_pc)
    other = CommuneFactory(parent=province, province=province)
    other_pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, unit=other, parent=pc_root)
    other_centre = AgencyFactory(kind=AgencyKind.COMMUNE_SERVICE_CENTRE, unit=other, parent=other_pc)
    department = AgencyFactory(kind=AgencyKind.DEPARTMENT, unit=province, parent=pc_root)
    officer = grant(OfficialFactory(full_name="Trần Văn Bình"), Role.ONE_STOP_OFFICER, centre)
    specialist = grant(OfficialFactory(full_name="Phạm Thị Lan"), Role.SPECIALIST, commune_pc)
    leader = grant(OfficialFactory(full_name="Nguyễn Văn Hùng"), Role.LEADER, commune_pc)
    other_officer = grant(OfficialFactory(), Role.ONE_STOP_OFFICER, other_centre)
    other_specialist = grant(OfficialFactory(), Role.SPECIALIST, other_pc)
    citizen = UserFactory(full_name="Lê Thị Hoa", phone="0912345678")
    other_citizen = UserFactory(full_name="Đỗ Văn Nam", phone="0987654321")
    version = make_version(province, **version_kwargs)
    return World(province, commune_pc, centre, department, other_pc, other_centre, officer, specialist, leader,
                 other_officer, other_specialist, citizen, other_citizen, version)


APPLICANT = {"name": "Lê Thị Hoa", "id_number": "038190000123", "phone": "0912345678",
             "address": "Thôn 1, xã Thử", "email": "hoa@example.vn"}


def counter_dossier(w: World, when: datetime.datetime, *, version=None, **kwargs):
    from chinhquyenso.dossiers import services

    version = version or w.version
    spec = version.components.get(order=1)
    return services.receive_at_counter(officer=w.officer, reception_agency=w.centre, procedure_version=version,
                                       applicant=APPLICANT, components=[{"spec": spec}], at=when, **kwargs)


def online_dossier(w: World, when: datetime.datetime, *, version=None, citizen=None):
    """Draft → upload → submit at `when` (status 1)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from chinhquyenso.dossiers import services

    version = version or w.version
    citizen = citizen or w.citizen
    d = services.start_draft(user=citizen, procedure_version=version, resolving_agency=w.commune_pc,
                             reception_agency=w.centre, at=when)
    services.attach_component(d, actor=citizen, spec=version.components.get(order=1),
                               uploaded_file=SimpleUploadedFile("to-khai.pdf", PDF))
    return services.submit(d, user=citizen, at=when)
