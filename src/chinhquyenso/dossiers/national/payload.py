"""Build the DVCQG exchange payload of a dossier (TT 04/2025/TT-VPCP; field names vn-regulations
§2.6 [S]; shape checked by schema.Payload).

Dates: the portal's wire format is not in our sources. Published integrations differ (ISO
"yyyy-MM-ddTHH:mm:ss.fff" in one C# client, "yyyyMMddHHmmss" in others), so it is a setting:
settings.DOSSIER_NATIONAL_DATE_FORMAT (strftime, Vietnam time), default "%Y%m%d%H%M%S" [I].
Codes are sent as strings as those integrations do. HinhThuc (how the result is returned) maps
counter/postal/online to 0/1/2 [I]; LoaiDinhDanh 1 = personal e-ID, 2 = organisation [I]."""

import datetime

from django.conf import settings
from django.utils import timezone

from ..models import ApplicantKind, Dossier, ResultDelivery
from ..workflow import Status

DEFAULT_DATE_FORMAT = "%Y%m%d%H%M%S"
DELIVERY_CODES = {ResultDelivery.COUNTER: "0", ResultDelivery.POSTAL: "1", ResultDelivery.ONLINE: "2"}


class NotSyncable(ValueError):
    pass


def date_format() -> str:
    return getattr(settings, "DOSSIER_NATIONAL_DATE_FORMAT", "") or DEFAULT_DATE_FORMAT


def fmt(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime(date_format()) if value else ""


def parse_date(text: str) -> datetime.datetime:
    """The inverse of fmt (for imports); ISO 8601 is accepted too. Raises ValueError."""
    text = (text or "").strip()
    if not text:
        raise ValueError("empty date")
    try:
        value = datetime.datetime.strptime(text, date_format())
    except ValueError:
        value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.get_current_timezone())
    return value


def flag(value: bool) -> str:
    return "1" if value else "0"


def _absolute(url: str) -> str:
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}" if url.startswith("/") else url


def related(qs):
    """What build() reads, fetched in a constant number of queries for any number of dossiers."""
    return qs.select_related(
        "procedure", "procedure_version__sector_field", "reception_agency", "resolving_agency",
    ).prefetch_related("components__spec", "fees", "supplements__requested_by", "results", "log")


def hoso(d: Dossier) -> dict:
    version = d.procedure_version
    components = list(d.components.all())
    identities = []
    if d.applicant_id_number:
        identities.append({
            "LoaiDinhDanh": "2" if d.applicant_kind == ApplicantKind.ORGANIZATION else "1",
            "SoDinhDanh": d.applicant_id_number,
        })
    return {
        "MaHoSo": d.code or "",
        "MaTTHC": d.procedure.national_code,
        "TenTTHC": version.name,
        "MaLinhVuc": version.sector_field.code,
        "TenLinhVuc": version.sector_field.name,
        "KenhThucHien": str(d.channel),
        "ChuHoSo": d.applicant_name,
        "LoaiDoiTuong": "2" if d.applicant_kind == ApplicantKind.ORGANIZATION else "1",
        "MaDoiTuong": "",
        "SoGiayToChuHoSo": d.applicant_id_number,
        "DinhDanhCHS": identities,
        "Email": d.applicant_email,
        "Fax": "",
        "SoDienThoai": d.applicant_phone,
        "TrichYeuHoSo": d.subject or version.name,
        "NgayNopHoSo": fmt(d.submitted_at),
        "NgayTiepNhan": fmt(d.received_at),
        "NgayHenTra": fmt(d.due_at),
        "NgayTra": fmt(d.returned_at),
        # 766: end = first of finished > returned > stopped/refused/withdrawn (§2.4 [S]).
        "NgayKetThucXuLy": fmt(d.finished_at or d.returned_at or d.stopped_at or d.refused_at or d.withdrawn_at),
        "NgayTuChoi": fmt(d.refused_at),
        "TrangThaiHoSo": str(d.status),
        "ThongTinTra": d.delivery_address,
        "HinhThuc": DELIVERY_CODES.get(d.result_delivery, "0"),
        "DonViXuLy": d.resolving_agency.name,
        "NoiNopHoSo": d.reception_agency.name,
        "GhiChu": "",
        "HoSoCoThanhPhanSoHoa": flag(any(c.digitized and not c.is_deleted for c in components)),
        "TaiKhoanDuocXacThucVoiVNeID": flag(d.vneid_verified),
        "DuocThanhToanTrucTuyen": str(d.online_payment),
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(c.pk), "TenTepDinhKem": c.file_name or c.name,
                "MaThanhPhanHoSo": c.spec.code if c.spec_id and c.spec else "",
                "DuongDanTaiTepTin": c.file.name if c.file else "",
                "DuocSoHoa": flag(c.digitized), "DuocTaiSuDung": flag(c.reused),
                "DuocLayTuKhoDMQG": flag(c.from_personal_store), "MaKetQuaThayThe": c.replaces_result_code,
                "IsDeleted": flag(c.is_deleted),
            }
            for c in components
        ],
        "DanhSachLePhi": [
            {"TenPhiLePhi": f.name, "MaPhiLePhi": f.code, "HinhThucThu": f.method, "Gia": str(int(f.amount)),
             "LoaiPhiLePhi": f.kind}
            for f in d.fees.all()
        ],
        "DanhSachHoSoBoSung": [
            {
                "HoSoBoSungId": str(s.pk), "NguoiYeuCauBoSung": s.requested_by.full_name,
                "NoiDungBoSung": "; ".join(str(i.get("name", i) if isinstance(i, dict) else i) for i in s.items)
                if isinstance(s.items, list) else str(s.items),
                "NgayBoSung": fmt(s.requested_at), "NgayTiepNhanBoSung": fmt(s.completed_at),
                "TrangThaiBoSung": flag(s.completed_at is not None),
                "NgayHenTraTruoc": fmt(s.due_before), "NgayHenTraMoi": fmt(s.due_after),
            }
            for s in d.supplements.all()
        ],
        "DanhSachGiayToKetQua": [
            {"TenGiayTo": r.name, "MaGiayToKetQua": r.code, "GiayToId": str(r.pk),
             "DuongDanTepTinKetQua": _absolute(r.file.url) if r.electronic and r.file else ""}
            for r in d.results.all()
        ],
        "DSKetNoiCSDL": [],
        "DanhSachTepDinhKemKhac": [],
    }


def progress(d: Dossier) -> list[dict]:
    rows = sorted(d.log.all(), key=lambda e: e.seq)
    return [
        {
            "MaHoSo": d.code or "", "NguoiXuLy": e.actor_name, "ChucDanh": e.actor_title,
            "ThoiDiemXuLy": fmt(e.started_at), "PhongBanXuLy": e.department_name,
            "NoiDungXuLy": e.content, "TrangThai": str(e.status_after),
            "NgayBatDau": fmt(e.started_at), "NgayKetThucTheoQuyDinh": fmt(e.due_at),
        }
        for e in rows if e.status_after != Status.DRAFT
    ]


def build(d: Dossier) -> dict:
    if d.status == Status.DRAFT or not d.code:
        raise NotSyncable("Bản nháp chưa nộp không được đồng bộ lên Cổng DVCQG.")
    return {"HoSo": hoso(d), "tienTrinhDongBo": progress(d)}
