"""The DVCQG payload of a dossier with components, fees, supplements, results and a process log:
field names of vn-regulations §2.6, valid against the committed JSON Schema."""

import json
from pathlib import Path

import pydantic
import pytest

from chinhquyenso.dossiers.national import payload as payloads
from chinhquyenso.dossiers.national import schema
from chinhquyenso.dossiers.workflow import Status

from .slip_factories import full_dossier, make_dossier

pytestmark = pytest.mark.django_db

SCHEMA_FILE = Path(schema.__file__).with_name("dvcqg_hoso.schema.json")


def test_committed_schema_is_the_models():
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == schema.json_schema()


def test_full_payload(settings):
    settings.SITE_URL = "https://dichvucong.thanhhoa.gov.vn"
    d, people = full_dossier()
    body = payloads.build(payloads.related(type(d).objects.filter(pk=d.pk)).get())
    schema.validate(body)
    h = body["HoSo"]
    assert h["MaHoSo"] == d.code and h["MaTTHC"] == d.procedure.national_code
    assert h["TenTTHC"] == "Đăng ký khai sinh" and (h["MaLinhVuc"], h["TenLinhVuc"]) == ("HT", "Hộ tịch")
    assert h["KenhThucHien"] == "1" and h["TrangThaiHoSo"] == str(Status.PROCESSING)
    assert h["ChuHoSo"] == "Nguyễn Thị Hồng Nhung" and h["LoaiDoiTuong"] == "1"
    assert h["DinhDanhCHS"] == [{"LoaiDinhDanh": "1", "SoDinhDanh": "038195001234"}]
    assert h["NgayTiepNhan"] == "20251105093000" and h["NgayHenTra"] == "20251108153000"
    assert h["NgayKetThucXuLy"] == "" and h["NgayTuChoi"] == ""
    assert h["NoiNopHoSo"].startswith("Trung tâm Phục vụ hành chính công") and h["DonViXuLy"].startswith("Ủy ban")
    assert h["HoSoCoThanhPhanSoHoa"] == "1" and h["TaiKhoanDuocXacThucVoiVNeID"] == "0"
    assert [t["DuocSoHoa"] for t in h["TaiLieuNop"]] == ["1", "0"]
    assert [t["DuocTaiSuDung"] for t in h["TaiLieuNop"]] == ["0", "1"]
    assert h["DanhSachLePhi"] == [{"TenPhiLePhi": "Lệ phí đăng ký khai sinh", "MaPhiLePhi": "LP01",
                                   "HinhThucThu": "cash", "Gia": "8000", "LoaiPhiLePhi": "le_phi"}]
    supplement = h["DanhSachHoSoBoSung"][0]
    assert supplement["NoiDungBoSung"] == "Bản sao giấy chứng nhận kết hôn của cha mẹ; Văn bản ủy quyền"
    assert supplement["NguoiYeuCauBoSung"] == "Lê Thị Mai" and supplement["TrangThaiBoSung"] == "1"
    assert supplement["NgayHenTraMoi"] == "20251109153000"
    assert h["DanhSachGiayToKetQua"][0]["TenGiayTo"] == "Giấy khai sinh (bản chính)"
    log = body["tienTrinhDongBo"]
    assert [row["TrangThai"] for row in log] == ["2", "4", "4"]
    assert log[1] == {
        "MaHoSo": d.code, "NguoiXuLy": "Lê Thị Mai", "ChucDanh": "Công chức một cửa",
        "ThoiDiemXuLy": "20251105103000", "PhongBanXuLy": "", "NoiDungXuLy": "Chuyển công chức Tư pháp thẩm định",
        "TrangThai": "4", "NgayBatDau": "20251105103000", "NgayKetThucTheoQuyDinh": "20251107093000",
    }


def test_date_format_is_configurable(settings):
    settings.DOSSIER_NATIONAL_DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
    d = make_dossier()
    assert payloads.build(d)["HoSo"]["NgayTiepNhan"] == "2025-11-05T09:30:00"
    assert payloads.parse_date("2025-11-05T09:30:00").hour == 9
    settings.DOSSIER_NATIONAL_DATE_FORMAT = ""
    assert payloads.parse_date("20251105093000").minute == 30


def test_drafts_are_not_syncable():
    d = make_dossier(status=Status.DRAFT, code=None)
    with pytest.raises(payloads.NotSyncable):
        payloads.build(d)


@pytest.mark.parametrize(("path", "value"), [
    (("HoSo", "KenhThucHien"), "4"),
    (("HoSo", "TrangThaiHoSo"), "0"),
    (("HoSo", "MaHoSo"), ""),
    (("HoSo", "DuocThanhToanTrucTuyen"), "3"),
    (("HoSo", "KhongCoTruongNay"), "x"),
])
def test_schema_rejects_bad_values(path, value):
    d = make_dossier()
    body = payloads.build(d)
    body[path[0]][path[1]] = value
    with pytest.raises(pydantic.ValidationError):
        schema.validate(body)


def test_payload_queries_do_not_grow_with_children(django_assert_max_num_queries):
    d, _ = full_dossier()
    with django_assert_max_num_queries(8):
        payloads.build(payloads.related(type(d).objects.filter(pk=d.pk)).get())
