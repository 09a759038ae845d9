"""Demo documents for the demo commune (where vanthu, lanhdao and chuyenvien work) and the
province: incoming documents in every state, outgoing ones from draft to distributed (signed
for real by the signatures demo credentials when they exist). Idempotent: skipped when the
commune already has demo documents."""

import functools

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from chinhquyenso.accounts.models import Role, RoleAssignment, User
from chinhquyenso.agencies.models import Agency, AgencyKind

from . import outgoing, services
from .models import Document, DocumentType, Secrecy, Urgency

DEMO_PREFIX = "demo-van-ban-"


@functools.cache
def _pdf(title: str, body: str) -> bytes:
    import fontpkg
    from weasyprint import HTML

    font = fontpkg.path("Noto Serif")
    html = f"""<html><head><style>@font-face {{ font-family: NS; src: url("file://{font}"); }}
    body {{ font-family: NS; font-size: 13pt; margin: 20mm 15mm 20mm 30mm; }} h1 {{ font-size: 14pt; text-align: center; }}
    </style></head><body><p style="text-align:center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br>Độc lập - Tự do - Hạnh phúc</p>
    <h1>{title}</h1><p>{body}</p><p>./.</p></body></html>"""
    return HTML(string=html).write_pdf()


def _file(title: str, body: str, name: str) -> ContentFile:
    return ContentFile(_pdf(title, body), name=name)


def _user(username: str):
    return User.objects.filter(username=username).first()


def load(province, stdout) -> None:
    clerk, leader, specialist = _user("vanthu"), _user("lanhdao"), _user("chuyenvien")
    grant = RoleAssignment.objects.filter(user=clerk, role=Role.DOCUMENT_CLERK).select_related("agency").first()
    if not (clerk and leader and specialist and grant):
        stdout.write("Văn bản mẫu: chưa có tài khoản mẫu (vanthu, lanhdao, chuyenvien).")
        return
    commune = grant.agency
    if Document.objects.filter(agency=commune, external_id__startswith=DEMO_PREFIX).exists():
        return
    types = {t.code: t for t in DocumentType.objects.all()}
    offices = {a.short_name: a for a in Agency.objects.filter(parent=commune, kind=AgencyKind.OFFICE)}
    lead = offices.get("PKT") or commune
    vp = offices.get("VP") or commune
    province_pc = Agency.objects.filter(kind=AgencyKind.PROVINCE_PC, province=province).first()
    incoming = [
        ("ke-hoach", "125/KH-UBND", "UBND " + province.full_name, "Kế hoạch triển khai chuyển đổi số cấp xã năm 2026",
         Urgency.NORMAL, "assign"),
        ("cong-van", "2045/SNV-CCVC", "Sở Nội vụ", "Về việc báo cáo số lượng cán bộ, công chức cấp xã sau sắp xếp",
         Urgency.FLASH, "process"),
        ("quyet-dinh", "310/QĐ-UBND", "UBND " + province.full_name,
         "Quyết định giao chỉ tiêu thu ngân sách nhà nước năm 2026", Urgency.NORMAL, "done"),
        ("giay-moi", "88/GM-SKHCN", "Sở Khoa học và Công nghệ",
         "Giấy mời dự hội nghị tập huấn Tổ công nghệ số cộng đồng", Urgency.URGENT, "register"),
        ("cong-van", "77/SYT-NVY", "Sở Y tế", "Về việc tăng cường phòng, chống sốt xuất huyết", Urgency.NORMAL,
         "receive"),
        ("cong-van", "15/CAT-PV01", "Công an tỉnh", "Về việc bảo đảm an ninh trật tự dịp Tết Nguyên đán",
         Urgency.VERY_URGENT, "secret"),
    ]
    for i, (code, number, issuer, subject, urgency, state) in enumerate(incoming, start=1):
        fields = dict(
            agency=commune, doc_type=types[code], subject=subject, issuing_agency_name=issuer, number_symbol=number,
            urgency=urgency, external_id=f"{DEMO_PREFIX}{i}",
            files=[_file(subject.upper(), f"Số: {number}. {subject}.", f"{number.replace('/', '-')}.pdf")],
        )
        if state == "receive":
            services.receive_incoming(**fields)
            continue
        if state == "secret":
            fields.update(secrecy=Secrecy.CONFIDENTIAL, forward_to=leader)
        doc = services.register_incoming(actor=clerk, **fields)
        if state in ("assign", "process", "done", "secret"):
            doc = services.assign(doc, actor=leader, lead_unit=lead, coordinating_units=[vp],
                                  handler=specialist, deadline_days=5 if state != "process" else 1,
                                  note="Giao Phòng Kinh tế chủ trì, Văn phòng phối hợp tham mưu.")
        if state in ("process", "done"):
            doc = services.start(doc, actor=specialist)
        if state == "done":
            services.complete(doc, actor=specialist, note="Đã tham mưu UBND xã triển khai.")
    _outgoing(commune, province_pc, types, clerk, leader, specialist, stdout)
    stdout.write(f"Văn bản mẫu: {commune.name}.")


def _outgoing(commune, province_pc, types, clerk, leader, specialist, stdout) -> None:
    recipients = [{"agency": province_pc}] if province_pc else []
    recipients.append({"name": "Sở Tài chính", "code": ""})
    plans = [
        ("bao-cao", "Báo cáo kết quả thực hiện chuyển đổi số quý IV năm 2025", "", "draft"),
        ("to-trinh", "Tờ trình đề nghị phê duyệt danh mục dự án đầu tư công năm 2026", "", "approval"),
        ("cong-van", "Về việc đăng ký nhu cầu đào tạo, bồi dưỡng cán bộ năm 2026", "VP", "distributed"),
        ("quyet-dinh", "Quyết định thành lập Tổ công nghệ số cộng đồng xã", "", "distributed"),
    ]
    for code, subject, unit, state in plans:
        doc = outgoing.create_draft(
            agency=commune, doc_type=types[code], subject=subject, actor=specialist, drafting_unit_symbol=unit,
            signer_title=leader.title, recipients=recipients, recipients_text="- Như trên;\n- Lưu: VT, VP.",
            files=[_file(subject.upper(), subject + ".", f"du-thao-{code}.pdf")],
        )
        if state == "draft":
            continue
        doc = outgoing.submit(doc, actor=specialist)
        doc = outgoing.check(doc, actor=clerk)
        if state == "approval":
            continue
        doc = outgoing.approve(doc, actor=leader)
        try:
            doc = outgoing.sign(doc, actor=leader)
            doc = outgoing.issue(doc, actor=clerk)
            outgoing.distribute(doc, actor=clerk)
        except ValidationError as exc:  # no demo signing credentials: leave it approved
            stdout.write(f"Văn bản mẫu: chưa ký số được ({' '.join(exc.messages)}).")
