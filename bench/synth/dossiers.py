"""Dossiers with realistic status/channel/supplement/lateness mixes, their process logs,
components (digitised/reused/personal-store flags), supplement requests and results.

Mixes (seeded, per dossier): channel 55% online / 40% in person / 5% postal; 8% get one supplement
request (1% a second one); among those received: 85% finished (of which 90% returned), 3%
withdrawn, 2% stopped, the rest open; 7% of finished dossiers finish after the due date; online
dossiers from VNeID accounts 80%; digitised components 70% of online dossiers and 40% of counter
ones; electronic results on 60% of finished dossiers; online payment on 45% of online fee-bearing
dossiers; 30% of returned dossiers rated (93% satisfied); 1% with a complaint."""

import datetime

from chinhquyenso.dossiers.models import (
    Dossier,
    DossierComponent,
    OnlinePayment,
    ProcessLogEntry,
    ResultDocument,
    SupplementRequest,
    SyncState,
)
from chinhquyenso.dossiers.workflow import Channel, Status
from chinhquyenso.workdays.calendar import VN_TZ

from .base import Context, add_working_days, bulk


def _closing(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(17, 0), VN_TZ)


def _one(ctx: Context, n: int) -> tuple[Dossier, list, list, list, list]:
    r = ctx.rng
    unit, pc, centre = ctx.communes[r.randrange(len(ctx.communes))]
    provincial = ctx.province_versions and r.random() < 0.12
    version = r.choice(ctx.province_versions if provincial else ctx.commune_versions)
    resolving = version.competent_agency if provincial else pc
    reception = ctx.province_centre if provincial and ctx.province_centre else centre
    channel = r.choices([Channel.ONLINE, Channel.IN_PERSON, Channel.POSTAL], [55, 40, 5])[0]
    day = ctx.weekday()
    received_at = ctx.instant(day)
    legal_days = max(1, int(version.legal_time)) if version.time_unit == "ngay_lam_viec" else 5
    due_day = add_working_days(day, legal_days)
    due_at = _closing(due_day)
    online = channel == Channel.ONLINE
    d = Dossier(
        code=f"SYN-{ctx.province.code}-{n:08d}", province=ctx.province, procedure_id=version.procedure_id,
        procedure_version=version, legal_time=version.legal_time, time_unit=version.time_unit,
        fee_total=8000 if r.random() < 0.6 else 0, channel=channel, reception_agency=reception,
        resolving_agency=resolving, current_agency=resolving, applicant_name=f"Người nộp {n}",
        applicant_name_folded=f"nguoi nop {n}", applicant_phone=f"09{n % 10**8:08d}",
        vneid_verified=online and r.random() < 0.8, submitted_at=received_at - datetime.timedelta(minutes=30) if online else None,
        received_at=received_at, counting_started_at=received_at, due_at=due_at, original_due_at=due_at,
        result_delivery="online" if online and r.random() < 0.6 else ("postal" if r.random() < 0.1 else "counter"),
    )
    logs = [("receive", None, Status.RECEIVED, received_at, reception)]
    supplements = []
    wait = datetime.timedelta()
    now = _closing(ctx.end)
    if r.random() < 0.08:
        asked = received_at + datetime.timedelta(hours=r.randint(1, 6))
        count = 2 if r.random() < 0.12 else 1
        for _i in range(count):
            supplied = asked + datetime.timedelta(days=r.randint(1, 6))
            if supplied > now:
                supplied = None
            supplements.append((asked, supplied, due_at))
            if supplied is None:
                break
            wait += supplied - asked
            asked = supplied + datetime.timedelta(days=1)
        d.supplement_count = len(supplements)
    shifted_due = due_at + wait
    outcome = r.random()
    late = r.random() < 0.07 or d.supplement_count > 1
    end_day = add_working_days(day, r.randint(0, legal_days) if not late else legal_days + r.randint(1, 5))
    end = ctx.instant(end_day, 8, 16.9) + wait
    if supplements and supplements[-1][1] is None:
        d.status, d.paused_at, d.resume_status = Status.SUPPLEMENT, supplements[-1][0], Status.PROCESSING
    elif end > now or outcome > 0.95:
        d.status = Status.PROCESSING
    elif outcome < 0.03:
        d.status, d.withdrawn_at = Status.WITHDRAWN, end
    elif outcome < 0.05:
        d.status, d.stopped_at = Status.STOPPED, end
    else:
        d.finished_at = end
        d.status = Status.RETURNED if r.random() < 0.9 else Status.FINISHED
        if d.status == Status.RETURNED:
            d.returned_at = end + datetime.timedelta(hours=2)
            if r.random() < 0.3:
                d.rating = 1 if r.random() < 0.93 else 2
                d.rated_at = d.returned_at
        d.online_payment = OnlinePayment.NATIONAL_PORTAL if d.fee_total and online and r.random() < 0.45 else 0
    d.due_at = shifted_due
    d.has_complaint = r.random() < 0.01
    d.synced_version = 1 if r.random() < 0.97 else 0
    d.sync_version = 1
    d.sync_state = SyncState.SYNCED if d.synced_version else SyncState.PENDING
    logs.append(("transfer", Status.RECEIVED, Status.PROCESSING, received_at + datetime.timedelta(minutes=20), resolving))
    if d.finished_at:
        logs.append(("approve", Status.PROCESSING, Status.FINISHED, d.finished_at, resolving))
    if d.returned_at:
        logs.append(("return_result", Status.FINISHED, Status.RETURNED, d.returned_at, reception))
    comps = [(online and r.random() < 0.7 or not online and r.random() < 0.4, r.random() < 0.35, r.random() < 0.2)]
    results = [r.random() < 0.6] if d.finished_at else []
    return d, logs, supplements, comps, results


def generate(ctx: Context, n: int, *, start_number: int = 1, chunk: int = 20000, progress=None) -> int:
    made = 0
    while made < n:
        size = min(chunk, n - made)
        items = [_one(ctx, start_number + made + i) for i in range(size)]
        dossiers = bulk(Dossier, [item[0] for item in items])
        logs, sups, comps, results = [], [], [], []
        for d, (_, log, supplements, components, res) in zip(dossiers, items, strict=True):
            for seq, (action, before, after, when, agency) in enumerate(log, start=1):
                logs.append(ProcessLogEntry(dossier_id=d.pk, province_id=d.province_id, seq=seq, action=action,
                                            status_before=before, status_after=after, actor_name="Dữ liệu tổng hợp",
                                            agency=agency, started_at=when))
            for asked, supplied, due_before in supplements:
                sups.append(SupplementRequest(dossier_id=d.pk, province_id=d.province_id, requested_at=asked,
                                              requested_by_id=ctx.officer_id, items=["Giấy tờ bổ sung"],
                                              reason="Thiếu giấy tờ", respond_by=asked + datetime.timedelta(days=21),
                                              due_before=due_before, completed_at=supplied,
                                              due_after=due_before + (supplied - asked) if supplied else None))
            for digitized, reused, personal in components:
                comps.append(DossierComponent(dossier_id=d.pk, province_id=d.province_id, name="Tờ khai",
                                              digitized=digitized, reused=reused and digitized,
                                              from_personal_store=personal))
            for electronic in res:
                results.append(ResultDocument(dossier_id=d.pk, province_id=d.province_id, name="Kết quả",
                                              electronic=electronic, issued_at=d.finished_at))
        bulk(ProcessLogEntry, logs)
        bulk(SupplementRequest, sups)
        bulk(DossierComponent, comps)
        bulk(ResultDocument, results)
        made += size
        if progress:
            progress(made)
    return made
