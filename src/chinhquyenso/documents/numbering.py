"""Document numbers and symbols (NĐ 30/2020 Art. 8 item 3 and Phụ lục I, Phụ lục III).

- `Số: 05/QĐ-UBND`: the number, then type abbreviation and issuer symbol joined by a hyphen.
- Công văn: `123/UBND-VP` — issuer symbol, then the drafting unit's (or field's) symbol.
- Numbers below 10 get a leading zero; symbols are upper case, hyphen-joined, no spaces [S].
- Numbering runs from 01 on 1 January to 31 December, one series per issuing agency per year for
  paper and electronic documents alike (Art. 15; Art. 25 for copies [V/I]); classified documents
  use their own series [I]. `allocate()` takes the next number from the counter row under a row
  lock in the caller's transaction.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.text import fold

from .models import DocumentType, IssuerProfile, Register

SYMBOL_PART = re.compile(r"^[A-ZĐ0-9&]+(?:[A-Za-zĐđ0-9&]*)$")


def format_number(n: int) -> str:
    if n < 1:
        raise ValueError("Số văn bản bắt đầu từ 01.")
    return f"{n:02d}"


def clean_symbol(value: str) -> str:
    """Check a symbol; refuse spaces and anything but letters, digits and &.
    ("QyĐ", "CTr", "TTr" keep their mixed case: they are written so in Phụ lục III.)"""
    value = (value or "").strip()
    if not value or not all(SYMBOL_PART.match(part) for part in value.split("-")):
        raise ValidationError(f"Ký hiệu “{value}” không hợp lệ: chỉ gồm chữ, số, nối bằng dấu gạch ngang, không có dấu cách.")
    return value


def symbol_for(doc_type: DocumentType, issuer_symbol: str, drafting_unit_symbol: str = "") -> str:
    """The part after the slash. Công văn: ISSUER-UNIT; other types: TYPE-ISSUER; a type with no
    abbreviation (Thư công [I]) gets the issuer symbol only."""
    issuer = clean_symbol((issuer_symbol or "").upper())
    if doc_type.is_official_letter:
        if not drafting_unit_symbol:
            raise ValidationError({"drafting_unit_symbol": "Công văn cần ký hiệu đơn vị soạn thảo (ví dụ VP)."})
        return f"{issuer}-{clean_symbol(drafting_unit_symbol.upper())}"
    if not doc_type.abbreviation:
        return issuer
    return f"{doc_type.abbreviation}-{issuer}"


def number_symbol(n: int, doc_type: DocumentType, issuer_symbol: str, drafting_unit_symbol: str = "") -> str:
    return f"{format_number(n)}/{symbol_for(doc_type, issuer_symbol, drafting_unit_symbol)}"


def default_symbol(agency: Agency) -> str:
    """'UBND tỉnh' → 'UBND', 'SKHCN' → 'SKHCN': the first word of the short name, upper case,
    marks kept only on Đ (Vietnamese symbols are written with Đ, e.g. 'QĐ')."""
    word = (agency.short_name or agency.name).split(" ")[0]
    letters = "".join(ch for ch in word if ch.isalnum())
    return fold(letters).upper() if "đ" not in letters.lower() else letters.upper()


def issuer_profile(agency: Agency) -> IssuerProfile:
    profile = IssuerProfile.objects.filter(agency=agency).first()
    if profile is None:
        try:
            with transaction.atomic():
                profile = IssuerProfile.objects.create(
                    agency=agency, symbol=default_symbol(agency), place=agency.unit.name if agency.unit_id else ""
                )
        except IntegrityError:  # created meanwhile by another request
            profile = IssuerProfile.objects.get(agency=agency)
    return profile


def allocate(agency: Agency, year: int, direction: str, *, confidential: bool = False) -> tuple[Register, int]:
    """Next number of the (agency, year, direction, confidential) register. Must run inside the
    transaction that stores the document, so a rollback returns the number (no gap)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate() must run inside transaction.atomic()")
    # get_or_create survives a concurrent creation (it retries the get on IntegrityError).
    register, _ = Register.objects.get_or_create(
        agency=agency, year=year, direction=direction, confidential=confidential,
        defaults={"province_id": agency.province_id},
    )
    register = Register.objects.select_for_update().get(pk=register.pk)
    Register.objects.filter(pk=register.pk).update(last_number=F("last_number") + 1)
    register.last_number += 1
    return register, register.last_number
