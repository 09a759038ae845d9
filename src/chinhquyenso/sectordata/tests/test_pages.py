"""Pages: list and series tables (query counts constant in the rows), upload with the rejection
report (400, nothing stored), import log scoped to the owner agency and the province's IOC."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.sectordata import services
from chinhquyenso.sectordata.models import BatchStatus, Channel, ImportBatch, Observation
from chinhquyenso.sectordata.validation import RawRow
from chinhquyenso.units.tests.factories import CommuneFactory

from .conftest import csv_upload, xlsx_upload
from .test_import import BAD_CSV, GOOD_CSV

INDEX = "/du-lieu-nganh/"


def load(world, series="bts", units=("14758",), quarters=("2025-Q1",)):
    rows = [RawRow(i, u, q, 7) for i, (u, q) in enumerate(((u, q) for u in units for q in quarters), start=1)]
    result = services.import_rows(world[series], rows, user=None, channel=Channel.DEMO)
    assert result.accepted, result.errors


def test_index_lists_public_series_with_latest_period(client, world):
    load(world)
    html = client.get(INDEX).content.decode()
    assert "Số trạm BTS" in html and "Quý 1/2025 (1 đơn vị có số liệu)" in html
    assert "Số camera an ninh" not in html  # internal series
    assert "Nạp số liệu" not in html


def test_index_for_the_owner_and_officials(client, world):
    login_verified(client, world["pusher"])
    html = client.get(INDEX).content.decode()
    assert "Số camera an ninh" in html and "Nạp số liệu" in html and "Nhật ký nhập số liệu" in html


def test_unknown_province_is_404(client, world):
    assert client.get(INDEX + "?tinh=99").status_code == 404
    assert client.get(INDEX + "?tinh=%00%ff").status_code == 400  # NUL refused by the middleware


def test_series_page_shows_the_table(client, world):
    load(world, units=("14758", "14797"), quarters=("2025-Q1", "2025-Q2"))
    response = client.get(INDEX + "so-tram-bts/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quý 1/2025" in html and "Quý 2/2025" in html and "Phường Hàm Rồng" in html and "Xã Mường Lát" in html
    assert "Cộng các xã" in html and ">14<" in html  # two communes × 7
    assert "Số đếm" in html and "SỐ LIỆU MẪU" in html
    assert "Phường Hoa Lư" not in html
    found = client.get(INDEX + "so-tram-bts/?q=muong lat").content.decode()
    assert "Xã Mường Lát" in found and "Phường Hàm Rồng" not in found


def test_internal_series_page(client, world):
    assert client.get(INDEX + "so-camera/").status_code == 404
    login_verified(client, world["foreign"])
    assert client.get(INDEX + "so-camera/").status_code == 404
    login_verified(client, world["leader"])
    assert client.get(INDEX + "so-camera/").status_code == 200


def test_list_and_series_pages_query_counts_are_constant(client, world, django_assert_max_num_queries):
    load(world)
    login_verified(client, world["pusher"])
    counts = {}
    for url in (INDEX, INDEX + "so-tram-bts/"):
        with django_assert_max_num_queries(30) as ctx:
            assert client.get(url).status_code == 200
        counts[url] = len(ctx.captured_queries)
    for n in range(20):
        CommuneFactory(code=f"{15000 + n}", parent=world["province"])
    codes = [f"{15000 + n}" for n in range(20)] + ["14758", "14797", "14845"]
    load(world, units=codes, quarters=("2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3"))
    load(world, series="smartphone", units=codes, quarters=("2025-Q1", "2025-Q2"))
    for url, baseline in counts.items():
        with django_assert_max_num_queries(baseline):
            assert client.get(url).status_code == 200


def test_upload_needs_login_and_the_owner_agency(client, world):
    url = INDEX + "ty-le-smartphone/nap/"
    assert client.get(url).status_code == 302
    for user in ("health", "leader", "citizen"):
        login_verified(client, world[user])
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"tep": csv_upload(GOOD_CSV)}).status_code in (403, 404)
    assert Observation.objects.count() == 0


def test_upload_rejection_report(client, world):
    login_verified(client, world["pusher"])
    response = client.post(INDEX + "ty-le-smartphone/nap/", {"tep": csv_upload(BAD_CSV)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "không dòng nào được lưu" in html
    assert "lớn hơn mức tối đa 100" in html and "Không có đơn vị hành chính đang hiệu lực mã 99999" in html
    assert "không phải kỳ quý" in html and "Trùng dòng 3" in html and "ngoài phạm vi Tỉnh Thanh Hóa" in html
    assert Observation.objects.count() == 0


def test_upload_excel_then_batch_page(client, world):
    login_verified(client, world["pusher"])
    rows = [["Mã đơn vị", "Kỳ", "Giá trị"], ["14758", "2025-Q1", 61.5], ["14761", "2025-Q2", 63]]
    response = client.post(INDEX + "ty-le-smartphone/nap/", {"tep": xlsx_upload(rows)})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/du-lieu-nganh/nhat-ky/{batch.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Đã nhập" in html and "2 mới" in html and "Mã cũ 14761 được quy về Phường Hàm Rồng" in html


@pytest.mark.parametrize("name, data", [
    ("so-lieu.exe", b"MZ\x90\x00"), ("so-lieu.csv", b"\xff\xfe\x00\x00"), ("so-lieu.xlsx", b"PK\x03\x04rubbish"),
])
def test_upload_bad_files_are_400(client, world, name, data):
    login_verified(client, world["pusher"])
    response = client.post(INDEX + "ty-le-smartphone/nap/", {"tep": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    assert "không dòng nào được lưu" in response.content.decode()
    assert Observation.objects.count() == 0


def test_upload_without_file_or_empty_file_is_400(client, world):
    login_verified(client, world["pusher"])
    url = INDEX + "ty-le-smartphone/nap/"
    assert "Hãy chọn tệp" in client.post(url, {}).content.decode()
    response = client.post(url, {"tep": SimpleUploadedFile("a.csv", b"")})
    assert response.status_code == 400 and "Tệp rỗng" in response.content.decode()


def test_upload_huge_file_is_400(client, world, settings, monkeypatch):
    from chinhquyenso.sectordata import tabular

    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 1024)
    login_verified(client, world["pusher"])
    response = client.post(INDEX + "ty-le-smartphone/nap/", {"tep": csv_upload(GOOD_CSV * 50)})
    assert response.status_code == 400 and "quá lớn" in response.content.decode()


def test_history_is_scoped(client, world, django_assert_max_num_queries):
    login_verified(client, world["pusher"])
    client.post(INDEX + "ty-le-smartphone/nap/", {"tep": csv_upload(BAD_CSV)})
    client.post(INDEX + "ty-le-smartphone/nap/", {"tep": csv_upload(GOOD_CSV)})
    batch = ImportBatch.objects.filter(status=BatchStatus.REJECTED).get()
    html = client.get(INDEX + "nhat-ky/").content.decode()
    assert "Bị từ chối" in html and "Đã nhập" in html and "so-lieu.csv" in html
    page = client.get(f"{INDEX}nhat-ky/{batch.pk}/").content.decode()
    assert "Các dòng bị từ chối" in page and "lớn hơn mức tối đa 100" in page
    for _ in range(10):
        client.post(INDEX + "ty-le-smartphone/nap/", {"tep": csv_upload(GOOD_CSV)})
    with django_assert_max_num_queries(12):
        client.get(INDEX + "nhat-ky/")
    login_verified(client, world["foreign"])
    assert client.get(f"{INDEX}nhat-ky/{batch.pk}/").status_code == 404
    assert "Chưa có lần nhập nào" in client.get(INDEX + "nhat-ky/").content.decode()
    login_verified(client, world["ioc"])
    assert client.get(f"{INDEX}nhat-ky/{batch.pk}/").status_code == 200


def test_csv_template(client, world):
    response = client.get(INDEX + "ty-le-smartphone/mau.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffMã đơn vị,Tên đơn vị,Kỳ,Giá trị (%),Ghi chú")
    assert "14758,Phường Hàm Rồng," in text and "14500" not in text
