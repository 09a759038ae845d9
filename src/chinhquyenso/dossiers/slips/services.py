"""Issuing legal slips (BM.01–BM.05 of TT 03/2025, vn-regulations §2.3 [V]).

`issue_slip` is called by dossiers.services INSIDE its transaction (reception, supplement request,
refusal, extension): it opens only a savepoint, so the slip, its number and the dossier change
commit or roll back together. Numbers come from SlipCounter, one row per agency, year and form,
locked with select_for_update in that same transaction: no duplicate and no gap under concurrent
issuing (ARCHITECTURE.md habit 7). The year is the calendar year in Vietnam time, so a slip issued
at 23:59 on 31/12 is the last of that year and one at 00:00 on 1/1 is number 1 of the next."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from chinhquyenso.audit.services import record
from chinhquyenso.core.text import nfc

from ..models import Dossier, Slip, SlipCounter, SlipKind
from . import catalogue, snapshot


def _clean(value):
    if isinstance(value, str):
        return nfc(value) if "\n" not in value else "\n".join(nfc(line) for line in value.splitlines())
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, datetime.datetime):
        return snapshot.iso(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def agency_label(agency) -> str:
    """The agency part of a number-symbol: its short name ("TTPVHCC"), else its e-ID code."""
    return (agency.short_name or agency.code).strip()


def next_number(agency, year: int, kind: str) -> int:
    """Take the next number of (agency, year, kind). Must run inside a transaction: the counter
    row stays locked until it commits, so concurrent issuers queue here."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside transaction.atomic()")
    try:
        with transaction.atomic():
            SlipCounter.objects.get_or_create(agency=agency, year=year, kind=kind)
    except IntegrityError:
        pass  # a concurrent first issuer created the row; lock it below
    counter = SlipCounter.objects.select_for_update().get(agency=agency, year=year, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def default_agency(dossier: Dossier, kind: str):
    issuer = catalogue.form(kind).issuer
    return dossier.resolving_agency if issuer == "resolving" else dossier.reception_agency


def issue_slip(dossier: Dossier, kind: str, *, actor, data: dict | None = None, agency=None,
               issued_at: datetime.datetime | None = None) -> Slip:
    """Number and record a slip for `dossier`. `data` adds to or overrides the snapshot (e.g. the
    refusal reason, the supplement items when the caller has them at hand). BM.06 (the register)
    is an export, not a per-dossier slip: see slips.register."""
    kind = SlipKind(kind)
    if kind == SlipKind.REGISTER:
        raise ValueError("Sổ theo dõi hồ sơ (BM.06) được kết xuất theo lĩnh vực, không cấp theo từng hồ sơ.")
    agency = agency or default_agency(dossier, kind)
    issued_at = issued_at or timezone.now()
    year = timezone.localtime(issued_at).year
    with transaction.atomic():
        number = next_number(agency, year, kind)
        content = snapshot.build(dossier, kind, agency)
        content.update(_clean(data or {}))
        symbol = catalogue.format_symbol(kind, number=number, year=year, agency=agency_label(agency),
                                         dossier=dossier.code or "")
        content.update(
            number=number, symbol=symbol, issued_at=snapshot.iso(issued_at),
            issued_by_name=getattr(actor, "full_name", "") or "", issued_by_title=getattr(actor, "title", "") or "",
        )
        if kind == SlipKind.RECEIPT:
            content.setdefault("register_number", number)
            content["register_book"] = f"{dossier.procedure_version.sector_field.code}/{year}"
        slip = Slip.objects.create(
            dossier=dossier, province_id=dossier.province_id, agency=agency, kind=kind, year=year,
            number=number, symbol=symbol, data=content, issued_at=issued_at,
            issued_by=actor if getattr(actor, "pk", None) else None,
        )
        record("dossier.slip_issued", slip, after={"kind": kind, "symbol": symbol, "dossier": dossier.pk},
               actor=actor if getattr(actor, "pk", None) else None,
               province_code=dossier.province.code if dossier.province_id else "")
    return slip
