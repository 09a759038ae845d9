"""Reading an uploaded CSV or Excel (.xlsx) file into raw rows.

- The type is decided by the content, not only the name: an .xlsx is a ZIP (PK\\x03\\x04); the
  old binary .xls (OLE, D0 CF 11 E0) and anything else are refused with a Vietnamese reason.
- CSV must be UTF-8 (with or without the BOM Excel writes with "CSV UTF-8"); the delimiter is a
  comma, a semicolon or a tab (whichever the header row uses).
- Headers are Vietnamese (with or without diacritics, any case; a unit in brackets such as
  "Giá trị (%)" is ignored): Mã đơn vị, Kỳ, Giá trị, Ghi chú. Other columns (Tên đơn vị…) are
  ignored. Row numbers in reports are the spreadsheet's own (header = row 1).
- Limits: MAX_FILE_BYTES on the upload and MAX_XLSX_UNCOMPRESSED on the unpacked workbook (a ZIP
  bomb is refused before openpyxl opens it).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from django.utils.translation import gettext as _

from chinhquyenso.core.text import fold

from .validation import FILE_COLUMNS, MAX_ROWS, NOTE, PERIOD, UNIT, VALUE, RawRow

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 60 * 1024 * 1024

HEADER_ALIASES = {
    UNIT: {"ma don vi", "ma dvhc", "ma don vi hanh chinh", "ma xa", "ma xa phuong", "ma xa/phuong", "ma",
           "unit", "unit code", "ma dv"},
    PERIOD: {"ky", "ky so lieu", "ky bao cao", "thoi gian", "thoi ky", "period"},
    VALUE: {"gia tri", "so lieu", "value"},
    NOTE: {"ghi chu", "ghi chu nguon", "nguon", "note"},
}
_BRACKETS = re.compile(r"\(.*?\)|\[.*?\]")


class FileError(ValueError):
    """The file as a whole cannot be read (wrong type, empty, too big, no header)."""


def _header_key(cell) -> str | None:
    text = fold(_BRACKETS.sub("", str(cell or ""))).replace("_", " ").strip(" :*")
    for key, aliases in HEADER_ALIASES.items():
        if text in aliases:
            return key
    return None


def _map_header(cells: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = _header_key(cell)
        if key and key not in mapping:
            mapping[key] = i
    missing = [FILE_COLUMNS[k] for k in (UNIT, PERIOD, VALUE) if k not in mapping]
    if missing:
        raise FileError(_("Thiếu cột: %(m)s. Dòng đầu tiên phải là tiêu đề: %(h)s.") % {
            "m": ", ".join(missing), "h": ", ".join(FILE_COLUMNS.values())})
    return mapping


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read(name: str, data: bytes) -> list[RawRow]:
    if not data:
        raise FileError(_("Tệp rỗng."))
    if len(data) > MAX_FILE_BYTES:
        raise FileError(_("Tệp quá lớn (tối đa %(m)s MB).") % {"m": MAX_FILE_BYTES // (1024 * 1024)})
    lower = (name or "").lower()
    if data[:4] == b"PK\x03\x04":
        return read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileError(_("Tệp Excel 97–2003 (.xls) không được hỗ trợ; hãy lưu lại dạng .xlsx hoặc CSV UTF-8."))
    if lower.endswith(".xlsx"):
        raise FileError(_("Tệp .xlsx bị hỏng hoặc không phải tệp Excel."))
    if not lower.endswith((".csv", ".txt")):
        raise FileError(_("Chỉ nhận tệp .csv (UTF-8) hoặc .xlsx."))
    return read_csv(data)


def read_csv(data: bytes) -> list[RawRow]:
    if b"\x00" in data[:4096]:
        raise FileError(_("Tệp không phải văn bản CSV (có thể là UTF-16 hoặc tệp nhị phân); hãy lưu dạng CSV UTF-8."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(_("Tệp CSV không phải mã UTF-8; trong Excel chọn Lưu thành “CSV UTF-8”.")) from None
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max([",", ";", "\t"], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[RawRow] = []
    mapping = None
    try:
        for cells in reader:
            if _blank(cells):
                continue
            if mapping is None:
                mapping = _map_header(cells)
                continue
            rows.append(_raw(reader.line_num, cells, mapping, numeric=False))
            if len(rows) > MAX_ROWS:
                break
    except csv.Error as exc:
        raise FileError(_("Tệp CSV sai định dạng ở dòng %(n)s.") % {"n": reader.line_num}) from exc
    if mapping is None:
        raise FileError(_("Tệp không có dòng tiêu đề."))
    return rows


def _raw(number: int, cells: list, mapping: dict[str, int], *, numeric: bool) -> RawRow:
    def get(key):
        i = mapping.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    unit = get(UNIT)
    is_number = numeric and isinstance(unit, (int, float)) and not isinstance(unit, bool)
    if is_number and float(unit).is_integer():
        unit = int(unit)
    return RawRow(number=number, unit=unit, period=get(PERIOD), value=get(VALUE), note=get(NOTE),
                  numeric_unit=is_number)


def read_xlsx(data: bytes) -> list[RawRow]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise FileError(_("Tệp Excel giải nén quá lớn."))
            if "xl/workbook.xml" not in archive.namelist():
                raise FileError(_("Tệp nén này không phải tệp Excel .xlsx."))
    except zipfile.BadZipFile:
        raise FileError(_("Tệp .xlsx bị hỏng hoặc không phải tệp Excel.")) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types (KeyError, ValueError, InvalidFileException…)
        raise FileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc sai định dạng.")) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileError(_("Tệp Excel không có trang tính nào."))
        rows: list[RawRow] = []
        mapping = None
        value_col = None
        for cells in sheet.iter_rows():
            values = [c.value for c in cells]
            if _blank(values):
                continue
            if mapping is None:
                mapping = _map_header(values)
                value_col = mapping[VALUE]
                continue
            raw = _raw(cells[0].row, values, mapping, numeric=True)
            # A cell formatted as percentage holds 0.855 for "85,5%".
            if value_col < len(cells) and isinstance(raw.value, (int, float)) and "%" in str(
                    getattr(cells[value_col], "number_format", "") or ""):
                raw.value = round(raw.value * 100, 10)
            rows.append(raw)
            if len(rows) > MAX_ROWS:
                break
    except FileError:
        raise
    except Exception as exc:
        raise FileError(_("Không đọc được tệp Excel: tệp bị hỏng hoặc sai định dạng.")) from exc
    finally:
        workbook.close()
    if mapping is None:
        raise FileError(_("Trang tính đầu tiên không có dòng tiêu đề."))
    return rows
