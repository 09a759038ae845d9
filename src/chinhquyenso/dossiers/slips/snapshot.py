"""What each slip states, frozen into Slip.data when it is issued, so a reprint shows exactly
what was handed over even after the dossier changed (ARCHITECTURE.md habit 2).

Datetimes are stored as ISO 8601 strings in Vietnam time; rendering formats them. Fields follow
the BM.01–BM.06 lists in vn-regulations §2.3 [V]."""

import datetime
from decimal import Decimal

from django.utils import timezone

from chinhquyenso.core.text import nfc
from chinhquyenso.workdays.deadlines import UNIT_LABELS, TimeUnit

from ..models import Dossier, SlipKind
from ..workflow import Status


def iso(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _amount(value: Decimal | int | None) -> str:
    """8000 → "8.000", 1.5 → "1,5" (Vietnamese separators)."""
    number = Decimal(value or 0)
    whole = int(number)
    text = f"{whole:,}".replace(",", ".")
    rest = number - whole
    if rest:
        text += "," + f"{rest.normalize():f}".split(".")[1]
    return text


def agency_block(agency) -> dict:
    """Header lines: the governing body above the issuing agency, as the forms print them."""
    parent = agency.parent
    unit = agency.unit
    return {
        "agency_id": agency.pk,
        "agency_name": agency.name,
        "agency_short_name": agency.short_name,
        "parent_name": parent.name if parent is not None else "",
        "agency_address": agency.address,
        "agency_phone": agency.phone,
        "place": unit.name if unit is not None else "",
    }


def applicant_block(dossier: Dossier) -> dict:
    return {
        "code": dossier.code or "",
        "applicant_kind": dossier.applicant_kind,
        "applicant_name": dossier.applicant_name,
        "applicant_id_number": dossier.applicant_id_number,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "representative_name": dossier.representative_name,
        "representative_id_number": dossier.representative_id_number,
        "representative_phone": dossier.representative_phone,
        "representative_relation": dossier.representative_relation,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure_version.name,
        "subject": dossier.subject,
        "channel": dossier.channel,
        "channel_label": str(dossier.get_channel_display()),
    }


def _documents(dossier: Dossier) -> list[dict]:
    rows = [
        {"name": c.name, "originals": c.originals, "copies": c.copies, "digitized": c.digitized}
        for c in dossier.components.filter(is_deleted=False).order_by("id")
    ]
    if rows:
        return rows
    # Before any upload (counter reception of paper sets) the receipt lists the catalogue's set.
    return [
        {"name": c.name, "originals": c.originals, "copies": c.copies, "digitized": False}
        for c in dossier.procedure_version.components.order_by("order")
    ]


def _item_text(item) -> str:
    if isinstance(item, dict):
        name = item.get("name") or item.get("ten") or item.get("title") or ""
        note = item.get("note") or item.get("reason") or item.get("ghi_chu") or ""
        return nfc(f"{name}: {note}" if name and note else (name or note))
    return nfc(str(item))


def receipt(dossier: Dossier) -> dict:
    """BM.01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    version = dossier.procedure_version
    unit = TimeUnit(dossier.time_unit) if dossier.time_unit in TimeUnit._value2member_map_ else None
    return {
        "documents": _documents(dossier),
        "sets_count": dossier.sets_count,
        "legal_time": _amount(dossier.legal_time),
        "time_unit": UNIT_LABELS[unit] if unit else dossier.time_unit,
        "received_at": iso(dossier.received_at or dossier.submitted_at),
        "due_at": iso(dossier.due_at),
        "result_delivery": str(dossier.get_result_delivery_display()),
        "delivery_address": dossier.delivery_address,
        "fee_total": _amount(dossier.fee_total),
        # "Vào Sổ theo dõi hồ sơ, Quyển số…" (the register is kept per field, BM.06): the book and
        # line numbers are set by services.issue_slip from the field code and the slip number.
        "field_name": version.sector_field.name,
    }


def supplement(dossier: Dossier) -> dict:
    """BM.02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: the full list of items, in one go."""
    request = dossier.supplements.order_by("-requested_at", "-id").first()
    if request is None:
        return {"items": [], "reason": "", "requested_at": iso(timezone.now()), "respond_by": ""}
    items = request.items if isinstance(request.items, list) else [request.items]
    return {
        "items": [_item_text(i) for i in items if _item_text(i)],
        "reason": request.reason,
        "requested_at": iso(request.requested_at),
        "respond_by": iso(request.respond_by),
        "received_at": iso(dossier.received_at or dossier.submitted_at),
    }


def refusal(dossier: Dossier) -> dict:
    """BM.03 Phiếu từ chối tiếp nhận giải quyết hồ sơ: the reason is the refusing log row's content."""
    row = dossier.log.filter(status_after=Status.REFUSED).order_by("-seq").first()
    return {
        "reason": row.content if row is not None else "",
        "refused_at": iso(dossier.refused_at or (row.started_at if row is not None else None)),
        "submitted_at": iso(dossier.submitted_at),
    }


def apology(dossier: Dossier) -> dict:
    """BM.04 Phiếu xin lỗi và đề nghị gia hạn: original due, reason, new date, signed by the head
    of the resolving agency."""
    ext = getattr(dossier, "extension", None)
    data = {
        "received_at": iso(dossier.received_at),
        "old_due_at": iso(dossier.original_due_at or dossier.due_at),
        "new_due_at": iso(dossier.due_at),
        "reason": "",
        "signer_name": "",
        "signer_title": "",
    }
    if ext is not None:
        data.update(
            old_due_at=iso(ext.old_due_at), new_due_at=iso(ext.new_due_at), reason=ext.reason,
            signer_name=ext.signed_by.full_name, signer_title=ext.signed_by.title,
        )
    return data


def control(dossier: Dossier) -> dict:
    """BM.05 header; its rows are read from the append-only process log when printed (rows once
    written never change, so a reprint only adds the hand-offs made since)."""
    return {
        "resolving_agency": dossier.resolving_agency.name,
        "received_at": iso(dossier.received_at or dossier.submitted_at),
        "due_at": iso(dossier.due_at),
    }


BUILDERS = {
    SlipKind.RECEIPT: receipt,
    SlipKind.SUPPLEMENT: supplement,
    SlipKind.REFUSAL: refusal,
    SlipKind.APOLOGY: apology,
    SlipKind.CONTROL: control,
}


def build(dossier: Dossier, kind: str, agency) -> dict:
    data = {**agency_block(agency), **applicant_block(dossier)}
    data.update(BUILDERS[SlipKind(kind)](dossier))
    return data
