# ruff: noqa: S608 — SQL built from model table names only.
"""Official documents (NĐ 30/2020): incoming (55%) and outgoing (45%) of the province's People's
Committee (10%), departments (30%) and communes' People's Committees (60%), in time order.

Numbers come from the registers exactly as numbering.allocate() gives them: one series per
(agency, year, direction), from 01 each 1 January, in the order of registration (incoming) or
issue (outgoing); the Register rows end at the last number (raised, never lowered), so the next
real registration continues the series. Outgoing numbers and symbols follow Phụ lục III
("05/QĐ-UBND", công văn "123/UBND-VP") with the issuer symbol numbering.default_symbol() gives.

Mixes: incoming — done 75% of those older than a month, else registered / assigned / processing;
the last days' arrivals partly still waiting to be registered (no number); outgoing — distributed
80%, issued 12%, the last weeks' drafts in review/approval (no number); every issued one has a
signed main PDF (one shared synthetic file) and 1–3 recipients, external ones sent
electronically 85%; urgent 8%."""

import collections

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction

from chinhquyenso.core.text import fold
from chinhquyenso.documents.models import (
    Attachment,
    Document,
    DocumentEvent,
    DocumentType,
    Recipient,
    Register,
)
from chinhquyenso.documents.numbering import default_symbol

from .base import Context, N, Writer, b, esc

MODELS = (Document, DocumentEvent, Attachment, Recipient)
FILE_NAME = "van-ban/bench-synthetic.pdf"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
SUBJECTS = {
    "quyet-dinh": ["Về việc phê duyệt kế hoạch chuyển đổi số năm {y}", "Về việc thành lập Tổ công nghệ số cộng đồng",
                   "Về việc công bố danh mục thủ tục hành chính", "Về việc giao chỉ tiêu giải quyết hồ sơ trực tuyến"],
    "ke-hoach": ["Triển khai Đề án 06 năm {y}", "Tuyên truyền dịch vụ công trực tuyến năm {y}"],
    "bao-cao": ["Kết quả giải quyết thủ tục hành chính quý {q} năm {y}", "Tình hình thực hiện chuyển đổi số tháng {m}"],
    "thong-bao": ["Lịch tiếp công dân tháng {m}", "Kết luận cuộc họp giao ban tháng {m}"],
    "cong-van": ["V/v đôn đốc số hóa hồ sơ, kết quả giải quyết TTHC", "V/v rà soát dữ liệu dân cư",
                 "V/v triển khai thanh toán trực tuyến", "V/v báo cáo số liệu Bộ chỉ số 766"],
    "giay-moi": ["Mời dự hội nghị trực tuyến về cải cách hành chính", "Mời dự tập huấn kỹ năng số"],
    "to-trinh": ["Đề nghị phê duyệt dự toán kinh phí chuyển đổi số năm {y}"],
}
SENDERS = [("Bộ Công an", "BCA"), ("Văn phòng Chính phủ", "VPCP"), ("Bộ Thông tin và Truyền thông", "BTTTT"),
           ("Bộ Nội vụ", "BNV"), ("Bảo hiểm xã hội Việt Nam", "BHXH")]
SIGNERS = ["Nguyễn Văn Hùng", "Lê Thị Thu", "Trần Minh Quân", "Phạm Văn Long", "Hoàng Thị Mai"]


def _ensure_file() -> str:
    if not default_storage.exists(FILE_NAME):
        return default_storage.save(FILE_NAME, ContentFile(PDF))
    return FILE_NAME


def generate(ctx: Context, w: Writer, n: int, *, chunk: int = 25000) -> dict:
    if n <= 0:
        return {"documents": 0}
    rng = ctx.rng("documents")
    clock = ctx.clock
    types = {t.code: t for t in DocumentType.objects.filter(code__in=list(SUBJECTS))}
    type_codes = [c for c in SUBJECTS if c in types]
    type_w = [{"cong-van": 40, "quyet-dinh": 15, "ke-hoach": 8, "bao-cao": 15, "thong-bao": 10, "giay-moi": 8,
               "to-trinh": 4}.get(c, 1) for c in type_codes]
    issuers = ([(ctx.province_pc, 10.0)] + [(a, 30.0 / len(ctx.departments)) for a in ctx.departments]
               + [(c.pc, 60.0 / len(ctx.communes)) for c in ctx.communes])
    symbols = {a.pk: default_symbol(a) for a, _w in issuers}
    from chinhquyenso.documents.models import IssuerProfile

    symbols.update(dict(IssuerProfile.objects.filter(agency_id__in=list(symbols)).values_list("agency_id", "symbol")))
    registers = {(a, y, d, c): [rid, last] for rid, a, y, d, c, last in Register.objects.values_list(
        "id", "agency_id", "year", "direction", "confidential", "last_number")}
    new_registers: dict[tuple, list] = {}
    file_name = _ensure_file()
    prov = str(ctx.province.pk)
    t_doc = w.table(Document, [
        "id", "direction", "agency_id", "doc_type_id", "status", "register_id", "register_number", "number_symbol",
        "drafting_unit_symbol", "subject", "issuing_agency_name", "issuing_agency_code", "signer_name", "signer_title",
        "authority", "issued_on", "place", "urgency", "is_electronic", "recipients_text", "received_at",
        "registered_at", "registration_due", "lead_unit_id", "processing_deadline", "completed_at", "created_at",
        "updated_at", "search_folded"], {"province_id": prov})
    t_ev = w.table(DocumentEvent, ["id", "document_id", "at", "actor_name", "action", "from_status", "to_status"])
    t_att = w.table(Attachment, ["id", "document_id", "role", "name", "file", "size", "sha256", "pages", "signed",
                                 "created_at"])
    t_rec = w.table(Recipient, ["id", "document_id", "kind", "agency_id", "name", "code", "state", "state_at"])
    tables = (t_doc, t_ev, t_att, t_rec)
    days = list(range(ctx.first_day, ctx.last_day + 1))
    wdays = [d for d in days if clock.working[d]] or days
    per_day = collections.Counter(rng.choices(wdays, k=n))
    ids = w.ids(Document, n)
    ts, now, rand, randint = clock.ts, ctx.now, rng.random, rng.randint
    iss_agencies = [a for a, _w in issuers]
    iss_cum, acc = [], 0.0
    for _a, x in issuers:
        acc += x
        iss_cum.append(acc)
    stats = collections.Counter()
    i = 0
    pending = 0
    created = [0]

    def number(agency_id: int, year: int, direction: str) -> tuple[str, int]:
        key = (agency_id, year, direction, False)
        reg = registers.get(key)
        if reg is None:
            reg = registers[key] = new_registers[key] = [w.next_id(Register), 0]
            created[0] += 1
        reg[1] += 1
        return str(reg[0]), reg[1]

    for day in sorted(per_day):
        y = clock.year[day]
        for t in sorted(day * 1440 + clock.office_minute(rng) for _ in range(per_day[day])):
            t = min(t, now - 10)
            did = ids[i]
            ds = str(did)
            agency = rng.choices(iss_agencies, cum_weights=iss_cum)[0]
            code = rng.choices(type_codes, weights=type_w)[0]
            dtype = types[code]
            subject = rng.choice(SUBJECTS[code]).format(y=y, q=1 + (clock.date(day).month - 1) // 3,
                                                         m=clock.date(day).month)
            urgency = "khan" if rand() < 0.08 else "thuong"
            age = now - t
            events = []
            if rand() < 0.55:  # incoming
                if rand() < 0.4:
                    other = rng.choice(iss_agencies)
                    sender, sender_sym, sender_code = other.name, symbols.get(other.pk, "UBND"), other.code
                else:
                    sender, sender_sym = rng.choice(SENDERS)
                    sender_code = ""
                abbr = dtype.abbreviation
                ns = f"{randint(1, 3000)}/{abbr + '-' if abbr else ''}{sender_sym}" + ("-VP" if not abbr else "")
                reg_due = t if urgency == "khan" else clock.add_wd(t // 1440, 1) * 1440 + 17 * 60
                registered = t + randint(5, 600) if urgency != "khan" else t + randint(1, 30)
                events.append((t, "receive" if registered > now else "register", "", "received" if registered > now
                               else "registered"))
                status, reg_id, reg_no, deadline, completed, lead = "received", N, N, None, None, N
                if registered <= now:
                    reg_id, reg_no = number(agency.pk, clock.year[registered // 1440], "in")
                    status = "registered"
                    assigned = clock.next_office(registered, rng, (30, 1440))
                    if assigned <= now:
                        status, lead = "assigned", str(agency.pk)
                        deadline = clock.add_wd(assigned // 1440, 10) * 1440 + 17 * 60
                        events.append((assigned, "assign", "registered", "assigned"))
                        started = clock.next_office(assigned, rng, (30, 2 * 1440))
                        if started <= now:
                            status = "processing"
                            events.append((started, "start", "assigned", "processing"))
                            done = clock.next_office(started, rng, (60, 12 * 1440))
                            if done <= now and (age > 30 * 1440 or rand() < 0.6):
                                status, completed = "done", done
                                events.append((done, "complete", "processing", "done"))
                issued_on = clock.date_str[max(ctx.first_day - 100, day - randint(0, 5))]
                t_doc.add(ds, "in", str(agency.pk), str(dtype.pk), status, reg_id, str(reg_no) if reg_no != N else N,
                          esc(ns), "", esc(subject), esc(sender), sender_code, rng.choice(SIGNERS),
                          "Phó Giám đốc" if rand() < 0.5 else "Chủ tịch", "KT." if rand() < 0.4 else "", issued_on,
                          "", urgency, b(rand() < 0.9), "", ts(t), ts(registered) if reg_id != N else N, ts(reg_due),
                          lead, ts(deadline) if deadline else N, ts(completed) if completed else N, ts(t),
                          ts(max(e[0] for e in events)), esc(fold(f"{ns} {subject} {sender}")))
            else:  # outgoing
                issued = t + randint(60, 5 * 1440) if rand() < 0.9 or age > 20 * 1440 else None
                events.append((t, "draft", "", "draft"))
                status = "draft"
                ns, reg_id, reg_no, issued_on = "", N, N, N
                if issued is not None and issued <= now:
                    status = "distributed" if rand() < 0.87 else "issued"
                    reg_id, no = number(agency.pk, clock.year[issued // 1440], "out")
                    reg_no = str(no)
                    sym = symbols.get(agency.pk, "UBND")
                    ns = f"{no:02d}/{sym}-VP" if code == "cong-van" else f"{no:02d}/{dtype.abbreviation}-{sym}"
                    issued_on = clock.date_str[issued // 1440]
                    events += [(issued - 30, "sign", "approved", "signed"), (issued, "issue", "signed", "issued")]
                    if status == "distributed":
                        events.append((issued + 5, "distribute", "issued", "distributed"))
                else:
                    status = rng.choice(["draft", "review", "approval"])
                    if status != "draft":
                        events.append((t + 30, "submit", "draft", "review"))
                    if status == "approval":
                        events.append((t + 90, "check", "review", "approval"))
                signer = rng.choice(SIGNERS)
                t_doc.add(ds, "out", str(agency.pk), str(dtype.pk), status, reg_id, reg_no, ns,
                          "VP" if code == "cong-van" else "", esc(subject), esc(agency.name), agency.code, signer,
                          "Chủ tịch" if rand() < 0.5 else "Phó Chủ tịch", "KT." if rand() < 0.5 else "",
                          issued_on, esc(agency.unit.name if agency.unit_id else ""), urgency, "1", "", N, N, N, N, N, N,
                          ts(t), ts(max(e[0] for e in events)),
                          esc(fold(f"{ns} {subject} {agency.name} {signer}")))
                if issued_on != N:
                    t_att.add(str(w.next_id(Attachment)), ds, "main", f"{ns.replace('/', '-')}.pdf", file_name,
                              str(len(PDF)), "0" * 64, "1", "organization", ts(issued - 30))
                    if status == "distributed":
                        for _k in range(randint(1, 3)):
                            if rand() < 0.5:
                                other = rng.choice(iss_agencies)
                                t_rec.add(str(w.next_id(Recipient)), ds, "internal", str(other.pk), esc(other.name),
                                          other.code, "received", ts(issued + 5))
                            else:
                                sender, _sym = rng.choice(SENDERS)
                                sent = rand() < 0.85
                                t_rec.add(str(w.next_id(Recipient)), ds, "external", N, esc(sender), "",
                                          "sent" if sent else "pending", ts(issued + 5) if sent else N)
            for at, action, frm, to in events:
                t_ev.add(str(w.next_id(DocumentEvent)), ds, ts(at), "Văn thư", action, frm, to)
            stats[status] += 1
            i += 1
            pending += 1
        if pending >= chunk:
            _flush(tables, registers, new_registers, prov)
            pending = 0
    _flush(tables, registers, new_registers, prov)
    w.reset_sequences(Document, DocumentEvent, Attachment, Recipient, Register)
    return {"documents": i, "events": t_ev.count, "attachments": t_att.count, "recipients": t_rec.count,
            "registers_new": created[0],
            "status_mix": dict(sorted(stats.items()))}


def _flush(tables, registers, new_registers, prov) -> None:
    """Registers first (new ones created, all raised to their last number), then the rows."""
    with transaction.atomic():
        table = Register._meta.db_table
        with connection.cursor() as cur:
            created = [(rid, a, prov, y, d, c, last) for (a, y, d, c), (rid, last) in new_registers.items()]
            if created:
                cur.executemany(f"INSERT INTO {table} (id, agency_id, province_id, year, direction, confidential, "
                                "last_number) VALUES (%s, %s, %s, %s, %s, %s, %s)", created)
            new_registers.clear()
            cur.executemany(f"UPDATE {table} SET last_number = %s WHERE id = %s AND last_number < %s",
                            [(last, rid, last) for rid, last in registers.values()])
        for t in tables:
            t.flush()
