"""Public calendar page, due-date form, staff table import (permissions, bad input, queries)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.workdays import services
from chinhquyenso.workdays.models import CalendarEntry

pytestmark = pytest.mark.django_db
URL = reverse("workdays:calendar")
DUE = reverse("workdays:due")
IMPORT = reverse("workdays:import")


@pytest.fixture
def seeded():
    services.seed_years(2025, 2027)


def test_calendar_page_lists_holidays_with_legal_basis(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        response = client.get(URL, {"nam": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ngày Văn hóa Việt Nam" in html and "Nghị quyết 28/2026/QH16" in html
    assert "Nghỉ bù Giỗ Tổ Hùng Vương" in html and "27/04/2026" in html
    assert "Tết Âm lịch (29 tháng Chạp)" in html
    assert html.count('<table class="month">') == 12
    assert "Thứ Ba" in html  # 24/11/2026 weekday column
    assert 'rel="next"' in html and "?nam=2027" in html


def test_calendar_2025_has_no_24_november(client, seeded):
    html = client.get(URL, {"nam": 2025}).content.decode()
    assert "Ngày Văn hóa Việt Nam" not in html


def test_calendar_default_year_and_unseeded_warning(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Chưa có dữ liệu ngày nghỉ chính thức" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "20266", "1800", "-1", "2026;drop", "²"])  # "²".isdigit() was a 500
def test_calendar_bad_year_is_400(client, bad):
    response = client.get(URL, {"nam": bad})
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


def test_calendar_rejects_post(client):
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize(
    ("params", "due", "note"),
    [
        ({"tu_ngay": "2026-02-12", "so_ngay": "3"}, "24/02/2026", "Tết Âm lịch"),
        ({"tu_ngay": "23/11/2026", "so_ngay": "1"}, "25/11/2026", "Ngày Văn hóa Việt Nam"),
        ({"tu_ngay": "2026-11-23", "so_ngay": "1", "sau_15h": "on"}, "26/11/2026", "tính như nhận ngày"),
        ({"tu_ngay": "2025-11-21", "so_ngay": "1"}, "24/11/2025", "Thứ Hai"),
        ({"tu_ngay": "2026-04-24", "so_ngay": "5"}, "06/05/2026", "Nghỉ bù Giỗ Tổ"),
    ],
)
def test_due_form(client, seeded, params, due, note):
    response = client.get(DUE, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>" in html and due in html and note in html


def test_due_form_empty_shows_the_form(client):
    response = client.get(DUE)
    assert response.status_code == 200 and 'name="so_ngay"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tu_ngay": "31/02/2026", "so_ngay": "3"}, "Ngày không hợp lệ"),
        ({"tu_ngay": "2026-02-12", "so_ngay": "-1"}, "không được âm"),
        ({"tu_ngay": "2026-02-12", "so_ngay": "ba"}, "số nguyên"),
        ({"tu_ngay": "2026-02-12", "so_ngay": "100000"}, "tối đa"),
        ({"so_ngay": "3"}, "Nhập ngày nộp"),
        ({"tu_ngay": "1700-01-01", "so_ngay": "1"}, "Năm phải"),
    ],
)
def test_due_form_bad_input_is_400(client, params, message):
    response = client.get(DUE, params)
    assert response.status_code == 400
    assert message in response.content.decode()


# --- import page --------------------------------------------------------------------------

ROWS_2025 = "26/04/2025 | làm bù | Làm bù cho ngày 02/5 | Thông báo của Bộ Nội vụ\n02/05/2025 | nghỉ hoán đổi | Nghỉ hoán đổi | Thông báo của Bộ Nội vụ"


@pytest.fixture
def editor():
    user = OfficialFactory()
    user.user_permissions.add(Permission.objects.get(codename="add_calendarentry"))
    return user


def test_import_requires_login(client):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "next=" in response["Location"]


@pytest.mark.parametrize("factory", [UserFactory, OfficialFactory])
def test_import_forbidden_without_permission(client, factory):
    client.force_login(factory())
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"rows": ROWS_2025}).status_code == 403
    assert not CalendarEntry.objects.exists()


def test_import_writes_the_table(client, seeded, editor):
    client.force_login(editor)
    assert client.get(IMPORT).status_code == 200
    response = client.post(IMPORT, {"rows": ROWS_2025})
    assert response.status_code == 302 and response["Location"].endswith("?nam=2025")
    assert CalendarEntry.objects.get(date=dt.date(2025, 4, 26)).kind == "lam_bu"
    entry = AuditEntry.objects.filter(action="workdays.entry.create").first()
    assert entry.actor_id == editor.pk and entry.via == "web"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (ROWS_2025 + "\n02/05/2025 | nghỉ hoán đổi | Lặp | TB", "trùng với dòng 2"),  # overlapping rows
        ("30/04/2025 | nghỉ lễ | Chiến thắng | TB", "đã có trong lịch"),  # overlaps the calendar
        ("2025-05-02 | nghỉ lễ | X | TB", "dd/mm/yyyy"),
        ("02/05/2025 | nghỉ phép | X | TB", "không hợp lệ"),
        ("02/05/2025 | nghỉ lễ | X", "4 cột"),
        ("", "Dán bảng"),
    ],
)
def test_import_bad_table_is_400_and_writes_nothing(client, seeded, editor, rows, message):
    before = CalendarEntry.objects.count()
    client.force_login(editor)
    response = client.post(IMPORT, {"rows": rows})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CalendarEntry.objects.count() == before
    assert not AuditEntry.objects.filter(action="workdays.entry.create").exists()

