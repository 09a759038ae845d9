"""Import of dossiers filed on the national portal: status 1, channel 2, idempotent on MaHoSo,
malformed input rejected with a clear reason and nothing written."""

import json

import pytest
import responses
from django.utils import timezone

from chinhquyenso.dossiers.models import Dossier, ProcessLogEntry
from chinhquyenso.dossiers.national.importing import import_incoming
from chinhquyenso.dossiers.national.transports import HttpTransport
from chinhquyenso.dossiers.workflow import Channel, Status
from chinhquyenso.procedures.tests.factories import make_procedure

from .slip_factories import make_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(settings, tmp_path):
    settings.DOSSIER_NATIONAL_PORTAL = {"DIRECTORY": str(tmp_path)}
    province, pc, centre = make_place()
    make_procedure(province, name="Đăng ký khai sinh", code="1.001193", publish=True)
    (tmp_path / "inbox").mkdir()
    return tmp_path, centre


def message(centre, **over):
    hoso = {
        "MaHoSo": "G22.38-251105-000123", "MaTTHC": "1.001193", "MaDonViTiepNhan": centre.code,
        "ChuHoSo": "Lê Văn Bình", "LoaiDoiTuong": "1", "SoGiayToChuHoSo": "038092001111",
        "DiaChi": "Thôn Đông, phường Đông Sơn", "SoDienThoai": "0912000111", "Email": "binh@example.vn",
        "TrichYeuHoSo": "Đăng ký khai sinh cho con", "NgayNopHoSo": "20251105083000",
        "TaiLieuNop": [{"TenTepDinhKem": "Tờ khai theo mẫu", "DuocTaiSuDung": "1"}],
    }
    hoso.update(over)
    return {"HoSo": hoso}


def drop(folder, name, body):
    path = folder / "inbox" / name
    path.write_text(body if isinstance(body, str) else json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_creates_status_1_channel_2(portal):
    folder, centre = portal
    drop(folder, "a.json", message(centre))
    report = import_incoming()
    assert (report["created"], report["rejected"]) == (1, 0)
    d = Dossier.objects.get(national_reference="G22.38-251105-000123")
    assert (d.status, d.channel, d.code) == (Status.NEW, Channel.ONLINE, "G22.38-251105-000123")
    assert d.applicant_name == "Lê Văn Bình" and d.reception_agency == centre
    assert timezone.localtime(d.submitted_at).hour == 8 and d.components.get().reused
    assert (folder / "done" / "a.json").exists() and not (folder / "inbox" / "a.json").exists()


def test_same_mahoso_twice_is_one_dossier(portal):
    folder, centre = portal
    drop(folder, "a.json", message(centre))
    drop(folder, "b.json", message(centre))
    report = import_incoming()
    assert (report["created"], report["duplicate"]) == (1, 1)
    drop(folder, "c.json", message(centre))
    assert import_incoming()["duplicate"] == 1
    assert Dossier.objects.filter(national_reference="G22.38-251105-000123").count() == 1


@pytest.mark.parametrize(("body", "reason"), [
    ("{không phải json", "không phải JSON"),
    ("[1, 2]", "không phải một đối tượng JSON"),
    ({"HoSo": {"MaTTHC": "1.001193"}}, "MaHoSo: thiếu"),
    ("MISSING_DATE", "NgayNopHoSo: không hợp lệ"),
    ("BAD_DATE", "Ngày nộp hồ sơ “31/02/2025” không hợp lệ"),
    ("UNKNOWN_AGENCY", "Không tìm thấy cơ quan tiếp nhận"),
    ("UNKNOWN_PROCEDURE", "Thủ tục 9.999999 chưa được công bố"),
    ("BAD_PHONE", "Số điện thoại không hợp lệ"),
    ("BAD_DOCUMENTS", "TaiLieuNop: không hợp lệ"),
])
def test_malformed_input_is_rejected_with_reason_and_nothing_written(portal, body, reason):
    folder, centre = portal
    variants = {
        "MISSING_DATE": message(centre, NgayNopHoSo=""),
        "BAD_DATE": message(centre, NgayNopHoSo="31/02/2025"),
        "UNKNOWN_AGENCY": message(centre, MaDonViTiepNhan="000.00.99.H99"),
        "UNKNOWN_PROCEDURE": message(centre, MaTTHC="9.999999"),
        "BAD_PHONE": message(centre, SoDienThoai="abc"),
        "BAD_DOCUMENTS": message(centre, TaiLieuNop="tờ khai"),
    }
    drop(folder, "x.json", variants.get(body, body) if isinstance(body, str) else body)
    before = (Dossier.objects.count(), ProcessLogEntry.objects.count())
    report = import_incoming()
    assert report["rejected"] == 1 and reason in report["errors"][0]["message"]
    assert (Dossier.objects.count(), ProcessLogEntry.objects.count()) == before
    assert reason in (folder / "rejected" / "x.json.error.txt").read_text(encoding="utf-8")


@responses.activate
def test_http_fetch_and_ack(portal):
    folder, centre = portal
    transport = HttpTransport({"URL": "https://p/send", "FETCH_URL": "https://p/new", "ACK_URL": "https://p/ack"})
    responses.get("https://p/new", json={"error_code": 0, "result": [message(centre), {"HoSo": {"MaHoSo": "Y"}}]})
    responses.post("https://p/ack", json={"error_code": 0})
    report = import_incoming(transport)
    assert (report["created"], report["rejected"]) == (1, 1)
    acks = [json.loads(c.request.body) for c in responses.calls if c.request.url == "https://p/ack"]
    assert [(a["MaHoSo"], a["ok"]) for a in acks] == [("G22.38-251105-000123", True), ("Y", False)]
    assert "MaTTHC: thiếu" in acks[1]["message"]
