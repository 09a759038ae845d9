"""Write edXML packages with lxml (never string concatenation: escaping is lxml's job)."""

from __future__ import annotations

import base64
import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from lxml import etree

from . import names
from .types import DocumentPackage, Organ, StaffInfo, StatusPackage

NSMAP = {None: names.NS, names.PREFIX: names.NS, "xlink": names.XLINK_NS}


def _q(tag: str) -> str:
    return f"{{{names.NS}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _q(tag))
    if text is not None:
        element.text = text
    return element


def _date(value: datetime.date | None) -> str:
    return value.strftime(names.DATE_FORMAT) if value else ""


def _timestamp(value: datetime.datetime | None) -> str:
    value = value or timezone.now()
    if timezone.is_aware(value):
        value = value.astimezone(ZoneInfo(names.TIME_ZONE))
    return value.strftime(names.TIMESTAMP_FORMAT)


def _organ(parent: etree._Element, tag: str, organ: Organ) -> None:
    element = _sub(parent, tag)
    _sub(element, "OrganId", organ.organ_id)
    _sub(element, "OrganizationInCharge", organ.organization_in_charge or organ.organ_name)
    _sub(element, "OrganName", organ.organ_name)
    _sub(element, "OrganAdd", organ.address)
    _sub(element, "Email", organ.email)
    _sub(element, "Telephone", organ.telephone)
    _sub(element, "Fax", organ.fax)
    _sub(element, "Website", organ.website)


def _staff(parent: etree._Element, staff: StaffInfo | None) -> None:
    staff = staff or StaffInfo()
    element = _sub(parent, "StaffInfo")
    _sub(element, "Department", staff.department)
    _sub(element, "Staff", staff.staff)
    _sub(element, "Mobile", staff.mobile)
    _sub(element, "Email", staff.email)


def _check_organ(organ: Organ) -> None:
    if not organ.organ_id or len(organ.organ_id) > names.ORGAN_ID_MAX:
        raise ValueError(f"OrganId {organ.organ_id!r} must be 1–{names.ORGAN_ID_MAX} characters (QCVN 102:2016)")


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_document(package: DocumentPackage) -> bytes:
    """The edXML bytes of an official document with its attachments (base64, content ids)."""
    _check_organ(package.sender)
    if not package.recipients:
        raise ValueError("a document package needs at least one recipient (To)")
    for organ in package.recipients:
        _check_organ(organ)
    root = etree.Element(_q("edXML"), nsmap=NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    message = _sub(header, "MessageHeader")
    _organ(message, "From", package.sender)
    for organ in package.recipients:
        _organ(message, "To", organ)
    code = _sub(message, "Code")
    _sub(code, "CodeNumber", package.code_number)
    _sub(code, "CodeNotation", package.code_notation)
    promulgation = _sub(message, "PromulgationInfo")
    _sub(promulgation, "Place", package.promulgation_place)
    _sub(promulgation, "PromulgationDate", _date(package.promulgation_date))
    doc_type = _sub(message, "DocumentType")
    _sub(doc_type, "Type", package.type_code)
    _sub(doc_type, "TypeDetail", package.type_detail)
    _sub(doc_type, "TypeName", package.type_name)
    _sub(message, "Subject", package.subject)
    _sub(message, "Content", package.content)
    signer = _sub(message, "SignerInfo")
    _sub(signer, "Competence", package.signer_competence)
    _sub(signer, "Position", package.signer_position)
    _sub(signer, "FullName", package.signer_full_name)
    _sub(message, "DueDate", _date(package.due_date))
    places = _sub(message, "ToPlaces")
    for place in package.to_places:
        _sub(places, "Place", place)
    other = _sub(message, "OtherInfo")
    _sub(other, "Priority", package.priority)
    _sub(other, "PromulgationAmount", "" if package.promulgation_amount is None else str(package.promulgation_amount))
    _sub(other, "PageAmount", "" if package.page_amount is None else str(package.page_amount))
    appendixes = _sub(other, "Appendixes")
    for appendix in package.appendixes:
        _sub(appendixes, "Appendix", appendix)
    _sub(message, "SteeringType", package.steering_type)
    _sub(message, "DocumentId", package.effective_document_id())
    trace_list = _sub(header, "TraceHeaderList")
    trace = _sub(trace_list, "TraceHeader")
    _sub(trace, "OrganId", package.sender.organ_id)
    _sub(trace, "Timestamp", _timestamp(package.timestamp))
    business = _sub(trace_list, "Bussiness")  # sic: the standard's spelling
    _sub(business, "BussinessDocType", package.business_doc_type)
    _sub(business, "BussinessDocReason", package.business_doc_reason)
    _staff(business, package.staff)
    body = _sub(envelope, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    manifest.set("version", "1.0")
    seen: set[str] = set()
    for attachment in package.attachments:
        if not attachment.content_id or attachment.content_id in seen:
            raise ValueError(f"attachment content ids must be unique and non-empty: {attachment.content_id!r}")
        seen.add(attachment.content_id)
        reference = _sub(manifest, "Reference")
        reference.set(f"{{{names.XLINK_NS}}}href", f"cid:{attachment.content_id}")
        reference.set(f"{{{names.XLINK_NS}}}type", "simple")
        _sub(reference, "ContentId", attachment.content_id)
        _sub(reference, "ContentType", attachment.content_type)
        _sub(reference, "Description", attachment.description)
        _sub(reference, "AttachmentName", attachment.name)
    if package.attachments:
        encoded = _sub(root, "AttachmentEncoded")
        for attachment in package.attachments:
            item = _sub(encoded, "Attachment")
            _sub(item, "ContentType", attachment.content_type)
            _sub(item, "ContentId", attachment.content_id)
            _sub(item, "Description", attachment.description)
            _sub(item, "AttachmentName", attachment.name)
            _sub(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
    return _serialize(root)


def build_status(package: StatusPackage) -> bytes:
    """The edXML bytes of a status message."""
    _check_organ(package.sender)
    if package.status_code not in names.STATUS_CODES:
        raise ValueError(f"unknown status code {package.status_code!r}")
    root = etree.Element(_q("edXML"), nsmap=NSMAP)
    envelope = _sub(root, "edXMLEnvelope")
    header = _sub(envelope, "edXMLHeader")
    status = _sub(header, "Status")
    response_for = _sub(status, "ResponseFor")
    _sub(response_for, "OrganId", package.response_for_organ_id)
    _sub(response_for, "Code", package.response_for_code)
    _sub(response_for, "PromulgationDate", _date(package.response_for_promulgation_date))
    _sub(response_for, "DocumentId", package.response_for_document_id)
    _organ(status, "From", package.sender)
    _sub(status, "StatusCode", package.status_code)
    _sub(status, "Description", package.description)
    _sub(status, "Timestamp", _timestamp(package.timestamp))
    _staff(status, package.staff)
    _sub(envelope, "edXMLBody")
    return _serialize(root)
