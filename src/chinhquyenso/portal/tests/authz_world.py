"""One small province with every kind of object the URLs of the site point at, built through the
apps' services and test factories, and the seven actors of the authorization matrix.

Agency X is the People's Committee of commune C1 (with its one-stop centre); agency Y that of
commune C2. Citizen A owns the dossier, the field report, the question, the quiz entry; citizen B
owns nothing. The officer of X holds the everyday roles at X (one-stop officer at its centre,
specialist and document clerk at the committee); the officer of Y the same roles at Y. The leader
leads X; the admin is the province's system administrator (and a Django superuser)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

ACTORS = ("anonymous", "citizen", "other_citizen", "officer", "other_officer", "leader", "admin")
# Actors who must pass the TOTP step (settings.TWO_FACTOR_REQUIRED_ROLES, superusers).
VERIFIED = {"leader", "admin"}

MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))


@dataclass
class World:
    users: dict = field(default_factory=dict)
    obj: dict = field(default_factory=dict)  # name → model instance or plain value used in URLs

    def __getitem__(self, name):
        return self.obj[name]


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def build() -> World:
    from chinhquyenso.accounts.models import Role, RoleAssignment
    from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory
    from chinhquyenso.agencies.models import AgencyKind
    from chinhquyenso.agencies.tests.factories import AgencyFactory
    from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory
    from chinhquyenso.workdays import services as workdays

    w = World()
    workdays.seed_years(2025, 2027)
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    c1 = CommuneFactory(code="16000", parent=province, province=province, name="Hạc Thành",
                        full_name="Phường Hạc Thành", kind="phường",
                        latitude=Decimal("19.800000"), longitude=Decimal("105.770000"))
    c2 = CommuneFactory(code="16001", parent=province, province=province, name="Quảng Phú",
                        full_name="Xã Quảng Phú", latitude=Decimal("19.900000"), longitude=Decimal("105.600000"))
    root = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, name="UBND tỉnh Thanh Hóa",
                         short_name="UBND tỉnh")
    dept = AgencyFactory(parent=root, unit=province, name="Sở Khoa học và Công nghệ", short_name="SKHCN")
    x = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=root, unit=c1, name="UBND phường Hạc Thành",
                      short_name="UBND")
    x_centre = AgencyFactory(kind=AgencyKind.COMMUNE_SERVICE_CENTRE, parent=x, unit=c1, name="TTPVHCC Hạc Thành")
    y = AgencyFactory(kind=AgencyKind.COMMUNE_PC, parent=root, unit=c2, name="UBND xã Quảng Phú", short_name="UBND")
    y_centre = AgencyFactory(kind=AgencyKind.COMMUNE_SERVICE_CENTRE, parent=y, unit=c2, name="TTPVHCC Quảng Phú")
    w.obj.update(province=province, c1=c1, c2=c2, root=root, dept=dept, x=x, x_centre=x_centre, y=y,
                 y_centre=y_centre)

    def grant(user, role, agency):
        RoleAssignment.objects.create(user=user, role=role, agency=agency, include_subagencies=True)

    citizen = UserFactory(username="congdan_a", full_name="Lê Thị Hoa", phone="0912345678")
    other_citizen = UserFactory(username="congdan_b", full_name="Đỗ Văn Nam", phone="0987654321")
    officer = OfficialFactory(username="canbo_x", full_name="Trần Văn Bình")
    grant(officer, Role.ONE_STOP_OFFICER, x_centre)
    grant(officer, Role.SPECIALIST, x)
    grant(officer, Role.DOCUMENT_CLERK, x)
    other_officer = OfficialFactory(username="canbo_y", full_name="Phạm Văn Yên")
    grant(other_officer, Role.ONE_STOP_OFFICER, y_centre)
    grant(other_officer, Role.SPECIALIST, y)
    grant(other_officer, Role.DOCUMENT_CLERK, y)
    leader = OfficialFactory(username="lanhdao_x", full_name="Nguyễn Văn Hùng", title="Chủ tịch")
    grant(leader, Role.LEADER, x)
    admin = OfficialFactory(username="quantri_tinh", full_name="Quản Trị Viên", is_staff=True, is_superuser=True)
    grant(admin, Role.SYSTEM_ADMIN, root)
    # Helpers who act in the scenario but are not actors of the matrix.
    ioc = OfficialFactory(username="ioc_tinh")
    grant(ioc, Role.IOC_OPERATOR, root)
    reviewer = OfficialFactory(username="thamdinh_so")
    grant(reviewer, Role.AGENCY_ADMIN, dept)
    w.users = {"anonymous": None, "citizen": citizen, "other_citizen": other_citizen, "officer": officer,
               "other_officer": other_officer, "leader": leader, "admin": admin}
    w.obj.update(ioc=ioc, reviewer=reviewer)

    _dossiers(w)
    _feedback(w)
    _questions(w)
    _documents(w)
    _exchange(w)
    _sectordata(w)
    _community(w)
    _assessment(w)
    _accounts(w)
    return w


def _dossiers(w: World) -> None:
    from chinhquyenso.dossiers import services
    from chinhquyenso.dossiers.models import Slip
    from chinhquyenso.dossiers.tests.factories import PDF, make_version

    citizen, officer, leader = w.users["citizen"], w.users["officer"], w.users["leader"]
    version = make_version(w["province"], competent_agency=None)
    spec = version.components.get(order=1)

    def online(when):
        d = services.start_draft(user=citizen, procedure_version=version, resolving_agency=w["x"],
                                 reception_agency=w["x_centre"], at=when)
        services.attach_component(d, actor=citizen, spec=spec,
                                  uploaded_file=SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf"))
        return d

    draft = online(MONDAY)
    submitted = services.submit(online(MONDAY), user=citizen, at=MONDAY)
    submitted = services.perform(submitted.pk, "receive", actor=officer, at=MONDAY + datetime.timedelta(minutes=10))
    done = services.submit(online(MONDAY), user=citizen, at=MONDAY)
    for action, actor, minutes in (("receive", officer, 10), ("transfer", officer, 20), ("forward", officer, 60),
                                   ("approve", leader, 120)):
        done = services.perform(done.pk, action, actor=actor, at=MONDAY + datetime.timedelta(minutes=minutes))
    result = services.attach_result(done.pk, actor=officer, name="Giấy khai sinh", number_symbol="12/TLKS",
                                    uploaded_file=SimpleUploadedFile("ket-qua.pdf", PDF,
                                                                     content_type="application/pdf"))
    w.obj.update(version=version, procedure=version.procedure, spec=spec, draft=draft, dossier=submitted,
                 component=submitted.components.first(), fee=submitted.fees.first(), done=done, result=result,
                 slip=Slip.objects.filter(dossier=submitted).first())


def _feedback(w: World) -> None:
    from chinhquyenso.feedback import services
    from chinhquyenso.feedback.models import Category, CategoryRoute

    waste = Category.objects.create(province=w["province"], code="rac-thai", name="Rác thải")
    CategoryRoute.objects.create(category=waste, unit=w["c1"], agency=w["x"])
    CategoryRoute.objects.create(category=waste, unit=w["province"], agency=w["x"])
    report = services.submit_report(
        province=w["province"], category=waste, description="Rác thải đổ trộm ở đầu ngõ số 5",
        latitude=Decimal("19.801000"), longitude=Decimal("105.771000"), name="Lê Thị Hoa", phone="0912345678",
        user=w.users["citizen"], client_ip="10.0.0.1", uploads=[SimpleUploadedFile("anh.jpg", _jpeg(),
                                                                                   content_type="image/jpeg")],
        now=MONDAY)
    ioc = w["ioc"]
    report = services.accept(report.pk, ioc, now=MONDAY)
    report = services.assign(report.pk, ioc, agency=w["x"], urgency="binh_thuong", now=MONDAY)
    w.obj.update(category=waste, report=report, photo=report.photos.first())


def _questions(w: World) -> None:
    from chinhquyenso.questions import services
    from chinhquyenso.questions.models import Topic

    topic = Topic.objects.create(province=w["province"], code="ho-tich", name="Hộ tịch", default_agency=w["x"])
    question = services.submit(
        topic=topic, title="Hỏi về đăng ký khai sinh cho con", unit=w["c1"],
        body="Tôi muốn hỏi về thủ tục đăng ký khai sinh cho con khi cha mẹ chưa đăng ký kết hôn.",
        user=w.users["citizen"], client_ip="10.0.0.2", now=MONDAY).question
    w.obj.update(topic=topic, question=question)


def _documents(w: World) -> None:
    from chinhquyenso.documents import services
    from chinhquyenso.documents.models import DocumentType
    from chinhquyenso.documents.tests.pdfs import pdf_with_text

    doc = services.register_incoming(
        agency=w["x"], doc_type=DocumentType.objects.get(code="cong-van"), subject="Về việc quản lý đất đai",
        issuing_agency_name="Sở Nông nghiệp và Môi trường", number_symbol="10/SNNMT-QLĐĐ",
        actor=w.users["officer"], files=[ContentFile(pdf_with_text(), name="cv.pdf")])
    w.obj.update(document=doc, document_file=doc.files.first())


def _exchange(w: World) -> None:
    from chinhquyenso.exchange import receiving, services

    endpoint = services.save_endpoint(agency=w["x"], organ_id="000.00.38.A01", organ_name="UBND phường Hạc Thành")
    message = receiving.receive_package(endpoint, b"<edXML>")  # rejected on arrival, kept for the clerk
    w.obj.update(endpoint=endpoint, message=message)


def _sectordata(w: World) -> None:
    from chinhquyenso.sectordata import services
    from chinhquyenso.sectordata.models import Granularity, Levels, ValueType

    infra = services.ensure_sector("ha-tang-so", "Hạ tầng số", 10)
    series = services.define_series(
        code="ty-le-smartphone", name="Tỷ lệ người dân có điện thoại thông minh", sector=infra, unit_of_measure="%",
        value_type=ValueType.PERCENT, decimal_places=1, province=w["province"], levels=Levels.COMMUNE,
        granularity=Granularity.QUARTER, source="SỐ LIỆU MẪU", owner_agency=w["x"])
    upload = SimpleUploadedFile("so-lieu.csv", b"ma_don_vi,ky,gia_tri\n16000,2026-Q1,80.5\n",
                                content_type="text/csv")
    result = services.import_upload(series, upload, user=w.users["officer"])
    w.obj.update(series=series, batch=result.batch)


def _community(w: World) -> None:
    from chinhquyenso.community.models import Village
    from chinhquyenso.community.services import plans, quizzes, teams

    officer, admin = w.users["officer"], w.users["admin"]
    village = Village(province=w["province"], commune=w["c1"], name="Tổ dân phố số 1")
    village.normalise()
    village.save()
    team = teams.create_team(officer, village, decision_number="12/QĐ-UBND", decision_date=datetime.date(2026, 1, 5))
    plan = plans.create_plan(officer, w["x"], year=2026, title="Kế hoạch chuyển đổi số năm 2026")
    task = plans.add_task(officer, plan, title="Phổ cập kỹ năng số", owner_agency=w["x"],
                          deadline=datetime.date(2026, 12, 31))
    question = quizzes.create_question(admin, w["province"], topic="An toàn thông tin", text="Mật khẩu mạnh là?",
                                       choices=[("Dài và khó đoán", True), ("123456", False)])
    now = datetime.datetime.now(tz=datetime.UTC)
    quiz = quizzes.create_quiz(admin, w["root"], title="Cuộc thi kỹ năng số", opens_at=now - datetime.timedelta(days=1),
                               closes_at=now + datetime.timedelta(days=30), duration_minutes=30, question_count=1,
                               questions=[question])
    entry, _ = quizzes.start_entry(quiz, commune=w["c1"], user=w.users["citizen"])
    w.obj.update(village=village, team=team, plan=plan, task=task, quiz=quiz, quiz_question=question, entry=entry)


def _assessment(w: World) -> None:
    from chinhquyenso.assessment import services
    from chinhquyenso.assessment.models import IndicatorScore
    from chinhquyenso.assessment.tests.conftest import small_set_bytes

    criteria = services.import_criteria(small_set_bytes(), province=w["province"], publish=True)
    services.assign_reviewer(criteria, w["reviewer"], w["dept"])
    assessment = services.start_assessment(criteria, w["x"], 2026)
    score = IndicatorScore.objects.get(assessment=assessment, indicator__code="1.1")
    services.save_indicators(assessment, {score.pk: {"values": {"flag": True},
                                                     "file": ContentFile(b"%PDF-1.4\n%%EOF\n", name="ke-hoach.pdf")}},
                             user=w.users["officer"])
    w.obj.update(criteria=criteria, assessment=assessment, score=score)


def _accounts(w: World) -> None:
    from chinhquyenso.accounts import services
    from chinhquyenso.notifications.models import Notification

    token, key = services.create_api_token(w.users["citizen"], name="Ứng dụng thử", expires_at=None)
    w.obj.update(api_token=token, api_key=key)
    _admin_token, admin_key = services.create_api_token(w.users["admin"], name="Tích hợp tỉnh", expires_at=None)
    w.obj.update(admin_api_key=admin_key)
    w.obj["notifications"] = Notification.objects.count()
