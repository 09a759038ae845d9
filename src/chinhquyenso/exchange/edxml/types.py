"""The content of an edXML package as plain, immutable Python values: the builder writes them, the
parser returns them, and nothing here touches the database."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from . import names


@dataclass(frozen=True)
class Organ:
    """From/To of a package (QCVN 102: OrganId ≤ 13 characters plus contact details)."""

    organ_id: str
    organ_name: str
    organization_in_charge: str = ""
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    mobile: str = ""
    email: str = ""


@dataclass(frozen=True)
class Attachment:
    content_id: str
    name: str
    content_type: str
    data: bytes = field(repr=False)
    description: str = ""


@dataclass(frozen=True)
class DocumentPackage:
    """An official document sent to other organs (văn bản điện tử liên thông)."""

    sender: Organ
    recipients: tuple[Organ, ...]
    code_number: str  # "05" — the number as printed, leading zero kept
    code_notation: str  # "QĐ-UBND"
    promulgation_place: str
    promulgation_date: datetime.date
    subject: str
    signer_full_name: str
    signer_position: str = ""
    signer_competence: str = ""  # KT., TM., TL., TUQ., Q. (NĐ 30/2020) or empty
    type_code: str = ""
    type_name: str = ""
    type_detail: str = ""
    content: str = ""
    due_date: datetime.date | None = None
    steering_type: str = "0"
    priority: str = "0"
    to_places: tuple[str, ...] = ()
    promulgation_amount: int | None = None
    page_amount: int | None = None
    appendixes: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    business_doc_type: str = "0"
    business_doc_reason: str = ""
    staff: StaffInfo | None = None
    timestamp: datetime.datetime | None = None
    document_id: str = ""

    @property
    def code(self) -> str:
        """Number and symbol as NĐ 30/2020 prints them: "05/QĐ-UBND"."""
        return f"{self.code_number}/{self.code_notation}" if self.code_number else self.code_notation

    def effective_document_id(self) -> str:
        if self.document_id:
            return self.document_id
        return make_document_id(self.sender.organ_id, self.promulgation_date, self.code)


@dataclass(frozen=True)
class StatusPackage:
    """A status message about a document (01 received … 06 done, 02 refused, 13/15/16 recall)."""

    sender: Organ  # who reports the status
    response_for_organ_id: str  # the organ the status goes to (the document's sender, or for 13 its recipient)
    response_for_document_id: str
    response_for_code: str
    response_for_promulgation_date: datetime.date | None
    status_code: str
    description: str = ""
    timestamp: datetime.datetime | None = None
    staff: StaffInfo | None = None


def make_document_id(organ_id: str, promulgation_date: datetime.date, code: str) -> str:
    return f"{organ_id},{promulgation_date.strftime(names.DOCUMENT_ID_DATE_FORMAT)},{code}"
