"""Check the invariants of a fault run against the database (run by run.py as a child process,
DATABASE_URL set): `verify.py CLIENT_LOG.jsonl SINCE_EPOCH` prints one JSON object.

1. Every reception that got a 2xx is stored exactly once (client log ↔ database by
   Idempotency-Key), and every answer for one key named the same dossier.
2. Dossier codes are unique and gap-free per (reception agency, day) — 1..DailyCounter.last —
   and so are slip numbers per (agency, year, kind) and incoming-document numbers per register.
3. Every workflow action that got a 2xx is in the dossier's process log exactly once; the log's
   seq runs 1..n, no action repeats, and the dossier's status is the last row's status_after;
   every received dossier has its reception row.
4. Every applicant notification the writes called for exists (none lost), and every delivery
   was handed to the provider exactly once: the local provider's outbox (LocalMessage, by the
   delivery's reference cqs-<id>) has one message per sent delivery and none for unsent ones;
   nothing is left pending, failed or sending.
5. Task rows left RUNNING by a killed worker are counted; one is "unrecovered" when the
   delivery it carried is not finished."""

from __future__ import annotations

import collections
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def seq_problems(numbers: list[int], last: int | None) -> dict:
    counts = collections.Counter(numbers)
    dups = sorted(n for n, c in counts.items() if c > 1)
    top = max([last or 0, *numbers]) if numbers else (last or 0)
    gaps = sorted(set(range(1, top + 1)) - set(numbers))
    return {"duplicates": dups[:20], "gaps": gaps[:20], "n_duplicates": len(dups), "n_gaps": len(gaps),
            "counter_last": last, "count": len(numbers)}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("log_path")
    parser.add_argument("since", type=float)
    parser.add_argument("--tasks", default="database")
    cli = parser.parse_args()
    log_path, since = cli.log_path, cli.since
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")
    import django

    django.setup()
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    from chinhquyenso.documents.models import Direction, Document, Register
    from chinhquyenso.dossiers.events import APPLICANT_EVENTS
    from chinhquyenso.dossiers.models import DailyCounter, Dossier, ProcessLogEntry, Slip, SlipCounter
    from chinhquyenso.notifications.models import Delivery, DeliveryStatus, LocalMessage, Notification

    with open(log_path, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    out: dict = {"failures": []}

    def fail(name: str, detail) -> None:
        out["failures"].append({"invariant": name, "detail": detail})

    # --- requests -----------------------------------------------------------------------------
    req = collections.Counter()
    errors = collections.Counter()
    for r in rows:
        req[r["kind"]] += 1
        if 200 <= r["status"] < 300:
            req[f"{r['kind']}_2xx"] += 1
        else:
            errors[f"{r['kind']}:{r['error'] or r['status']}"] += 1
    out["requests"] = {"sent": len(rows), "by_kind": dict(req), "errors": dict(errors.most_common())}

    # --- 1. receptions ------------------------------------------------------------------------
    by_key: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        if r["kind"] == "receive":
            by_key[r["key"]].append(r)
    acked = {k: {x["dossier_id"] for x in v if 200 <= x["status"] < 300} for k, v in by_key.items()}
    inconsistent = {k: sorted(v) for k, v in acked.items() if len(v) > 1}
    stored = collections.defaultdict(list)
    for pk, key, code in Dossier.objects.filter(idempotency_key__startswith="faults-").values_list(
            "pk", "idempotency_key", "code"):
        stored[key].append((pk, code))
    missing = [k for k, v in acked.items() if v and not stored.get(k)]
    duplicated = {k: v for k, v in stored.items() if len(v) > 1}
    wrong = [k for k, v in acked.items() if v and stored.get(k) and {pk for pk, _ in stored[k]} != v]
    unknown_keys = [k for k, v in acked.items() if not v]
    out["receptions"] = {
        "keys": len(by_key), "acknowledged": sum(1 for v in acked.values() if v), "stored": sum(map(len, stored.values())),
        "never_acknowledged": len(unknown_keys),
        "never_acknowledged_but_stored": sum(1 for k in unknown_keys if k in stored),
        "retried_keys": sum(1 for v in by_key.values() if len(v) > 1),
        "missing": len(missing), "duplicates": len(duplicated), "inconsistent_answers": len(inconsistent),
        "answer_not_the_stored_dossier": len(wrong),
        "not_in_client_log": sum(1 for k in stored if k not in by_key),
    }
    if missing:
        fail("acknowledged reception stored", missing[:10])
    if duplicated:
        fail("reception stored once", dict(list(duplicated.items())[:10]))
    if inconsistent or wrong:
        fail("same answer for the same Idempotency-Key", {"inconsistent": inconsistent, "wrong": wrong[:10]})

    # --- 2. numbering -------------------------------------------------------------------------
    codes = list(Dossier.objects.exclude(code__isnull=True).exclude(code="").values_list("code", "reception_agency_id"))
    dup_codes = [c for c, n in collections.Counter(c for c, _ in codes).items() if n > 1]
    per_day = collections.defaultdict(list)
    for code, _ in codes:
        prefix, _, number = code.rpartition("-")
        if number.isdigit():
            per_day[prefix].append(int(number))
    counters = {}
    for c in DailyCounter.objects.select_related("agency"):
        counters[f"{c.agency.code}-{c.day:%y%m%d}"] = c.last
    code_report = {}
    for prefix in sorted(set(per_day) | set(counters)):
        p = seq_problems(per_day.get(prefix, []), counters.get(prefix))
        if p["n_duplicates"] or p["n_gaps"] or (p["counter_last"] or 0) != p["count"]:
            code_report[prefix] = p
    out["dossier_codes"] = {"codes": len(codes), "counters": len(counters), "duplicate_codes": len(dup_codes),
                            "counters_with_problems": len(code_report)}
    if dup_codes or code_report:
        fail("dossier codes unique and gap-free per counter", {"duplicates": dup_codes[:10], "counters": code_report})

    slip_report = {}
    slips = collections.defaultdict(list)
    for agency, year, kind, number in Slip.objects.values_list("agency_id", "year", "kind", "number"):
        slips[(agency, year, kind)].append(number)
    slip_last = {(c.agency_id, c.year, c.kind): c.last for c in SlipCounter.objects.all()}
    for key in set(slips) | set(slip_last):
        p = seq_problems(slips.get(key, []), slip_last.get(key))
        if p["n_duplicates"] or p["n_gaps"] or (p["counter_last"] or 0) != p["count"]:
            slip_report["/".join(map(str, key))] = p
    out["slip_numbers"] = {"slips": sum(map(len, slips.values())), "counters": len(slip_last),
                           "counters_with_problems": len(slip_report)}
    if slip_report:
        fail("slip numbers unique and gap-free per counter", slip_report)

    doc_report = {}
    for reg in Register.objects.filter(direction=Direction.INCOMING):
        numbers = list(Document.objects.filter(register=reg).exclude(register_number__isnull=True)
                       .values_list("register_number", flat=True))
        p = seq_problems(numbers, reg.last_number)
        if p["n_duplicates"] or p["n_gaps"] or reg.last_number != p["count"]:
            doc_report[str(reg.pk)] = p
    doc_rows = [r for r in rows if r["kind"] == "document"]
    doc_acked = {r["document_id"] for r in doc_rows if r["document_id"]}
    doc_unknown = sum(1 for r in doc_rows if r["status"] == 0 or r["status"] >= 500)
    doc_stored = set(Document.objects.filter(subject__startswith="Văn bản đến thử tải").values_list("pk", flat=True))
    doc_missing = sorted(doc_acked - doc_stored)
    doc_extra = len(doc_stored - doc_acked)
    out["documents"] = {"requests": len(doc_rows), "acknowledged": len(doc_acked), "stored": len(doc_stored),
                        "unknown_outcome": doc_unknown, "stored_without_ack": doc_extra, "missing": len(doc_missing),
                        "registers_with_problems": len(doc_report)}
    if doc_missing:
        fail("acknowledged document stored", doc_missing[:10])
    if doc_extra > doc_unknown:
        fail("no document stored beyond the acknowledged and the unknown outcomes", doc_extra)
    if doc_report:
        fail("document numbers unique and gap-free per register", doc_report)

    # --- 3. workflow --------------------------------------------------------------------------
    load_ids = {pk for v in stored.values() for pk, _ in v}
    logs = collections.defaultdict(list)
    for d, seq, action, after in (ProcessLogEntry.objects.filter(dossier_id__in=load_ids)
                                  .order_by("dossier_id", "seq").values_list("dossier_id", "seq", "action", "status_after")):
        logs[d].append((seq, action, after))
    status_of = dict(Dossier.objects.filter(pk__in=load_ids).values_list("pk", "status"))
    bad_seq, repeated, wrong_status, no_reception = [], [], [], []
    for pk in load_ids:
        entries = logs.get(pk, [])
        if [e[0] for e in entries] != list(range(1, len(entries) + 1)):
            bad_seq.append(pk)
        acts = collections.Counter(e[1] for e in entries)
        if any(n > 1 for n in acts.values()):
            repeated.append(pk)
        if not entries or entries[0][1] != "receive_at_counter":
            no_reception.append(pk)
        elif entries[-1][2] != status_of[pk]:
            wrong_status.append(pk)
    acked_actions = {(r["dossier_id"], r["action"]) for r in rows if r["kind"] == "action" and 200 <= r["status"] < 300}
    action_missing = [f"{d}:{a}" for d, a in acked_actions if a not in {e[1] for e in logs.get(d, [])}]
    refused = collections.Counter(f"{r['action']}:{r['status']}" for r in rows
                                  if r["kind"] == "action" and 400 <= r["status"] < 500 and r["attempt"] == 0)
    by_status = collections.Counter(status_of.values())
    out["workflow"] = {"dossiers": len(load_ids), "actions_acknowledged": len(acked_actions),
                       "actions_missing_from_log": len(action_missing), "log_seq_broken": len(bad_seq),
                       "actions_repeated": len(repeated), "status_not_last_log_row": len(wrong_status),
                       "without_reception_row": len(no_reception), "first_attempt_refusals": dict(refused),
                       "by_status": {str(k): v for k, v in sorted(by_status.items())}}
    if action_missing:
        fail("acknowledged action in the process log", action_missing[:10])
    if bad_seq or repeated or wrong_status or no_reception:
        fail("process log consistent (no dossier stuck half-way)", {"seq": bad_seq[:10], "repeated": repeated[:10],
             "status": wrong_status[:10], "no_reception_row": no_reception[:10]})

    # --- 4. notifications ---------------------------------------------------------------------
    expected = []
    for pk, entries in logs.items():
        for _, action, _ in entries:
            if action in APPLICANT_EVENTS:
                expected.append((APPLICANT_EVENTS[action], pk))
    notif_keys = set(Notification.objects.filter(dedupe_key__startswith="dossier.").values_list("dedupe_key", flat=True))
    have = {(k.split(":")[0], int(k.split(":")[1])) for k in notif_keys if k.count(":") >= 2}
    lost = [f"{e}:{pk}" for e, pk in expected if (e, pk) not in have]
    deliveries = list(Delivery.objects.filter(created_at__gte=datetime.datetime.fromtimestamp(since, datetime.UTC))
                      .values("pk", "status", "channel", "attempts"))
    sent_refs = collections.Counter(LocalMessage.objects.filter(reference__in=[f"cqs-{d['pk']}" for d in deliveries])
                                    .values_list("reference", flat=True))
    by_dstatus = collections.Counter(d["status"] for d in deliveries)
    dup = [d["pk"] for d in deliveries if sent_refs.get(f"cqs-{d['pk']}", 0) > 1]
    sent_not_recorded = [d["pk"] for d in deliveries if d["status"] != DeliveryStatus.SENT
                         and sent_refs.get(f"cqs-{d['pk']}", 0) > 0]
    recorded_not_sent = [d["pk"] for d in deliveries if d["status"] == DeliveryStatus.SENT
                         and sent_refs.get(f"cqs-{d['pk']}", 0) == 0]
    unfinished = [d["pk"] for d in deliveries if d["status"] not in (DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP)]
    out["notifications"] = {
        "expected_by_writes": len(expected), "notifications": len(have & set(expected)), "lost": len(lost),
        "deliveries_enqueued": len(deliveries), "delivered": by_dstatus.get(DeliveryStatus.SENT, 0),
        "by_status": dict(by_dstatus), "duplicated": len(dup), "sent_but_not_recorded": len(sent_not_recorded),
        "recorded_but_not_sent": len(recorded_not_sent), "unfinished": len(unfinished),
        "retried": sum(1 for d in deliveries if d["attempts"] > 1),
    }
    if lost:
        fail("every notification the writes called for exists", lost[:10])
    if dup:
        fail("every delivery handed to the provider at most once", dup[:10])
    if unfinished or sent_not_recorded or recorded_not_sent:
        fail("every delivery finished and recorded as what happened",
             {"unfinished": unfinished[:10], "sent_not_recorded": sent_not_recorded[:10],
              "recorded_not_sent": recorded_not_sent[:10]})

    # --- 5. task rows -------------------------------------------------------------------------
    if cli.tasks != "database":
        print(json.dumps(out, ensure_ascii=False, default=str))
        return
    tasks = dict(DBTaskResult.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    running = list(DBTaskResult.objects.filter(status="RUNNING").values_list("task_path", "args_kwargs"))
    final = {d["pk"] for d in deliveries if d["status"] in (DeliveryStatus.SENT, DeliveryStatus.GIVEN_UP)}
    unrecovered = [a for path, a in running if path.endswith("send_delivery") and (a.get("args") or [None])[0] not in final]
    out["tasks"] = {"by_status": tasks, "orphaned_running": len(running), "orphaned_unrecovered": len(unrecovered)}
    if unrecovered:
        fail("work of a killed worker recovered", unrecovered[:10])
    if tasks.get("READY"):
        fail("task queue drained", tasks.get("READY"))
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
