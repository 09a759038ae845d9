# ruff: noqa: S608 — SQL built from model table names only.
"""Invariants of a generated province (bench/check_synth.py runs it; `--smoke` generates a small
province first). Every check reads the database as the application would see it:

- counts (at least what was asked for), unique codes and numbers;
- the counters the services lock are at or past every generated code (daily dossier counters,
  report and question counters per year, document registers);
- every dossier's status agrees with its timestamps, its process log (seq 1..n, the last row's
  status is the dossier's) and its supplement requests; reports, questions and documents likewise;
- a sample of due dates equals what dossiers.deadlines.initial_due() computes;
- foreign keys: all present and validated (PostgreSQL) / no violation (SQLite);
- search finds a generated question by a folded (unaccented) phrase;
- real service calls succeed afterwards, inside a transaction that is rolled back: a dossier
  received at a one-stop counter, an incoming document registered, a question and a field report
  submitted — each numbered after the generated ones."""

import datetime
import random

from django.db import connection, transaction

from chinhquyenso.dossiers.models import DailyCounter, Dossier, ProcessLogEntry, SupplementRequest

STATUS_RULES = {
    # status: SQL condition that must hold for every dossier in it
    1: "submitted_at IS NOT NULL AND received_at IS NULL AND refused_at IS NULL",
    2: "received_at IS NOT NULL AND finished_at IS NULL AND withdrawn_at IS NULL AND stopped_at IS NULL",
    3: "refused_at IS NOT NULL AND received_at IS NULL",
    4: "received_at IS NOT NULL AND finished_at IS NULL AND returned_at IS NULL AND withdrawn_at IS NULL "
       "AND stopped_at IS NULL AND paused_at IS NULL",
    5: "paused_at IS NOT NULL AND resume_status IS NOT NULL AND finished_at IS NULL AND supplement_count > 0",
    6: "received_at IS NOT NULL AND resume_status IS NOT NULL AND finished_at IS NULL",
    7: "withdrawn_at IS NOT NULL AND finished_at IS NULL",
    8: "stopped_at IS NOT NULL AND finished_at IS NULL",
    9: "finished_at IS NOT NULL AND returned_at IS NULL",
    10: "finished_at IS NOT NULL AND returned_at IS NOT NULL AND returned_at >= finished_at",
}
ALWAYS = [
    ("received after submitted", "received_at IS NOT NULL AND submitted_at IS NOT NULL AND received_at < submitted_at"),
    ("finished before received", "finished_at IS NOT NULL AND finished_at < received_at"),
    ("due before received", "due_at IS NOT NULL AND due_at < received_at"),
    ("rated but not returned", "rating IS NOT NULL AND (status <> 10 OR rated_at IS NULL OR rated_at < returned_at)"),
    ("code missing", "status > 0 AND code IS NULL"),
    ("received without due date", "received_at IS NOT NULL AND (due_at IS NULL OR original_due_at IS NULL)"),
    ("synced past its version", "synced_version > sync_version"),
]


def _one(sql: str, params=()) -> int:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


def _rows(sql: str, params=()) -> list:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


class Checks:
    def __init__(self):
        self.results: list[tuple[str, bool, str]] = []

    def ok(self, name: str, passed: bool, detail="") -> None:
        self.results.append((name, bool(passed), str(detail)))

    @property
    def failed(self) -> list:
        return [r for r in self.results if not r[1]]


def run(expect: dict | None = None, *, now: datetime.datetime | None = None) -> Checks:
    c = Checks()
    expect = expect or {}
    _counts(c, expect)
    _uniques(c)
    _counters(c)
    _dossier_states(c)
    _other_states(c)
    _due_sample(c)
    _foreign_keys(c)
    _search(c)
    _services(c)
    return c


# --- counts and uniqueness ---------------------------------------------------------------------

def _counts(c: Checks, expect: dict) -> None:
    from chinhquyenso.documents.models import Document
    from chinhquyenso.feedback.models import Report
    from chinhquyenso.procedures.models import ProcedureVersion
    from chinhquyenso.questions.models import Question

    have = {"dossiers": Dossier.objects.count(), "reports": Report.objects.count(),
            "questions": Question.objects.count(), "documents": Document.objects.count(),
            "procedures": ProcedureVersion.objects.filter(status="published").count()}
    for key, n in have.items():
        want = expect.get(key) or 0
        c.ok(f"count {key} ≥ {want}", n >= want, f"{n:,}")


def _dupes(table: str, cols: str, where: str = "") -> int:
    return _one(f"SELECT COUNT(*) FROM (SELECT {cols} FROM {table} {where} GROUP BY {cols} HAVING COUNT(*) > 1) x")


def _uniques(c: Checks) -> None:
    c.ok("dossier codes unique", _dupes("dossiers_dossier", "code", "WHERE code IS NOT NULL") == 0)
    c.ok("report numbers unique", _dupes("feedback_report", "number") == 0)
    c.ok("question codes unique", _dupes("questions_question", "code") == 0)
    c.ok("document numbers unique per register",
         _dupes("documents_document", "register_id, register_number", "WHERE register_id IS NOT NULL") == 0)
    c.ok("outgoing number/symbol unique per register",
         _dupes("documents_document", "register_id, number_symbol", "WHERE direction = 'out' AND register_id IS NOT NULL")
         == 0)
    c.ok("process log seq unique per dossier", _dupes("dossiers_processlogentry", "dossier_id, seq") == 0)


# --- counters ----------------------------------------------------------------------------------

def _counters(c: Checks) -> None:
    # Dossier codes: {agency code}-{YYMMDD}-{NNNN}: the highest number per agency and day.
    rows = _rows("SELECT d.reception_agency_id, SUBSTR(d.code, LENGTH(a.code) + 2, 6), "
                 "MAX(CAST(SUBSTR(d.code, LENGTH(a.code) + 9) AS INTEGER)) FROM dossiers_dossier d "
                 "JOIN agencies_agency a ON a.id = d.reception_agency_id "
                 "WHERE d.code IS NOT NULL AND SUBSTR(d.code, 1, LENGTH(a.code) + 1) = a.code || '-' GROUP BY 1, 2")
    counters = {(a, day.strftime("%y%m%d")): last for a, day, last in
                DailyCounter.objects.values_list("agency_id", "day", "last")}
    behind = [(a, d, n, counters.get((a, d))) for a, d, n in rows if counters.get((a, d), 0) < n]
    c.ok("daily dossier counters ≥ every code", not behind, f"{len(rows):,} agency-days; behind: {behind[:3]}")
    # Reports PA{p}.{YYYY}.{NNNNNN}, questions HD-{p}-{YYYY}-{NNNNNN}: per year.
    from chinhquyenso.feedback.models import ReportCounter
    from chinhquyenso.questions.models import Counter

    rep = _rows("SELECT SUBSTR(number, LENGTH(number) - 10, 4), MAX(CAST(SUBSTR(number, LENGTH(number) - 5) AS INTEGER)) "
                "FROM feedback_report WHERE number LIKE 'PA%%' GROUP BY 1")
    have = {str(y): last for y, last in ReportCounter.objects.values_list("year", "last")}
    bad = [(y, n, have.get(y)) for y, n in rep if have.get(y, 0) < n]
    c.ok("report counters ≥ every number", not bad, f"{len(rep)} years; behind: {bad}")
    q = _rows("SELECT SUBSTR(code, LENGTH(code) - 10, 4), MAX(CAST(SUBSTR(code, LENGTH(code) - 5) AS INTEGER)) "
              "FROM questions_question WHERE code LIKE 'HD-%%' GROUP BY 1")
    have = {str(y): v for y, v in Counter.objects.values_list("year", "value")}
    bad = [(y, n, have.get(y)) for y, n in q if have.get(y, 0) < n]
    c.ok("question counters ≥ every code", not bad, f"{len(q)} years; behind: {bad}")
    behind = _one("SELECT COUNT(*) FROM documents_register r WHERE r.last_number < "
                  "(SELECT COALESCE(MAX(d.register_number), 0) FROM documents_document d WHERE d.register_id = r.id)")
    c.ok("document registers ≥ every number", behind == 0, f"{behind} behind")
    gaps = _one("SELECT COUNT(*) FROM (SELECT register_id FROM documents_document WHERE register_id IS NOT NULL "
                "GROUP BY register_id HAVING MAX(register_number) <> COUNT(*)) x")
    c.ok("document numbers without gaps (01 … n per register)", gaps == 0, f"{gaps} registers with gaps")


# --- states ------------------------------------------------------------------------------------

def _dossier_states(c: Checks) -> None:
    d = Dossier._meta.db_table
    for status, cond in STATUS_RULES.items():
        bad = _one(f"SELECT COUNT(*) FROM {d} WHERE status = %s AND NOT ({cond})", [status])
        c.ok(f"dossiers in status {status} have its timestamps", bad == 0, f"{bad} wrong")
    for label, cond in ALWAYS:
        bad = _one(f"SELECT COUNT(*) FROM {d} WHERE {cond}")
        c.ok(f"dossiers: no {label}", bad == 0, f"{bad} wrong")
    log = ProcessLogEntry._meta.db_table
    bad = _one(f"SELECT COUNT(*) FROM (SELECT dossier_id FROM {log} GROUP BY dossier_id "
               f"HAVING MIN(seq) <> 1 OR MAX(seq) <> COUNT(*)) x")
    c.ok("process log seq is 1..n", bad == 0, f"{bad} dossiers")
    bad = _one(f"SELECT COUNT(*) FROM {d} d JOIN {log} l ON l.dossier_id = d.id "
               f"AND l.seq = (SELECT MAX(seq) FROM {log} m WHERE m.dossier_id = d.id) "
               f"WHERE l.status_after <> d.status") if connection.vendor == "sqlite" else _one(
        f"SELECT COUNT(*) FROM {d} d JOIN (SELECT DISTINCT ON (dossier_id) dossier_id, status_after FROM {log} "
        f"ORDER BY dossier_id, seq DESC) l ON l.dossier_id = d.id WHERE l.status_after <> d.status")
    c.ok("last process-log status = dossier status", bad == 0, f"{bad} dossiers")
    bad = _one(f"SELECT COUNT(*) FROM {d} d WHERE d.status > 0 AND NOT EXISTS (SELECT 1 FROM {log} l "
               f"WHERE l.dossier_id = d.id)")
    c.ok("every submitted dossier has a process log", bad == 0, f"{bad} without")
    s = SupplementRequest._meta.db_table
    bad = _one(f"SELECT COUNT(*) FROM {d} d WHERE d.supplement_count <> "
               f"(SELECT COUNT(*) FROM {s} s WHERE s.dossier_id = d.id)")
    c.ok("supplement_count = supplement requests", bad == 0, f"{bad} dossiers")
    bad = _one(f"SELECT COUNT(*) FROM {s} WHERE (completed_at IS NOT NULL AND completed_at < requested_at) "
               f"OR (due_after IS NOT NULL AND due_after < due_before)")
    c.ok("supplement requests: completion and due dates in order", bad == 0, f"{bad} wrong")
    bad = _one(f"SELECT COUNT(*) FROM {d} d WHERE d.status = 5 AND NOT EXISTS (SELECT 1 FROM {s} s "
               f"WHERE s.dossier_id = d.id AND s.completed_at IS NULL)")
    c.ok("waiting for a supplement ⇒ an open request", bad == 0, f"{bad} dossiers")
    bad = _one(f"SELECT COUNT(*) FROM {d} d WHERE d.extended <> EXISTS (SELECT 1 FROM dossiers_extension e "
               f"WHERE e.dossier_id = d.id)")
    c.ok("extended ⇔ an extension (BM.04) on record", bad == 0, f"{bad} dossiers")
    now = datetime.datetime.now(datetime.UTC)
    bad = _one(f"SELECT COUNT(*) FROM {d} WHERE received_at > %s OR finished_at > %s OR returned_at > %s "
               f"OR rated_at > %s", [now] * 4)
    c.ok("dossiers: nothing in the future", bad == 0, f"{bad} wrong")


def _other_states(c: Checks) -> None:
    checks = [
        ("reports: published ⇒ handled and published", "feedback_report",
         "status = 'published' AND (handled_at IS NULL OR published_at IS NULL OR published_at < handled_at)"),
        ("reports: handled_on_time ⇔ handled by the due time", "feedback_report",
         "handled_at IS NOT NULL AND due_at IS NOT NULL AND handled_on_time <> (handled_at <= due_at)"),
        ("reports: refused ⇒ not handled", "feedback_report", "status = 'refused' AND handled_at IS NOT NULL"),
        ("questions: published ⇒ approved and published", "questions_question",
         "status = 'published' AND (published_at IS NULL OR approved_at IS NULL OR published_at < approved_at)"),
        ("questions: open ⇒ not resolved", "questions_question",
         "status IN ('submitted', 'assigned', 'drafted') AND resolved_at IS NOT NULL"),
        ("questions: search columns filled", "questions_question", "search_title = '' OR search_body = ''"),
        ("documents: issued/distributed ⇒ numbered", "documents_document",
         "direction = 'out' AND status IN ('issued', 'distributed') AND (register_id IS NULL OR issued_on IS NULL)"),
        ("documents: drafts not numbered", "documents_document",
         "direction = 'out' AND status IN ('draft', 'review', 'approval') AND register_id IS NOT NULL"),
        ("documents: incoming registered ⇒ numbered", "documents_document",
         "direction = 'in' AND status NOT IN ('received', 'refused') AND (register_id IS NULL OR registered_at IS NULL)"),
    ]
    for label, table, cond in checks:
        bad = _one(f"SELECT COUNT(*) FROM {table} WHERE {cond}")
        c.ok(label, bad == 0, f"{bad} wrong")


def _due_sample(c: Checks, n: int = 200) -> None:
    from chinhquyenso.dossiers.deadlines import initial_due
    from chinhquyenso.workdays.queries import load_calendar

    ids = list(Dossier.objects.filter(received_at__isnull=False, supplement_count=0, extended=False)
               .order_by("-id").values_list("id", flat=True)[:20000])
    sample = random.Random(766).sample(ids, min(n, len(ids)))
    wrong = []
    for d in Dossier.objects.filter(pk__in=sample):
        due = initial_due(load_calendar(d.reception_agency_id), d.received_at, d.legal_time, d.time_unit, d.channel)
        if due.due_at != d.due_at or due.due_at != d.original_due_at:
            wrong.append((d.code, d.due_at, due.due_at))
    c.ok("due dates = deadlines.initial_due()", not wrong, f"{len(sample)} sampled; wrong: {wrong[:3]}")


def _foreign_keys(c: Checks) -> None:
    from .base import filled_models

    tables = [m._meta.db_table for m in filled_models()]
    if connection.vendor == "postgresql":
        expected = sum(1 for m in filled_models() for f in m._meta.concrete_fields if f.remote_field and f.db_constraint)
        have = _one("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND convalidated "
                    "AND conrelid::regclass::text = ANY(%s)", [tables])
        c.ok("foreign keys present and validated", have >= expected, f"{have} of {expected}")
    else:
        bad = []
        for t in tables:
            bad += _rows(f"PRAGMA foreign_key_check({t})")
        c.ok("no foreign-key violation", not bad, f"{bad[:3]}")


# --- search and real service calls ------------------------------------------------------------

def _search(c: Checks) -> None:
    from chinhquyenso.core.text import fold
    from chinhquyenso.questions import search
    from chinhquyenso.questions.models import Question

    q = (Question.objects.filter(status="published", is_hidden=False, title__contains=" — ")
         .order_by("-id").only("id", "title", "province_id").first()
         or Question.objects.filter(status="published", is_hidden=False).order_by("-id").first())
    if q is None:
        c.ok("search finds a generated question", False, "no published question")
        return
    phrase = fold(q.title)
    hits = search.find(phrase, province_id=q.province_id, limit=1000)
    c.ok("search finds a generated question by a folded phrase", q.pk in hits.ids,
         f"“{phrase}” → {hits.total} hits")


class _Rollback(Exception):
    pass


def _services(c: Checks) -> None:
    """Real service calls after generation, rolled back: each must succeed and be numbered after
    the generated codes (a counter behind would collide with a unique code and fail here)."""
    from chinhquyenso.accounts.models import Role, RoleAssignment
    from chinhquyenso.dossiers import services as dossier_services
    from chinhquyenso.procedures.models import ProcedureVersion

    grant = (RoleAssignment.objects.filter(role=Role.ONE_STOP_OFFICER, agency__kind="ttpvhcc_xa")
             .select_related("agency", "user").order_by("id").first())
    if grant is None:
        c.ok("real reception after generation", False, "no one-stop officer in the demo")
    else:
        version = (ProcedureVersion.objects.filter(province_id=grant.agency.province_id, status="published", level="xa")
                   .order_by("id").first())
        comps = [{"spec": s.pk, "originals": 1} for s in version.components.filter(required=True)]
        try:
            with transaction.atomic():
                d = dossier_services.receive_at_counter(
                    officer=grant.user, reception_agency=grant.agency, procedure_version=version,
                    applicant={"name": "Nguyễn Văn Kiểm Tra", "phone": "0912345678"}, components=comps)
                prefix = d.code.rsplit("-", 1)[0]
                highest = _one("SELECT COUNT(*) FROM dossiers_dossier WHERE code LIKE %s", [prefix + "-%"])
                c.ok("real reception after generation", True, f"{d.code} ({highest} codes that day)")
                raise _Rollback
        except _Rollback:
            pass
        except Exception as e:  # noqa: BLE001 — reported as a failed check
            c.ok("real reception after generation", False, repr(e))
    _register_document(c)
    _submit_question_and_report(c)


def _register_document(c: Checks) -> None:
    from chinhquyenso.documents import services as doc_services
    from chinhquyenso.documents.models import Document, DocumentType

    doc = Document.objects.filter(direction="in", register__isnull=False).order_by("-id").select_related("agency").first()
    if doc is None:
        c.ok("real document registration after generation", True, "no incoming document generated")
        return
    try:
        with transaction.atomic():
            new = doc_services.register_incoming(
                agency=doc.agency, doc_type=DocumentType.objects.get(code="cong-van"), subject="Kiểm tra sau sinh dữ liệu",
                issuing_agency_name="Văn phòng Chính phủ", number_symbol="1/VPCP-KSTT")
            before = (Document.objects.filter(register=new.register).exclude(pk=new.pk)
                      .order_by("-register_number").values_list("register_number", flat=True).first() or 0)
            c.ok("real document registration after generation", new.register_number == before + 1,
                 f"số đến {new.register_number} after {before}")
            raise _Rollback
    except _Rollback:
        pass
    except Exception as e:  # noqa: BLE001
        c.ok("real document registration after generation", False, repr(e))


def _submit_question_and_report(c: Checks) -> None:
    from chinhquyenso.feedback import services as feedback_services
    from chinhquyenso.feedback.models import Category
    from chinhquyenso.questions import services as question_services
    from chinhquyenso.questions.models import Topic

    topic = Topic.objects.filter(is_active=True).select_related("province").order_by("id").first()
    if topic is not None:
        try:
            with transaction.atomic():
                sub = question_services.submit(topic=topic, title="Kiểm tra sau khi sinh dữ liệu tổng hợp",
                                               body="Nội dung câu hỏi kiểm tra sau khi sinh dữ liệu tổng hợp.",
                                               asker_name="Người kiểm tra", asker_phone="0912345679")
                c.ok("real question after generation", True, sub.question.code)
                raise _Rollback
        except _Rollback:
            pass
        except Exception as e:  # noqa: BLE001
            c.ok("real question after generation", False, repr(e))
    category = Category.objects.filter(kind="field", parent__isnull=False).select_related("province").first()
    if category is not None:
        try:
            with transaction.atomic():
                r = feedback_services.submit_report(province=category.province, category=category,
                                                    description="Kiểm tra sau khi sinh dữ liệu tổng hợp.",
                                                    latitude=19.8, longitude=105.78, name="Người kiểm tra",
                                                    phone="0912345670")
                c.ok("real field report after generation", True, r.number)
                raise _Rollback
        except _Rollback:
            pass
        except Exception as e:  # noqa: BLE001
            c.ok("real field report after generation", False, repr(e))
