"""Seed data of documents, applied by data migrations (and usable by tests)."""

# NĐ 30/2020 Art. 7: the 29 types of administrative documents; abbreviations from Phụ lục III
# [S]. "Thông cáo TC" and "Bản thỏa thuận TT" are from memory [I]; Công văn has no abbreviation
# (its symbol is issuer-unit) and Thư công has none listed [I]. Rows, not code: a province
# corrects them in the admin.
DOCUMENT_TYPES = [
    ("nghi-quyet", "Nghị quyết (cá biệt)", "NQ"),
    ("quyet-dinh", "Quyết định (cá biệt)", "QĐ"),
    ("chi-thi", "Chỉ thị", "CT"),
    ("quy-che", "Quy chế", "QC"),
    ("quy-dinh", "Quy định", "QyĐ"),
    ("thong-cao", "Thông cáo", "TC"),
    ("thong-bao", "Thông báo", "TB"),
    ("huong-dan", "Hướng dẫn", "HD"),
    ("chuong-trinh", "Chương trình", "CTr"),
    ("ke-hoach", "Kế hoạch", "KH"),
    ("phuong-an", "Phương án", "PA"),
    ("de-an", "Đề án", "ĐA"),
    ("du-an", "Dự án", "DA"),
    ("bao-cao", "Báo cáo", "BC"),
    ("bien-ban", "Biên bản", "BB"),
    ("to-trinh", "Tờ trình", "TTr"),
    ("hop-dong", "Hợp đồng", "HĐ"),
    ("cong-van", "Công văn", ""),
    ("cong-dien", "Công điện", "CĐ"),
    ("ban-ghi-nho", "Bản ghi nhớ", "GN"),
    ("ban-thoa-thuan", "Bản thỏa thuận", "TT"),
    ("giay-uy-quyen", "Giấy ủy quyền", "GUQ"),
    ("giay-moi", "Giấy mời", "GM"),
    ("giay-gioi-thieu", "Giấy giới thiệu", "GGT"),
    ("giay-nghi-phep", "Giấy nghỉ phép", "GNP"),
    ("phieu-gui", "Phiếu gửi", "PG"),
    ("phieu-chuyen", "Phiếu chuyển", "PC"),
    ("phieu-bao", "Phiếu báo", "PB"),
    ("thu-cong", "Thư công", ""),
]

_FOOT = "\n\nXem văn bản: {{ site_url }}{{ path }}"

NOTIFICATION_TEMPLATES = [
    {"event": "documents.assigned", "channel": "email",
     "subject": "Văn bản đến số {{ incoming_number }} được giao cho bạn xử lý",
     "body": "Xin chào {{ recipient_name }},\n\nVăn bản {{ number_symbol }} ({{ urgency }}): {{ subject }}\n"
             "đã được phân công cho bạn/đơn vị bạn xử lý.{% if deadline %} Hạn xử lý: {{ deadline }}.{% endif %}" + _FOOT},
    {"event": "documents.due_soon", "channel": "email",
     "subject": "Sắp đến hạn xử lý văn bản {{ number_symbol }}",
     "body": "Xin chào {{ recipient_name }},\n\nVăn bản đến số {{ incoming_number }} — {{ number_symbol }}: "
             "{{ subject }}\nsắp đến hạn xử lý ({{ deadline }})." + _FOOT},
    {"event": "documents.overdue", "channel": "email",
     "subject": "Quá hạn xử lý văn bản {{ number_symbol }}",
     "body": "Xin chào {{ recipient_name }},\n\nVăn bản đến số {{ incoming_number }} — {{ number_symbol }}: "
             "{{ subject }}\nđã quá hạn xử lý ({{ deadline }}). Đề nghị khẩn trương hoàn thành." + _FOOT},
    {"event": "documents.urgent_received", "channel": "email",
     "subject": "[{{ urgency }}] Văn bản đến {{ number_symbol }}",
     "body": "Xin chào {{ recipient_name }},\n\nCó văn bản {{ urgency }} vừa đến: {{ number_symbol }} — {{ subject }}.\n"
             "Văn bản khẩn phải được vào sổ, trình và chuyển ngay (Nghị định 30/2020/NĐ-CP, Điều 4)." + _FOOT},
    {"event": "documents.unregistered", "channel": "email",
     "subject": "Văn bản đến chưa vào sổ: {{ number_symbol }}",
     "body": "Xin chào {{ recipient_name }},\n\nVăn bản {{ number_symbol }} — {{ subject }} đã đến nhưng chưa được "
             "vào sổ trong thời hạn (trong ngày, chậm nhất ngày làm việc tiếp theo)." + _FOOT},
]


def ensure_document_types(model) -> int:
    """Create missing types (by code); existing rows keep a province's edits."""
    created = 0
    for order, (code, name, abbreviation) in enumerate(DOCUMENT_TYPES, start=1):
        _, was_created = model.objects.get_or_create(
            code=code, defaults={"name": name, "abbreviation": abbreviation, "order": order})
        created += was_created
    return created
