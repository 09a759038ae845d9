"""The registers exported as the forms of NĐ 30/2020 Phụ lục IV: sổ đăng ký văn bản đi and sổ
đăng ký văn bản đến (columns as in the form [S]).

Excel: openpyxl in write-only mode, rows streamed from the database in chunks into a temporary
file that is then streamed to the client, so a register of 100,000 rows never sits in memory.
PDF: WeasyPrint over an HTML template with Be Vietnam Pro from fontpkg; WeasyPrint lays out the
whole document in memory, so the PDF is capped at PDF_MAX_ROWS rows (the page says to use Excel
beyond that)."""

import tempfile
from collections.abc import Iterator

from django.template.loader import render_to_string
from django.utils import timezone

from .models import Direction, Document

PDF_MAX_ROWS = 5000

OUTGOING_COLUMNS = [
    "Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung văn bản", "Người ký",
    "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản", "Ngày chuyển", "Ký nhận", "Ghi chú",
]
INCOMING_COLUMNS = [
    "Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu", "Ngày tháng", "Tên loại và trích yếu nội dung",
    "Đơn vị hoặc người nhận", "Ký nhận", "Ghi chú",
]


def _d(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
        return value.strftime("%d/%m/%Y")
    return value.strftime("%d/%m/%Y")


def columns(direction: str) -> list[str]:
    return INCOMING_COLUMNS if direction == Direction.INCOMING else OUTGOING_COLUMNS


def row(doc: Document) -> list:
    kind_subject = f"{doc.doc_type.name}: {doc.subject}"
    notes = ", ".join(x for x in [doc.get_urgency_display() if doc.is_urgent else "",
                                  doc.get_secrecy_display() if doc.is_classified else ""] if x)
    if doc.direction == Direction.INCOMING:
        receiver = doc.lead_unit.name if doc.lead_unit_id else ""
        return [_d(doc.received_at), doc.register_number_display, doc.issuing_agency_name, doc.number_symbol,
                _d(doc.issued_on), kind_subject, receiver, "", notes]
    return [doc.number_symbol, _d(doc.issued_on), kind_subject, doc.signer_display, doc.recipients_text,
            doc.drafting_unit_symbol, doc.copies, _d(doc.issued_on), "", notes]


def iter_rows(qs) -> Iterator[list]:
    for doc in qs.iterator(chunk_size=1000):
        yield row(doc)


def title(direction: str, agency_name: str, year: int, confidential: bool) -> str:
    kind = "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" if direction == Direction.INCOMING else "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
    return f"{kind}{' MẬT' if confidential else ''} NĂM {year} — {agency_name.upper()}"


def excel(qs, *, direction: str, agency_name: str, year: int, confidential: bool = False):
    """A temporary file (rewound) holding the .xlsx; the caller streams it (FileResponse)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("So dang ky")
    widths = [14, 10, 50, 24, 30, 18, 10, 12, 12, 18] if direction == Direction.OUTGOING else [
        12, 8, 30, 18, 12, 50, 24, 12, 18]
    for i, w in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    head = WriteOnlyCell(ws, value=title(direction, agency_name, year, confidential))
    head.font = Font(bold=True, size=13)
    ws.append([head])
    ws.append([])
    header = []
    for name in columns(direction):
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        header.append(cell)
    ws.append(header)
    for values in iter_rows(qs):
        ws.append(values)
    out = tempfile.TemporaryFile()  # noqa: SIM115 — handed to FileResponse, which closes it
    wb.save(out)
    out.seek(0)
    return out


def pdf(qs, *, direction: str, agency_name: str, year: int, confidential: bool = False) -> bytes:
    import fontpkg
    from weasyprint import HTML

    rows = list(iter_rows(qs[:PDF_MAX_ROWS]))
    html = render_to_string("documents/register_pdf.html", {
        "title": title(direction, agency_name, year, confidential), "columns": columns(direction), "rows": rows,
        "font_regular": fontpkg.path("Be Vietnam Pro"), "font_bold": fontpkg.path("Be Vietnam Pro", weight=700),
        "truncated": len(rows) >= PDF_MAX_ROWS, "printed": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    })
    return HTML(string=html).write_pdf()
