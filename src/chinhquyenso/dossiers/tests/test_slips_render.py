"""Each form rendered to PDF and read back with pdftotext: fields, code, dates, diacritics.
Set SLIP_PNG_DIR to also write page 1 of each as PNG (pdftoppm -r 60) to look at."""

import datetime
import os
import subprocess
import unicodedata
from pathlib import Path

import pytest

from chinhquyenso.dossiers.models import SlipKind
from chinhquyenso.dossiers.slips import rendering
from chinhquyenso.dossiers.slips.services import issue_slip
from chinhquyenso.dossiers.workflow import Status

from .slip_factories import add_log, at, full_dossier, make_dossier, officer

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)  # noqa: S603,S607
    if os.environ.get("SLIP_PNG_DIR"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path),  # noqa: S603,S607
                        str(Path(os.environ["SLIP_PNG_DIR"]) / name)], check=True)
    return " ".join(unicodedata.normalize("NFC", out.stdout.decode()).split())


def assert_header(text: str, slip):
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG ĐÔNG SƠN" in text or "ỦY BAN NHÂN DÂN PHƯỜNG ĐÔNG SƠN" in text
    assert f"Số: {slip.symbol}" in text
    assert "Đông Sơn, ngày 05 tháng 11 năm 2025" in text
    assert "/ho-so/tra-cuu/?ma=" in text


@pytest.fixture
def dossier():
    d, people = full_dossier()
    return d, people


def test_bm01_receipt(dossier, tmp_path):
    d, people = dossier
    slip = issue_slip(d, SlipKind.RECEIPT, actor=people["receiver"], issued_at=at(2025, 11, 5, 9, 35))
    assert slip.symbol == "1/TTPVHCC"
    text = pdf_text(rendering.render_pdf(slip), tmp_path, "bm01")
    assert_header(text, slip)
    for expected in (
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {d.code}", "Nguyễn Thị Hồng Nhung",
        "Số định danh cá nhân: 038195001234", "Số 12 đường Lê Lợi", "0912345678", "nhung@example.vn",
        "Người được ủy quyền: Trần Văn Đức", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh", "Giấy chứng sinh",
        "Số lượng hồ sơ: 1 (bộ)", "3 ngày làm việc", "Thời gian nhận hồ sơ: 09 giờ 30 phút, ngày 05/11/2025",
        "Thời gian trả kết quả giải quyết hồ sơ: 15 giờ 30 phút, ngày 08/11/2025",
        "Đăng ký nhận kết quả tại: Tại Bộ phận một cửa", "Quyển số: HT/2025, Số thứ tự: 1",
        "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Thị Mai", "Mẫu BM.01",
    ):
        assert expected in text, expected


def test_bm02_supplement_lists_every_item(dossier, tmp_path):
    d, people = dossier
    slip = issue_slip(d, SlipKind.SUPPLEMENT, actor=people["receiver"], issued_at=at(2025, 11, 5, 10, 0))
    assert slip.symbol == "1/PBS-TTPVHCC"
    text = pdf_text(rendering.render_pdf(slip), tmp_path, "bm02")
    assert_header(text, slip)
    for expected in (
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", f"Mã hồ sơ: {d.code}",
        "1. Bản sao giấy chứng nhận kết hôn của cha mẹ", "2. Văn bản ủy quyền: có chứng thực",
        "Lý do: Hồ sơ thiếu giấy tờ chứng minh quan hệ", "đầy đủ trong 01 lần",
        "trước 09 giờ 30 phút, ngày 20/11/2025", "0237 3850 123", "NGƯỜI HƯỚNG DẪN",
    ):
        assert expected in text, expected


def test_bm03_refusal_states_reason(tmp_path):
    d = make_dossier(status=Status.REFUSED)
    clerk = officer(d.reception_agency, full_name="Lê Thị Mai")
    add_log(d, [("refuse", Status.REFUSED, clerk, None, at(2025, 11, 5, 9, 40), None,
                 "Thủ tục không thuộc thẩm quyền giải quyết của phường; đề nghị nộp tại Sở Tư pháp")])
    slip = issue_slip(d, SlipKind.REFUSAL, actor=clerk, issued_at=at(2025, 11, 5, 9, 41))
    assert slip.symbol == "1/PTC-TTPVHCC"
    text = pdf_text(rendering.render_pdf(slip), tmp_path, "bm03")
    assert_header(text, slip)
    for expected in (
        "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", f"Mã hồ sơ: {d.code}", "Nghị định số 118/2025/NĐ-CP",
        "Thủ tục không thuộc thẩm quyền giải quyết của phường; đề nghị nộp tại Sở Tư pháp",
    ):
        assert expected in text, expected


def test_bm04_apology_signed_by_head_of_resolving_agency(dossier, tmp_path):
    d, people = dossier
    slip = issue_slip(d, SlipKind.APOLOGY, actor=people["leader"], issued_at=at(2025, 11, 5, 16, 0))
    assert slip.agency == d.resolving_agency
    assert slip.symbol == "1/PXL-UBND"
    text = pdf_text(rendering.render_pdf(slip), tmp_path, "bm04")
    assert_header(text, slip)
    for expected in (
        "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "Thời gian hẹn trả kết quả giải quyết hồ sơ ban đầu: 15 giờ 30 phút, ngày 08/11/2025",
        "Cần xác minh thông tin nơi sinh với cơ sở y tế", "15 giờ 30 phút, ngày 10/11/2025",
        "THỦ TRƯỞNG CƠ QUAN GIẢI QUYẾT", "Hoàng Văn Thắng", "Chủ tịch UBND phường",
    ):
        assert expected in text, expected


def test_bm05_control_sheet_from_process_log(dossier, tmp_path):
    d, people = dossier
    slip = issue_slip(d, SlipKind.CONTROL, actor=people["receiver"], issued_at=at(2025, 11, 5, 9, 36))
    assert slip.symbol == "PKS-1/TTPVHCC"
    now = at(2025, 11, 7, 12, 0)  # the leader's 2-hour budget ended on 07/11 at 13:30: not yet late
    text = pdf_text(rendering.render_pdf(slip, now=now), tmp_path, "bm05")
    assert_header(text, slip)
    for expected in (
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", f"Mã số hồ sơ: {d.code}",
        "Cơ quan (bộ phận) giải quyết hồ sơ: Ủy ban nhân dân phường Đông Sơn",
        "Giao: Lê Thị Mai", "Nhận: Phạm Quốc Huy", "Nhận: Hoàng Văn Thắng",
        "Chuyển công chức Tư pháp thẩm định", "Trình lãnh đạo ký",
    ):
        assert expected in text, expected
    # Row 1 (receive, due +2h, next row after 1h): on time; row 2 (specialist, due 07/11 09:30,
    # handed on 07/11 11:30): late; row 3 still open.
    assert text.count("Đúng hạn") == 1
    assert text.count("Quá hạn") == 1
    later = pdf_text(rendering.render_pdf(slip, now=at(2025, 11, 7, 14, 0)), tmp_path, "bm05-later")
    assert later.count("Quá hạn") == 2


def test_reprint_shows_what_was_issued(dossier, tmp_path):
    d, people = dossier
    slip = issue_slip(d, SlipKind.RECEIPT, actor=people["receiver"], issued_at=at(2025, 11, 5, 9, 35))
    type(d).objects.filter(pk=d.pk).update(applicant_name="Tên Đã Đổi", due_at=at(2025, 12, 1, 8, 0))
    slip.refresh_from_db()
    text = pdf_text(rendering.render_pdf(slip), tmp_path, "reprint")
    assert "Nguyễn Thị Hồng Nhung" in text and "Tên Đã Đổi" not in text
    assert "15 giờ 30 phút, ngày 08/11/2025" in text


def test_qr_links_to_public_lookup(dossier, settings):
    d, people = dossier
    settings.SITE_URL = "https://dichvucong.thanhhoa.gov.vn/"
    slip = issue_slip(d, SlipKind.RECEIPT, actor=people["receiver"])
    context = rendering.slip_context(slip)
    assert context["lookup_url"] == f"https://dichvucong.thanhhoa.gov.vn/ho-so/tra-cuu/?ma={d.code}"
    assert str(context["qr"]).startswith("<svg")


def test_nfd_input_is_stored_nfc(dossier, tmp_path):
    d, people = dossier
    slip = issue_slip(d, SlipKind.REFUSAL, actor=people["receiver"],
                      data={"reason": unicodedata.normalize("NFD", "Hồ sơ giả mạo chữ ký")})
    assert slip.data["reason"] == unicodedata.normalize("NFC", "Hồ sơ giả mạo chữ ký")
    assert "Hồ sơ giả mạo chữ ký" in pdf_text(rendering.render_pdf(slip), tmp_path, "nfd")


def test_fonts_are_embedded(dossier, tmp_path):
    d, people = dossier
    path = tmp_path / "f.pdf"
    path.write_bytes(rendering.render_pdf(issue_slip(d, SlipKind.RECEIPT, actor=people["receiver"])))
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()  # noqa: S603,S607
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes yes yes " in row for row in rows)
    assert any("SlipSerif" in row for row in rows)


def test_lookup_url_falls_back_to_request_host(settings, rf):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["motcua.example.vn"]
    request = rf.get("/", HTTP_HOST="motcua.example.vn")
    assert rendering.lookup_url("H56-251105-0001", request) == "http://motcua.example.vn/ho-so/tra-cuu/?ma=H56-251105-0001"


def test_dates_are_vietnam_time():
    assert rendering.time_date(datetime.datetime(2025, 12, 31, 17, 5, tzinfo=datetime.UTC)) == (
        "00 giờ 05 phút, ngày 01/01/2026")
    assert rendering.long_date("2025-11-05T09:30:00+07:00") == "ngày 05 tháng 11 năm 2025"
    assert rendering.long_date("") == "ngày …… tháng …… năm ……"
