"""Vietnamese text helpers shared by every app: NFC normalisation and diacritics folding."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(value: str | None) -> str:
    """Stored text is always NFC (ARCHITECTURE.md conventions); collapse runs of whitespace."""
    if not value:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip combining marks and fold đ/Đ to d: "Đông Hòa" -> "dong hoa".

    Unicode decomposition does not split "đ" (it is a letter of its own, U+0111), so FTS5's
    remove_diacritics and unaccent-less LIKE both miss it; we fold it explicitly.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def mask(value: str | None, keep_start: int = 3, keep_end: int = 3) -> str:
    """Personal data in lists shows only its ends: 038095001234 -> 038******234."""
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def is_digits(value: str | None) -> bool:
    """Only the ASCII digits 0-9 (and at least one). str.isdigit() alone also accepts "²", "٣"
    and other Unicode digits, on which int() raises or a stored code goes wrong."""
    return bool(value) and value.isascii() and value.isdigit()
