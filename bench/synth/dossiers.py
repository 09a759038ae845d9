# ruff: noqa: S608 — SQL built from model table names only.
"""Dossiers over the period with their process log (BM.05 rows, seq 1..n, append-only: only
INSERTs), components, fees and payments, supplement requests, extensions (BM.04) and results.

Generated day by day in time order (ids grow with time, as in a real database), each day's
dossiers numbered per reception agency in the order they came in: the code is the national
`{agency e-ID}-{YYMMDD}-{NNNN}` from the same DailyCounter rows the services lock, which are raised
to the last generated number (never lowered), so the next real reception continues the series.

Mixes (seeded; per dossier unless said):
- level: 80% commune procedures (received at the commune's centre, resolved by its People's
  Committee), 20% province-level (province centre → the competent department); procedures Zipf-like.
- volume grows ~50% over the period; non-working days get a tenth of a day's volume (online only).
- channel: online 40% → 65% over the period (only where the procedure is online), postal 5%, the
  rest in person; online dossiers come from the national portal (60%) or the platform (40%), are
  submitted round the clock and received in office hours; 2.5% refused at reception.
- supplement: 8% get a request (12% of those a second one, which the 766 rules count as late); a
  request unanswered for 15 working days is stopped (70%) or still waiting.
- financial obligation: 1% (status 6 until paid).
- outcome: 2% withdrawn, 1% stopped; the rest finish when their time comes: 10% with an apology and
  extension (BM.04), 70% of which still finish after the new date — late; the others within the
  legal time. Unfinished at the end of the period → still processing (or 2/1 if just arrived).
- 93% of finished dossiers returned; 30% of returned ones rated (93% satisfied); 1% complaints.
- digitised components: 70% of online dossiers, 40% of others; reused 35% of digitised; from the
  personal data store 20% of online; electronic results 60% where the procedure issues them.
- fees: every fee of the procedure; paid online on 45% of online fee-bearing dossiers.
- national-portal sync: 97% synced to the last version."""

import collections
import json

from chinhquyenso.dossiers.deadlines import cutoff_for, initial_due
from chinhquyenso.dossiers.models import (
    DailyCounter,
    Dossier,
    DossierComponent,
    DossierFee,
    Extension,
    ProcessLogEntry,
    ResultDocument,
    SupplementRequest,
)
from chinhquyenso.dossiers.workflow import Channel

from . import procedures
from .base import Context, N, Writer, b, esc, names

MODELS = (Dossier, ProcessLogEntry, DossierComponent, DossierFee, SupplementRequest, Extension, ResultDocument)
ONLINE, IN_PERSON, POSTAL = str(Channel.ONLINE), str(Channel.IN_PERSON), str(Channel.POSTAL)
OFFICER, SPECIALIST, LEADER = "one_stop_officer", "specialist", "leader"
CONTENT = {
    "submit": "Nộp hồ sơ trực tuyến.",
    "import_national": "Tiếp nhận từ Cổng Dịch vụ công quốc gia.",
    "receive": "Tiếp nhận hồ sơ; hẹn trả kết quả theo giấy tiếp nhận.",
    "receive_at_counter": "Tiếp nhận hồ sơ tại Bộ phận một cửa; hẹn trả kết quả theo giấy tiếp nhận.",
    "refuse": "Từ chối tiếp nhận: hồ sơ không thuộc thẩm quyền giải quyết.",
    "transfer": "Chuyển hồ sơ đến cơ quan giải quyết.",
    "forward": "Chuyển bước tiếp theo.",
    "approve": "Phê duyệt kết quả, chuyển Bộ phận một cửa trả kết quả.",
    "approve_late": "Phê duyệt kết quả, chuyển Bộ phận một cửa trả kết quả. Quá hạn sau gia hạn: hồ sơ phức tạp.",
    "return_result": "Trả kết quả cho người nộp hồ sơ.",
    "request_supplement": "Yêu cầu bổ sung: Bản sao giấy tờ còn thiếu. Lý do: Hồ sơ chưa đầy đủ.",
    "supply": "Đã bổ sung hồ sơ.",
    "request_financial": "Yêu cầu thực hiện nghĩa vụ tài chính.",
    "confirm_payment": "Đã thực hiện nghĩa vụ tài chính.",
    "withdraw": "Công dân đề nghị rút hồ sơ.",
    "stop": "Quá 15 ngày làm việc không bổ sung hồ sơ.",
    "extend": "Xin lỗi và gia hạn thời gian giải quyết.",
    "rate": "Đánh giá mức độ hài lòng.",
}
CONTENT = {k: esc(v) for k, v in CONTENT.items()}
ACTORS = ["Nguyễn Thị Hoa", "Lê Văn Nam", "Trần Thu Hà", "Phạm Minh Đức", "Hoàng Thị Lan", "Vũ Quang Huy",
          "Đỗ Thị Mai", "Bùi Văn Toàn", "Ngô Thanh Tùng", "Lò Thị Xuân", "Hà Văn Sơn", "Mai Thị Hằng"]


class _Due:
    """deadlines.initial_due() on the precomputed working days: counting starts at reception,
    or at the next working day's opening when received after the cut-off (15:00 on paper, one
    hour before closing online) or outside office hours; the due instant is the closing of the
    legal time's last day (working days: the n-th working day after; calendar days: that day or
    the next working day). Hours and months go through initial_due() itself. The checker compares
    a sample with initial_due()."""

    def __init__(self, ctx: Context):
        self.ctx, self.cal, self.clock = ctx, ctx.clock.calendar, ctx.clock
        sched = self.cal.schedule
        self.opening = sched.opening.hour * 60 + sched.opening.minute
        self.closing = sched.closing.hour * 60 + sched.closing.minute
        self.cutoff = {}
        for ch in (Channel.ONLINE, Channel.IN_PERSON):
            t = cutoff_for(self.cal, ch)
            self.cutoff[ch == Channel.ONLINE] = t.hour * 60 + t.minute

    def __call__(self, t: int, v, online: bool) -> tuple[int, int]:
        """(counting_started_at, due_at) in minutes for reception at `t`."""
        clock = self.clock
        day, m = divmod(t, 1440)
        if v.time_unit not in ("ngay_lam_viec", "ngay"):
            r = initial_due(self.cal, clock.aware(t), v.legal_time, v.time_unit,
                            Channel.ONLINE if online else Channel.IN_PERSON)
            return clock.minutes(r.counting_started_at), clock.minutes(r.due_at)
        if clock.working[day] and m < self.cutoff[online] and m < self.closing:
            start_day, start = day, max(t, day * 1440 + self.opening)
        else:
            start_day = clock.add_wd(day, 1)
            start = start_day * 1440 + self.opening
        amount = int(v.legal_time)
        last = clock.add_wd(start_day, amount) if v.time_unit == "ngay_lam_viec" else clock.add_wd(start_day + amount, 0)
        return start, last * 1440 + self.closing


def generate(ctx: Context, w: Writer, n: int, *, chunk: int = 25000, progress=None) -> dict:
    rng = ctx.rng("dossiers")
    clock = ctx.clock
    versions, cum = procedures.weights(ctx, rng)
    online_vs, online_cum, acc = [], [], 0.0
    for v, c0, c1 in zip(versions, [0.0, *cum], cum, strict=False):
        if v.online != "khong":
            acc += c1 - c0
            online_vs.append(v)
            online_cum.append(acc)
    people = names(rng, 4000)
    due = _Due(ctx)
    prov = str(ctx.province.pk)
    officer = str(ctx.officer_id)

    # Days: working days weighted by a 50% growth over the period, other days a tenth (online only).
    days = list(range(ctx.first_day, ctx.last_day + 1))
    span = max(1, len(days) - 1)
    dw, acc = [], 0.0
    for i, d in enumerate(days):
        acc += (1.0 if clock.working[d] else 0.1) * (0.8 + 0.4 * i / span)
        dw.append(acc)
    per_day = collections.Counter(rng.choices(days, cum_weights=dw, k=n))
    commune_w = []
    acc = 0.0
    for _c in ctx.communes:
        acc += rng.lognormvariate(0, 0.6)
        commune_w.append(acc)
    centre = ctx.province_centre or ctx.province_pc
    province_code = ctx.province.code
    addresses = [[esc(f"Thôn {k}, {c.name}, {ctx.province.name}") for k in range(1, 9)] for c in ctx.communes]
    counters = {(a, d): last for a, d, last in DailyCounter.objects.values_list("agency_id", "day", "last")}
    counters = {(a, clock.day(d)): last for (a, d), last in counters.items()}
    touched: dict[tuple[int, int], int] = {}

    t_d = w.table(Dossier, [
        "id", "code", "procedure_id", "procedure_version_id", "legal_time", "time_unit", "fee_total", "status",
        "channel", "reception_agency_id", "resolving_agency_id", "current_agency_id", "current_step_id", "current_role",
        "current_step_started_at", "resume_status", "applicant_name", "applicant_name_folded", "applicant_id_number",
        "applicant_birth_date", "applicant_address", "applicant_phone", "vneid_verified", "submitted_at",
        "received_at", "counting_started_at", "due_at", "original_due_at", "finished_at", "returned_at",
        "refused_at", "withdrawn_at", "stopped_at", "paused_at", "supplement_count", "extended", "result_delivery",
        "online_payment", "rating", "rated_at", "has_complaint", "sync_state", "sync_version", "synced_version",
        "synced_at", "created_at", "updated_at"], {"province_id": prov})
    t_log = w.table(ProcessLogEntry, [
        "id", "dossier_id", "seq", "action", "status_before", "status_after", "step_id", "actor_name", "actor_role",
        "agency_id", "receiver_role", "receiver_agency_id", "content", "started_at"], {"province_id": prov})
    t_comp = w.table(DossierComponent, [
        "id", "dossier_id", "spec_id", "name", "originals", "copies", "digitized", "reused", "from_personal_store",
        "uploaded_at"], {"province_id": prov})
    t_fee = w.table(DossierFee, ["id", "dossier_id", "spec_id", "kind", "code", "name", "amount", "status", "method",
                                 "reference", "paid_at"], {"province_id": prov})
    t_sup = w.table(SupplementRequest, [
        "id", "dossier_id", "requested_at", "respond_by", "due_before", "due_after", "completed_at", "completed_note"],
        {"province_id": prov, "requested_by_id": officer, "reason": "Hồ sơ chưa đầy đủ",
         "items": json.dumps(["Bản sao giấy tờ còn thiếu"], ensure_ascii=False)})
    t_ext = w.table(Extension, ["id", "dossier_id", "created_at", "old_due_at", "new_due_at"],
                    {"province_id": prov, "signed_by_id": officer, "reason": "Hồ sơ phức tạp, cần xác minh thêm"})
    t_res = w.table(ResultDocument, ["id", "dossier_id", "name", "number_symbol", "electronic", "issued_at",
                                     "created_at"], {"province_id": prov})
    tables = [t_d, t_log, t_comp, t_fee, t_sup, t_ext, t_res]
    ids = {t: _Ids(w, t.model) for t in tables}
    for t in tables:
        w.ids(t.model, 0)  # read max(id) now: no query on this connection while a COPY runs
    did, lid, cid, fid, sid, eid, rid = (ids[t] for t in tables)
    ts = clock.ts
    now = ctx.now
    rand = rng.random

    def randint(lo: int, hi: int) -> int:  # random.randint's distribution, at a fraction of its cost
        return lo + int(rand() * (hi - lo + 1))

    shape = {}  # per version: (processing steps, receive step, return step)
    for v in ctx.versions:
        shape[v.id] = ([s for s in v.steps if s[1] in ("appraise", "approve", "inter_agency")],
                       next((s for s in v.steps if s[1] == "receive"), None),
                       next((s for s in v.steps if s[1] == "return"), None))
    n_comm = len(ctx.communes)
    stats = collections.Counter()
    made = 0
    pending = 0

    def flush():
        w.flush_async(tables)

    first, last = ctx.first_day, ctx.last_day
    for day in sorted(per_day):
        count = per_day[day]
        working = clock.working[day]
        growth = (day - first) / max(1, last - first)
        online_share = 0.40 + 0.25 * growth
        heads = []
        vs = rng.choices(versions, cum_weights=cum, k=count)
        cs = rng.choices(range(n_comm), cum_weights=commune_w, k=count)
        for v, ci in zip(vs, cs, strict=True):
            can_online = v.online != "khong"
            if not working:
                if not can_online:  # only online filings on days off
                    v = rng.choices(online_vs, cum_weights=online_cum)[0]
                channel = ONLINE
            else:
                x = rand()
                channel = ONLINE if can_online and x < online_share else (POSTAL if x > 0.95 and v.postal else IN_PERSON)
            if channel == ONLINE:
                m = clock.office_minute(rng) if rand() < 0.6 else randint(360, 1380)
            else:
                m = clock.office_minute(rng)
            t = day * 1440 + m
            if t > now - 30:  # the last day: only what came in before now
                t = max(day * 1440, now - 30 - randint(0, 120))
            heads.append((t, v, ci, channel))
        heads.sort(key=lambda h: h[0])
        for t0, v, ci, channel in heads:
            com = ctx.communes[ci]
            provincial = v.level == "tinh"
            reception = centre if provincial else com.centre
            resolving_id = v.competent_agency_id if provincial else com.pc.pk
            key = (reception.pk, day)
            number = max(counters.get(key, 0), touched.get(key, 0)) + 1
            touched[key] = number
            counters[key] = number
            code = f"{reception.code}-{clock.yymmdd[day]}-{number:04d}"
            rec_id, res_id = str(reception.pk), str(resolving_id)
            online = channel == ONLINE
            dossier_id = did.next()
            ds = str(dossier_id)
            logs = []  # (t, action, before, after, agency, step, role, content)
            proc_steps, receive_step, return_step = shape[v.id]
            status = 2
            sub = rec = refused = fin = ret = wdr = stp = paused = rated = None
            rating = N
            step, cur_agency, role, step_t = receive_step, rec_id, OFFICER, None
            resume = N
            extended = False
            start_t = due_t = orig_due = None
            supplements = []  # (asked, respond_by, due_before, due_after, supplied)
            ext = financial = None
            if online:
                sub = t0
                via = "import_national" if rand() < 0.6 else "submit"
                logs.append((sub, via, N if via == "import_national" else "0", "1", rec_id, None, "applicant",
                             CONTENT[via]))
                status = 1
                step, role = None, OFFICER
                r = clock.next_office(sub, rng, (10, 600))
                if rand() < 0.025:
                    if r <= now:
                        refused = r
                        status = 3
                        logs.append((r, "refuse", "1", "3", rec_id, None, OFFICER, CONTENT["refuse"]))
                        step, role = None, ""
                elif r <= now:
                    rec = r
                    logs.append((rec, "receive", "1", "2", rec_id, receive_step, OFFICER, CONTENT["receive"]))
                    status = 2
            else:
                sub = rec = t0
                logs.append((rec, "receive_at_counter", N, "2", rec_id, receive_step, OFFICER,
                             CONTENT["receive_at_counter"]))
            if rec is not None:
                start_t, due_t = due(rec, v, online)
                orig_due = due_t
                step_t = rec
                tr = rec + randint(5, 90)
                if tr <= now and proc_steps:
                    status = 4
                    step, cur_agency, role, step_t = proc_steps[0], res_id, proc_steps[0][2], tr
                    logs.append((tr, "transfer", "2", "4", rec_id, proc_steps[0], OFFICER, CONTENT["transfer"]))
                    clock_t = tr
                    # Supplement requests.
                    if rand() < 0.08:
                        asked = clock.next_office(tr, rng, (30, 300) if online else (60, 2 * 1440))
                        for _k in range(2 if rand() < 0.12 else 1):
                            if asked > now:
                                break
                            respond_by = clock.add_wd(asked // 1440, 15) * 1440 + 17 * 60
                            logs.append((asked, "request_supplement", "4", "5", res_id, step, SPECIALIST,
                                         CONTENT["request_supplement"]))
                            supplied = clock.next_office(asked, rng, (1440, 10 * 1440)) if rand() < 0.9 else None
                            if supplied is None or supplied > now:
                                stop_at = clock.next_office(respond_by, rng, (60, 3 * 1440))
                                if stop_at <= now and rand() < 0.7:
                                    supplements.append((asked, respond_by, due_t, None, None))
                                    stp = stop_at
                                    logs.append((stp, "stop", "5", "8", rec_id, None, OFFICER, CONTENT["stop"]))
                                    status = 8
                                else:
                                    supplements.append((asked, respond_by, due_t, None, None))
                                    status, paused, resume = 5, asked, "4"
                                break
                            before = due_t
                            if online:
                                start_t, due_t = due(supplied, v, True)
                            else:
                                shift = clock.wd_between(asked // 1440, supplied // 1440)
                                due_t = clock.add_wd(due_t // 1440, shift) * 1440 + due_t % 1440
                            supplements.append((asked, respond_by, before, due_t, supplied))
                            logs.append((supplied, "supply", "5", "4", rec_id, step, OFFICER, CONTENT["supply"]))
                            clock_t = supplied
                            asked = clock.next_office(supplied, rng, (60, 2 * 1440))
                    if status == 4 and rand() < 0.01:
                        asked_f = clock.next_office(clock_t, rng, (60, 2 * 1440))
                        if asked_f <= now:
                            paid = clock.next_office(asked_f, rng, (1440, 5 * 1440))
                            logs.append((asked_f, "request_financial", "4", "6", res_id, step, SPECIALIST,
                                         CONTENT["request_financial"]))
                            if paid <= now:
                                financial = (asked_f, paid)
                                logs.append((paid, "confirm_payment", "6", "4", rec_id, step, OFFICER,
                                             CONTENT["confirm_payment"]))
                                clock_t = paid
                            else:
                                financial = (asked_f, None)
                                status, resume = 6, "4"
                    if status == 4:
                        x = rand()
                        if x < 0.03:
                            closing = clock.next_office(clock_t, rng, (60, 4 * 1440))
                            if closing <= now:
                                if x < 0.02:
                                    wdr = closing
                                    logs.append((wdr, "withdraw", "4", "7", rec_id, None, OFFICER,
                                                 CONTENT["withdraw"]))
                                    status = 7
                                else:
                                    stp = closing
                                    logs.append((stp, "stop", "4", "8", res_id, None, LEADER, CONTENT["stop"]))
                                    status = 8
                        if status == 4:
                            # Finish: within the legal time, or late after an apology and extension.
                            if rand() < 0.10:
                                ext_t = clock.add_wd(due_t // 1440, -2) * 1440 + randint(8 * 60, 16 * 60)
                                if ext_t > clock_t and ext_t <= now:
                                    new_due = clock.add_wd(due_t // 1440, randint(2, 5)) * 1440 + due_t % 1440
                                    ext = (ext_t, due_t, new_due)
                                    logs.append((ext_t, "extend", "4", "4", res_id, step, LEADER, CONTENT["extend"]))
                                    due_t, extended = new_due, True
                            lo = max(clock_t + 30, start_t or clock_t, ext[0] + 30 if ext else 0)
                            if extended and rand() < 0.7:
                                f = clock.next_office(max(due_t, lo), rng, (1440, 5 * 1440))
                                late_note = True
                            else:
                                f = lo + int((due_t - lo) * (0.1 + 0.88 * rand())) if due_t > lo else lo
                                f = clock.next_office(f, rng, (0, 30))
                                if f > due_t:
                                    f = max(lo, due_t - randint(5, 55))
                                late_note = False
                            # Internal steps between the transfer and the approval.
                            mids = proc_steps[1:]
                            if f <= now:
                                for j, s in enumerate(mids):
                                    at = clock_t + (f - clock_t) * (j + 1) // (len(mids) + 1)
                                    logs.append((at, "forward", "4", "4", res_id, s, s[2], CONTENT["forward"]))
                                fin = f
                                logs.append((fin, "approve", "4", "9", res_id, return_step, LEADER,
                                             CONTENT["approve_late" if late_note else "approve"]))
                                status = 9
                                step, cur_agency, role, step_t = return_step, rec_id, OFFICER, fin
                                r = clock.next_office(fin, rng, (30, 3 * 1440))
                                if r <= now and rand() < 0.93:
                                    ret = r
                                    logs.append((ret, "return_result", "9", "10", rec_id, None, OFFICER,
                                                 CONTENT["return_result"]))
                                    status = 10
                                    if rand() < 0.30:
                                        rt = ret + randint(5, 3 * 1440)
                                        if rt <= now:
                                            rated, rating = rt, "1" if rand() < 0.93 else "2"
                                            logs.append((rt, "rate", "10", "10", rec_id, None, "applicant",
                                                         CONTENT["rate"]))
                            else:
                                # Still in the internal process: at one of its steps.
                                done = int(len(mids) * max(0.0, min(1.0, (now - clock_t) / max(1, f - clock_t))))
                                for j, s in enumerate(mids[:done]):
                                    at = clock_t + (f - clock_t) * (j + 1) // (len(mids) + 1)
                                    if at <= now:
                                        logs.append((at, "forward", "4", "4", res_id, s, s[2], CONTENT["forward"]))
                                        step, role, step_t = s, s[2], at
            if status in (3, 7, 8, 10):
                step, role = None, ""
            logs.sort(key=lambda x: x[0])
            last_t = logs[-1][0]
            # Process log rows.
            for seq, (at, action, before, after, agency, s, actor_role, content) in enumerate(logs, 1):
                t_log.add(str(lid.next()), ds, str(seq), action, before, after, str(s[0]) if s else N,
                          ACTORS[(dossier_id + seq) % len(ACTORS)] if actor_role != "applicant" else "Người nộp hồ sơ",
                          actor_role, agency, role if seq == len(logs) else "", N, content, ts(at))
            # Components.
            digitized = rand() < (0.7 if online else 0.4)
            reused = digitized and rand() < 0.35
            personal = online and rand() < 0.2
            up = ts(sub)
            for spec_id, cname, originals, copies, required in v.comps:
                if required or rand() < 0.5:
                    t_comp.add(str(cid.next()), ds, str(spec_id), cname, originals, copies, b(digitized),
                               b(reused and rand() < 0.8), b(personal), up)
            # Fees and payments.
            fee_bearing = v.fee_total != "0"
            paid_online = N
            if fee_bearing and rec is not None:
                pay = "0"
                if online and rand() < 0.45:
                    pay = "1" if rand() < 0.8 else "2"
                paid_online = pay
                for spec_id, kind, fcode, fname, amount in v.fees:
                    if pay != "0":
                        t_fee.add(str(fid.next()), ds, str(spec_id), kind, fcode, fname, amount, "paid",
                                  "dvcqg" if pay == "1" else "gateway", f"GD{dossier_id:010d}", ts(rec))
                    elif status in (9, 10) or rand() < 0.5:
                        t_fee.add(str(fid.next()), ds, str(spec_id), kind, fcode, fname, amount, "paid",
                                  "cash" if rand() < 0.7 else "vietqr", "", ts(rec))
                    else:
                        t_fee.add(str(fid.next()), ds, str(spec_id), kind, fcode, fname, amount, "unpaid", "", "",
                                  N)
            if financial is not None:
                asked_f, paid = financial
                t_fee.add(str(fid.next()), ds, N, "obligation", "", esc("Lệ phí trước bạ"), "500000",
                          "paid" if paid else "unpaid", "cash" if paid else "", "", ts(paid) if paid else N)
            # Supplement requests and extension.
            for asked, respond_by, before, after, supplied in supplements:
                t_sup.add(str(sid.next()), ds, ts(asked), ts(respond_by), ts(before), ts(after) if after else N,
                          ts(supplied) if supplied else N, "")
            if ext is not None:
                t_ext.add(str(eid.next()), ds, ts(ext[0]), ts(ext[1]), ts(ext[2]))
            # Results.
            if fin is not None:
                electronic = v.result_electronic and rand() < (0.8 if online else 0.5)
                t_res.add(str(rid.next()), ds, v.result_name, f"{dossier_id % 100000}/KQ", b(electronic),
                          ts(fin), ts(fin))
            # The dossier row.
            name, folded = people[dossier_id % len(people)]
            delivery = ("postal" if channel == POSTAL else
                        ("online" if online and rand() < 0.6 else ("postal" if rand() < 0.08 else "counter")))
            sync_version = len(logs)
            synced = rand() < 0.97
            stats[status] += 1
            t_d.add(
                ds, code, str(v.procedure_id), str(v.id), v.legal_time_s, v.time_unit, v.fee_total, str(status),
                channel, rec_id, res_id, cur_agency, str(step[0]) if step else N, role,
                ts(step_t) if step_t is not None and step else N, resume, name, folded,
                f"0{province_code}{(dossier_id * 7919) % 10**9:09d}",
                f"{1950 + dossier_id % 55}-{1 + dossier_id % 12:02d}-{1 + dossier_id % 28:02d}",
                addresses[ci][dossier_id % 8], f"09{(dossier_id * 104729) % 10**8:08d}", b(online and rand() < 0.8),
                ts(sub), ts(rec) if rec is not None else N, ts(start_t) if start_t is not None else N,
                ts(due_t) if due_t is not None else N, ts(orig_due) if orig_due is not None else N,
                ts(fin) if fin is not None else N, ts(ret) if ret is not None else N,
                ts(refused) if refused is not None else N, ts(wdr) if wdr is not None else N,
                ts(stp) if stp is not None else N, ts(paused) if paused is not None else N,
                str(len(supplements)), b(extended), delivery, paid_online if paid_online != N else "0",
                rating, ts(rated) if rated is not None else N, b(rand() < 0.01),
                "synced" if synced else "pending", str(sync_version), str(sync_version if synced else sync_version - 1),
                ts(last_t + 3) if synced else N, ts(sub), ts(last_t),
            )
            made += 1
            pending += 1
        if pending >= chunk:
            flush()
            pending = 0
            if progress:
                progress(made)
    flush()
    w.wait()
    w.raise_counters(DailyCounter, ["agency_id", "day"], "last",
                     [(agency, clock.date(d).isoformat(), last) for (agency, d), last in touched.items()])
    w.reset_sequences(*(t.model for t in tables), DailyCounter)
    return {"dossiers": made, "status_mix": {str(k): v for k, v in sorted(stats.items())},
            "process_log_rows": t_log.count, "components": t_comp.count, "fees": t_fee.count,
            "supplement_requests": t_sup.count, "extensions": t_ext.count, "results": t_res.count}


class _Ids:
    """Ids of one table, taken in blocks from the writer."""

    def __init__(self, w: Writer, model):
        self.w, self.model, self.cur, self.end = w, model, 0, 0

    def next(self) -> int:
        if self.cur >= self.end:
            block = self.w.ids(self.model, 100000)
            self.cur, self.end = block.start, block.stop
        self.cur += 1
        return self.cur - 1
