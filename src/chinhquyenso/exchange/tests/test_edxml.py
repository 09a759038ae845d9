"""Build → parse round trips and strict parsing of malformed packages."""

import base64
import dataclasses
import datetime

import pytest
from lxml import etree

from chinhquyenso.exchange.edxml import (
    Organ,
    PackageError,
    StaffInfo,
    StatusPackage,
    build_document,
    build_status,
    names,
    parse_package,
)

from .conftest import sample_package

A = Organ("000.00.38.A01", "UBND xã Đông Sơn", "UBND tỉnh Thanh Hóa", "Thôn 1, xã Đông Sơn", "ds@example.vn", "0237 3812345", "0237 3812346", "https://dongson.example.vn")
B = Organ("000.00.38.B02", "UBND xã Hoằng Hóa")


def test_document_round_trip_keeps_every_element():
    package = sample_package(A, B)
    parsed = parse_package(build_document(package))
    expected = dataclasses.replace(
        package,
        recipients=(dataclasses.replace(B, organization_in_charge=B.organ_name),),
        document_id=package.effective_document_id(),
    )
    assert parsed == expected
    assert parsed.document_id == "000.00.38.A01,2025-09-08,05/QĐ-UBND"
    assert parsed.code == "05/QĐ-UBND"
    assert parsed.attachments[0].data == package.attachments[0].data
    assert parsed.timestamp == package.timestamp


def test_round_trip_with_several_recipients_and_no_attachments():
    package = sample_package(A, B, recipients=(B, Organ("000.00.38.C03", "Sở Nội vụ")), attachments=(), due_date=None,
                             page_amount=None, promulgation_amount=None, to_places=(), appendixes=())
    parsed = parse_package(build_document(package))
    assert [o.organ_id for o in parsed.recipients] == ["000.00.38.B02", "000.00.38.C03"]
    assert parsed.attachments == () and parsed.due_date is None and parsed.page_amount is None


def test_text_is_escaped_and_nfc():
    subject = "Về việc <thử> & \"kiểm\" tra"
    nfd = "Hoa\u0300ng Ho\u0301a"  # NFD marks
    parsed = parse_package(build_document(sample_package(A, Organ(B.organ_id, nfd), subject=subject)))
    assert parsed.subject == subject
    assert parsed.recipients[0].organ_name == "Hoàng Hóa"


def test_status_round_trip():
    status = StatusPackage(
        sender=B, response_for_organ_id=A.organ_id, response_for_document_id="000.00.38.A01,2025-09-08,05/QĐ-UBND",
        response_for_code="05/QĐ-UBND", response_for_promulgation_date=datetime.date(2025, 9, 8), status_code="03",
        description="Đã vào sổ", timestamp=datetime.datetime(2025, 9, 8, 10, 0, tzinfo=datetime.UTC),
        staff=StaffInfo(department="Văn phòng", staff="Lê Thị Hoa"),
    )
    parsed = parse_package(build_status(status))
    assert parsed.status_code == "03"
    assert parsed.response_for_document_id == status.response_for_document_id
    assert parsed.response_for_promulgation_date == datetime.date(2025, 9, 8)
    assert parsed.timestamp == status.timestamp
    assert parsed.staff.staff == "Lê Thị Hoa"
    assert parsed.sender.organ_id == B.organ_id


def test_builder_refuses_long_organ_id_and_unknown_status():
    with pytest.raises(ValueError):
        build_document(sample_package(Organ("00000000000000", "x"), B))
    with pytest.raises(ValueError):
        build_status(StatusPackage(B, A.organ_id, "x", "", None, "99"))


def _tree(raw: bytes):
    return etree.fromstring(raw)


def _without(raw: bytes, local: str) -> bytes:
    root = _tree(raw)
    for element in root.iter(f"{{{names.NS}}}{local}"):
        element.getparent().remove(element)
        break
    return etree.tostring(root)


def _set_text(raw: bytes, local: str, text: str) -> bytes:
    root = _tree(raw)
    next(root.iter(f"{{{names.NS}}}{local}")).text = text
    return etree.tostring(root)


GOOD = None


def good() -> bytes:
    global GOOD
    if GOOD is None:
        GOOD = build_document(sample_package(A, B))
    return GOOD


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol3;</edXML>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope>&xxe;</edXMLEnvelope></edXML>"""


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: b"", "Gói tin rỗng"),
        (lambda: b"<edXML><unclosed></edXML>", "không phải XML hợp lệ"),
        (lambda: BOMB, "DOCTYPE"),
        (lambda: XXE, "DOCTYPE"),
        (lambda: b"<other xmlns='urn:x'/>", "Phần tử gốc phải là edXML"),
        (lambda: _without(good(), "edXMLHeader"), "Thiếu phần tử bắt buộc edXMLEnvelope/edXMLHeader"),
        (lambda: _without(good(), "MessageHeader"), "MessageHeader (văn bản) hoặc Status"),
        (lambda: _without(good(), "From"), "Thiếu phần tử bắt buộc MessageHeader/From"),
        (lambda: _without(good(), "Subject"), "MessageHeader/Subject"),
        (lambda: _without(good(), "DocumentId"), "MessageHeader/DocumentId"),
        (lambda: _set_text(good(), "OrganId", "000.00.38.A01.XYZ"), "dài quá 13 ký tự"),
        (lambda: _set_text(good(), "PromulgationDate", "31/02/2025"), "PromulgationDate không hợp lệ"),
        (lambda: _set_text(good(), "Priority", "9"), "Priority không hợp lệ"),
        (lambda: _set_text(good(), "ContentTransferEncoded", "***không phải base64***"), "base64 không hợp lệ"),
        (lambda: _set_text(good(), "PageAmount", "-3"), "số nguyên không âm"),
        (lambda: _set_text(good(), "PageAmount", "²"), "số nguyên không âm"),  # "²".isdigit() is True
        (lambda: _without(good(), "AttachmentEncoded"), "không chứa nội dung tệp"),
    ],
)
def test_malformed_packages_get_a_clear_vietnamese_error(make, message):
    with pytest.raises(PackageError) as info:
        parse_package(make())
    assert message in str(info.value)


def test_all_problems_reported_together():
    raw = _without(_without(good(), "Subject"), "FullName")
    with pytest.raises(PackageError) as info:
        parse_package(raw)
    assert len(info.value.errors) >= 2


def test_oversized_package_refused_before_parsing(settings):
    settings.EXCHANGE_MAX_PACKAGE_BYTES = 1000
    with pytest.raises(PackageError, match="quá lớn"):
        parse_package(good())


def test_attachment_not_in_manifest_and_path_names():
    root = _tree(good())
    content_id = next(root.iter(f"{{{names.NS}}}ContentId"))
    content_id.text = "khac"  # the manifest now names a file the package does not carry
    with pytest.raises(PackageError, match="không có trong danh mục"):
        parse_package(etree.tostring(root))
    evil = _set_text(good(), "AttachmentName", "../../etc/passwd")
    assert parse_package(evil).attachments[0].name == "passwd"


def test_unqualified_attachment_section_is_accepted():
    # Some implementations write AttachmentEncoded without the namespace (vn-regulations §4.1).
    xml = good().decode().replace("<AttachmentEncoded>", '<AttachmentEncoded xmlns="">')
    xml = xml.replace("<Attachment>", '<Attachment xmlns="">', 1)
    parsed = parse_package(xml.encode())
    assert parsed.attachments[0].data.startswith(b"%PDF-")


def test_base64_with_line_breaks_is_fine():
    data = bytes(range(256)) * 10
    encoded = base64.encodebytes(data).decode()  # 76-char lines
    package = sample_package(A, B)
    raw = _set_text(build_document(package), "ContentTransferEncoded", encoded)
    assert parse_package(raw).attachments[0].data == data
