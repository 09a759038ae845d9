"""Read edXML packages strictly, with a hardened lxml parser.

Anything that arrives from the network is hostile until proven otherwise:
- the size is checked before parsing (settings.EXCHANGE_MAX_PACKAGE_BYTES);
- the parser resolves no entities, loads no DTD, never touches the network and keeps lxml's
  huge-tree protections on; a document with a DOCTYPE at all is refused (no entity games: billion
  laughs, external entities);
- every required element is checked and ALL problems are reported together, in Vietnamese, so a
  clerk (or the sender's administrator) can fix the package in one go;
- attachments must decode as base64 and match the manifest by content id.

Namespaces: elements in the QCVN 102 namespace or in no namespace are accepted (implementations
disagree on whether AttachmentEncoded is qualified); any other namespace is an error."""

from __future__ import annotations

import base64
import binascii
import datetime
import posixpath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

from chinhquyenso.core.text import is_digits, nfc

from . import names
from .types import Attachment, DocumentPackage, Organ, StaffInfo, StatusPackage

MAX_TEXT = 4000  # no header field we store is longer; more is a broken or hostile package


class PackageError(ValueError):
    """The package cannot be accepted; `errors` lists every problem found, in Vietnamese."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("; ".join(self.errors))


def max_package_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_PACKAGE_BYTES", names.DEFAULT_MAX_PACKAGE_BYTES))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        remove_comments=True,
        collect_ids=False,
    )


def load_xml(raw: bytes) -> etree._Element:
    """Parse bytes into the root element, or raise PackageError."""
    if not isinstance(raw, (bytes, bytearray)):
        raise PackageError(_("Gói tin phải là dữ liệu nhị phân (bytes)."))
    limit = max_package_bytes()
    if len(raw) > limit:
        raise PackageError(
            _("Gói tin quá lớn: %(size)s byte, tối đa %(limit)s byte.") % {"size": len(raw), "limit": limit}
        )
    if not raw.strip():
        raise PackageError(_("Gói tin rỗng."))
    try:
        tree = etree.fromstring(bytes(raw), parser=_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise PackageError(_("Gói tin không phải XML hợp lệ: %(error)s") % {"error": exc.msg}) from exc
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise PackageError(_("Gói tin không được chứa khai báo DOCTYPE/ENTITY."))
    return tree.getroot()


class _Reader:
    """Walks the tree by local names and collects errors instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    @staticmethod
    def _name(element: etree._Element) -> tuple[str | None, str]:
        if not isinstance(element.tag, str):
            return None, ""
        qname = etree.QName(element)
        return qname.namespace, qname.localname

    def children(self, element: etree._Element | None, tag: str) -> list[etree._Element]:
        if element is None:
            return []
        found = []
        for child in element:
            namespace, local = self._name(child)
            if local == tag:
                if namespace not in (names.NS, None):
                    self.errors.append(
                        _("Phần tử %(tag)s dùng không gian tên lạ: %(ns)s.") % {"tag": tag, "ns": namespace}
                    )
                    continue
                found.append(child)
        return found

    def child(self, element: etree._Element | None, tag: str, path: str, *, required: bool = True):
        found = self.children(element, tag)
        if not found:
            if required and element is not None:
                self.errors.append(_("Thiếu phần tử bắt buộc %(path)s.") % {"path": path})
            return None
        if len(found) > 1:
            self.errors.append(_("Phần tử %(path)s xuất hiện nhiều lần.") % {"path": path})
        return found[0]

    def text(self, element: etree._Element | None, tag: str, path: str, *, required: bool = False, max_len: int = MAX_TEXT) -> str:
        found = self.child(element, tag, path, required=required)
        if found is None:
            return ""
        if len(found):
            self.errors.append(_("Phần tử %(path)s chỉ được chứa văn bản.") % {"path": path})
            return ""
        value = nfc((found.text or "").strip())
        if required and not value:
            self.errors.append(_("Phần tử %(path)s không được để trống.") % {"path": path})
        if len(value) > max_len:
            self.errors.append(_("Phần tử %(path)s dài quá %(n)s ký tự.") % {"path": path, "n": max_len})
            value = value[:max_len]
        return value

    def date(self, element, tag: str, path: str, *, required: bool = False) -> datetime.date | None:
        value = self.text(element, tag, path, required=required)
        if not value:
            return None
        for fmt in names.DATE_INPUT_FORMATS:
            try:
                return datetime.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        self.errors.append(_("Ngày %(path)s không hợp lệ: «%(value)s».") % {"path": path, "value": value[:40]})
        return None

    def timestamp(self, element, tag: str, path: str) -> datetime.datetime | None:
        value = self.text(element, tag, path)
        if not value:
            return None
        try:
            parsed = datetime.datetime.fromisoformat(value)
        except ValueError:
            parsed = None
            for fmt in names.TIMESTAMP_INPUT_FORMATS:
                try:
                    parsed = datetime.datetime.strptime(value, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            self.errors.append(_("Thời điểm %(path)s không hợp lệ: «%(value)s».") % {"path": path, "value": value[:40]})
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=ZoneInfo(names.TIME_ZONE))
        return parsed

    def integer(self, element, tag: str, path: str) -> int | None:
        value = self.text(element, tag, path)
        if not value:
            return None
        if not is_digits(value) or len(value) > 9:
            self.errors.append(_("Phần tử %(path)s phải là số nguyên không âm.") % {"path": path})
            return None
        return int(value)

    def organ(self, element, path: str) -> Organ:
        organ_id = self.text(element, "OrganId", f"{path}/OrganId", required=True)
        if len(organ_id) > names.ORGAN_ID_MAX:
            self.errors.append(
                _("Mã cơ quan %(path)s/OrganId dài quá %(n)s ký tự (QCVN 102:2016).")
                % {"path": path, "n": names.ORGAN_ID_MAX}
            )
        return Organ(
            organ_id=organ_id,
            organ_name=self.text(element, "OrganName", f"{path}/OrganName"),
            organization_in_charge=self.text(element, "OrganizationInCharge", f"{path}/OrganizationInCharge"),
            address=self.text(element, "OrganAdd", f"{path}/OrganAdd"),
            email=self.text(element, "Email", f"{path}/Email"),
            telephone=self.text(element, "Telephone", f"{path}/Telephone"),
            fax=self.text(element, "Fax", f"{path}/Fax"),
            website=self.text(element, "Website", f"{path}/Website"),
        )

    def staff(self, element, path: str) -> StaffInfo | None:
        found = self.child(element, "StaffInfo", path, required=False)
        if found is None:
            return None
        return StaffInfo(
            department=self.text(found, "Department", f"{path}/Department"),
            staff=self.text(found, "Staff", f"{path}/Staff"),
            mobile=self.text(found, "Mobile", f"{path}/Mobile"),
            email=self.text(found, "Email", f"{path}/Email"),
        )

    def code(self, value: str, table: dict, path: str, default: str) -> str:
        value = value or default
        if value not in table:
            self.errors.append(_("Giá trị %(path)s không hợp lệ: «%(value)s».") % {"path": path, "value": value[:20]})
        return value


def _strip_cid(value: str) -> str:
    return value[4:] if value.lower().startswith("cid:") else value


def _safe_name(name: str) -> str:
    # A file name from outside must never become a path.
    name = posixpath.basename(name.replace("\\", "/")).strip()
    return "" if name in ("", ".", "..") else name


def _attachments(reader: _Reader, root, envelope) -> tuple[Attachment, ...]:
    body = reader.child(envelope, "edXMLBody", "edXMLEnvelope/edXMLBody", required=False)
    manifest = reader.child(body, "edXMLManifest", "edXMLBody/edXMLManifest", required=False)
    references = {}
    for index, reference in enumerate(reader.children(manifest, "Reference"), start=1):
        path = f"edXMLManifest/Reference[{index}]"
        content_id = _strip_cid(reader.text(reference, "ContentId", f"{path}/ContentId", required=True))
        if content_id in references:
            reader.errors.append(_("Mã tệp (ContentId) «%(cid)s» bị trùng trong danh mục.") % {"cid": content_id[:64]})
        references[content_id] = {
            "name": reader.text(reference, "AttachmentName", f"{path}/AttachmentName"),
            "content_type": reader.text(reference, "ContentType", f"{path}/ContentType"),
            "description": reader.text(reference, "Description", f"{path}/Description"),
        }
    encoded = reader.children(root, "AttachmentEncoded")
    if len(encoded) > 1:
        reader.errors.append(_("Phần tử AttachmentEncoded xuất hiện nhiều lần."))
    items = reader.children(encoded[0], "Attachment") if encoded else []
    limit = int(getattr(settings, "EXCHANGE_MAX_ATTACHMENTS", names.DEFAULT_MAX_ATTACHMENTS))
    if len(items) > limit:
        reader.errors.append(_("Gói tin có %(n)s tệp đính kèm, tối đa %(limit)s.") % {"n": len(items), "limit": limit})
        return ()
    result: list[Attachment] = []
    seen: set[str] = set()
    for index, item in enumerate(items, start=1):
        path = f"AttachmentEncoded/Attachment[{index}]"
        content_id = _strip_cid(reader.text(item, "ContentId", f"{path}/ContentId", required=True))
        meta = references.get(content_id)
        if references and meta is None and content_id:
            reader.errors.append(
                _("Tệp đính kèm «%(cid)s» không có trong danh mục edXMLManifest.") % {"cid": content_id[:64]}
            )
        if content_id in seen:
            reader.errors.append(_("Mã tệp (ContentId) «%(cid)s» bị trùng.") % {"cid": content_id[:64]})
        seen.add(content_id)
        meta = meta or {}
        name = _safe_name(meta.get("name") or reader.text(item, "AttachmentName", f"{path}/AttachmentName"))
        if not name:
            reader.errors.append(_("Tệp đính kèm %(path)s thiếu tên tệp (AttachmentName).") % {"path": path})
        data_element = reader.child(item, "ContentTransferEncoded", f"{path}/ContentTransferEncoded")
        raw = "".join((data_element.text or "").split()) if data_element is not None else ""
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            reader.errors.append(
                _("Tệp đính kèm «%(name)s»: nội dung base64 không hợp lệ.") % {"name": name or content_id[:64]}
            )
            continue
        if data_element is not None and not data:
            reader.errors.append(_("Tệp đính kèm «%(name)s» rỗng.") % {"name": name or content_id[:64]})
        result.append(
            Attachment(
                content_id=content_id,
                name=name,
                content_type=meta.get("content_type")
                or reader.text(item, "ContentType", f"{path}/ContentType")
                or "application/octet-stream",
                description=meta.get("description") or reader.text(item, "Description", f"{path}/Description"),
                data=data,
            )
        )
    missing = set(references) - seen
    for content_id in sorted(missing):
        reader.errors.append(
            _("Danh mục có tệp «%(cid)s» nhưng gói tin không chứa nội dung tệp đó.") % {"cid": content_id[:64]}
        )
    return tuple(result)


def _document(reader: _Reader, root, envelope, header, message) -> DocumentPackage:
    sender = reader.organ(reader.child(message, "From", "MessageHeader/From"), "From")
    to_elements = reader.children(message, "To")
    if not to_elements:
        reader.errors.append(_("Thiếu phần tử bắt buộc %(path)s.") % {"path": "MessageHeader/To"})
    recipients = tuple(reader.organ(element, f"To[{i}]") for i, element in enumerate(to_elements, start=1))
    code = reader.child(message, "Code", "MessageHeader/Code")
    promulgation = reader.child(message, "PromulgationInfo", "MessageHeader/PromulgationInfo")
    doc_type = reader.child(message, "DocumentType", "MessageHeader/DocumentType", required=False)
    signer = reader.child(message, "SignerInfo", "MessageHeader/SignerInfo")
    places = reader.child(message, "ToPlaces", "MessageHeader/ToPlaces", required=False)
    other = reader.child(message, "OtherInfo", "MessageHeader/OtherInfo", required=False)
    appendixes = reader.child(other, "Appendixes", "OtherInfo/Appendixes", required=False)
    trace_list = reader.child(header, "TraceHeaderList", "edXMLHeader/TraceHeaderList", required=False)
    trace = reader.child(trace_list, "TraceHeader", "TraceHeaderList/TraceHeader", required=False)
    business = reader.child(trace_list, "Bussiness", "TraceHeaderList/Bussiness", required=False)
    package = DocumentPackage(
        sender=sender,
        recipients=recipients,
        code_number=reader.text(code, "CodeNumber", "Code/CodeNumber", max_len=20),
        code_notation=reader.text(code, "CodeNotation", "Code/CodeNotation", required=True, max_len=100),
        promulgation_place=reader.text(promulgation, "Place", "PromulgationInfo/Place", max_len=255),
        promulgation_date=reader.date(promulgation, "PromulgationDate", "PromulgationInfo/PromulgationDate", required=True),
        type_code=reader.text(doc_type, "Type", "DocumentType/Type", max_len=20),
        type_detail=reader.text(doc_type, "TypeDetail", "DocumentType/TypeDetail", max_len=20),
        type_name=reader.text(doc_type, "TypeName", "DocumentType/TypeName", max_len=100),
        subject=reader.text(message, "Subject", "MessageHeader/Subject", required=True),
        content=reader.text(message, "Content", "MessageHeader/Content"),
        signer_competence=reader.text(signer, "Competence", "SignerInfo/Competence", max_len=50),
        signer_position=reader.text(signer, "Position", "SignerInfo/Position", max_len=255),
        signer_full_name=reader.text(signer, "FullName", "SignerInfo/FullName", required=True, max_len=255),
        due_date=reader.date(message, "DueDate", "MessageHeader/DueDate"),
        steering_type=reader.code(
            reader.text(message, "SteeringType", "MessageHeader/SteeringType"), names.STEERING_TYPES, "SteeringType", "0"
        ),
        priority=reader.code(reader.text(other, "Priority", "OtherInfo/Priority"), names.PRIORITY_CODES, "Priority", "0"),
        to_places=tuple(
            nfc((p.text or "").strip())[:MAX_TEXT] for p in reader.children(places, "Place") if (p.text or "").strip()
        ),
        promulgation_amount=reader.integer(other, "PromulgationAmount", "OtherInfo/PromulgationAmount"),
        page_amount=reader.integer(other, "PageAmount", "OtherInfo/PageAmount"),
        appendixes=tuple(
            nfc((a.text or "").strip())[:MAX_TEXT] for a in reader.children(appendixes, "Appendix") if (a.text or "").strip()
        ),
        business_doc_type=reader.code(
            reader.text(business, "BussinessDocType", "Bussiness/BussinessDocType"), names.BUSINESS_DOC_TYPES, "BussinessDocType", "0"
        ),
        business_doc_reason=reader.text(business, "BussinessDocReason", "Bussiness/BussinessDocReason"),
        staff=reader.staff(business, "Bussiness/StaffInfo") if business is not None else None,
        timestamp=reader.timestamp(trace, "Timestamp", "TraceHeader/Timestamp"),
        document_id=reader.text(message, "DocumentId", "MessageHeader/DocumentId", required=True, max_len=255),
        attachments=_attachments(reader, root, envelope),
    )
    return package


def _status(reader: _Reader, status) -> StatusPackage:
    response_for = reader.child(status, "ResponseFor", "Status/ResponseFor")
    code = reader.text(status, "StatusCode", "Status/StatusCode", required=True, max_len=4)
    if code and code not in names.STATUS_CODES:
        reader.errors.append(_("Mã trạng thái không hợp lệ: «%(code)s».") % {"code": code})
    return StatusPackage(
        sender=reader.organ(reader.child(status, "From", "Status/From"), "From"),
        response_for_organ_id=reader.text(response_for, "OrganId", "ResponseFor/OrganId", required=True, max_len=names.ORGAN_ID_MAX),
        response_for_document_id=reader.text(response_for, "DocumentId", "ResponseFor/DocumentId", required=True, max_len=255),
        response_for_code=reader.text(response_for, "Code", "ResponseFor/Code", max_len=120),
        response_for_promulgation_date=reader.date(response_for, "PromulgationDate", "ResponseFor/PromulgationDate"),
        status_code=code,
        description=reader.text(status, "Description", "Status/Description"),
        timestamp=reader.timestamp(status, "Timestamp", "Status/Timestamp"),
        staff=reader.staff(status, "Status/StaffInfo"),
    )


def parse_package(raw: bytes) -> DocumentPackage | StatusPackage:
    """Parse an edXML package (document or status message); raise PackageError listing every
    problem otherwise."""
    root = load_xml(raw)
    reader = _Reader()
    namespace, local = reader._name(root)
    if local != "edXML" or namespace not in (names.NS, None):
        raise PackageError(_("Phần tử gốc phải là edXML (QCVN 102:2016), nhận được «%(tag)s».") % {"tag": local[:40]})
    envelope = reader.child(root, "edXMLEnvelope", "edXML/edXMLEnvelope")
    header = reader.child(envelope, "edXMLHeader", "edXMLEnvelope/edXMLHeader")
    if reader.errors:
        raise PackageError(reader.errors)
    message = reader.child(header, "MessageHeader", "edXMLHeader/MessageHeader", required=False)
    status = reader.child(header, "Status", "edXMLHeader/Status", required=False)
    if message is not None and status is not None:
        raise PackageError(_("Gói tin không được vừa là văn bản vừa là thông điệp trạng thái."))
    if message is not None:
        package = _document(reader, root, envelope, header, message)
    elif status is not None:
        package = _status(reader, status)
    else:
        reader.errors.append(_("Thiếu phần tử bắt buộc MessageHeader (văn bản) hoặc Status (trạng thái)."))
        package = None
    if reader.errors:
        raise PackageError(reader.errors)
    return package
