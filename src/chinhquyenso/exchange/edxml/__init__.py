"""edXML (QCVN 102:2016) packages: build and parse, no database. See names.py for sources."""

from .builder import build_document, build_status
from .parser import PackageError, load_xml, parse_package
from .types import Attachment, DocumentPackage, Organ, StaffInfo, StatusPackage, make_document_id

__all__ = [
    "Attachment",
    "DocumentPackage",
    "Organ",
    "PackageError",
    "StaffInfo",
    "StatusPackage",
    "build_document",
    "build_status",
    "load_xml",
    "make_document_id",
    "parse_package",
]
