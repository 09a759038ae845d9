"""The seam between exchange and documents (the app below): everything exchange knows about the
documents app is in this module, so the rest of exchange works on edXML values only.

documents' contract (documents/services.py docstrings):
- `receive_incoming(...)` / `register_incoming(...)`: an electronically received document enters
  the receiving agency's register (idempotent on (agency, external_id));
- `update_recipient_state(recipient, state, note=...)`: the sender-side state of one recipient;
- events `document_distributed(document, recipients)` and `incoming_status_changed(document,
  status)` (documents/events.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chinhquyenso.core.text import fold
from chinhquyenso.documents import services as documents
from chinhquyenso.documents.models import (
    OFFICIAL_LETTER,
    DeliveryState,
    Document,
    DocumentType,
    Recipient,
    Status,
    Urgency,
)

from .edxml import Attachment, DocumentPackage, Organ, StaffInfo, names

# documents.Urgency ↔ OtherInfo/Priority (names.PRIORITY_CODES [I]).
PRIORITY_FOR_URGENCY = {Urgency.NORMAL: "0", Urgency.URGENT: "1", Urgency.VERY_URGENT: "2", Urgency.FLASH: "3"}
URGENCY_FOR_PRIORITY = {v: k for k, v in PRIORITY_FOR_URGENCY.items()} | {"4": Urgency.FLASH}

# Incoming document status (documents.Status) → the status code we report to the sender.
CODE_FOR_STATUS = {
    Status.RECEIVED: names.STATUS_RECEIVED,
    Status.REFUSED: names.STATUS_REFUSED,
    Status.REGISTERED: names.STATUS_REGISTERED,
    Status.ASSIGNED: names.STATUS_ASSIGNED,
    Status.PROCESSING: names.STATUS_PROCESSING,
    Status.DONE: names.STATUS_DONE,
}
# Status code received from a recipient → documents.DeliveryState of the sender's Recipient row.
STATE_FOR_CODE = {
    names.STATUS_RECEIVED: DeliveryState.RECEIVED,
    names.STATUS_REFUSED: DeliveryState.REFUSED,
    names.STATUS_REGISTERED: DeliveryState.REGISTERED,
    names.STATUS_ASSIGNED: DeliveryState.ASSIGNED,
    names.STATUS_PROCESSING: DeliveryState.PROCESSING,
    names.STATUS_DONE: DeliveryState.DONE,
}


def split_number_symbol(number_symbol: str) -> tuple[str, str]:
    """ "05/QĐ-UBND" → ("05", "QĐ-UBND") (NĐ 30/2020 Phụ lục II: số/ký hiệu)."""
    number, sep, notation = (number_symbol or "").partition("/")
    if not sep:
        return "", number
    return number.strip(), notation.strip()


def _read(file_field) -> bytes:
    file_field.open("rb")
    try:
        return file_field.read()
    finally:
        file_field.close()


@dataclass(frozen=True)
class Refusal:
    """Why a document cannot go out electronically (recorded on the recipient)."""

    reason: str


def package_for(document: Document, sender: Organ, recipient: Organ, staff: StaffInfo | None = None) -> DocumentPackage | Refusal:
    """The edXML content of an issued outgoing document for one recipient."""
    if document.is_classified:
        # State secrets do not travel over the public exchange axis (Luật Bảo vệ bí mật nhà nước
        # 2018 Điều 5: transmitting secrets over networks without approved encryption is banned) [I].
        return Refusal(_("Văn bản mật không được gửi qua trục liên thông; gửi theo đường bảo mật."))
    if not document.number_symbol or not document.issued_on:
        return Refusal(_("Văn bản chưa có số, ký hiệu hoặc ngày ban hành."))
    number, notation = split_number_symbol(document.number_symbol)
    files = tuple(document.files.all())
    attachments = tuple(
        Attachment(
            content_id=f"{document.pk}-{index}",
            name=f.name,
            content_type="application/pdf",
            description=f.get_role_display(),
            data=_read(f.file),
        )
        for index, f in enumerate(files, start=1)
    )
    return DocumentPackage(
        sender=sender,
        recipients=(recipient,),
        code_number=number,
        code_notation=notation,
        promulgation_place=document.place,
        promulgation_date=document.issued_on,
        subject=document.subject,
        signer_full_name=document.signer_name,
        signer_position=document.signer_title,
        signer_competence=document.authority,
        type_code=document.doc_type.code,
        type_name=document.doc_type.name,
        type_detail=document.doc_type.abbreviation,
        priority=PRIORITY_FOR_URGENCY.get(document.urgency, "0"),
        page_amount=sum(f.pages for f in files if f.role == "main") or None,
        promulgation_amount=document.copies,
        to_places=tuple(line.strip() for line in document.recipients_text.splitlines() if line.strip())[:50],
        attachments=attachments,
        staff=staff,
    )


def _doc_type(package: DocumentPackage) -> DocumentType:
    types = DocumentType.objects.filter(is_active=True)
    abbreviation = package.code_notation.split("-", 1)[0] if "-" in package.code_notation else ""
    for candidate in (
        types.filter(code=package.type_code).first() if package.type_code else None,
        types.filter(abbreviation=abbreviation).first() if abbreviation else None,
        next((t for t in types if package.type_name and fold(t.name) == fold(package.type_name)), None),
        types.filter(code=OFFICIAL_LETTER).first(),
    ):
        if candidate is not None:
            return candidate
    raise ValidationError(_("Chưa có danh mục loại văn bản để vào sổ văn bản đến."))


def _is_pdf(attachment: Attachment) -> bool:
    return attachment.data[:5] == b"%PDF-"


def register(package: DocumentPackage, *, agency, received_at: datetime.datetime, message_uuid: str) -> Document:
    """Enter a received package in `agency`'s incoming register (documents app). PDF files go to
    the document (the first as the main file); other formats stay in the stored package and are
    listed in `source`. Raises ValidationError with nothing stored."""
    pdfs = [a for a in package.attachments if _is_pdf(a)]
    others = [a.name for a in package.attachments if not _is_pdf(a)]
    source = {
        "channel": "edxml",
        "message": message_uuid,
        "document_id": package.effective_document_id(),
        "from": {"organ_id": package.sender.organ_id, "organ_name": package.sender.organ_name},
        "code": package.code,
        "promulgation_date": package.promulgation_date.isoformat(),
        "steering_type": package.steering_type,
        "due_date": package.due_date.isoformat() if package.due_date else None,
        "other_files": others,
    }
    auto = bool(getattr(settings, "EXCHANGE_AUTO_REGISTER", False))
    use_case = documents.register_incoming if auto else documents.receive_incoming
    return use_case(
        agency=agency,
        doc_type=_doc_type(package),
        subject=package.subject,
        issuing_agency_name=package.sender.organ_name or package.sender.organ_id,
        issuing_agency_code=package.sender.organ_id,
        number_symbol=package.code,
        issued_on=package.promulgation_date,
        signer_name=package.signer_full_name,
        signer_title=package.signer_position,
        authority=package.signer_competence if package.signer_competence in {"KT.", "TM.", "TL.", "TUQ.", "Q."} else "",
        urgency=URGENCY_FOR_PRIORITY.get(package.priority, Urgency.NORMAL),
        received_at=received_at,
        files=[a.data for a in pdfs[:1]],
        attachments=[a.data for a in pdfs[1:]],
        source=source,
        external_id=package.effective_document_id(),
        place=package.promulgation_place,
        recipients_text="\n".join(package.to_places),
        actor=None,
    )


def set_recipient_state(recipient_pk: int | None, state: str, note: str = "") -> None:
    if recipient_pk is None or not Recipient.objects.filter(pk=recipient_pk).exists():
        return
    documents.update_recipient_state(recipient_pk, state, note=note)


def recipient_state_for_code(code: str) -> str | None:
    return STATE_FOR_CODE.get(code)
