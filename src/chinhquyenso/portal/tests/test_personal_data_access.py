"""Officials' access to personal data is logged (Luật BVDLCN 91/2025/QH15): an audit entry
"personal_data.viewed" (who, which record, which fields — never the values) on the detail views
that reveal a reporter's or an asker's identity or a dossier applicant's full identification number
and phone; none on lists, which mask them; the BM.06 register export is logged and masks phones
for those who do not keep the register."""

import io

import openpyxl
import pytest
from django.urls import reverse

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, login_verified
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.dossiers.tests.factories import at, counter_dossier, grant, make_world, online_dossier
from chinhquyenso.feedback import services as feedback_services
from chinhquyenso.feedback.models import Category
from chinhquyenso.questions import services as question_services
from chinhquyenso.questions.models import Topic
from chinhquyenso.units.models import AdministrativeUnit


@pytest.fixture
def w(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from chinhquyenso.workdays import services as workdays

    workdays.seed_years(2025, 2027)
    world = make_world()
    # question codes carry the two-digit province code (HD-38-2026-000001)
    AdministrativeUnit.objects.filter(pk=world.province.pk).update(code="38")
    world.province.refresh_from_db()
    world.operator = grant(OfficialFactory(), Role.IOC_OPERATOR, world.commune_pc.parent)
    return world


def _viewed(obj=None):
    qs = AuditEntry.objects.filter(action="personal_data.viewed")
    if obj is not None:
        qs = qs.for_object(obj)
    return list(qs.order_by("id"))


# --- field reports -----------------------------------------------------------------------------

@pytest.fixture
def report(w):
    category = Category.objects.create(province=w.province, code="rac-thai", name="Rác thải")
    r = feedback_services.submit_report(
        province=w.province, category=category, description="Rác thải đổ trộm ở đầu ngõ đã ba ngày",
        address=f"Ngõ 5, {w.commune_pc.unit.full_name}", name="Lê Thị Hoa", phone="0912345678",
        email="hoa@example.vn", client_ip="203.0.113.7")
    feedback_services.accept(r.pk, w.operator)
    return feedback_services.assign(r.pk, w.operator, agency=w.commune_pc, urgency="binh_thuong")


def test_operator_opening_a_report_is_logged_with_the_fields(client, w, report):
    client.force_login(w.operator)
    page = client.get(reverse("feedback:staff_detail", args=[report.number])).content.decode()
    assert "0912345678" in page
    [entry] = _viewed(report)
    assert entry.actor_id == w.operator.pk and entry.after == {"fields": ["email", "name", "phone"]}
    assert "0912345678" not in str(entry.after) and "Lê Thị Hoa" not in str(entry.after)


def test_report_lists_mask_and_are_not_logged(client, w, report):
    client.force_login(w.operator)
    queue = client.get(reverse("feedback:staff_queue")).content.decode()
    assert report.number in queue and "091****678" in queue and "0912345678" not in queue
    assert _viewed() == []


def test_handling_agency_sees_no_identity_and_nothing_is_logged(client, w, report):
    client.force_login(w.specialist)
    page = client.get(reverse("feedback:staff_detail", args=[report.number]))
    assert page.status_code == 200 and "0912345678" not in page.content.decode()
    assert _viewed() == []


def test_operator_api_detail_is_logged(client, w, report):
    client.force_login(w.operator)
    data = client.get(f"/api/v1/feedback/staff/reports/{report.number}").json()
    assert data["reporter"]["phone"] == "0912345678"
    assert [e.actor_id for e in _viewed(report)] == [w.operator.pk]


# --- questions ---------------------------------------------------------------------------------

@pytest.fixture
def question(w):
    topic = Topic.objects.create(province=w.province, code="ho-tich", name="Hộ tịch", default_agency=w.commune_pc)
    return question_services.submit(
        topic=topic, title="Hỏi về đăng ký khai sinh", body="Con tôi sinh ở bệnh viện tỉnh, đăng ký ở đâu?",
        asker_name="Lê Thị Hoa", asker_phone="0912345678", asker_address="Thôn 1").question


def test_operator_seeing_the_asker_is_logged(client, w, question):
    client.force_login(w.operator)
    page = client.get(reverse("questions:manage", args=[question.code])).content.decode()
    assert "0912345678" in page
    [entry] = _viewed(question)
    assert entry.actor_id == w.operator.pk
    assert entry.after == {"fields": ["asker_address", "asker_name", "asker_phone"]}


def test_question_queue_and_the_answering_agency_are_not_logged(client, w, question):
    client.force_login(w.specialist)
    queue = client.get(reverse("questions:queue")).content.decode()
    assert "0912345678" not in queue
    page = client.get(reverse("questions:manage", args=[question.code]))
    assert page.status_code == 200 and "0912345678" not in page.content.decode()
    assert _viewed() == []


def test_operator_api_question_is_logged(client, w, question):
    client.force_login(w.operator)
    data = client.get(f"/api/v1/questions/work/{question.code}").json()
    assert data["asker_identity"]["phone"] == "0912345678"
    assert len(_viewed(question)) == 1


# --- dossiers ----------------------------------------------------------------------------------

def test_dossier_page_masks_until_asked_and_logs_the_reveal(client, w):
    dossier = counter_dossier(w, at(2025, 11, 3, 9))
    client.force_login(w.officer)
    url = reverse("dossiers:office_detail", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "038******123" in page and "038190000123" not in page
    assert "091****678" in page and "0912345678" not in page
    assert "?hien=dinh-danh" in page
    assert _viewed() == []
    page = client.get(url, {"hien": "dinh-danh"}).content.decode()
    assert "038190000123" in page and "0912345678" in page
    [entry] = _viewed(dossier)
    assert entry.actor_id == w.officer.pk and entry.after == {"fields": ["applicant_id_number", "applicant_phone"]}


def test_dossier_queue_shows_no_identification_number(client, w):
    dossier = counter_dossier(w, at(2025, 11, 3, 9))
    client.force_login(w.officer)
    queue = client.get(reverse("dossiers:queue_tab", args=["tat-ca"])).content.decode()
    assert dossier.code in queue and "038190000123" not in queue and "0912345678" not in queue
    assert _viewed() == []


def test_dossier_api_detail_is_logged_for_officials_not_for_the_applicant(client, w):
    mine = online_dossier(w, at(2025, 11, 3, 9))
    client.force_login(w.citizen)
    assert client.get(f"/api/v1/dossiers/{mine.pk}").status_code == 200
    assert _viewed() == []
    client.force_login(w.officer)
    assert client.get(f"/api/v1/dossiers/{mine.pk}").json()["applicant_phone"] == "0912345678"
    assert [e.actor_id for e in _viewed(mine)] == [w.officer.pk]


def _register_rows(client, w) -> list:
    response = client.get("/ho-so/phieu/so-theo-doi/", {
        "agency": w.centre.pk, "field": w.version.sector_field.pk, "start": "2025-11-01", "end": "2025-11-30",
        "format": "xlsx"})
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [row for row in wb.active.iter_rows(values_only=True)][7:]


def test_register_export_is_logged_and_masks_phones_for_who_does_not_keep_it(client, w):
    dossier = counter_dossier(w, at(2025, 11, 3, 9))
    client.force_login(w.officer)  # one-stop officer of the centre: keeps the register
    [row] = _register_rows(client, w)
    assert row[1] == dossier.code and "0912345678" in row[4]
    login_verified(client, w.leader)  # the commune's leader: may export, does not call applicants
    [row] = _register_rows(client, w)
    assert "0912345678" not in row[4] and "091****678" in row[4]
    entries = list(AuditEntry.objects.filter(action="personal_data.exported").order_by("id"))
    assert [(e.actor_id, e.after["full_contact"]) for e in entries] == [(w.officer.pk, True), (w.leader.pk, False)]
    assert entries[0].object_type == "agencies.agency" and entries[0].object_id == str(w.centre.pk)
