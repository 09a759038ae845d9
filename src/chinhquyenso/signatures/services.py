"""Signing and verification use cases. Other apps (documents, exchange, dossiers) call these with
PDF bytes and get PDF bytes back; this app never imports them.

    sign_personal(pdf, user=…)        the person's visible signature (Decree 30/2020 Appendix I)
    sign_organization(pdf, agency=…)  the agency's signature with the red seal over the person's
    sign_attachment(pdf, agency=…, number_symbol=…)   separate attachment files
    verify(pdf) -> [SignatureReport]

Decree 30/2020 Art. 5: an electronic document has the legal value of the original when it is
signed by the competent person AND by the organisation — so documents call sign_personal then
sign_organization. Each signature is an incremental update, so earlier signatures stay valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc

from . import backends, conf, signing, stamps
from .errors import BadPdfError, NoCredentialError, SigningConfigError
from .models import SignatureKind, SignatureRecord, SigningCredential
from .verification import SignatureReport, verify

__all__ = [
    "SignatureReport", "create_credential", "credential_for_agency", "credential_for_user",
    "deactivate_credential", "sign_attachment", "sign_organization", "sign_personal", "verify",
]

DEFAULT_SEAL_MM = Decimal("35")  # [I] commune seal diameter; SigningCredential.image_width_mm overrides


# --- credentials ---------------------------------------------------------------------------------

def credential_for_user(user) -> SigningCredential:
    cred = (
        SigningCredential.objects.filter(owner_user=user, is_active=True).select_related("province").first()
        if user is not None and getattr(user, "pk", None) else None
    )
    if cred is None:
        raise NoCredentialError(_("Người ký chưa có chứng thư ký số đang dùng."))
    return cred


def credential_for_agency(agency) -> SigningCredential:
    cred = (
        SigningCredential.objects.filter(owner_agency=agency, is_active=True).select_related("province").first()
        if agency is not None and getattr(agency, "pk", None) else None
    )
    if cred is None:
        raise NoCredentialError(_("Cơ quan chưa có chứng thư ký số đang dùng."))
    return cred


def create_credential(*, label: str, backend: str, config: dict, province, owner_user=None, owner_agency=None,
                      image_png: bytes | None = None, image_width_mm=None) -> SigningCredential:
    """Register a credential; the owner's previous active one is retired in the same transaction."""
    from django.core.files.base import ContentFile

    backends.get_backend(backend)
    if (owner_user is None) == (owner_agency is None):
        raise SigningConfigError(_("Chứng thư ký số phải thuộc đúng một người hoặc một cơ quan."))
    with transaction.atomic():
        current = SigningCredential.objects.select_for_update().filter(
            is_active=True, **({"owner_user": owner_user} if owner_user else {"owner_agency": owner_agency})
        )
        for old in current:
            _deactivate(old)
        cred = SigningCredential(
            label=nfc(label), backend=backend, config=config, province=province, owner_user=owner_user,
            owner_agency=owner_agency, image_width_mm=image_width_mm,
        )
        if image_png:
            owner = f"u{owner_user.pk}" if owner_user else f"a{owner_agency.pk}"
            cred.image.save(f"{owner}-{hashlib.sha256(image_png).hexdigest()[:12]}.png", ContentFile(image_png),
                            save=False)
        cred.full_clean(exclude=["image"])
        cred.save()
        record("signing_credential.create", cred, after=_snap(cred), province_code=province.code)
    return cred


def _snap(cred: SigningCredential) -> dict:
    # audit's snapshot() trips over an empty FileField (FieldFile.url raises), so name it here
    data = snapshot(cred, fields=[f.name for f in cred._meta.concrete_fields if f.name != "image"])
    data["image"] = cred.image.name or None
    return data


def _deactivate(cred: SigningCredential) -> None:
    before = _snap(cred)
    cred.is_active = False
    cred.save(update_fields=["is_active"])
    record("signing_credential.deactivate", cred, before=before, after=_snap(cred),
           province_code=cred.province.code)


def deactivate_credential(cred: SigningCredential) -> None:
    with transaction.atomic():
        locked = SigningCredential.objects.select_for_update().select_related("province").get(pk=cred.pk)
        if locked.is_active:
            _deactivate(locked)


def _image(cred: SigningCredential) -> bytes | None:
    if not cred.image:
        return None
    try:
        with cred.image.open("rb") as fh:
            return fh.read()
    except OSError as exc:
        raise SigningConfigError(_("Không đọc được ảnh chữ ký/con dấu của “%(label)s”.") % {"label": cred.label}) from exc


# --- signing -------------------------------------------------------------------------------------

def _level(level: str | None) -> str:
    chosen = (level or conf.default_level()).upper()
    if chosen not in conf.LEVELS:
        raise SigningConfigError(_("Mức ký “%(level)s” không hợp lệ (B-B, B-T, B-LT).") % {"level": level})
    return chosen


def _record(cred, kind, level, field_name, pdf: bytes, out: bytes, signed_at) -> None:
    with transaction.atomic():
        rec = SignatureRecord.objects.create(
            credential=cred, kind=kind, level=level, field_name=field_name,
            input_sha256=hashlib.sha256(pdf).hexdigest(), output_sha256=hashlib.sha256(out).hexdigest(),
            signed_at=signed_at, province=cred.province,
        )
        record("signature.sign", rec, after=snapshot(rec), province_code=cred.province.code)


def _run(cred, kind, pdf, req: signing.SignRequest, prepare=None) -> bytes:
    with backends.signer_for(cred) as signer:
        out = signing.sign(pdf, signer, req, prepare)
    _record(cred, kind, req.level, req.field_name, pdf, out, req.signing_time or signing.now_vn())
    return out


def sign_personal(pdf: bytes, *, user, reason: str = "", location: str = "", level: str | None = None,
                  page: int = -1, box: tuple[float, float, float, float] | None = None,
                  authority: str = "", title: str | None = None) -> bytes:
    """The person's visible signature: position title (and the signing-authority line, e.g.
    "TM. ỦY BAN NHÂN DÂN", Decree 30 Art. 8 markers KT./TM./TL./TUQ./Q.) in bold capitals, the
    signature image in blue below it, the full name in bold under the image (Appendix I).
    Default place: bottom right of the last page; `page` (0-based, negative from the end) and
    `box` (x1, y1, x2, y2 in PDF points) override it."""
    cred = credential_for_user(user)
    level = _level(level)
    writer = signing.open_pdf(pdf)
    index = signing.page_index(writer, page)
    llx, lly, urx, _ury = signing.page_box(writer, index)
    if box is None:
        x1, y1, x2, y2 = stamps.default_personal_box(urx - llx)
        box = (x1 + llx, y1 + lly, x2 + llx, y2 + lly)
    above = [stamps.Line(nfc(t).upper(), bold=True) for t in (authority, title if title is not None else user.title) if t]
    below = [stamps.Line(nfc(user.full_name), bold=True)]
    image = _image(cred)
    style = stamps.personal_style(tuple(above), tuple(below), stamps.tint(image) if image else None)
    now = signing.now_vn()
    req = signing.SignRequest(
        field_name=signing.unique_field_name(writer, "ChuKyCaNhan"), level=level, reason=nfc(reason),
        location=nfc(location), page=index, box=tuple(box), stamp_style=style, signing_time=now,
    )
    return _run(cred, SignatureKind.PERSONAL, pdf, req)


def sign_organization(pdf: bytes, *, agency, reason: str = "", location: str = "", level: str | None = None,
                      page: int | None = None, box: tuple[float, float, float, float] | None = None) -> bytes:
    """The agency's signature shown as its red seal at actual size, over about the left third of
    the person's signature image (Appendix I). Without `box`, the seal goes next to the last
    personal signature in the file (ours: the image area is known; another system's: its widget),
    else at the default signature place of the last page."""
    cred = credential_for_agency(agency)
    level = _level(level)
    writer = signing.open_pdf(pdf)
    diameter = float(cred.image_width_mm or DEFAULT_SEAL_MM) * stamps.MM
    if box is None:
        index, box = _seal_place(writer, cred, diameter, page)
    else:
        index = signing.page_index(writer, -1 if page is None else page)
    image = _image(cred)
    style = stamps.BlockStampStyle(image_png=image, image_padding=0)
    req = signing.SignRequest(
        field_name=signing.unique_field_name(writer, "ChuKyCoQuan"), level=level, reason=nfc(reason),
        location=nfc(location), page=index, box=tuple(box), stamp_style=style if image else None,
        signing_time=signing.now_vn(),
    )
    return _run(cred, SignatureKind.ORGANIZATION, pdf, req)


def _seal_place(writer, cred, diameter: float, page: int | None):
    widgets = signing.signature_widgets(writer)
    personal = [w for w in widgets if w[0].startswith("ChuKyCaNhan")] or [
        w for w in widgets if not w[0].startswith("ChuKyCoQuan")
    ]
    if personal and page is None:
        name, index, rect = personal[-1]
        image_rect = stamps.personal_image_frame(rect) if name.startswith("ChuKyCaNhan") else rect
        return index, stamps.seal_box(image_rect, diameter)
    index = signing.page_index(writer, -1 if page is None else page)
    llx, lly, urx, _ury = signing.page_box(writer, index)
    x1, y1, x2, y2 = stamps.default_personal_box(urx - llx)
    return index, stamps.seal_box((x1 + llx + 40, y1 + lly + 30, x2 + llx - 40, y2 + lly - 40), diameter)


def sign_attachment(pdf: bytes, *, agency, number_symbol: str, signed_at: dt.datetime | None = None,
                    level: str | None = None, reason: str = "", location: str = "") -> bytes:
    """A separate attachment file (Appendix I): the organisation's signature with no image, and
    at the top right of page 1 the number and symbol of the document and the signing time in
    ISO 8601 Vietnam time. The text is drawn into the page in the revision the (invisible)
    signature covers, so it cannot be changed without breaking the signature; the signature's
    own signing time is the time printed."""
    cred = credential_for_agency(agency)
    level = _level(level)
    number_symbol = nfc(str(number_symbol or "")).strip()
    if not number_symbol:
        raise BadPdfError(_("Thiếu số và ký hiệu văn bản cho tệp đính kèm."))
    moment = (signed_at or signing.now_vn()).astimezone(signing.VN_TZ).replace(microsecond=0)
    writer = signing.open_pdf(pdf)
    llx, lly, urx, ury = signing.page_box(writer, 0)
    lines = (stamps.Line(number_symbol), stamps.Line(signing.iso_vn(moment)))
    style = stamps.BlockStampStyle(below=lines, font_size=10, align="right")
    x1, y1, x2, y2 = stamps.attachment_box(urx - llx, ury - lly, len(lines))
    place = (x1 + llx, y1 + lly, x2 + llx, y2 + lly)

    def prepare(w):
        signing.add_text_overlay(w, 0, place, style)

    req = signing.SignRequest(
        field_name=signing.unique_field_name(writer, "ChuKyDinhKem"), level=level, reason=nfc(reason),
        location=nfc(location), page=0, box=None, signing_time=moment,
    )
    return _run(cred, SignatureKind.ATTACHMENT, pdf, req, prepare)


def sign_invisible(pdf: bytes, *, credential: SigningCredential, level: str | None = None, reason: str = "") -> bytes:
    """An invisible signature with any credential (used for measurements and by callers that
    sign machine-to-machine files)."""
    writer = signing.open_pdf(pdf)
    req = signing.SignRequest(
        field_name=signing.unique_field_name(writer, "ChuKy"), level=_level(level), reason=nfc(reason),
        signing_time=signing.now_vn(),
    )
    kind = SignatureKind.PERSONAL if credential.owner_user_id else SignatureKind.ORGANIZATION
    return _run(credential, kind, pdf, req)
