"""Online questions (hỏi đáp) built from the demo's real questions and answers: each generated one
takes a demo question of a topic, phrases it its own way and places it in a commune, so there are
many near-duplicates to rank, as on a real portal. Coded `HD-{province}-{year}-{NNNNNN}` after the
per-year Counter (raised to the last number). The folded search columns are filled exactly as
services._refresh_search_columns() does (core.text.fold of title; of body, additional info and
answer), so PostgreSQL's partial GIN/trigram indexes cover them; on SQLite the FTS5 table is
refilled with questions.search.rebuild().

Mixes: 70% published (1% of those hidden, 0.5% FAQ), 5% refused, 3% waiting for more information,
the rest on their way (assigned / drafted / approved) — mostly the recent ones; answered within the
15 working days 88%; 20% of published rated (85% satisfied); classification 80% about procedures,
5% about officials' conduct, 15% other."""

import collections
import secrets

from django.db import transaction

from chinhquyenso.core.text import fold
from chinhquyenso.questions.models import Counter, DeadlineProfile, Question, QuestionEvent, Topic

from .base import Context, N, Writer, b, esc, is_postgres, names

MODELS = (Question, QuestionEvent)
PREFIXES = ["", "Xin hỏi: ", "Cho tôi hỏi ", "Tôi muốn hỏi ", "Kính gửi cơ quan chức năng, ", "Nhờ giải đáp: "]
SUFFIXES = ["", "?", " ạ?", " — gia đình tôi ở {commune}", " (trường hợp ở {commune})", " khi cư trú tại {commune}"]
OPENINGS = ["Tôi sống tại thôn {k}, {commune}.", "Gia đình tôi thường trú ở {commune}.",
            "Tôi là người dân {commune}, tỉnh {province}.", "Chào cán bộ, tôi ở {commune}."]


def generate(ctx: Context, w: Writer, n: int, *, chunk: int = 20000) -> dict:
    if n <= 0:
        return {"questions": 0}
    rng = ctx.rng("questions")
    clock = ctx.clock
    demo = list(Question.objects.filter(province=ctx.province).exclude(status="refused").order_by("id")
                .values("topic_id", "procedure_id", "title", "body", "answer", "agency_id"))
    topics = list(Topic.objects.filter(province=ctx.province, is_active=True).order_by("position", "id"))
    if not demo or not topics:
        return {"questions": 0}
    profile = DeadlineProfile.objects.filter(province=ctx.province).first()
    answer_days = profile.answer_days if profile else 15
    fallback = {t.pk: t.default_agency_id or ctx.province_pc.pk for t in topics}
    people = names(rng, 2000)
    prov, code = str(ctx.province.pk), ctx.province.code
    counters = dict(Counter.objects.filter(province=ctx.province).values_list("year", "value"))
    reached: dict[int, int] = {}
    t_q = w.table(Question, [
        "id", "code", "unit_id", "topic_id", "procedure_id", "agency_id", "status", "classification", "title", "body",
        "answer", "refusal_reason", "refusal_note", "search_title", "search_body", "asker_name", "asker_phone",
        "client_ip", "token_hash", "received_at", "clock_started_at", "refuse_due", "more_info_due", "answer_due",
        "publish_due", "info_requested_count", "resolved_at", "resolved_on_time", "approved_at", "published_at",
        "published_on_time", "asker_notified_at", "satisfied", "rated_at", "is_hidden", "is_faq", "view_count",
        "updated_at"], {"province_id": prov})
    t_e = w.table(QuestionEvent, ["id", "question_id", "at", "action", "from_status", "to_status", "note", "is_public"],
                  {"province_code": code})
    days = list(range(ctx.first_day, ctx.last_day + 1))
    span = max(1, len(days) - 1)
    per_day = collections.Counter(rng.choices(days, weights=[(1.0 if clock.working[d] else 0.6) * (0.6 + 0.8 * i / span)
                                                             for i, d in enumerate(days)], k=n))
    ids = w.ids(Question, n)
    ts, now, rand, randint = clock.ts, ctx.now, rng.random, rng.randint
    stats = collections.Counter()
    events = []
    i = 0
    token = secrets.token_hex(32)  # one hash for every synthetic question: nobody holds its token
    for day in sorted(per_day):
        for t in sorted(day * 1440 + randint(300, 1380) for _ in range(per_day[day])):
            t = min(t, now - 10)
            year = clock.year[t // 1440]
            number = max(counters.get(year, 0), reached.get(year, 0)) + 1
            reached[year] = number
            qid = ids[i]
            src = demo[rng.randrange(len(demo))]
            com = ctx.communes[rng.randrange(len(ctx.communes))]
            prefix = rng.choice(PREFIXES)
            base = src["title"]
            title = (prefix + (base[0].lower() + base[1:] if prefix else base)
                     + rng.choice(SUFFIXES).format(commune=com.name))[:200]
            body = (rng.choice(OPENINGS).format(k=1 + qid % 9, commune=com.name, province=ctx.province.name)
                    + " " + src["body"])
            agency = src["agency_id"] or fallback.get(src["topic_id"]) or ctx.province_pc.pk
            start = clock.next_office(t, rng, (0, 30)) if not clock.working[t // 1440] else t
            answer_due = clock.add_wd(start // 1440, answer_days) * 1440 + 17 * 60
            refuse_due = clock.add_wd(start // 1440, 2) * 1440 + 17 * 60
            more_due = clock.add_wd(start // 1440, 5) * 1440 + 17 * 60
            x = rand()
            evs = [(t, "submit", "", "submitted", "", False)]
            status, answer, refusal = "submitted", "", ""
            resolved = on_time = approved = published = pub_on_time = notified = satisfied = rated = None
            publish_due = None
            info = 0
            hidden = faq = False
            a = clock.next_office(start, rng, (30, 2 * 1440))
            if a > now:
                pass
            elif x < 0.05:
                status, refusal, resolved, on_time = "refused", "out_of_scope", a, a <= refuse_due
                evs.append((a, "refuse", "submitted", "refused", "Không thuộc phạm vi hỏi đáp", False))
            elif x < 0.08 and a + 1440 > now - 20 * 1440:
                status, info = "info_requested", 1
                evs.append((a, "request_info", "submitted", "info_requested", "Đề nghị bổ sung thông tin", False))
            else:
                status = "assigned"
                evs.append((a, "assign", "submitted", "assigned", "", False))
                late = rand() >= 0.88
                d = (clock.next_office(answer_due, rng, (1440, 8 * 1440)) if late
                     else a + int((answer_due - a) * (0.15 + 0.8 * rand())))
                if d <= now:
                    status, answer = "drafted", src["answer"] or "Đề nghị ông/bà liên hệ Bộ phận một cửa để được hướng dẫn."
                    evs.append((d, "draft", "assigned", "drafted", "", False))
                    ap = clock.next_office(d, rng, (30, 1440))
                    if ap <= now:
                        status, approved, resolved = "approved", ap, ap
                        on_time = ap <= answer_due
                        publish_due = clock.add_wd(ap // 1440, 2) * 1440 + 17 * 60
                        evs.append((ap, "approve", "drafted", "approved", "", False))
                        p = clock.next_office(ap, rng, (10, 2 * 1440))
                        if p <= now:
                            status, published, pub_on_time, notified = "published", p, p <= publish_due, p + 1
                            hidden, faq = rand() < 0.01, rand() < 0.005
                            evs.append((p, "publish", "approved", "published", "", True))
                            evs.append((p + 1, "asker_notified", "published", "published", "", False))
                            if rand() < 0.2:
                                rated = p + randint(60, 10 * 1440)
                                if rated <= now:
                                    satisfied = rand() < 0.85
                                else:
                                    rated = None
            stats[status] += 1
            c = rand()
            classification = "procedure" if c < 0.8 else ("conduct" if c < 0.85 else "other")
            name, _f = people[qid % len(people)]
            search_title = fold(title)[:200]
            search_body = fold(f"{body}\n\n{answer}")
            t_q.add(
                str(qid), f"HD-{code}-{year}-{number:06d}", str(com.unit_id), str(src["topic_id"]),
                str(src["procedure_id"]) if src["procedure_id"] else N, str(agency), status, classification,
                esc(title), esc(body), esc(answer), refusal, "", esc(search_title), esc(search_body), name,
                f"09{(qid * 7919) % 10**8:08d}", "", token, ts(t), ts(start), ts(refuse_due), ts(more_due),
                ts(answer_due), ts(publish_due) if publish_due else N, str(info), ts(resolved) if resolved else N,
                b(on_time) if on_time is not None else N, ts(approved) if approved else N,
                ts(published) if published else N, b(pub_on_time) if pub_on_time is not None else N,
                ts(notified) if notified else N, b(satisfied) if satisfied is not None else N,
                ts(rated) if rated else N, b(hidden), b(faq), str(randint(0, 400) if published else 0),
                ts(max(e[0] for e in evs)))
            events.extend((qid, *e) for e in evs)
            i += 1
        if len(t_q.rows) >= chunk:
            _flush(w, t_q, t_e, events, ctx, reached)
    _flush(w, t_q, t_e, events, ctx, reached)
    w.reset_sequences(Question, QuestionEvent)
    fts = 0
    if not is_postgres():
        from chinhquyenso.questions import search

        with transaction.atomic():
            fts = search.rebuild()
    return {"questions": i, "events": t_e.count, "status_mix": dict(sorted(stats.items())),
            **({"fts_rows": fts} if fts else {})}


def _flush(w, t_q, t_e, events, ctx, reached) -> None:
    ts = ctx.clock.ts
    for eid, (qid, at, action, frm, to, note, public) in zip(w.ids(QuestionEvent, len(events)), events, strict=True):
        t_e.add(str(eid), str(qid), ts(at), action, frm, to, esc(note), b(public))
    events.clear()
    with transaction.atomic():
        t_q.flush()
        t_e.flush()
        w.raise_counters(Counter, ["province_id", "year"], "value",
                         [(ctx.province.pk, year, last) for year, last in reached.items()])
