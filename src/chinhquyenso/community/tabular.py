"""Reading the village list from an uploaded CSV (UTF-8, comma/semicolon/tab) or Excel (.xlsx)
file into (row number, {column: text}) pairs. Headers are Vietnamese with or without marks:
"Tên" / "Tên thôn" (required), "Loại", "Mã". Row numbers are the spreadsheet's (header = 1)."""

from __future__ import annotations

import csv
import io
import zipfile

from django.utils.translation import gettext as _

from chinhquyenso.core.text import fold

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED = 20 * 1024 * 1024
MAX_ROWS = 2000

HEADERS = {
    "name": {"ten", "ten thon", "ten thon, to dan pho", "ten thon/to dan pho", "thon", "name"},
    "kind": {"loai", "loai thon", "kind"},
    "code": {"ma", "ma thon", "code"},
}


class FileError(ValueError):
    pass


def _mapping(cells: list) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = fold(str(cell or ""))
        for name, aliases in HEADERS.items():
            if key in aliases and name not in mapping:
                mapping[name] = i
    if "name" not in mapping:
        raise FileError(_("Dòng tiêu đề phải có cột “Tên” (tên thôn, tổ dân phố)."))
    return mapping


def _rows(table: list[list]) -> list[tuple[int, dict[str, str]]]:
    if not table:
        raise FileError(_("Tệp trống."))
    mapping = _mapping(table[0])
    out = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(str(c or "").strip() for c in cells):
            continue
        out.append((number, {k: str(cells[i]).strip() if i < len(cells) and cells[i] is not None else ""
                             for k, i in mapping.items()}))
        if len(out) > MAX_ROWS:
            raise FileError(_("Tệp có quá nhiều dòng (tối đa %(n)s).") % {"n": MAX_ROWS})
    if not out:
        raise FileError(_("Tệp không có dòng dữ liệu nào."))
    return out


def read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(data) > MAX_FILE_BYTES:
        raise FileError(_("Tệp quá lớn (tối đa 2 MB)."))
    if data.startswith(b"PK\x03\x04"):
        return _rows(_xlsx(data))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(_("Định dạng .xls cũ không được hỗ trợ; hãy lưu lại thành .xlsx hoặc CSV UTF-8."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileError(_("Tệp CSV phải mã hóa UTF-8.")) from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    try:
        return _rows(list(csv.reader(io.StringIO(text), delimiter=delimiter)))
    except csv.Error as exc:
        raise FileError(_("Tệp CSV không đọc được: %(e)s") % {"e": exc}) from exc


def _xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_XLSX_UNCOMPRESSED:
                raise FileError(_("Tệp Excel giải nén quá lớn."))
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken file
        raise FileError(_("Tệp Excel bị hỏng hoặc không đúng định dạng .xlsx.")) from exc
    sheet = workbook.worksheets[0]
    table = []
    for i, row in enumerate(sheet.iter_rows(values_only=True)):
        if i > MAX_ROWS + 1:
            raise FileError(_("Tệp có quá nhiều dòng (tối đa %(n)s).") % {"n": MAX_ROWS})
        table.append(list(row))
    workbook.close()
    return table
