"""Writes of the outgoing workflow (NĐ 30/2020 Art. 10–16): drafting, review, approval, the
competent person's digital signature, numbering + organisation signature + issuing by the clerk,
distribution. The transitions themselves are workflow.TRANSITIONS."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc

from . import events, numbering, signing
from .models import (
    Attachment,
    Authority,
    DeliveryState,
    Direction,
    Document,
    DocumentType,
    FileRole,
    Recipient,
    RecipientKind,
    Secrecy,
    Status,
    Urgency,
)
from .services import (
    AUDITED,
    _begin,
    _choice,
    _event,
    _file_guard,
    _finish,
    _grant,
    _store,
    check_files,
    local_date,
    now,
    receive_incoming,
    refresh_search,
)


def _recipients(doc: Document, specs: Iterable[dict]) -> list[Recipient]:
    """specs: {"agency": Agency} for a unit or agency on the platform, or {"name", "code"} for an
    external agency reached through document exchange."""
    rows = []
    for spec in specs:
        agency = spec.get("agency")
        if isinstance(agency, Agency):
            if agency.pk == doc.agency_id:
                raise ValidationError({"recipients": "Không gửi văn bản cho chính cơ quan ban hành."})
            rows.append(Recipient(document=doc, kind=RecipientKind.INTERNAL, agency=agency, name=agency.name,
                                  code=agency.code))
        else:
            name = nfc(spec.get("name", ""))[:255]
            if not name:
                raise ValidationError({"recipients": "Nơi nhận bên ngoài cần có tên cơ quan."})
            rows.append(Recipient(document=doc, kind=RecipientKind.EXTERNAL, name=name,
                                  code=(spec.get("code") or "").strip()[:64]))
    return rows


def create_draft(*, agency: Agency, doc_type: DocumentType, subject: str, actor, drafting_unit_symbol: str = "",
                 signer_name: str = "", signer_title: str = "", authority: str = "",
                 urgency: str = Urgency.NORMAL, secrecy: str = Secrecy.NONE, recipients: Sequence[dict] = (),
                 recipients_text: str = "", copies: int = 1, files: Sequence[Any] = (),
                 attachments: Sequence[Any] = ()) -> Document:
    """A new draft (dự thảo) in `agency`. The drafter must hold a role there. Nothing is numbered
    yet: the number is given at issuance (Art. 15)."""
    from chinhquyenso.accounts.queries import visible_agencies

    from .workflow import CLERK, LEADER, SPECIALIST

    if not isinstance(agency, Agency) or not isinstance(doc_type, DocumentType):
        raise ValidationError("Thiếu cơ quan ban hành hoặc loại văn bản.")
    if actor is None or not visible_agencies(actor, [SPECIALIST, LEADER, CLERK]).filter(pk=agency.pk).exists():
        raise PermissionError("Bạn không có quyền soạn văn bản của cơ quan này.")
    subject = nfc(subject)
    if not subject:
        raise ValidationError({"subject": "Trích yếu nội dung là bắt buộc."})
    profile = numbering.issuer_profile(agency)
    # Check the symbol now so a bad drafting-unit symbol is refused at drafting, not at issuance.
    numbering.symbol_for(doc_type, profile.symbol, drafting_unit_symbol)
    if not 1 <= int(copies or 1) <= 1000:
        raise ValidationError({"copies": "Số lượng bản từ 1 đến 1000."})
    checked = check_files(files, attachments)
    with transaction.atomic(), _file_guard() as written:
        doc = Document(
            direction=Direction.OUTGOING, agency=agency, province_id=agency.province_id, doc_type=doc_type,
            status=Status.DRAFT, subject=subject, issuing_agency_name=agency.name, issuing_agency_code=agency.code,
            drafting_unit_symbol=(drafting_unit_symbol or "").strip().upper()[:20],
            signer_name=nfc(signer_name)[:150], signer_title=nfc(signer_title)[:150],
            authority=_choice(authority, Authority, "authority", "Thẩm quyền ký"),
            urgency=_choice(urgency or Urgency.NORMAL, Urgency, "urgency", "Độ khẩn"),
            secrecy=_choice(secrecy or Secrecy.NONE, Secrecy, "secrecy", "Độ mật"),
            recipients_text=nfc(recipients_text), copies=int(copies or 1), place=profile.place,
            created_by=actor,
        )
        doc.save()
        Recipient.objects.bulk_create(_recipients(doc, recipients))
        for c in checked:
            _store(doc, c, written)
        refresh_search(doc)
        doc.save(update_fields=["search_folded"])
        _grant(doc, actor, "drafter")
        _event(doc, "draft", actor)
        record("document.draft", doc, after=snapshot(doc, AUDITED), actor=actor, province_code=doc.province_code)
        return doc


@transaction.atomic
def replace_main_file(document: Document, *, actor, upload) -> Document:
    """The drafter uploads a corrected main file while the document is a draft."""
    checked = check_files([upload])[0]
    from .services import _lock

    doc = _lock(document)
    if doc.direction != Direction.OUTGOING or doc.status != Status.DRAFT:
        raise ValidationError("Chỉ thay tệp khi văn bản còn là dự thảo.")
    if doc.created_by_id != getattr(actor, "pk", None):
        raise PermissionError("Chỉ người soạn thảo được thay tệp dự thảo.")
    with _file_guard() as written:
        doc.files.filter(role=FileRole.MAIN).delete()
        _store(doc, checked, written)
        refresh_search(doc)
        doc.save(update_fields=["search_folded", "updated_at"])
        _event(doc, "replace_file", actor, from_status=doc.status, sha256=checked.sha256)
        record("document.replace_file", doc, after={"sha256": checked.sha256}, actor=actor,
               province_code=doc.province_code)
    return doc


def _forward(doc: Document, forward_to) -> None:
    if doc.is_classified and forward_to is None:
        raise ValidationError({"forward_to": "Văn bản mật phải chỉ định người nhận trình."})
    _grant(doc, forward_to, "forwarded")


@transaction.atomic
def submit(document: Document, *, actor, forward_to=None) -> Document:
    doc, t, before = _begin(document, "submit", actor)
    if not doc.files.filter(role=FileRole.MAIN).exists():
        raise ValidationError("Dự thảo cần có tệp văn bản chính (PDF) trước khi trình.")
    _forward(doc, forward_to)
    return _finish(doc, t, actor, before)


@transaction.atomic
def check(document: Document, *, actor, forward_to=None) -> Document:
    doc, t, before = _begin(document, "check", actor)
    _forward(doc, forward_to)
    return _finish(doc, t, actor, before)


@transaction.atomic
def return_(document: Document, *, actor, note: str) -> Document:
    doc, t, before = _begin(document, "return", actor)
    note = nfc(note)
    if not note:
        raise ValidationError({"note": "Cần ghi lý do trả lại."})
    return _finish(doc, t, actor, before, note=note)


@transaction.atomic
def approve(document: Document, *, actor, note: str = "") -> Document:
    doc, t, before = _begin(document, "approve", actor)
    _grant(doc, actor, "approved")
    return _finish(doc, t, actor, before, note=nfc(note))


def _replace_content(att: Attachment, pdf: bytes, written: list, signed: str) -> None:
    old = att.file.name
    att.sha256 = hashlib.sha256(pdf).hexdigest()
    att.size = len(pdf)
    att.signed = signed
    att.file.save(att.name, ContentFile(pdf), save=False)
    written.append(att)
    att.save()
    written.remove(att)  # saved: from now on the old file is the one to remove on success
    transaction.on_commit(lambda: att.file.storage.delete(old))


@transaction.atomic
def sign(document: Document, *, actor) -> Document:
    """The competent person's PAdES signature on the main file (blue signature image, name, title)."""
    doc, t, before = _begin(document, "sign", actor)
    main = doc.files.filter(role=FileRole.MAIN).first()
    if main is None:
        raise ValidationError("Văn bản chưa có tệp văn bản chính để ký.")
    with _file_guard() as written:
        with main.file.open("rb") as fh:
            pdf = fh.read()
        _replace_content(main, signing.sign_personal(pdf, user=actor), written, "personal")
        doc.signer_name = doc.signer_name or actor.full_name
        doc.signer_title = doc.signer_title or actor.title
        _grant(doc, actor, "signed")
        return _finish(doc, t, actor, before, sha256=main.sha256)


@transaction.atomic
def issue(document: Document, *, actor) -> Document:
    """The clerk numbers and dates the document (next number of the agency's register for the year,
    classified ones on their own series), applies the organisation's signature to the main file
    and to each separate attachment (with the number and symbol), and issues it."""
    doc, t, before = _begin(document, "issue", actor)
    profile = numbering.issuer_profile(doc.agency)
    today = local_date(now())
    doc.register, doc.register_number = numbering.allocate(doc.agency, today.year, Direction.OUTGOING,
                                                           confidential=doc.is_classified)
    doc.number_symbol = numbering.number_symbol(doc.register_number, doc.doc_type, profile.symbol,
                                                doc.drafting_unit_symbol)
    doc.issued_on = today
    doc.place = doc.place or profile.place
    with _file_guard() as written:
        for att in sorted(doc.files.all(), key=lambda a: a.role != FileRole.MAIN):  # main file first
            with att.file.open("rb") as fh:
                pdf = fh.read()
            if att.role == FileRole.MAIN:
                signed = signing.sign_organization(pdf, agency=doc.agency)
            else:
                signed = signing.sign_attachment(pdf, agency=doc.agency, number_symbol=doc.number_symbol)
            _replace_content(att, signed, written, "organization")
        refresh_search(doc)
        _grant(doc, actor, "issued")
        doc = _finish(doc, t, actor, before, number_symbol=doc.number_symbol)
    transaction.on_commit(lambda: events.document_issued.send(Document, document=doc))
    return doc


@transaction.atomic
def distribute(document: Document, *, actor) -> Document:
    """Send the issued document: units and agencies on the platform receive a copy in their
    incoming register (status RECEIVED, waiting for their clerk); external agencies are handed to
    the exchange app through the document_distributed event."""
    doc, t, before = _begin(document, "distribute", actor)
    recipients = list(doc.recipients.select_related("agency").select_for_update(of=("self",)))
    if not recipients:
        raise ValidationError("Văn bản chưa có nơi nhận.")
    files = list(doc.files.all())
    contents = []
    for att in files:
        with att.file.open("rb") as fh:
            contents.append((att.role, ContentFile(fh.read(), name=att.name)))
    external = []
    for rec in recipients:
        if rec.kind == RecipientKind.INTERNAL and rec.agency is not None:
            copy = receive_incoming(
                agency=rec.agency, doc_type=doc.doc_type, subject=doc.subject, issuing_agency_name=doc.agency.name,
                issuing_agency_code=doc.agency.code, number_symbol=doc.number_symbol, issued_on=doc.issued_on,
                signer_name=doc.signer_name, signer_title=doc.signer_title, authority=doc.authority,
                urgency=doc.urgency, secrecy=doc.secrecy, place=doc.place,
                external_id=f"{doc.agency.code},{doc.issued_on.isoformat()},{doc.number_symbol}",
                source={"internal_document_id": doc.pk, "from": doc.agency.code},
                files=[c for role, c in contents if role == FileRole.MAIN],
                attachments=[c for role, c in contents if role == FileRole.ATTACHMENT],
            )
            rec.delivered_document, rec.state, rec.state_at = copy, DeliveryState.RECEIVED, now()
            rec.save()
        else:
            external.append(rec)
    doc = _finish(doc, t, actor, before, recipients=[r.name for r in recipients])
    transaction.on_commit(lambda: events.document_distributed.send(Document, document=doc, recipients=external))
    return doc


def perform(document: Document, name: str, *, actor, **inputs) -> Document:
    """Dispatch a transition by name (pages and API). Unknown inputs are ignored."""
    from . import services

    handlers = {
        "register": (services.register, ("forward_to",)),
        "refuse": (services.refuse, ("note",)),
        "assign": (services.assign, ("lead_unit", "coordinating_units", "handler", "deadline_days", "deadline",
                                     "note")),
        "start": (services.start, ("note",)),
        "complete": (services.complete, ("note",)),
        "submit": (submit, ("forward_to",)),
        "check": (check, ("forward_to",)),
        "return": (return_, ("note",)),
        "approve": (approve, ("note",)),
        "sign": (sign, ()),
        "issue": (issue, ()),
        "distribute": (distribute, ()),
    }
    if name not in handlers:
        raise ValidationError("Thao tác không hợp lệ.")
    fn, allowed = handlers[name]
    kwargs = {k: v for k, v in inputs.items() if k in allowed and v not in (None, "")}
    if name == "refuse" or name == "return":
        kwargs.setdefault("note", "")
    if name == "assign":
        kwargs.setdefault("lead_unit", None)
    return fn(document, actor=actor, **kwargs)
