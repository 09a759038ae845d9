"""Every write of documents: incoming registration and processing (this module) and the outgoing
workflow (outgoing.py). One function per use case: transaction, row lock, validation against
workflow.TRANSITIONS, history row, audit entry, events on commit (ARCHITECTURE.md habit 1).

The contract for the exchange app is `register_incoming()` / `receive_incoming()` and
`update_recipient_state()`; see docs/documents.md.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from chinhquyenso.accounts.models import Role, RoleAssignment
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import fold, nfc
from chinhquyenso.workdays.deadlines import TimeUnit, due_for
from chinhquyenso.workdays.queries import load_calendar

from . import events, numbering
from .files import CheckedFile, check_pdf
from .models import (
    Attachment,
    Authority,
    DeliveryState,
    Direction,
    Document,
    DocumentAccess,
    DocumentEvent,
    DocumentType,
    Recipient,
    Secrecy,
    Status,
    Urgency,
)
from .workflow import Transition, transition

AUDITED = ["status", "register_number", "number_symbol", "lead_unit", "handler", "processing_deadline", "secrecy"]

# Incoming status → the state of the sender's Recipient row (edXML 02–06).
RECIPIENT_STATE_FOR = {
    Status.REGISTERED: DeliveryState.REGISTERED,
    Status.ASSIGNED: DeliveryState.ASSIGNED,
    Status.PROCESSING: DeliveryState.PROCESSING,
    Status.DONE: DeliveryState.DONE,
    Status.REFUSED: DeliveryState.REFUSED,
}


# --- helpers -----------------------------------------------------------------------------------


def now() -> datetime.datetime:
    return timezone.now()


def local_date(instant: datetime.datetime) -> datetime.date:
    return timezone.localtime(instant).date()


def _choice(value: str, choices, field: str, label: str) -> str:
    value = value or ""
    if value not in choices.values:
        raise ValidationError({field: f"{label} không hợp lệ."})
    return value


def may(user, document: Document, t: Transition) -> bool:
    """Whether `user` may take transition `t` on `document` (role at the agency, or at the lead
    unit for processing steps; on the access list for classified documents)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if t.direction != document.direction or document.status not in t.sources:
        return False
    places = [document.agency_id]
    if t.at_lead_unit and document.lead_unit_id:
        places.append(document.lead_unit_id)
    if not visible_agencies(user, t.roles).filter(pk__in=places).exists():
        return False
    return not document.is_classified or DocumentAccess.objects.filter(document=document, user=user).exists()


def allowed_transitions(user, document: Document) -> list[Transition]:
    from .workflow import available_from

    return [t for t in available_from(document.direction, document.status) if may(user, document, t)]


def _grant(document: Document, user, reason: str) -> None:
    if user is not None and getattr(user, "pk", None):
        DocumentAccess.objects.get_or_create(document=document, user=user, defaults={"reason": reason})


def _event(document: Document, action: str, actor, *, from_status: str = "", note: str = "", **data) -> None:
    DocumentEvent.objects.create(
        document=document, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor)[:150] if actor is not None else "Hệ thống", action=action,
        from_status=from_status, to_status=document.status, note=note, data=data, at=now(),
    )


def refresh_search(document: Document) -> None:
    texts = list(document.files.values_list("text", flat=True)) if document.pk else []
    document.search_folded = fold(" ".join([document.number_symbol, document.subject, document.issuing_agency_name,
                                            document.signer_name, *texts]))


@contextlib.contextmanager
def _file_guard():
    """Files written during a failed use case are removed: nothing half-stored survives."""
    written: list[Attachment] = []
    try:
        yield written
    except BaseException:
        for att in written:
            with contextlib.suppress(Exception):
                att.file.storage.delete(att.file.name)
        raise


def _store(document: Document, checked: CheckedFile, written: list, role: str | None = None) -> Attachment:
    att = Attachment(document=document, role=role or checked.role, name=checked.name, size=checked.size,
                     sha256=checked.sha256, pages=checked.pages, text=checked.text)
    att.file.save(checked.name, ContentFile(checked.content), save=False)
    written.append(att)
    att.save()
    return att


def check_files(files: Iterable[Any] | None, attachments: Iterable[Any] | None = None) -> list[CheckedFile]:
    """Check every upload first (main files, then attachments); the first bad one refuses all."""
    checked = [check_pdf(f, role="main") for f in (files or [])]
    checked += [check_pdf(f, role="attachment") for f in (attachments or [])]
    if len([c for c in checked if c.role == "main"]) > 1:
        raise ValidationError("Mỗi văn bản chỉ có một tệp văn bản chính; các tệp khác là phụ lục.")
    return checked


def _on_commit_status(document: Document) -> None:
    status = document.status
    transaction.on_commit(lambda: events.incoming_status_changed.send(Document, document=document, status=status))


def _update_sender_copy(document: Document) -> None:
    """An incoming copy delivered inside the platform moves its sender's Recipient row."""
    state = RECIPIENT_STATE_FOR.get(document.status)
    if state:
        Recipient.objects.filter(delivered_document=document).update(state=state, state_at=now())


def _lock(document: Document | int) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    return Document.objects.select_for_update().select_related("doc_type", "agency", "province").get(pk=pk)


def _begin(document, name: str, actor, *, system: bool = False) -> tuple[Document, Transition, dict]:
    doc = _lock(document)
    t = transition(name)
    if t.direction != doc.direction or doc.status not in t.sources:
        raise ValidationError(f"Không thể “{t.label}” khi văn bản đang ở trạng thái “{doc.get_status_display()}”.")
    if not system and not may(actor, doc, t):
        raise PermissionError(f"Bạn không có quyền “{t.label}” văn bản này.")
    return doc, t, snapshot(doc, AUDITED)


def _finish(doc: Document, t: Transition, actor, before: dict, *, note: str = "", **data) -> Document:
    from_status = doc.status
    doc.status = t.target
    doc.save()
    _event(doc, t.name, actor, from_status=from_status, note=note, **data)
    record(f"document.{t.name}", doc, before=before, after=snapshot(doc, AUDITED),
           actor=actor if getattr(actor, "pk", None) else None, province_code=doc.province_code)
    if doc.is_incoming:
        _update_sender_copy(doc)
        _on_commit_status(doc)
    return doc


# --- incoming ----------------------------------------------------------------------------------


def registration_due(agency: Agency, received_at: datetime.datetime, urgency: str) -> datetime.datetime:
    """Art. 4.2.c / Art. 22: registered the same day, at the latest the next working day; Hỏa tốc,
    Thượng khẩn, Khẩn: immediately (due at arrival)."""
    if urgency in (Urgency.URGENT, Urgency.VERY_URGENT, Urgency.FLASH):
        return received_at
    cal = load_calendar(agency.pk)
    return cal.closing_of(cal.next_working_day(local_date(received_at)))


def _new_incoming(*, agency: Agency, doc_type: DocumentType, subject: str, issuing_agency_name: str,
                  number_symbol: str, issued_on, signer_name: str, signer_title: str, authority: str,
                  urgency: str, secrecy: str, received_at, source: dict | None, external_id: str,
                  issuing_agency_code: str, is_electronic: bool, recipients_text: str, place: str,
                  actor) -> Document:
    if not isinstance(agency, Agency) or not isinstance(doc_type, DocumentType):
        raise ValidationError("Thiếu cơ quan nhận hoặc loại văn bản.")
    subject, issuer = nfc(subject), nfc(issuing_agency_name)
    if not subject:
        raise ValidationError({"subject": "Trích yếu nội dung là bắt buộc."})
    if not issuer:
        raise ValidationError({"issuing_agency_name": "Cơ quan ban hành là bắt buộc."})
    received_at = received_at or now()
    if timezone.is_naive(received_at):
        raise ValidationError({"received_at": "Thời điểm đến phải có múi giờ."})
    if received_at > now() + datetime.timedelta(minutes=5):
        raise ValidationError({"received_at": "Thời điểm đến không thể ở tương lai."})
    if issued_on and issued_on > local_date(received_at):
        raise ValidationError({"issued_on": "Ngày ban hành không thể sau ngày đến."})
    urgency = _choice(urgency or Urgency.NORMAL, Urgency, "urgency", "Độ khẩn")
    return Document(
        direction=Direction.INCOMING, agency=agency, province_id=agency.province_id, doc_type=doc_type,
        subject=subject, issuing_agency_name=issuer, issuing_agency_code=(issuing_agency_code or "").strip()[:64],
        number_symbol=nfc(number_symbol)[:60], issued_on=issued_on, signer_name=nfc(signer_name)[:150],
        signer_title=nfc(signer_title)[:150], authority=_choice(authority, Authority, "authority", "Thẩm quyền ký"),
        urgency=urgency, secrecy=_choice(secrecy or Secrecy.NONE, Secrecy, "secrecy", "Độ mật"),
        received_at=received_at, registration_due=registration_due(agency, received_at, urgency),
        source=source or {}, external_id=(external_id or "").strip()[:255], is_electronic=is_electronic,
        recipients_text=nfc(recipients_text), place=nfc(place)[:100],
        created_by=actor if getattr(actor, "pk", None) else None,
    )


def _give_incoming_number(doc: Document) -> None:
    year = local_date(doc.registered_at).year
    doc.register, doc.register_number = numbering.allocate(doc.agency, year, Direction.INCOMING,
                                                           confidential=doc.is_classified)


def _create_incoming(*, register_now: bool, files, attachments, actor, forward_to=None, **fields) -> Document:
    checked = check_files(files, attachments)
    with transaction.atomic(), _file_guard() as written:
        external_id = (fields.get("external_id") or "").strip()
        agency = fields.get("agency")
        if external_id and isinstance(agency, Agency):
            existing = Document.objects.filter(agency=agency, external_id=external_id).first()
            if existing is not None:  # the same package delivered twice: idempotent
                return existing
        doc = _new_incoming(actor=actor, **fields)
        if doc.is_classified and register_now and forward_to is None:
            raise ValidationError({"forward_to": "Văn bản mật phải chỉ định người có thẩm quyền được trình."})
        doc.status = Status.REGISTERED if register_now else Status.RECEIVED
        if register_now:
            doc.registered_at = now()
            _give_incoming_number(doc)
        doc.save()
        for c in checked:
            _store(doc, c, written)
        refresh_search(doc)
        doc.save(update_fields=["search_folded"])
        _grant(doc, actor, "registered")
        _grant(doc, forward_to, "forwarded")
        _event(doc, "register" if register_now else "receive", actor,
               note="Văn bản khẩn: vào sổ và chuyển ngay." if doc.is_urgent else "",
               forward_to=getattr(forward_to, "pk", None), source_id=doc.external_id)
        record("document.register" if register_now else "document.receive", doc, after=snapshot(doc, AUDITED),
               actor=actor if getattr(actor, "pk", None) else None, province_code=doc.province_code)
        _on_commit_status(doc)
        if doc.is_urgent:
            _notify_urgent(doc)
        return doc


def register_incoming(*, agency: Agency, doc_type: DocumentType, subject: str, issuing_agency_name: str,
                      number_symbol: str = "", issued_on: datetime.date | None = None, signer_name: str = "",
                      signer_title: str = "", authority: str = "", urgency: str = Urgency.NORMAL,
                      secrecy: str = Secrecy.NONE, received_at: datetime.datetime | None = None,
                      files: Sequence[Any] = (), attachments: Sequence[Any] = (), source: dict | None = None,
                      external_id: str = "", issuing_agency_code: str = "", is_electronic: bool = True,
                      recipients_text: str = "", place: str = "", actor=None, forward_to=None) -> Document:
    """Register an incoming document in `agency`'s register with the next số đến (Art. 22).

    Used by the clerk (paper or e-mail arrivals; `actor` is the clerk) and by the exchange app for
    documents arriving electronically (`actor=None`, `source` = the envelope metadata,
    `external_id` = the edXML DocumentId). `files` is the main PDF (at most one), `attachments`
    the separate annex PDFs; each is bytes or a Django File. A second call with the same
    (agency, external_id) returns the first document. Raises ValidationError (Vietnamese message)
    with nothing stored."""
    return _create_incoming(
        register_now=True, files=files, attachments=attachments, actor=actor, forward_to=forward_to,
        agency=agency, doc_type=doc_type, subject=subject, issuing_agency_name=issuing_agency_name,
        number_symbol=number_symbol, issued_on=issued_on, signer_name=signer_name, signer_title=signer_title,
        authority=authority, urgency=urgency, secrecy=secrecy, received_at=received_at, source=source,
        external_id=external_id, issuing_agency_code=issuing_agency_code, is_electronic=is_electronic,
        recipients_text=recipients_text, place=place,
    )


def receive_incoming(**kwargs) -> Document:
    """Like register_incoming(), but the document waits for the clerk (status RECEIVED, edXML 01):
    the clerk checks it and calls register() (03) or refuse() (02)."""
    kwargs.setdefault("files", ())
    kwargs.setdefault("attachments", ())
    kwargs.setdefault("actor", None)
    defaults = dict(number_symbol="", issued_on=None, signer_name="", signer_title="", authority="",
                    urgency=Urgency.NORMAL, secrecy=Secrecy.NONE, received_at=None, source=None, external_id="",
                    issuing_agency_code="", is_electronic=True, recipients_text="", place="")
    for key, value in defaults.items():
        kwargs.setdefault(key, value)
    return _create_incoming(register_now=False, **kwargs)


@transaction.atomic
def register(document: Document, *, actor, forward_to=None) -> Document:
    doc, t, before = _begin(document, "register", actor)
    if doc.is_classified and forward_to is None:
        raise ValidationError({"forward_to": "Văn bản mật phải chỉ định người có thẩm quyền được trình."})
    doc.registered_at = now()
    _give_incoming_number(doc)
    _grant(doc, actor, "registered")
    _grant(doc, forward_to, "forwarded")
    return _finish(doc, t, actor, before, late=doc.registered_at > doc.registration_due if doc.registration_due else False)


@transaction.atomic
def refuse(document: Document, *, actor, note: str) -> Document:
    doc, t, before = _begin(document, "refuse", actor)
    note = nfc(note)
    if not note:
        raise ValidationError({"note": "Cần nêu lý do từ chối tiếp nhận."})
    return _finish(doc, t, actor, before, note=note)


def _unit_in_scope(doc: Document, unit: Agency, label: str) -> None:
    """Lead and co-ordinating units are the agency itself or units under it (same province)."""
    if unit.pk != doc.agency_id and not unit.path.startswith(doc.agency.path):
        raise ValidationError({label: f"“{unit}” không thuộc {doc.agency}."})


@transaction.atomic
def assign(document: Document, *, actor, lead_unit: Agency, coordinating_units: Iterable[Agency] = (),
           handler=None, deadline_days: int | None = None, deadline: datetime.date | None = None,
           note: str = "") -> Document:
    """The leader's direction on the processing slip (phiếu giải quyết văn bản đến, Phụ lục IV):
    lead unit, co-ordinating units, the person in charge and the deadline, from the working-day
    calendar (`deadline_days` working days from now) or a given date (close of office that day)."""
    doc, t, before = _begin(document, "assign", actor)
    if not isinstance(lead_unit, Agency):
        raise ValidationError({"lead_unit": "Cần chọn đơn vị chủ trì."})
    _unit_in_scope(doc, lead_unit, "lead_unit")
    units = [u for u in coordinating_units if u.pk != lead_unit.pk]
    for unit in units:
        _unit_in_scope(doc, unit, "coordinating_units")
    cal = load_calendar(doc.agency_id)
    if deadline_days is not None:
        if not 0 < int(deadline_days) <= 365:
            raise ValidationError({"deadline_days": "Số ngày làm việc phải từ 1 đến 365."})
        doc.processing_deadline = due_for(cal, now(), int(deadline_days), TimeUnit.WORKING_DAYS, cutoff=None).due
    elif deadline is not None:
        if deadline < local_date(now()):
            raise ValidationError({"deadline": "Hạn xử lý không thể ở quá khứ."})
        doc.processing_deadline = cal.closing_of(cal.next_working_day(deadline, include_today=True))
    if handler is not None and not RoleAssignment.objects.active().filter(
        user=handler, agency__in=Agency.objects.filter(pk__in=[lead_unit.pk, doc.agency_id])
    ).exists() and not visible_agencies(handler).filter(pk=lead_unit.pk).exists():
        raise ValidationError({"handler": "Người xử lý phải là cán bộ của đơn vị chủ trì."})
    doc.lead_unit = lead_unit
    doc.handler = handler
    doc.save()
    doc.coordinating_units.set(units)
    _grant(doc, actor, "assigned_by")
    _grant(doc, handler, "handler")
    doc = _finish(doc, t, actor, before, note=nfc(note), lead_unit=lead_unit.pk, lead_unit_name=lead_unit.name,
                  coordinating_units=[u.name for u in units], handler=getattr(handler, "pk", None),
                  handler_name=str(handler) if handler else "",
                  deadline=doc.processing_deadline.isoformat() if doc.processing_deadline else None)
    _notify_assigned(doc)
    return doc


@transaction.atomic
def start(document: Document, *, actor, note: str = "") -> Document:
    doc, t, before = _begin(document, "start", actor)
    return _finish(doc, t, actor, before, note=nfc(note))


@transaction.atomic
def complete(document: Document, *, actor, note: str = "") -> Document:
    doc, t, before = _begin(document, "complete", actor)
    doc.completed_at = now()
    return _finish(doc, t, actor, before, note=nfc(note),
                   overdue=bool(doc.processing_deadline and doc.completed_at > doc.processing_deadline))


@transaction.atomic
def add_opinion(document: Document, *, actor, note: str) -> Document:
    """An opinion written on the processing slip by someone working on the document."""
    doc = _lock(document)
    from .queries import visible_documents

    if not visible_documents(actor).filter(pk=doc.pk).exists():
        raise PermissionError("Bạn không có quyền ghi ý kiến vào văn bản này.")
    note = nfc(note)
    if not note or len(note) > 4000:
        raise ValidationError({"note": "Ý kiến không được để trống và tối đa 4000 ký tự."})
    _event(doc, "opinion", actor, from_status=doc.status, note=note)
    record("document.opinion", doc, after={"note": note}, actor=actor, province_code=doc.province_code)
    return doc


# --- reminders ---------------------------------------------------------------------------------


def _people_of(units: Iterable[int], roles: Iterable[str]) -> list:
    from chinhquyenso.accounts.models import User

    return list(User.objects.filter(Exists(RoleAssignment.objects.active().filter(
        user=OuterRef("pk"), agency_id__in=list(units), role__in=list(roles))), is_active=True))


def _notify(event: str, users: Iterable, doc: Document, key: str, **context) -> None:
    from chinhquyenso.notifications.services import notify

    ctx = {"number_symbol": doc.number_symbol, "subject": doc.subject[:200],
           "incoming_number": doc.register_number_display, "document_id": doc.pk,
           "path": f"/van-ban/{doc.pk}/", "urgency": doc.get_urgency_display(), **context}
    for user in users:
        if doc.is_classified and not DocumentAccess.objects.filter(document=doc, user=user).exists():
            continue  # classified documents are announced only to people on their access list
        notify(event, user, ctx, dedupe_key=f"{key}:{user.pk}", province_code=doc.province_code)


def _notify_urgent(doc: Document) -> None:
    users = _people_of([doc.agency_id], [Role.LEADER, Role.DOCUMENT_CLERK])
    _notify("documents.urgent_received", users, doc, f"documents.urgent:{doc.pk}")


def _notify_assigned(doc: Document) -> None:
    users = [doc.handler] if doc.handler else _people_of([doc.lead_unit_id], [Role.LEADER, Role.SPECIALIST])
    deadline = timezone.localtime(doc.processing_deadline).strftime("%d/%m/%Y %H:%M") if doc.processing_deadline else ""
    _notify("documents.assigned", users, doc, f"documents.assigned:{doc.pk}:{doc.events.count()}", deadline=deadline)


def send_reminders(*, at: datetime.datetime | None = None, soon_days: int = 1) -> dict[str, int]:
    """Sweep (command `documents_remind`, task tasks.remind): incoming documents being processed
    whose deadline is within `soon_days` working days or past, and documents received but not
    registered past their registration due. One notification per document, person and day."""
    at = at or now()
    cal = load_calendar()
    day = local_date(at)
    horizon = cal.closing_of(cal.add_working_days(day, soon_days)) if soon_days else at
    counts = {"due_soon": 0, "overdue": 0, "unregistered": 0}
    open_docs = Document.objects.filter(direction=Direction.INCOMING, status__in=[Status.ASSIGNED, Status.PROCESSING],
                                        processing_deadline__isnull=False, processing_deadline__lte=horizon)
    for doc in open_docs.select_related("handler").iterator(chunk_size=500):
        kind = "overdue" if doc.processing_deadline < at else "due_soon"
        users = [doc.handler] if doc.handler else _people_of([doc.lead_unit_id], [Role.LEADER, Role.SPECIALIST])
        deadline = timezone.localtime(doc.processing_deadline).strftime("%d/%m/%Y %H:%M")
        with transaction.atomic():
            _notify(f"documents.{kind}", users, doc, f"documents.{kind}:{doc.pk}:{day.isoformat()}", deadline=deadline)
        counts[kind] += 1
    waiting = Document.objects.filter(direction=Direction.INCOMING, status=Status.RECEIVED, registration_due__lt=at)
    for doc in waiting.iterator(chunk_size=500):
        with transaction.atomic():
            _notify("documents.unregistered", _people_of([doc.agency_id], [Role.DOCUMENT_CLERK]), doc,
                    f"documents.unregistered:{doc.pk}:{day.isoformat()}")
        counts["unregistered"] += 1
    return counts


# --- exchange contract: recipient states ---------------------------------------------------------


@transaction.atomic
def update_recipient_state(recipient: Recipient | int, state: str, *, note: str = "",
                           at: datetime.datetime | None = None) -> Recipient:
    """Record a sending/receiving/processing state of one recipient of an outgoing document
    (called by exchange on transport results and on edXML status messages 01–06)."""
    pk = recipient.pk if isinstance(recipient, Recipient) else recipient
    rec = Recipient.objects.select_for_update().select_related("document").get(pk=pk)
    state = _choice(state, DeliveryState, "state", "Trạng thái nơi nhận")
    before = {"state": rec.state}
    rec.state, rec.state_at, rec.note = state, at or now(), nfc(note)[:500]
    rec.save()
    _event(rec.document, "recipient_state", None, from_status=rec.document.status, note=rec.note,
           recipient=rec.name, state=state)
    record("document.recipient_state", rec.document, before=before, after={"state": state, "recipient": rec.name},
           province_code=rec.document.province_code)
    return rec
