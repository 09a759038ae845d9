"""PAdES signing of PDF bytes with pyHanko (stack.md §3): opening and checking the input, the
level (B-B, B-T, B-LT), the field, the appearance. No database here: services.py picks the
credential and records what was signed.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from django.utils.translation import gettext as _
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner

from . import conf, trust
from .errors import BadPdfError, SigningConfigError

VN_TZ = dt.timezone(dt.timedelta(hours=7), "+07:00")  # Asia/Ho_Chi_Minh has had no DST since 1975
MAX_PDF_BYTES = 50 * 1024 * 1024

# CMS room reserved up front so pyHanko skips its dry-run size estimate (stack.md §3.2); a
# timestamp token and embedded revocation data need more. If a chain is unusually long, the
# signer falls back to pyHanko's estimate.
RESERVED = {"B-B": 12 * 1024, "B-T": 24 * 1024, "B-LT": 32 * 1024}

logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)


def now_vn() -> dt.datetime:
    return dt.datetime.now(VN_TZ).replace(microsecond=0)


def iso_vn(moment: dt.datetime) -> str:
    """ISO 8601 in Vietnam time, seconds precision: 2025-11-21T09:15:30+07:00."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def open_pdf(pdf: bytes) -> IncrementalPdfFileWriter:
    """An incremental writer over the input, or a BadPdfError with a message for people."""
    if not isinstance(pdf, (bytes, bytearray)) or not pdf:
        raise BadPdfError(_("Tệp rỗng, không phải tệp PDF."))
    if len(pdf) > MAX_PDF_BYTES:
        raise BadPdfError(_("Tệp PDF quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_PDF_BYTES // (1024 * 1024)})
    if b"%PDF-" not in pdf[:1024]:
        raise BadPdfError(_("Tệp không phải là tệp PDF."))
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(bytes(pdf)), strict=False)
        encrypted = writer.prev.encrypted
        if not encrypted:
            writer.root["/Pages"]  # noqa: B018 — a PDF without a page tree is broken
            _page_count(writer)
    except BadPdfError:
        raise
    except Exception as exc:  # pyHanko raises PdfReadError, KeyError, ValueError… on damaged files
        raise BadPdfError(_("Tệp PDF bị hỏng, không đọc được.")) from exc
    if encrypted:
        raise BadPdfError(_("Tệp PDF đang được mã hóa (đặt mật khẩu). Hãy gửi bản không mã hóa."))
    return writer


def _page_count(writer) -> int:
    count = int(writer.root["/Pages"]["/Count"])
    if count < 1:
        raise BadPdfError(_("Tệp PDF không có trang nào."))
    return count


def page_index(writer, page: int) -> int:
    count = _page_count(writer)
    index = page if page >= 0 else count + page
    if not 0 <= index < count:
        raise BadPdfError(_("Tệp PDF không có trang %(page)s.") % {"page": page + 1 if page >= 0 else page})
    return index


def page_box(writer, index: int) -> tuple[float, float, float, float]:
    """(llx, lly, urx, ury) of a page, following inherited /MediaBox and /CropBox."""
    node = _find_page(writer.root["/Pages"], index)
    while node is not None:
        box = node.get("/CropBox") or node.get("/MediaBox")
        if box is not None:
            return tuple(float(v) for v in box)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return (0.0, 0.0, 595.0, 842.0)  # A4, Decree 30 Appendix I


def _find_page(node, index):
    kids = node["/Kids"]
    for kid in kids:
        kid = kid.get_object()
        if kid.get("/Type") == "/Pages":
            count = int(kid["/Count"])
            if index < count:
                return _find_page(kid, index)
            index -= count
        else:
            if index == 0:
                return kid
            index -= 1
    raise BadPdfError(_("Cây trang của tệp PDF bị hỏng."))


def existing_field_names(writer) -> set[str]:
    names = set()
    acro = writer.root.get("/AcroForm")
    if acro is None:
        return names
    stack = list(acro.get_object().get("/Fields", []))
    while stack:
        ref = stack.pop()
        node = ref.get_object()
        if "/T" in node:
            names.add(str(node["/T"]))
        stack.extend(node.get("/Kids", []))
    return names


def unique_field_name(writer, prefix: str) -> str:
    names = existing_field_names(writer)
    n = 1
    while f"{prefix}{n}" in names:
        n += 1
    return f"{prefix}{n}"


def signature_widgets(writer) -> list[tuple[str, int, tuple[float, float, float, float]]]:
    """(field name, page index, rect) of every visible signature widget, in field order."""
    result = []
    acro = writer.root.get("/AcroForm")
    if acro is None:
        return result
    page_refs = _page_refs(writer.root["/Pages"])
    for ref in acro.get_object().get("/Fields", []):
        node = ref.get_object()
        if node.get("/FT") != "/Sig" or "/Rect" not in node:
            continue
        rect = tuple(float(v) for v in node["/Rect"])
        if rect[2] - rect[0] <= 0 or rect[3] - rect[1] <= 0:
            continue
        try:
            page_ref = node.get_value_as_reference("/P")
        except (KeyError, generic.IndirectObjectExpected):
            page_ref = None
        page = page_refs.index(page_ref) if page_ref is not None and page_ref in page_refs else 0
        result.append((str(node.get("/T", "")), page, rect))
    return result


def _page_refs(node) -> list:
    refs = []
    for kid in node.get_object()["/Kids"]:
        obj = kid.get_object()
        if obj.get("/Type") == "/Pages":
            refs.extend(_page_refs(obj))
        else:
            refs.append(kid.reference if hasattr(kid, "reference") else kid)
    return refs


class _TimedPdfSigner(PdfSigner):
    """PdfSigner whose signing time is chosen by the caller, so a text stamp printed before the
    signature shows the very time the signature claims."""

    signing_time: dt.datetime | None = None

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        if self.signing_time is not None:
            session.system_time = self.signing_time
        return session


@dataclass
class SignRequest:
    field_name: str
    level: str
    reason: str = ""
    location: str = ""
    page: int = 0
    box: tuple[float, float, float, float] | None = None  # None: invisible
    stamp_style: object | None = None
    signing_time: dt.datetime | None = None


def sign(pdf: bytes, signer, req: SignRequest, prepare=None) -> bytes:
    """Sign `pdf`; `prepare(writer)` may first add content (it then runs again if a retry is needed)."""
    level = req.level
    if level not in conf.LEVELS:
        raise SigningConfigError(_("Mức ký “%(level)s” không hợp lệ (B-B, B-T, B-LT).") % {"level": level})
    timestamper = trust.timestamper() if level in ("B-T", "B-LT") else None
    meta = PdfSignatureMetadata(
        field_name=req.field_name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=req.reason or None, location=req.location or None, name=None,
        embed_validation_info=level == "B-LT",
        validation_context=trust.validation_context(for_signing=True) if level == "B-LT" else None,
    )
    spec = fields.SigFieldSpec(req.field_name, on_page=req.page, box=req.box)
    pdf_signer = _TimedPdfSigner(meta, signer=signer, timestamper=timestamper, stamp_style=req.stamp_style,
                                 new_field_spec=spec)
    pdf_signer.signing_time = req.signing_time

    def attempt(reserved):
        writer = open_pdf(pdf)
        if prepare is not None:
            prepare(writer)
        out = io.BytesIO()
        pdf_signer.sign_pdf(writer, bytes_reserved=reserved, output=out)
        return out

    try:
        try:
            out = attempt(RESERVED[level])
        except SigningError as exc:
            if "reserved" not in str(exc).lower() and "too small" not in str(exc).lower():
                raise
            out = attempt(None)
    except SigningConfigError:
        raise
    except (SigningError, PdfError, OSError, ValueError) as exc:
        raise SigningConfigError(_("Không ký được tệp: %(err)s") % {"err": exc}) from exc
    return out.getvalue()


def add_text_overlay(writer, page: int, box, style) -> None:
    """Draw a stamp into the page content itself (in the revision the signature then covers)."""
    from pyhanko.pdf_utils import layout

    x1, y1, x2, y2 = box
    stamp = style.create_stamp(writer, layout.BoxConstraints(width=x2 - x1, height=y2 - y1), {})
    stamp.apply(page, x1, y1)

