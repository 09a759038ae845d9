"""The DVCQG exchange shape (Cổng Dịch vụ công quốc gia; TT 04/2025/TT-VPCP), as pydantic models.

Field names are those of vn-regulations §2.6 [S] (a provincial DVC system's C# sync model, which
agrees with the 766 indicator document). Values the portal reads as codes are strings, as that
model and the published integrations send them (e.g. "LoaiDoiTuong": "1"). The JSON Schema
committed next to this module (dvcqg_hoso.schema.json) is generated from these models
(`python -m chinhquyenso.dossiers.national.schema > …`); a test keeps the two identical, and every
payload is validated against the models before it is sent.
"""

import json

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class DinhDanh(_Strict):
    LoaiDinhDanh: str = Field(description="1 = số định danh cá nhân, 2 = mã số doanh nghiệp/tổ chức [I]")
    SoDinhDanh: str


class TaiLieuNop(_Strict):
    TepDinhKemId: str
    TenTepDinhKem: str
    MaThanhPhanHoSo: str = ""
    DuongDanTaiTepTin: str = ""
    DuocSoHoa: str = Field(pattern="^[01]$")
    DuocTaiSuDung: str = Field(pattern="^[01]$")
    DuocLayTuKhoDMQG: str = Field(pattern="^[01]$")
    MaKetQuaThayThe: str = ""
    IsDeleted: str = Field(pattern="^[01]$")


class LePhi(_Strict):
    TenPhiLePhi: str
    MaPhiLePhi: str = ""
    HinhThucThu: str = ""
    Gia: str = Field(pattern=r"^\d+$")
    LoaiPhiLePhi: str


class HoSoBoSung(_Strict):
    HoSoBoSungId: str
    NguoiYeuCauBoSung: str
    NoiDungBoSung: str
    NgayBoSung: str
    NgayTiepNhanBoSung: str = ""
    TrangThaiBoSung: str = Field(pattern="^[01]$", description="1 = đã bổ sung")
    NgayHenTraTruoc: str = ""
    NgayHenTraMoi: str = ""


class GiayToKetQua(_Strict):
    TenGiayTo: str
    MaGiayToKetQua: str = ""
    GiayToId: str
    DuongDanTepTinKetQua: str = ""


class TienTrinh(_Strict):
    MaHoSo: str
    NguoiXuLy: str
    ChucDanh: str = ""
    ThoiDiemXuLy: str
    PhongBanXuLy: str = ""
    NoiDungXuLy: str = ""
    TrangThai: str = Field(pattern=r"^([1-9]|10)$")
    NgayBatDau: str = ""
    NgayKetThucTheoQuyDinh: str = ""


class HoSo(_Strict):
    MaHoSo: str = Field(min_length=1, max_length=64)
    MaTTHC: str = Field(min_length=1)
    TenTTHC: str = Field(min_length=1)
    MaLinhVuc: str
    TenLinhVuc: str
    KenhThucHien: str = Field(pattern="^[123]$")
    ChuHoSo: str = Field(min_length=1)
    LoaiDoiTuong: str = Field(pattern="^[12]$", description="1 = công dân, 2 = tổ chức, doanh nghiệp")
    MaDoiTuong: str = ""
    SoGiayToChuHoSo: str = ""
    DinhDanhCHS: list[DinhDanh]
    Email: str = ""
    Fax: str = ""
    SoDienThoai: str = ""
    TrichYeuHoSo: str = ""
    NgayNopHoSo: str = ""
    NgayTiepNhan: str = ""
    NgayHenTra: str = ""
    NgayTra: str = ""
    NgayKetThucXuLy: str = ""
    NgayTuChoi: str = ""
    TrangThaiHoSo: str = Field(pattern=r"^([1-9]|10)$")
    ThongTinTra: str = ""
    HinhThuc: str = Field(pattern="^[012]$", description="Hình thức trả kết quả: 0 tại quầy, 1 bưu chính, 2 trực tuyến [I]")
    DonViXuLy: str
    NoiNopHoSo: str = ""
    GhiChu: str = ""
    HoSoCoThanhPhanSoHoa: str = Field(pattern="^[01]$")
    TaiKhoanDuocXacThucVoiVNeID: str = Field(pattern="^[01]$")
    DuocThanhToanTrucTuyen: str = Field(pattern="^[012]$")
    TaiLieuNop: list[TaiLieuNop]
    DanhSachLePhi: list[LePhi]
    DanhSachHoSoBoSung: list[HoSoBoSung]
    DanhSachGiayToKetQua: list[GiayToKetQua]
    DSKetNoiCSDL: list[dict] = Field(default_factory=list)
    DanhSachTepDinhKemKhac: list[dict] = Field(default_factory=list)


class Payload(_Strict):
    """One message: the dossier and its process log."""

    HoSo: HoSo
    tienTrinhDongBo: list[TienTrinh]


def json_schema() -> dict:
    return Payload.model_json_schema()


def validate(payload: dict) -> Payload:
    """Raises pydantic.ValidationError when the payload does not match the exchange shape."""
    return Payload.model_validate(payload)


if __name__ == "__main__":  # pragma: no cover - regenerates the committed schema file
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
