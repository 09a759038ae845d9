"""Excel workbook (openpyxl) and PDF report (WeasyPrint, the fonts the dossier slips use) of the
IOC report for one scope and period."""

import io

from django.template.loader import render_to_string
from django.utils import timezone


def workbook(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ số"
    ws.append([f"Báo cáo IOC: {data['scope'].label} — {data['period'].label}"])
    ws["A1"].font = Font(bold=True)
    ws.append(["Mã", "Chỉ số", "Giá trị", "Đơn vị", "Tử số", "Mẫu số", "Điểm", "Điểm tối đa", "Kế hoạch (%)",
               "Chênh lệch", "Kỳ trước", "Chậm kế hoạch", "Tử số là", "Mẫu số là"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in data["rows"]:
        r, d = row["result"], row["result"].definition
        ws.append([r.code, str(d.name), float(r.value) if r.value is not None else "chưa có dữ liệu", d.unit,
                   r.numerator, r.denominator, float(r.points) if r.points is not None else None, d.points,
                   float(row["plan"]) if row["plan"] is not None else None,
                   float(row["gap"]) if row["gap"] is not None else None,
                   float(row["previous"]) if row["previous"] is not None else None,
                   "x" if row["behind"] else "", str(d.numerator), str(d.denominator)])
    groups = wb.create_sheet("Nhóm 766")
    groups.append(["Nhóm", "Tên", "Điểm", "Tối đa", "Chưa có dữ liệu"])
    for g in data["groups"]:
        groups.append([g["group"], str(g["name"]), float(g["points"]), g["max"], ", ".join(g["no_data"])])
    if data["ranking"]:
        rank = wb.create_sheet("Xếp hạng")
        rank.append(["Hạng", "Đơn vị", f"Chỉ số {data['rank_code']}", "Tử số", "Mẫu số"])
        for row in data["ranking"]:
            rank.append([row["rank"], row["name"], float(row["value"]) if row["value"] is not None else None,
                         row["result"].numerator, row["result"].denominator])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf(data: dict) -> bytes:
    from weasyprint import HTML

    from chinhquyenso.dossiers.slips.rendering import font_css

    html = render_to_string("dashboard/report_pdf.html", {**data, "font_css": font_css(),
                                                          "generated_at": timezone.localtime()})
    return HTML(string=html).write_pdf()
