"""Import of dossiers filed on the national public-service portal (they arrive as status 1,
channel 2 — vn-regulations §2.2 [S]) through the same transport as the sync.

Each incoming message is validated here (shape, procedure, agency, dates) BEFORE the single call
to dossiers.services.import_from_national_portal, which writes everything in one transaction and is
idempotent on the portal's MaHoSo: the same message twice gives one dossier. A malformed message
is acknowledged as rejected with a Vietnamese reason (the file transport moves it to rejected/
with <name>.error.txt; the HTTP transport posts to ACK_URL) and nothing is written.

Incoming shape: {"HoSo": {...}} or the HoSo object itself, with the §2.6 field names, plus the
receiving agency's e-ID in MaDonViTiepNhan (or MaDonVi) and the applicant's address in DiaChi
[I: not in our sources' field list]."""

import base64
import binascii
import logging

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.text import fold
from chinhquyenso.procedures.models import Procedure, VersionStatus

from .. import services as dossier_services
from ..models import ApplicantKind, Dossier
from . import payload as payloads
from .transports import Incoming, SyncError, get_transport

logger = logging.getLogger(__name__)


class ImportError_(ValueError):  # noqa: N801 - not the builtin
    pass


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class IncomingDocument(_In):
    TenTepDinhKem: str = Field(min_length=1, max_length=1000)
    MaThanhPhanHoSo: str = ""
    DuocTaiSuDung: str | int | bool = "0"
    DuocLayTuKhoDMQG: str | int | bool = "0"
    NoiDungTepBase64: str = ""


class IncomingDossier(_In):
    MaHoSo: str = Field(min_length=1, max_length=64)
    MaTTHC: str = Field(min_length=1, max_length=32)
    MaDonViTiepNhan: str = ""
    MaDonVi: str = ""
    ChuHoSo: str = Field(min_length=1, max_length=255)
    LoaiDoiTuong: str | int = "1"
    SoGiayToChuHoSo: str = Field("", max_length=32)
    DiaChi: str = Field("", max_length=500)
    Email: str = Field("", max_length=254)
    SoDienThoai: str = Field("", max_length=20)
    TrichYeuHoSo: str = Field("", max_length=5000)
    NgayNopHoSo: str = Field(min_length=1)
    TaiKhoanDuocXacThucVoiVNeID: str | int = "0"
    TaiLieuNop: list[IncomingDocument] = Field(default_factory=list)


def _truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true"}


def _explain(exc: pydantic.ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "HoSo"
        parts.append(f"{where}: {'thiếu' if err['type'] == 'missing' else 'không hợp lệ'}")
    return "Hồ sơ từ Cổng DVCQG không đúng cấu trúc — " + "; ".join(parts)


def parse(body) -> dict:
    """Validate one message; returns the keyword arguments of import_from_national_portal.
    Raises ImportError_ with a Vietnamese message. Reads only; writes nothing."""
    if isinstance(body, dict) and "__invalid__" in body:
        raise ImportError_(str(body["__invalid__"]))
    if isinstance(body, dict) and isinstance(body.get("HoSo"), dict):
        body = body["HoSo"]
    if not isinstance(body, dict):
        raise ImportError_("Hồ sơ từ Cổng DVCQG không phải một đối tượng JSON.")
    try:
        item = IncomingDossier.model_validate(body)
    except pydantic.ValidationError as exc:
        raise ImportError_(_explain(exc)) from None
    agency_code = item.MaDonViTiepNhan or item.MaDonVi
    agency = Agency.objects.filter(code=agency_code, is_active=True).first() if agency_code else None
    if agency is None:
        raise ImportError_(f"Không tìm thấy cơ quan tiếp nhận có mã định danh “{agency_code}”.")
    procedure = (Procedure.objects.select_related("current_version")
                 .filter(province_id=agency.province_id, national_code=item.MaTTHC,
                         current_version__status=VersionStatus.PUBLISHED).first())
    if procedure is None:
        raise ImportError_(f"Thủ tục {item.MaTTHC} chưa được công bố tại tỉnh của cơ quan tiếp nhận.")
    try:
        submitted_at = payloads.parse_date(item.NgayNopHoSo)
    except ValueError:
        raise ImportError_(f"Ngày nộp hồ sơ “{item.NgayNopHoSo}” không hợp lệ.") from None
    all_specs = list(procedure.current_version.components.all())
    specs = {s.code: s for s in all_specs if s.code}
    by_name = {fold(s.name): s for s in all_specs}
    components = []
    for doc in item.TaiLieuNop:
        row = {"name": doc.TenTepDinhKem, "reused": _truthy(doc.DuocTaiSuDung),
               "from_personal_store": _truthy(doc.DuocLayTuKhoDMQG)}
        spec = specs.get(doc.MaThanhPhanHoSo) or by_name.get(fold(doc.TenTepDinhKem))
        if spec is not None:
            row["spec"] = spec.pk
        if doc.NoiDungTepBase64:
            try:
                row["file"] = base64.b64decode(doc.NoiDungTepBase64, validate=True)
            except (binascii.Error, ValueError):
                raise ImportError_(f"Tệp “{doc.TenTepDinhKem}” không giải mã được (base64).") from None
            row["file_name"] = doc.TenTepDinhKem
        components.append(row)
    applicant = {
        "name": item.ChuHoSo, "id_number": item.SoGiayToChuHoSo, "address": item.DiaChi, "phone": item.SoDienThoai,
        "email": item.Email, "subject": item.TrichYeuHoSo,
        "kind": ApplicantKind.ORGANIZATION if str(item.LoaiDoiTuong) == "2" else ApplicantKind.PERSON,
    }
    return {
        "procedure_version": procedure.current_version, "reception_agency": agency, "applicant": applicant,
        "national_reference": item.MaHoSo, "code": item.MaHoSo, "submitted_at": submitted_at,
        "components": components,
    }


def import_one(body) -> tuple[Dossier, bool]:
    """(dossier, created). Raises ImportError_ on malformed input or a refusal by the core."""
    kwargs = parse(body)
    existing = Dossier.objects.filter(national_reference=kwargs["national_reference"]).first()
    if existing is not None:
        return existing, False
    try:
        return dossier_services.import_from_national_portal(**kwargs), True
    except dossier_services.DossierError as exc:
        raise ImportError_(getattr(exc, "text", None) or "; ".join(exc.messages)) from None


def import_incoming(transport=None) -> dict:
    """Fetch and import everything waiting; acknowledge each message. Returns counts and errors."""
    transport = transport or get_transport()
    report = {"created": 0, "duplicate": 0, "rejected": 0, "errors": []}
    for incoming in transport.fetch():
        ok, message = _import(incoming, report)
        try:
            transport.ack(incoming, ok=ok, message=message)
        except SyncError as exc:
            logger.warning("ack of %s failed: %s", incoming.ref, exc.message)
    return report


def _import(incoming: Incoming, report: dict) -> tuple[bool, str]:
    try:
        dossier, created = import_one(incoming.body)
    except ImportError_ as exc:
        report["rejected"] += 1
        report["errors"].append({"ref": incoming.ref, "message": str(exc)})
        logger.warning("national import %s rejected: %s", incoming.ref, exc)
        return False, str(exc)
    report["created" if created else "duplicate"] += 1
    return True, dossier.code or ""
