"""A citizen's copy of their personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: the data
subject's right to access and obtain their data; docs/personal-data.md).

One JSON document gathered from every app that holds data about the user, read through each
app's queries where it has one (dossiers, questions, notifications) and its models otherwise
(feedback reporter rows). The number of queries is fixed — it does not grow with the number of
dossiers, reports or questions (prefetching, no per-row query).

Only what the citizen can already see on their own pages goes in: the public timeline of a field
report, the answer of a published question, a dossier's process log without the officials'
names (as on "Hồ sơ của tôi"). Officials get their account only: the records they handle are
other people's data."""

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from chinhquyenso.accounts.models import LoginAttempt
from chinhquyenso.dossiers import queries as dossier_queries
from chinhquyenso.dossiers.models import DossierComponent, ProcessLogEntry
from chinhquyenso.feedback.models import MeToo, ReporterContact, ReportEvent
from chinhquyenso.notifications import queries as notification_queries
from chinhquyenso.questions import queries as question_queries
from chinhquyenso.questions.models import QuestionEvent

FORMAT = "chinhquyenso.personal-data/1"
LEGAL_BASIS = "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (hiệu lực từ 01/01/2026) — quyền truy cập, nhận bản sao dữ liệu"
LOGIN_ATTEMPTS = 200  # the most recent ones; older rows are pruned by the lockout sweep anyway


def _t(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def collect(user) -> dict:
    data = {
        "format": FORMAT,
        "generated_at": _t(timezone.now()),
        "legal_basis": LEGAL_BASIS,
        "account": account(user),
    }
    if user.is_official or user.is_superuser:
        data["note"] = "Tài khoản cán bộ: chỉ xuất thông tin tài khoản; hồ sơ, phản ánh do cán bộ xử lý là dữ liệu của người khác."
        return data
    data["dossiers"] = dossiers(user)
    data["field_reports"], data["field_report_confirmations"] = field_reports(user)
    data["questions"] = questions(user)
    data["ratings"] = ratings(data)
    data["notifications"] = notifications(user)
    return data


def account(user) -> dict:
    identifiers = [x for x in (user.username, user.email, user.phone) if x]
    return {
        "username": user.username, "full_name": user.full_name, "email": user.email, "phone": user.phone,
        "personal_id": user.personal_id, "kind": user.kind, "title": user.title,
        "date_joined": _t(user.date_joined), "last_login": _t(user.last_login),
        "two_factor_enabled": bool(user.totp_confirmed_at),
        "roles": [
            {"role": a.role, "agency": a.agency.name, "valid_until": _t(a.valid_until)}
            for a in user.role_assignments.select_related("agency").order_by("id")
        ],
        "api_tokens": [
            {"name": t.name, "prefix": t.prefix, "created_at": _t(t.created_at), "expires_at": _t(t.expires_at),
             "last_used_at": _t(t.last_used_at), "revoked_at": _t(t.revoked_at)}
            for t in user.api_tokens.order_by("id")
        ],
        "linked_identities": [
            {"provider": i.provider, "created_at": _t(i.created_at), "last_login_at": _t(i.last_login_at)}
            for i in user.external_identities.order_by("provider")
        ],
        "login_attempts": [
            {"at": _t(a.at), "ip": a.ip, "succeeded": a.succeeded}
            for a in LoginAttempt.objects.filter(identifier__in=identifiers).order_by("-at")[:LOGIN_ATTEMPTS]
        ],
    }


def dossiers(user) -> list[dict]:
    qs = (
        dossier_queries.for_citizen(user)
        .select_related("procedure_version", "reception_agency", "resolving_agency", "current_agency")
        .prefetch_related(
            Prefetch("components", queryset=DossierComponent.objects.filter(is_deleted=False).order_by("id")),
            Prefetch("log", queryset=ProcessLogEntry.objects.select_related("agency").order_by("seq")),
            "fees", "results", "supplements",
        )
        .order_by("id")
    )
    out = []
    for d in qs:
        out.append({
            "code": d.code, "procedure": d.procedure_version.name, "status": d.status,
            "status_label": str(d.get_status_display()), "channel": d.channel,
            "reception_agency": d.reception_agency.name, "resolving_agency": d.resolving_agency.name,
            "applicant": {
                "kind": d.applicant_kind, "name": d.applicant_name, "id_number": d.applicant_id_number,
                "birth_date": _t(d.applicant_birth_date), "address": d.applicant_address,
                "phone": d.applicant_phone, "email": d.applicant_email,
            },
            "representative": {
                "name": d.representative_name, "id_number": d.representative_id_number,
                "phone": d.representative_phone, "relation": d.representative_relation,
            } if d.representative_name else None,
            "subject": d.subject, "form_data": d.form_data,
            "result_delivery": d.result_delivery, "delivery_address": d.delivery_address,
            "submitted_at": _t(d.submitted_at), "received_at": _t(d.received_at), "due_at": _t(d.due_at),
            "finished_at": _t(d.finished_at), "returned_at": _t(d.returned_at),
            "rating": d.rating, "rating_comment": d.rating_comment, "rated_at": _t(d.rated_at),
            "components": [
                {"name": c.name, "file_name": c.file_name, "size": c.size, "content_type": c.content_type,
                 "originals": c.originals, "copies": c.copies, "uploaded_at": _t(c.uploaded_at)}
                for c in d.components.all()
            ],
            "fees": [{"name": f.name, "amount": int(f.amount), "status": f.status, "paid_at": _t(f.paid_at)}
                     for f in d.fees.all()],
            "results": [{"name": r.name, "number_symbol": r.number_symbol, "electronic": r.electronic,
                         "issued_at": _t(r.issued_at)} for r in d.results.all()],
            "supplement_requests": [{"requested_at": _t(s.requested_at), "items": s.items, "reason": s.reason,
                                     "respond_by": _t(s.respond_by), "completed_at": _t(s.completed_at)}
                                    for s in d.supplements.all()],
            # as on the citizen's dossier page: what happened, where and when — not who
            "process_log": [{"at": _t(e.started_at), "action": e.action, "status_before": e.status_before,
                             "status_after": e.status_after, "agency": e.agency.name, "content": e.content,
                             "due_at": _t(e.due_at)} for e in d.log.all()],
        })
    return out


def field_reports(user) -> tuple[list[dict], list[dict]]:
    contacts = (
        ReporterContact.objects.filter(user=user)
        .select_related("report__category", "report__commune", "report__agency")
        .prefetch_related(
            Prefetch("report__events", queryset=ReportEvent.objects.filter(is_public=True).order_by("at", "id"),
                     to_attr="public_events"),
            "report__photos",
        )
        .order_by("report_id")
    )
    reports = []
    for c in contacts:
        r = c.report
        reports.append({
            "number": r.number, "category": r.category.name, "title": r.title, "description": r.description,
            "address": r.address, "latitude": str(r.latitude) if r.latitude is not None else None,
            "longitude": str(r.longitude) if r.longitude is not None else None,
            "commune": r.commune.full_name if r.commune_id else None, "status": r.status,
            "status_label": str(r.get_status_display()), "received_at": _t(r.received_at),
            "result": r.result if r.status in ("published", "closed") else "",
            "satisfied": r.satisfied, "rated_at": _t(r.rated_at),
            "reporter": {"name": c.name, "phone": c.phone, "email": c.email, "client_ip": c.client_ip},
            "photos": [{"width": p.width, "height": p.height, "sha256": p.sha256, "uploaded_at": _t(p.created_at)}
                       for p in r.photos.all()],
            "timeline": [{"at": _t(e.at), "action": e.action, "status": e.to_status, "note": e.note}
                         for e in r.public_events],
        })
    confirmations = [
        {"report": m.report.number, "phone": m.phone, "client_ip": m.client_ip, "at": _t(m.created_at)}
        for m in MeToo.objects.filter(user=user).select_related("report").order_by("id")
    ]
    return reports, confirmations


def questions(user) -> list[dict]:
    qs = question_queries.mine(user).prefetch_related(
        Prefetch("events", queryset=QuestionEvent.objects.order_by("at", "id"))
    ).order_by("id")
    return [{
        "code": q.code, "topic": q.topic.name, "agency": q.agency.name, "title": q.title, "body": q.body,
        "additional_info": q.additional_info, "status": q.status, "status_label": str(q.get_status_display()),
        "answer": q.answer if q.status == "published" else "",  # drafts are the agency's, not yet an answer
        "asker": {"name": q.asker_name, "phone": q.asker_phone, "email": q.asker_email,
                  "address": q.asker_address, "client_ip": q.client_ip},
        "received_at": _t(q.received_at), "published_at": _t(q.published_at),
        "satisfied": q.satisfied, "rated_at": _t(q.rated_at),
        # as on the asker's page: no officials' names
        "history": [{"at": _t(e.at), "action": e.action, "from_status": e.from_status, "to_status": e.to_status,
                     "note": e.note} for e in q.events.all()],
    } for q in qs]


def ratings(data: dict) -> list[dict]:
    """Every rating the citizen gave, in one list (they are also under each record)."""
    out = [{"kind": "dossier", "record": d["code"], "value": d["rating"], "comment": d["rating_comment"],
            "at": d["rated_at"]} for d in data["dossiers"] if d["rating"] is not None]
    out += [{"kind": "field_report", "record": r["number"], "value": "satisfied" if r["satisfied"] else "dissatisfied",
             "at": r["rated_at"]} for r in data["field_reports"] if r["satisfied"] is not None]
    out += [{"kind": "question", "record": q["code"], "value": "satisfied" if q["satisfied"] else "dissatisfied",
             "at": q["rated_at"]} for q in data["questions"] if q["satisfied"] is not None]
    return out


def notifications(user) -> list[dict]:
    from chinhquyenso.notifications.models import Delivery

    qs = notification_queries.inbox_for(user).prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.only(
            "pk", "notification_id", "channel", "address", "status", "sent_at").order_by("id"),
            to_attr="all_deliveries")
    )
    return [{
        "event": n.event, "subject": n.subject,
        # one-time codes and the like are not worth keeping in a file on the citizen's disk
        "body": "" if n.is_sensitive else n.body, "sensitive": n.is_sensitive,
        "created_at": _t(n.created_at), "read_at": _t(n.read_at),
        "deliveries": [{"channel": d.channel, "address": d.address, "status": d.status, "sent_at": _t(d.sent_at)}
                       for d in n.all_deliveries],
    } for n in qs]


def counts(data: dict) -> dict:
    return {k: len(v) for k, v in data.items() if isinstance(v, list)}
