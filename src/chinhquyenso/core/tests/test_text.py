import unicodedata

import pytest

from chinhquyenso.core.text import fold, mask, nfc


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Đông Hòa", "dong hoa"),
        ("ĐÔNG HÒA", "dong hoa"),
        ("dong hoa", "dong hoa"),
        ("Phường  Đông   Hòa ", "phuong dong hoa"),
        (unicodedata.normalize("NFD", "Thanh Hóa"), "thanh hoa"),
        ("Đắk Lắk", "dak lak"),
        ("Quảng Ngãi", "quang ngai"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(raw, expected):
    assert fold(raw) == expected


def test_nfc_composes_and_collapses_spaces():
    decomposed = unicodedata.normalize("NFD", "Nguyễn  Thị Ánh")
    assert decomposed != "Nguyễn Thị Ánh"
    assert nfc(decomposed) == "Nguyễn Thị Ánh"
    assert unicodedata.is_normalized("NFC", nfc(decomposed))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("038095001234", "038******234"), ("0912345678", "091****678"), ("12345", "*****"), ("", "")],
)
def test_mask(value, expected):
    assert mask(value) == expected
