"""Names, codes and formats of edXML (QCVN 102:2016/BTTTT), kept as data.

Sources (vn-regulations.md §4.1 and public integration code read through the search tool):
- Namespace `http://www.mic.gov.vn/TBT/QCVN_102_2016` [S]: used by a VPCP-gateway Java parser
  (package com.vpcp.gateway, `EdxmlParser`), a Bkav eDoc SDK (`EdXmlConstant.EDXML_URI`) and a
  TypeScript builder written against the Lạng Sơn EDOC axis SDK sample (`edoc_new.edxml`).
- Element tree edXML → edXMLEnvelope → edXMLHeader → MessageHeader {From, To*, Code, PromulgationInfo,
  DocumentType, Subject, Content, SignerInfo, DueDate, ToPlaces, OtherInfo, SteeringType, DocumentId},
  TraceHeaderList {TraceHeader, Bussiness}; edXMLBody → edXMLManifest → Reference*; AttachmentEncoded →
  Attachment* {ContentType, ContentId, Description, ContentTransferEncoded, AttachmentName} [S].
- Status messages carry ResponseFor {OrganId, Code, PromulgationDate, DocumentId}, From, StatusCode,
  Description, Timestamp, StaffInfo [S] (a C# one-stop integration builds them as `edXML:Status`).
  Where that element sits (we put `Status` in edXMLHeader, the body empty) is [I].

Everything tagged [I] below is a best reading, not the text of the standard: change it here, as
data, once the provincial LGSP confirms the schema version it expects (vn-regulations §4.1 notes a
second, older `http://www.go.vn/eDoc` envelope in use)."""

from django.utils.translation import gettext_lazy as _

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK_NS = "http://www.w3.org/1999/xlink"
PREFIX = "edXML"

# QCVN 102:2016: OrganId is the electronic identifier of the organ, at most 13 characters [S].
ORGAN_ID_MAX = 13

# Date formats. We write the first; we read any of them (implementations differ) [I].
DATE_FORMAT = "%Y/%m/%d"
DATE_INPUT_FORMATS = ("%Y/%m/%d", "%Y-%m-%d", "%d/%m/%Y")
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"
TIMESTAMP_INPUT_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%dT%H:%M:%S")
# Times without an offset are Vietnam time (NĐ 30/2020 Phụ lục I: the system's own timestamps).
TIME_ZONE = "Asia/Ho_Chi_Minh"
# DocumentId = "{OrganId},{date},{number}/{notation}" (vn-regulations §4.1 [S]; the date layout
# differs between sources: yyyy-MM-dd there, yyyy/MM/dd in the SDK sample) [I].
DOCUMENT_ID_DATE_FORMAT = "%Y-%m-%d"

# Status codes of status messages (vn-regulations §4.1 table) [S].
STATUS_RECEIVED = "01"
STATUS_REFUSED = "02"
STATUS_REGISTERED = "03"
STATUS_ASSIGNED = "04"
STATUS_PROCESSING = "05"
STATUS_DONE = "06"
STATUS_RECALL = "13"
STATUS_RECALL_AGREED = "15"
STATUS_RECALL_REFUSED = "16"

STATUS_CODES = {
    STATUS_RECEIVED: _("Đã đến"),
    STATUS_REFUSED: _("Từ chối tiếp nhận"),
    STATUS_REGISTERED: _("Đã tiếp nhận (văn thư đã vào sổ)"),
    STATUS_ASSIGNED: _("Đã phân công xử lý"),
    STATUS_PROCESSING: _("Đang xử lý"),
    STATUS_DONE: _("Hoàn thành"),
    STATUS_RECALL: _("Đề nghị lấy lại"),
    STATUS_RECALL_AGREED: _("Đồng ý lấy lại/cập nhật"),
    STATUS_RECALL_REFUSED: _("Từ chối lấy lại/cập nhật"),
}

# OtherInfo/Priority: urgency of the document (NĐ 30/2020 Điều 4.2.c: hỏa tốc, thượng khẩn, khẩn
# are moved immediately). The numeric codes are [I]; the names are the decree's.
PRIORITY_CODES = {
    "0": _("Thường"),
    "1": _("Khẩn"),
    "2": _("Thượng khẩn"),
    "3": _("Hỏa tốc"),
    "4": _("Hỏa tốc hẹn giờ"),
}
# SteeringType: whether the document steers (chỉ đạo) and must be followed up [I].
STEERING_TYPES = {
    "0": _("Văn bản thông thường"),
    "1": _("Văn bản chỉ đạo"),
    "2": _("Văn bản chỉ đạo có thời hạn"),
}
# TraceHeaderList/Bussiness/BussinessDocType [I] (the SDK sample writes 0 = new document).
BUSINESS_DOC_TYPES = {
    "0": _("Văn bản mới"),
    "1": _("Thu hồi"),
    "2": _("Cập nhật"),
    "3": _("Thay thế"),
}

# Limits of what we accept; settings EXCHANGE_MAX_PACKAGE_BYTES / EXCHANGE_MAX_ATTACHMENTS override.
DEFAULT_MAX_PACKAGE_BYTES = 60 * 1024 * 1024
DEFAULT_MAX_ATTACHMENTS = 50
