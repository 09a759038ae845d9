import pytest

from chinhquyenso.core.vietqr import Beneficiary, VietQRError, crc16_ccitt_false, parse, payload, purpose_text

BANK = Beneficiary(bin="970415", account="113366668888")


def test_crc_is_ccitt_false():
    # The standard check value of CRC-16/CCITT-FALSE.
    assert crc16_ccitt_false("123456789") == "29B1"


def test_matches_a_published_sample():
    # A sample payload quoted in a public VietQR test suite (BIN 970415, 13-digit account): field 38
    # has length 57. The quoted sample gives the beneficiary block length as 23, which contradicts
    # its own 57 (14 + 4 + 27 + 12); the block "0006970415" + "0113…" is 27 long.
    code = payload(Beneficiary(bin="970415", account="1133666688888"))
    assert code.startswith("00020101021138570010A00000072701270006970415011311336666888880208QRIBFTTA53037045802VN6304")


def test_static_code_layout():
    code = payload(BANK)
    assert code.startswith("000201" "010211" "3856" "0010A000000727" "0126" "0006970415" "0112113366668888" "0208QRIBFTTA")
    assert "5303704" in code and "5802VN" in code and "54" not in parse(code)


def test_dynamic_code_carries_amount_and_purpose():
    fields = parse(payload(BANK, amount=50000, purpose="Lệ phí hồ sơ 000.00.12.H56-261121-0001"))
    assert fields["01"] == "12"
    assert fields["54"] == "50000"
    assert fields["62"] == "0825LE PHI HO SO 000 00 12 H5"
    assert fields["53"] == "704" and fields["58"] == "VN"


def test_purpose_is_plain_ascii():
    assert purpose_text("Đăng ký khai sinh – Đỗ Thị Ánh") == "DANG KY KHAI SINH DO THI"


@pytest.mark.parametrize("bad", [
    Beneficiary(bin="97041", account="1"), Beneficiary(bin="970415", account="12 34"),
    Beneficiary(bin="970415", account="1" * 20),
])
def test_bad_beneficiary(bad):
    with pytest.raises(VietQRError):
        payload(bad)


def test_bad_amount_and_tampering():
    with pytest.raises(VietQRError):
        payload(BANK, amount=-1)
    code = payload(BANK, amount=1000)
    with pytest.raises(VietQRError):
        parse(code.replace("1000", "9000"))
