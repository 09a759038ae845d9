"""Small builders for the slips and national-portal tests: a commune with its People's Committee
and one-stop centre, a published procedure, and a dossier with components, fees, a process log,
a supplement, an extension and a result. Rows are written directly (test set-up, not a use case)
so these tests do not depend on the order the dossier core lands in."""

import datetime
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory, UserFactory
from chinhquyenso.agencies import services as agency_services
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierFee,
    Extension,
    ProcessLogEntry,
    ResultDocument,
    SupplementRequest,
)
from chinhquyenso.dossiers.workflow import Channel, Status
from chinhquyenso.procedures.tests.factories import make_procedure
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN)


def make_place():
    """Province "Thanh Hóa" (code 38 if free), a commune, its UBND and its one-stop centre."""
    n = next(_seq)
    province = ProvinceFactory(code=f"T{n}", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    commune = CommuneFactory(name="Đông Sơn", full_name="Phường Đông Sơn", kind="phường", parent=province,
                             province=province)
    pc = agency_services.create_agency(code=f"H56.{n}.01", name="Ủy ban nhân dân phường Đông Sơn",
                                       short_name="UBND", kind=AgencyKind.COMMUNE_PC, unit=commune)
    centre = agency_services.create_agency(
        code=f"H56.{n}.02", name="Trung tâm Phục vụ hành chính công phường Đông Sơn", short_name="TTPVHCC",
        kind=AgencyKind.COMMUNE_SERVICE_CENTRE, unit=commune, parent=pc, phone="0237 3850 123",
    )
    return province, pc, centre


def officer(agency, role=Role.ONE_STOP_OFFICER, **kw):
    user = OfficialFactory(**kw)
    RoleAssignmentFactory(user=user, agency=agency, role=role)
    return user


def make_dossier(*, province=None, pc=None, centre=None, status=Status.PROCESSING, channel=Channel.IN_PERSON,
                 received_at=None, applicant_user=None, code=None, **fields) -> Dossier:
    if centre is None:
        province, pc, centre = make_place()
    version = make_procedure(province, name="Đăng ký khai sinh", legal_time="3", publish=True)
    received_at = received_at or at(2025, 11, 5, 9, 30)
    n = next(_seq)
    values = dict(
        code=code or f"{centre.code}-{received_at:%y%m%d}-{n:04d}", province=province,
        procedure=version.procedure, procedure_version=version, legal_time=version.legal_time,
        time_unit=version.time_unit, fee_total=Decimal(8000), status=status, channel=channel,
        reception_agency=centre, resolving_agency=pc, current_agency=pc, applicant_user=applicant_user,
        applicant_name="Nguyễn Thị Hồng Nhung", applicant_name_folded="nguyen thi hong nhung",
        applicant_id_number="038195001234", applicant_address="Số 12 đường Lê Lợi, phường Đông Sơn, tỉnh Thanh Hóa",
        applicant_phone="0912345678", applicant_email="nhung@example.vn",
        representative_name="Trần Văn Đức", representative_id_number="038090004321",
        representative_phone="0987654321", representative_relation="Giấy ủy quyền số 05/2025",
        subject="Đăng ký khai sinh cho con Trần Minh Khôi", submitted_at=received_at, received_at=received_at,
        counting_started_at=received_at, due_at=received_at + datetime.timedelta(days=3, hours=6),
        original_due_at=received_at + datetime.timedelta(days=3, hours=6),
    )
    values.update(fields)
    return Dossier.objects.create(**values)


def add_components(dossier, names=("Tờ khai đăng ký khai sinh", "Giấy chứng sinh")):
    return [
        DossierComponent.objects.create(
            dossier=dossier, province_id=dossier.province_id, name=name, originals=1, copies=i,
            file_name=f"tep-{i}.pdf", content_type="application/pdf", size=1000 + i, digitized=i == 0,
            reused=i == 1, sha256="a" * 64,
        )
        for i, name in enumerate(names)
    ]


def add_fee(dossier, amount=8000, paid=True):
    return DossierFee.objects.create(
        dossier=dossier, province_id=dossier.province_id, kind="le_phi", code="LP01", name="Lệ phí đăng ký khai sinh",
        amount=Decimal(amount), status="paid" if paid else "unpaid", method="cash" if paid else "",
        paid_at=dossier.received_at if paid else None,
    )


def add_log(dossier, rows):
    """rows: (action, status_after, actor, receiver, started_at, due_at, content)."""
    out = []
    prev = None
    for i, (action, status_after, actor, receiver, started, due, content) in enumerate(rows, start=1):
        out.append(ProcessLogEntry.objects.create(
            dossier=dossier, province_id=dossier.province_id, seq=i, action=action, status_before=prev,
            status_after=status_after, actor=actor, actor_name=actor.full_name if actor else "Hệ thống",
            actor_title=getattr(actor, "title", "") or "", actor_role="", agency=dossier.reception_agency,
            department_name="Bộ phận tiếp nhận và trả kết quả" if i == 1 else "",
            receiver=receiver, receiver_name=receiver.full_name if receiver else "",
            receiver_agency=dossier.resolving_agency if receiver else None,
            content=content, started_at=started, due_at=due,
        ))
        prev = status_after
    return out


def full_dossier(**kw):
    """A dossier that has been through reception, a supplement, an extension and approval."""
    province, pc, centre = make_place()
    receiver = officer(centre, full_name="Lê Thị Mai", title="Công chức một cửa")
    specialist = officer(pc, Role.SPECIALIST, full_name="Phạm Quốc Huy", title="Công chức Tư pháp - Hộ tịch")
    leader = officer(pc, Role.LEADER, full_name="Hoàng Văn Thắng", title="Chủ tịch UBND phường")
    citizen = UserFactory(full_name="Nguyễn Thị Hồng Nhung")
    d = make_dossier(province=province, pc=pc, centre=centre, applicant_user=citizen, **kw)
    add_components(d)
    add_fee(d)
    r = d.received_at
    add_log(d, [
        ("receive", Status.RECEIVED, receiver, receiver, r, r + datetime.timedelta(hours=2), "Tiếp nhận hồ sơ"),
        ("transfer", Status.PROCESSING, receiver, specialist, r + datetime.timedelta(hours=1),
         r + datetime.timedelta(days=2), "Chuyển công chức Tư pháp thẩm định"),
        ("forward", Status.PROCESSING, specialist, leader, r + datetime.timedelta(days=2, hours=2),
         r + datetime.timedelta(days=2, hours=4), "Trình lãnh đạo ký"),
    ])
    SupplementRequest.objects.create(
        dossier=d, province_id=d.province_id, requested_at=r + datetime.timedelta(minutes=30), requested_by=receiver,
        items=["Bản sao giấy chứng nhận kết hôn của cha mẹ", {"name": "Văn bản ủy quyền", "note": "có chứng thực"}],
        reason="Hồ sơ thiếu giấy tờ chứng minh quan hệ", respond_by=r + datetime.timedelta(days=15),
        due_before=d.due_at, due_after=d.due_at + datetime.timedelta(days=1),
        completed_at=r + datetime.timedelta(hours=3),
    )
    Extension.objects.create(
        dossier=d, province_id=d.province_id, created_at=r + datetime.timedelta(days=2), signed_by=leader,
        reason="Cần xác minh thông tin nơi sinh với cơ sở y tế", old_due_at=d.due_at,
        new_due_at=d.due_at + datetime.timedelta(days=2),
    )
    ResultDocument.objects.create(
        dossier=d, province_id=d.province_id, name="Giấy khai sinh (bản chính)", code="KQ-KS-01",
        number_symbol="125/2025", electronic=True, issued_at=r + datetime.timedelta(days=3), created_by=leader,
    )
    return d, {"receiver": receiver, "specialist": specialist, "leader": leader, "citizen": citizen,
               "centre": centre, "pc": pc, "province": province}
