"""Field reports (phản ánh hiện trường) at the communes' coordinates, in time order, numbered
`PA{province}.{year}.{NNNNNN}` after the ReportCounter of each year (raised to the last number),
with the reporter's contact row and the history rows the timeline shows.

Mixes: 5% refused at intake, 2% merged into another; of the rest, urgency khẩn 10% (4 working
hours), bình thường 80% (the category's days), phức tạp 10%; handled on time 85%; published 85% of
handled, closed (not public) 15%; rated 25% of published (88% satisfied); reopened 3%; reports of
the last weeks still open (assigned / in progress / result submitted)."""

import collections
import random
import uuid

from django.db import transaction

from chinhquyenso.feedback.models import (
    Category,
    CategoryRoute,
    Report,
    ReportCounter,
    ReporterContact,
    ReportEvent,
)

from .base import Context, N, Writer, b, esc, names

MODELS = (Report, ReporterContact, ReportEvent)
DESCRIPTIONS = [
    "Rác thải tập kết không đúng nơi quy định, bốc mùi gây ô nhiễm khu dân cư.",
    "Đèn chiếu sáng công cộng bị hỏng nhiều ngày, đi lại buổi tối nguy hiểm.",
    "Mặt đường xuất hiện ổ gà lớn, nguy cơ gây tai nạn cho người tham gia giao thông.",
    "Cống thoát nước bị tắc, mưa lớn gây ngập úng cục bộ.",
    "Lấn chiếm vỉa hè để kinh doanh, người đi bộ phải xuống lòng đường.",
    "Công trình xây dựng không có biển báo, vật liệu để tràn ra đường.",
    "Cây xanh gãy đổ sau mưa bão chưa được dọn dẹp.",
    "Cơ sở sản xuất xả khói bụi gây ô nhiễm không khí.",
    "Nước sinh hoạt bị đục, có mùi lạ.",
    "Thái độ phục vụ chưa đúng mực tại bộ phận một cửa.",
]
TITLES = ["Rác thải", "Đèn chiếu sáng hỏng", "Đường hư hỏng", "Ngập úng", "Lấn chiếm vỉa hè", "Công trình xây dựng",
          "Cây xanh gãy đổ", "Ô nhiễm không khí", "Nước sinh hoạt", "Thái độ phục vụ"]


def generate(ctx: Context, w: Writer, n: int, *, chunk: int = 20000) -> dict:
    if n <= 0:
        return {"reports": 0}
    rng = ctx.rng("reports")
    clock = ctx.clock
    cats = list(Category.objects.filter(province=ctx.province, kind="field", is_active=True).order_by("id"))
    leaves = [c for c in cats if not any(o.parent_id == c.pk for o in cats)] or cats
    if not leaves:
        return {"reports": 0}
    routes = {(r.category_id, r.unit_id): r.agency_id for r in CategoryRoute.objects.filter(category__in=leaves)}
    people = names(rng, 2000)
    prov = str(ctx.province.pk)
    counters = dict(ReportCounter.objects.filter(province_code=ctx.province.code).values_list("year", "last"))
    reached: dict[int, int] = {}
    t_r = w.table(Report, [
        "id", "number", "public_id", "token", "commune_id", "category_id", "title", "description", "address", "latitude",
        "longitude", "channel", "status", "agency_id", "urgency", "refusal_reason", "result", "is_public",
        "received_at", "ack_due_at", "accepted_at", "assigned_at", "due_at", "handled_at", "handled_on_time",
        "publish_due_at", "published_at", "closed_at", "satisfied", "rated_at", "reopen_count", "updated_at",
        "version"], {"province_id": prov})
    t_c = w.table(ReporterContact, ["id", "report_id", "name", "phone", "client_ip", "created_at"])
    t_e = w.table(ReportEvent, ["id", "report_id", "at", "action", "from_status", "to_status", "agency_id", "urgency",
                                "due_at", "note", "is_public"])
    tables = (t_r, t_c, t_e)
    ids_r, ids_c = w.ids(Report, n), w.ids(ReporterContact, n)
    # Public ids and tokens are unique columns: their stream also depends on the first fresh id,
    # so a second run that appends to the same database does not draw the same UUIDs again.
    keys = random.Random(f"{ctx.seed}:reports:keys:{ids_r.start}")
    days = list(range(ctx.first_day, ctx.last_day + 1))
    span = max(1, len(days) - 1)
    weights = [(1.0 if clock.working[d] else 0.7) * (0.6 + 0.8 * i / span) for i, d in enumerate(days)]
    per_day = collections.Counter(rng.choices(days, weights=weights, k=n))
    descriptions = [esc(x) for x in DESCRIPTIONS]
    ts, now, rand, randint = clock.ts, ctx.now, rng.random, rng.randint
    stats = collections.Counter()
    i = 0
    merged_target = None
    events = []

    evs = []

    def event(rid, at, action, frm, to, agency=N, urgency="", due=N, public=True, note=""):
        evs.append((rid, at, action, frm, to, agency, urgency, due, public, note))

    for day in sorted(per_day):
        times = sorted(day * 1440 + randint(360, 1320) for _ in range(per_day[day]))
        for t in times:
            t = min(t, now - 10)
            year = clock.year[t // 1440]
            number = max(counters.get(year, 0), reached.get(year, 0)) + 1
            reached[year] = number
            rid = ids_r[i]
            ci = rng.randrange(len(ctx.communes))
            com = ctx.communes[ci]
            cat = leaves[rid % len(leaves)] if rand() < 0.5 else rng.choice(leaves)
            agency = str(routes.get((cat.pk, com.unit_id), com.pc.pk))
            k = rid % len(DESCRIPTIONS)
            ack_due = clock.add_wd(t // 1440, 1) * 1440 + (t % 1440 if t % 1440 < 1020 else 600)
            status, accepted = "new", None
            assigned = due = handled = on_time = published = closed = satisfied = rated = None
            urgency, refusal, result, reopen = "", "", "", 0
            event(rid, t, "submit", "", "new")
            x = rand()
            acc_t = clock.next_office(t, rng, (20, 480))
            if acc_t > now:
                pass
            elif x < 0.05:
                status, refusal = "refused", "out_of_scope"
                event(rid, acc_t, "refuse", "new", "refused", public=False, note="Không thuộc phạm vi tiếp nhận")
            elif x < 0.07 and merged_target is not None:
                status = "merged"
                event(rid, acc_t, "merge", "new", "merged", note=f"Gộp vào {merged_target}")
            else:
                status, accepted = "accepted", acc_t
                event(rid, acc_t, "accept", "new", "accepted")
                u = rand()
                urgency = "khan" if u < 0.1 else ("phuc_tap" if u > 0.9 else "binh_thuong")
                assigned = acc_t + randint(5, 120)
                if assigned <= now:
                    status = "assigned"
                    if urgency == "khan":
                        due = clock.next_office(assigned, rng, (240, 240))
                    else:
                        days_ = cat.normal_days if urgency == "binh_thuong" else cat.complex_days
                        due = clock.add_wd(assigned // 1440, days_) * 1440 + 17 * 60
                    event(rid, assigned, "assign", "accepted", "assigned", agency=agency, urgency=urgency, due=ts(due))
                    start = clock.next_office(assigned, rng, (10, 600))
                    if start <= now:
                        status = "in_progress"
                        event(rid, start, "start", "assigned", "in_progress", agency=agency)
                        if rand() < 0.85:
                            h = start + int((due - start) * (0.1 + 0.85 * rand())) if due > start else start + 30
                        else:
                            h = clock.next_office(due, rng, (1440, 10 * 1440))
                        if h <= now:
                            handled, on_time = h, h <= due
                            status, result = "result_submitted", esc("Đã kiểm tra, xử lý xong tại hiện trường.")
                            event(rid, h, "submit_result", "in_progress", "result_submitted", agency=agency,
                                  public=False)
                            p = clock.next_office(h, rng, (30, 2 * 1440))
                            if p <= now:
                                if rand() < 0.85:
                                    status, published = "published", p
                                    event(rid, p, "publish", "result_submitted", "published")
                                    if rand() < 0.25:
                                        rated = p + randint(30, 5 * 1440)
                                        if rated <= now:
                                            satisfied = rand() < 0.88
                                            event(rid, rated, "rate", "published", "published")
                                            if not satisfied and rand() < 0.3:
                                                reopen = 1
                                        else:
                                            rated = None
                                else:
                                    status, closed = "closed", p
                                    event(rid, p, "close", "result_submitted", "closed", public=False,
                                          note="Đã xử lý, không công khai")
            number_s = f"PA{ctx.province.code}.{year}.{number:06d}"
            if merged_target is None or rand() < 0.01:
                merged_target = number_s
            stats[status] += 1
            last = max(e[1] for e in evs)
            t_r.add(
                str(rid), number_s, str(uuid.UUID(int=keys.getrandbits(128), version=4)),
                str(uuid.UUID(int=keys.getrandbits(128), version=4)), str(com.unit_id), str(cat.pk), TITLES[k],
                descriptions[k], esc(f"Thôn {1 + rid % 9}, {com.name}"), com.lat, com.lon,
                "web" if rand() < 0.8 else ("open311" if rand() < 0.5 else "api"), status,
                agency if status not in ("new", "refused") else N, urgency, refusal, result,
                b(status == "published"), ts(t), ts(ack_due), ts(accepted) if accepted else N,
                ts(assigned) if assigned and assigned <= now else N, ts(due) if due else N,
                ts(handled) if handled else N, b(on_time) if on_time is not None else N,
                ts(clock.add_wd(handled // 1440, 2) * 1440 + 1020) if handled else N,
                ts(published) if published else N, ts(closed) if closed else N,
                b(satisfied) if satisfied is not None else N, ts(rated) if rated else N, str(reopen), ts(last),
                str(len(evs))
            )
            events.extend(evs)
            evs.clear()
            name, _folded = people[rid % len(people)]
            t_c.add(str(ids_c[i]), str(rid), name, f"09{(rid * 7919) % 10**8:08d}", f"10.{rid % 250}.{rid % 199}.{rid % 97}",
                    ts(t))
            i += 1
            if len(events) > 4 * chunk:
                _events(w, t_e, events, ts)
        if t_r.rows and len(t_r.rows) >= chunk:
            _events(w, t_e, events, ts)
            _flush(tables, reached, ctx.province.code)
    _events(w, t_e, events, ts)
    _flush(tables, reached, ctx.province.code)
    w.reset_sequences(Report, ReporterContact, ReportEvent)
    return {"reports": i, "contacts": t_c.count, "events": t_e.count,
            "status_mix": dict(sorted(stats.items()))}


def _events(w, t_e, events, ts) -> None:
    ids = w.ids(ReportEvent, len(events))
    for eid, (rid, at, action, frm, to, agency, urgency, due, public, note) in zip(ids, events, strict=True):
        t_e.add(str(eid), str(rid), ts(at), action, frm, to, agency, urgency, due, esc(note), b(public))
    events.clear()


def _flush(tables, reached: dict, province_code: str) -> None:
    with transaction.atomic():
        for t in tables:
            t.flush()
        tables[0].writer.raise_counters(ReportCounter, ["province_code", "year"], "last",
                                        [(province_code, year, last) for year, last in reached.items()])
