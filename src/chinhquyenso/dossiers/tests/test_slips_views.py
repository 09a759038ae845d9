"""Slip downloads and the register export: who may see what; PDF and Excel content."""

import datetime
import io
import subprocess
import unicodedata

import openpyxl
import pytest

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.dossiers.models import SlipKind
from chinhquyenso.dossiers.slips import register
from chinhquyenso.dossiers.slips.services import issue_slip
from chinhquyenso.dossiers.workflow import Status

from .slip_factories import at, full_dossier, make_dossier, make_place, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    d, people = full_dossier()
    receipt = issue_slip(d, SlipKind.RECEIPT, actor=people["receiver"], issued_at=at(2025, 11, 5, 9, 35))
    control = issue_slip(d, SlipKind.CONTROL, actor=people["receiver"], issued_at=at(2025, 11, 5, 9, 36))
    return d, people, receipt, control


def get_pdf(client, slip):
    return client.get(f"/ho-so/phieu/{slip.pk}/pdf/")


def test_receiver_agency_officer_downloads(client, world):
    d, people, receipt, control = world
    client.force_login(people["receiver"])
    for slip in (receipt, control):
        response = get_pdf(client, slip)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_resolving_agency_specialist_downloads(client, world):
    d, people, receipt, _ = world
    client.force_login(people["specialist"])
    assert get_pdf(client, receipt).status_code == 200


def test_applicant_gets_receipt_not_control_sheet(client, world):
    d, people, receipt, control = world
    client.force_login(people["citizen"])
    assert get_pdf(client, receipt).status_code == 200
    assert get_pdf(client, control).status_code == 404


def test_strangers_get_nothing(client, world):
    d, people, receipt, control = world
    _, _, other_centre = make_place()
    client.force_login(officer(other_centre))
    assert get_pdf(client, receipt).status_code == 404
    client.force_login(UserFactory())
    assert get_pdf(client, receipt).status_code == 404
    client.logout()
    assert get_pdf(client, receipt).status_code == 302  # to the login page


def test_api_lists_and_serves_only_visible_slips(client, world):
    d, people, receipt, control = world
    client.force_login(people["citizen"])
    listing = client.get("/api/v1/dossiers/slips/", {"dossier": d.pk}).json()
    assert [row["symbol"] for row in listing["items"]] == [receipt.symbol]
    assert client.get(f"/api/v1/dossiers/slips/{control.pk}").status_code == 404
    detail = client.get(f"/api/v1/dossiers/slips/{receipt.pk}").json()
    assert detail["data"]["applicant_name"] == "Nguyễn Thị Hồng Nhung"
    assert client.get(f"/api/v1/dossiers/slips/{receipt.pk}/pdf").content.startswith(b"%PDF")
    assert client.get("/api/v1/dossiers/slips/99999999999999999999999").status_code in (404, 422)
    client.logout()
    assert client.get("/api/v1/dossiers/slips/").status_code == 401


# --- BM.06 register -------------------------------------------------------------------------

@pytest.fixture
def register_world():
    province, pc, centre = make_place()
    clerk = officer(centre, full_name="Lê Thị Mai")
    dossiers = [
        make_dossier(province=province, pc=pc, centre=centre, received_at=at(2025, 11, day, 9, 0),
                     applicant_name=f"Công dân Đỗ Thị Ánh {day}", status=Status.RETURNED,
                     returned_at=at(2025, 11, day + 2, 10, 0))
        for day in (3, 4, 5)
    ]
    outside = make_dossier(province=province, pc=pc, centre=centre, received_at=at(2025, 12, 1, 9, 0))
    field = dossiers[0].procedure_version.sector_field
    return centre, clerk, field, dossiers, outside


def test_register_rows_are_streamed_per_field_and_range(register_world, django_assert_max_num_queries):
    centre, clerk, field, dossiers, outside = register_world
    spec = register.RegisterSpec(agency=centre, field=field, start=datetime.date(2025, 11, 1),
                                 end=datetime.date(2025, 11, 30))
    with django_assert_max_num_queries(2):
        rows = list(register.rows(spec, chunk_size=2))
    assert [r[1] for r in rows] == [d.code for d in dossiers]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert rows[0][6] == "09:00 03/11/2025" and rows[0][8] == "10:00 05/11/2025"


def test_register_xlsx(client, register_world):
    centre, clerk, field, dossiers, outside = register_world
    client.force_login(clerk)
    response = client.get("/ho-so/phieu/so-theo-doi/", {"agency": centre.pk, "field": field.pk, "start": "2025-11-01",
                                                       "end": "2025-11-30", "format": "xlsx"})
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[c for c in row] for row in wb.active.iter_rows(values_only=True)]
    assert values[0][0] == centre.name.upper()
    assert values[2][0] == "SỔ THEO DÕI HỒ SƠ" and values[3][0] == f"Lĩnh vực: {field.name}"
    header = values[6]
    assert header[1] == "Mã hồ sơ" and header[9] == "Phương thức nhận kết quả"
    codes = [row[1] for row in values[7:]]
    assert codes == [d.code for d in dossiers] and outside.code not in codes
    assert values[7][3] == "Công dân Đỗ Thị Ánh 3"


def test_register_pdf(client, register_world, tmp_path):
    centre, clerk, field, dossiers, outside = register_world
    client.force_login(clerk)
    response = client.get("/ho-so/phieu/so-theo-doi/", {"agency": centre.pk, "field": field.pk, "start": "2025-11-01",
                                                       "end": "2025-11-30", "format": "pdf"})
    assert response.status_code == 200
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True).stdout.decode()  # noqa: S603,S607
    text = " ".join(unicodedata.normalize("NFC", text).split())
    assert "SỔ THEO DÕI HỒ SƠ" in text and f"Lĩnh vực: {field.name}" in text
    assert "từ ngày 01/11/2025 đến ngày 30/11/2025 (3 hồ sơ)" in text
    for d in dossiers:
        assert d.code in text
    assert outside.code not in text
    assert "Công dân Đỗ Thị Ánh 4" in text


def test_register_pdf_row_cap(settings, register_world):
    centre, clerk, field, dossiers, outside = register_world
    settings.DOSSIER_REGISTER_PDF_MAX_ROWS = 2
    spec = register.RegisterSpec(agency=centre, field=field, start=datetime.date(2025, 11, 1),
                                 end=datetime.date(2025, 11, 30))
    with pytest.raises(register.RegisterTooLarge, match="Excel"):
        register.render_pdf(spec)


@pytest.mark.parametrize(("params", "message"), [
    ({"start": "2025-11-30", "end": "2025-11-01"}, "Đến ngày phải sau"),
    ({"start": "2024-01-01", "end": "2025-11-01"}, "tối đa 366 ngày"),
    ({"start": "khong-phai-ngay", "end": "2025-11-01"}, "Nhập một ngày hợp lệ"),
])
def test_register_bad_input_is_400(client, register_world, params, message):
    centre, clerk, field, dossiers, outside = register_world
    client.force_login(clerk)
    response = client.get("/ho-so/phieu/so-theo-doi/", {"agency": centre.pk, "field": field.pk, "format": "pdf", **params})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_register_only_for_officers_of_the_agency(client, register_world):
    centre, clerk, field, dossiers, outside = register_world
    _, _, other = make_place()
    stranger = officer(other)
    client.force_login(stranger)
    response = client.get("/ho-so/phieu/so-theo-doi/", {"agency": centre.pk, "field": field.pk, "start": "2025-11-01",
                                                       "end": "2025-11-30", "format": "xlsx"})
    assert response.status_code == 400  # the agency is not among the choices
    api = client.get("/api/v1/dossiers/slips/register", {"agency": centre.pk, "field": field.pk, "start": "2025-11-01",
                                                         "end": "2025-11-30"})
    assert api.status_code == 403
    client.force_login(UserFactory())
    assert client.get("/ho-so/phieu/so-theo-doi/").status_code == 403
    specialist = officer(centre, Role.SPECIALIST)
    client.force_login(specialist)
    assert client.get("/ho-so/phieu/so-theo-doi/").status_code == 403


def test_register_page_renders_form(client, register_world):
    centre, clerk, field, dossiers, outside = register_world
    client.force_login(clerk)
    response = client.get("/ho-so/phieu/so-theo-doi/")
    assert response.status_code == 200
    assert centre.name in response.content.decode()
