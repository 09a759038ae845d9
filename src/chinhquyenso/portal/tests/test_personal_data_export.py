"""'Tải dữ liệu cá nhân' (Luật BVDLCN 91/2025/QH15): the citizen's own data from every app, nothing
of anybody else's, a fixed number of queries, officials their account only."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.dossiers.tests.factories import at, make_world, online_dossier
from chinhquyenso.feedback import services as feedback_services
from chinhquyenso.feedback.models import Category
from chinhquyenso.notifications.models import Delivery, Notification
from chinhquyenso.questions import services as question_services
from chinhquyenso.questions.models import Topic

URL = "/du-lieu-ca-nhan/tai-ve/"


@pytest.fixture
def people(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from chinhquyenso.workdays import services as workdays

    workdays.seed_years(2025, 2027)
    w = make_world()
    w.citizen.personal_id = "038190000123"
    w.citizen.save(update_fields=["personal_id"])
    category = Category.objects.create(province=w.province, code="rac-thai", name="Rác thải")
    topic = Topic.objects.create(province=w.province, code="ho-tich", name="Hộ tịch", default_agency=w.commune_pc)

    def add(user, n: int, *, name: str, phone: str):
        """One dossier, field report, question and notification of `user`."""
        d = online_dossier(w, at(2025, 10, 6 + n % 3), citizen=user)
        r = feedback_services.submit_report(
            province=w.province, category=category, description=f"Đèn đường hỏng ở ngõ {n} đã lâu",
            address=f"Ngõ {n}, {w.commune_pc.unit.full_name}", name=name, phone=phone,
            email=f"u{user.pk}@example.vn", user=user, client_ip="203.0.113.7")
        q = question_services.submit(topic=topic, title=f"Hỏi về khai sinh số {n}",
                                     body=f"Con tôi sinh ở bệnh viện tỉnh, đăng ký ở đâu? ({n})",
                                     asker_phone=phone, user=user).question
        note = Notification.objects.create(user=user, event="dossier.received", subject=f"Hồ sơ {d.code}",
                                           body=f"Đã tiếp nhận hồ sơ {d.code}")
        Delivery.objects.create(notification=note, channel="sms", address=phone, body="x",
                                dedupe_key=f"k-{user.pk}-{n}")
        return d, r, q

    mine = add(w.citizen, 1, name="Lê Thị Hoa", phone="0912345678")
    theirs = add(w.other_citizen, 2, name="Đỗ Văn Nam", phone="0987654321")
    return w, add, mine, theirs


def _download(client, user) -> tuple[dict, str]:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    body = response.content.decode()
    return json.loads(body), body


def test_export_holds_the_citizens_own_data_from_every_app(client, people):
    w, _, (dossier, report, question), _ = people
    data, _ = _download(client, w.citizen)
    assert data["format"] == "chinhquyenso.personal-data/1" and "91/2025/QH15" in data["legal_basis"]
    assert data["account"]["username"] == w.citizen.username
    assert data["account"]["personal_id"] == "038190000123"  # their own: unmasked
    [d] = data["dossiers"]
    assert d["code"] == dossier.code and d["applicant"]["name"] == "Lê Thị Hoa"
    assert [c["file_name"] for c in d["components"]] == ["to-khai.pdf"]
    assert d["process_log"] and all("actor" not in e for e in d["process_log"])
    [r] = data["field_reports"]
    assert r["number"] == report.number and r["reporter"]["phone"] == "0912345678"
    [q] = data["questions"]
    assert q["code"] == question.code and q["answer"] == ""
    subjects = {n["subject"]: n for n in data["notifications"]}
    assert f"Hồ sơ {dossier.code}" in subjects  # and what the dossier workflow sent them
    assert subjects[f"Hồ sơ {dossier.code}"]["deliveries"][0]["address"] == "0912345678"
    # the download itself is in the audit trail, with counts
    entry = AuditEntry.objects.get(action="personal_data.exported")
    assert entry.actor_id == w.citizen.pk and entry.after["dossiers"] == 1


def test_export_holds_nothing_of_another_citizen(client, people):
    w, _, _, (dossier, report, question) = people
    _, body = _download(client, w.citizen)
    for foreign in (dossier.code, report.number, question.code, "Đỗ Văn Nam", "0987654321",
                    w.other_citizen.username, f"u{w.other_citizen.pk}@example.vn"):
        assert foreign not in body


def test_ratings_are_gathered(client, people):
    from chinhquyenso.feedback.models import Report

    w, _, (dossier, report, _), _ = people
    Report.objects.filter(pk=report.pk).update(satisfied=True, rated_at=at(2025, 10, 20))
    data, _ = _download(client, w.citizen)
    assert data["ratings"] == [{"kind": "field_report", "record": report.number, "value": "satisfied",
                                "at": data["field_reports"][0]["rated_at"]}]


def test_query_count_does_not_grow_with_the_records(client, people):
    w, add, _, _ = people
    client.force_login(w.citizen)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for n in range(3, 7):
        add(w.citizen, n, name="Lê Thị Hoa", phone="0912345678")
    assert queries() == one
    assert one <= 30


def test_anonymous_is_sent_to_login(client, people):
    for url in ("/du-lieu-ca-nhan/", URL):
        response = client.get(url)
        assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_official_gets_their_account_only(client, people):
    w = people[0]
    data, body = _download(client, w.officer)
    assert data["account"]["username"] == w.officer.username
    assert "dossiers" not in data and "field_reports" not in data and "questions" not in data
    assert "Lê Thị Hoa" not in body and "0912345678" not in body


def test_page_and_link_from_the_account_page(client, people):
    w = people[0]
    client.force_login(w.citizen)
    assert "/du-lieu-ca-nhan/" in client.get("/tai-khoan/").content.decode()
    page = client.get("/du-lieu-ca-nhan/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tải dữ liệu cá nhân" in html and URL in html and "91/2025/QH15" in html
