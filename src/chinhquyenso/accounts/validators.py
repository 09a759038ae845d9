"""Validation of Vietnamese personal identifiers and phone numbers."""

import datetime
import re

from django.core.exceptions import ValidationError

# Số định danh cá nhân (12 digits) — Thông tư 59/2021/TT-BCA Art. 7 [I: structure from memory of
# the circular; not re-checked]: 3 digits = code of the province where the birth was registered
# (the 63 pre-2025 province codes, zero-padded), 1 digit = century and sex (0/1 → 1900s male/female,
# 2/3 → 2000s, 4/5 → 2100s ...), 2 digits = year of birth, 6 random digits.
_BIRTH_PROVINCE_TABLE = (
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 035 036 "
    "037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 070 072 074 075 "
    "077 079 080 082 083 084 086 087 089 091 092 093 094 095 096"
)
BIRTH_PROVINCE_CODES = frozenset(_BIRTH_PROVINCE_TABLE.split())
# [0-9], not \d: \d also matches full-width and other Unicode digits ("０９１…").
_PID = re.compile(r"^[0-9]{12}$")
_PHONE = re.compile(r"^0(3|5|7|8|9)[0-9]{8}$")


def normalize_personal_id(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def validate_personal_id(value: str, today: datetime.date | None = None) -> None:
    value = normalize_personal_id(value)
    if not _PID.match(value):
        raise ValidationError("Số định danh cá nhân phải gồm đúng 12 chữ số.", code="pid_format")
    if value[:3] not in BIRTH_PROVINCE_CODES:
        raise ValidationError(
            "Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh nơi đăng ký khai sinh hợp lệ.",
            code="pid_province",
        )
    century = 1900 + (int(value[3]) // 2) * 100
    year = century + int(value[4:6])
    today = today or datetime.date.today()
    if year > today.year:
        raise ValidationError("Năm sinh trong số định danh cá nhân nằm ở tương lai.", code="pid_year")


def normalize_phone(value: str) -> str:
    """+84 912 345 678 / 0912.345.678 -> 0912345678."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> None:
    if not _PHONE.match(normalize_phone(value)):
        raise ValidationError(
            "Số điện thoại di động không hợp lệ (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09).",
            code="phone_format",
        )
