"""BM.06 Sổ theo dõi hồ sơ (tracking register), kept per field or group of fields (vn-regulations
§2.3 [V]: "Kept per field … With an electronic register there is no need to print"). Exported for
one agency (the one-stop unit that received the dossiers), one field and a range of reception days,
as PDF or Excel.

Rows come from a server-side iterator (QuerySet.iterator), never a list of every dossier: the Excel
file is written row by row by openpyxl's write-only workbook into a temporary file that the
response streams; the PDF is capped at settings.DOSSIER_REGISTER_PDF_MAX_ROWS rows (default 2,000,
about 200 pages) because WeasyPrint lays out the whole document in memory — beyond that the page
asks for Excel."""

import datetime
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from chinhquyenso.core.text import mask

from ..models import Dossier
from ..workflow import Status
from . import rendering

COLUMNS = (
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên tổ chức, cá nhân", "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết", "Nhận hồ sơ (giờ, ngày)", "Hẹn trả kết quả (giờ, ngày)",
    "Trả kết quả (giờ, ngày)", "Phương thức nhận kết quả", "Trạng thái", "Ký nhận",
)


class RegisterTooLarge(ValueError):
    pass


@dataclass(frozen=True)
class RegisterSpec:
    agency: object  # agencies.Agency
    field: object  # procedures.SectorField
    start: datetime.date
    end: datetime.date
    # Phone numbers in full only for the one-stop officers who keep the register and call
    # applicants back (queries.keeps_register); masked for anyone else who exports it.
    full_contact: bool = False

    @property
    def symbol(self) -> str:
        short = (self.agency.short_name or self.agency.code).strip()
        return f"STD-{self.field.code}/{self.start.year}-{short}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end


def queryset(spec: RegisterSpec):
    start, end = spec.bounds()
    return (
        Dossier.objects.exclude(status=Status.DRAFT)
        .filter(reception_agency=spec.agency, procedure_version__sector_field=spec.field,
                received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version", "resolving_agency")
        .order_by("received_at", "id")
    )


def _stamp(value) -> str:
    return f"{timezone.localtime(value):%H:%M %d/%m/%Y}" if value else ""


def rows(spec: RegisterSpec, *, chunk_size: int = 500) -> Iterator[list[str]]:
    for n, d in enumerate(queryset(spec).iterator(chunk_size=chunk_size), start=1):
        phone = d.applicant_phone if spec.full_contact else mask(d.applicant_phone)
        contact = ", ".join(x for x in (d.applicant_address, phone) if x)
        yield [
            str(n), d.code or "", d.procedure_version.name, d.applicant_name, contact, d.resolving_agency.name,
            _stamp(d.received_at), _stamp(d.due_at), _stamp(d.returned_at), str(d.get_result_delivery_display()),
            str(Status(d.status).label), "",
        ]


def title_lines(spec: RegisterSpec) -> list[str]:
    return [
        "SỔ THEO DÕI HỒ SƠ",
        f"Lĩnh vực: {spec.field.name}",
        f"Từ ngày {spec.start:%d/%m/%Y} đến ngày {spec.end:%d/%m/%Y}",
    ]


def write_xlsx(spec: RegisterSpec):
    """A temporary file (rewound) holding the workbook, written row by row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="So theo doi ho so")
    for width, letter in zip((6, 26, 40, 26, 36, 30, 17, 17, 17, 24, 20, 12), "ABCDEFGHIJKL", strict=True):
        ws.column_dimensions[letter].width = width
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    def cells(values, font=None):
        out = []
        for value in values:
            cell = WriteOnlyCell(ws, value=value)
            if font is not None:
                cell.font = font
                cell.alignment = Alignment(wrap_text=True, vertical="center")
            out.append(cell)
        return out

    ws.append(cells([spec.agency.name.upper()], bold))
    ws.append(cells([f"Số: {spec.symbol}"]))
    for line in title_lines(spec):
        ws.append(cells([line], bold))
    ws.append([])
    ws.append(cells(COLUMNS, bold))
    for row in rows(spec):
        ws.append(row)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - handed to the streaming response
    wb.save(handle)
    handle.seek(0)
    return handle


def render_pdf(spec: RegisterSpec) -> bytes:
    limit = int(getattr(settings, "DOSSIER_REGISTER_PDF_MAX_ROWS", 2000))
    count = queryset(spec).count()
    if count > limit:
        raise RegisterTooLarge(
            f"Sổ có {count} hồ sơ, quá {limit} dòng cho bản PDF; vui lòng chọn khoảng ngày ngắn hơn hoặc kết xuất Excel."
        )
    agency = spec.agency
    context = {
        "d": {"agency_name": agency.name, "parent_name": agency.parent.name if agency.parent_id else "",
              "place": agency.unit.name, "symbol": spec.symbol},
        "form": {"form_label": "Mẫu BM.06"},
        "title": "Sổ theo dõi hồ sơ",
        "issued_long": rendering.long_date(timezone.now()),
        "spec": spec, "columns": COLUMNS, "rows": rows(spec), "count": count,
    }
    return rendering._render("dossiers/slips/bm06_register.html", context)
