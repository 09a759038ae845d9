"""VietQR payment codes (NAPAS 247 transfer to an account), as pure functions.

VietQR is the EMVCo merchant-presented QR layout used by NAPAS [S: NAPAS VietQR specification as
reproduced by open-source builders, e.g. giautm/emvqr-go]: ID-length-value fields,

    00 "01"               payload format indicator
    01 "11" | "12"        point of initiation: static, or dynamic (one payment, carries an amount)
    38 merchant account   00 GUID "A000000727"; 01 beneficiary (00 acquirer BIN, 01 account number);
                          02 service code "QRIBFTTA" (transfer to an account)
    53 "704"              currency (VND)
    54 amount             integer đồng
    58 "VN"               country
    62 additional data    08 purpose of the transfer (≤ 25 characters; ASCII — banks' apps drop marks)
    63 CRC                CRC-16/CCITT-FALSE over everything before it, including "6304"

Any Vietnamese banking app scans it and pre-fills the transfer; nothing here talks to a bank."""

import re
from dataclasses import dataclass
from decimal import Decimal

from .text import fold

GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"


class VietQRError(ValueError):
    pass


def crc16_ccitt_false(data: str) -> str:
    crc = 0xFFFF
    for byte in data.encode("utf-8"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return f"{crc:04X}"


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise VietQRError(f"Trường {tag} quá dài cho mã VietQR.")
    return f"{tag}{len(value):02d}{value}"


@dataclass(frozen=True)
class Beneficiary:
    bin: str  # 6-digit NAPAS acquirer BIN of the bank
    account: str
    name: str = ""


def purpose_text(text: str) -> str:
    """Banks' apps accept only plain ASCII letters, digits and spaces in the purpose field."""
    plain = re.sub(r"[^A-Za-z0-9 ]+", " ", fold(text).upper())
    return re.sub(r"\s+", " ", plain).strip()[:25].strip()


def payload(beneficiary: Beneficiary, amount: int | Decimal | None = None, purpose: str = "") -> str:
    if not re.fullmatch(r"\d{6}", beneficiary.bin):
        raise VietQRError("Mã BIN ngân hàng phải gồm 6 chữ số.")
    if not re.fullmatch(r"[0-9A-Za-z]{1,19}", beneficiary.account):
        raise VietQRError("Số tài khoản nhận không hợp lệ.")
    if amount is not None and (amount < 0 or amount != int(amount)):
        raise VietQRError("Số tiền phải là số nguyên đồng, không âm.")
    account = _tlv("00", beneficiary.bin) + _tlv("01", beneficiary.account)
    merchant = _tlv("00", GUID) + _tlv("01", account) + _tlv("02", SERVICE_TO_ACCOUNT)
    dynamic = amount is not None and amount > 0
    body = _tlv("00", "01") + _tlv("01", "12" if dynamic else "11") + _tlv("38", merchant) + _tlv("53", "704")
    if dynamic:
        body += _tlv("54", str(int(amount)))
    body += _tlv("58", "VN")
    text = purpose_text(purpose)
    if text:
        body += _tlv("62", _tlv("08", text))
    body += "6304"
    return body + crc16_ccitt_false(body)


def parse(code: str) -> dict[str, str]:
    """Top-level fields of a payload (for tests and for checking a pasted code); verifies the CRC."""
    if len(code) < 8 or code[-8:-4] != "6304" or crc16_ccitt_false(code[:-4]) != code[-4:]:
        raise VietQRError("Mã VietQR sai mã kiểm tra (CRC).")
    fields, i = {}, 0
    while i < len(code):
        tag, length = code[i:i + 2], int(code[i + 2:i + 4])
        fields[tag] = code[i + 4:i + 4 + length]
        i += 4 + length
    return fields
