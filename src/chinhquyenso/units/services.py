"""Writes to the administrative-unit register. There is one use case: load the committed data file.

Units are national reference data (Luật 72/2025/QH15; NQ 202/2025/QH15 and the UBTVQH resolutions
on each province's communes), not something a local official edits, so the only writer is
``load_units``, run from ``manage.py load_units`` at install and after a data update.
"""

from __future__ import annotations

import datetime
import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import fold, nfc

from . import datafile
from .datafile import UnitRow
from .models import TWO_TIER_START, AdministrativeUnit, Level, UnitDataLoad

Key = tuple[str, str, datetime.date]
Through = AdministrativeUnit.successors.through
COMPARED = ("kind", "name", "full_name", "name_folded", "parent_id", "province_id", "valid_to",
            "latitude", "longitude", "area_km2")
LEVEL_ORDER = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
SIX = Decimal("0.000001")
TWO = Decimal("0.01")


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    links_removed: int = 0
    by_level: Counter = field(default_factory=Counter)  # (level, "hiện hành"|"trước 01/7/2025") -> rows
    seconds: float = 0.0
    load: UnitDataLoad | None = None

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _dec(value: float | None, quantum: Decimal) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(quantum)


def select_province(rows: list[UnitRow], province_code: str) -> list[UnitRow]:
    """One current province, its communes, and the legacy units that map into it (with the legacy
    districts and provinces those hang under), so old addresses of that province resolve."""
    current = [r for r in rows if r.valid_to is None]
    if not any(r.level == Level.PROVINCE and r.code == province_code for r in current):
        raise ValidationError(
            "Không có tỉnh/thành phố hiện hành mã %(code)s trong tệp dữ liệu.", code="unknown_province",
            params={"code": province_code},
        )
    communes = {r.code for r in current if r.level == Level.COMMUNE and r.province_code == province_code}
    legacy = [r for r in rows if r.valid_to is not None]
    picked = {
        r.key for r in legacy
        if (r.level == Level.PROVINCE and province_code in r.successors)
        or (r.level != Level.PROVINCE and communes.intersection(r.successors))
    }
    by_level_code = {(r.level, r.code): r for r in legacy}
    for r in legacy:  # the parents of every picked legacy unit, up to its province
        if r.key in picked:
            node = r
            while node.parent_code:
                parent_level = Level.DISTRICT if node.level == Level.COMMUNE else Level.PROVINCE
                node = by_level_code[(parent_level, node.parent_code)]
                picked.add(node.key)
    return [r for r in current if r.code == province_code or r.code in communes] + [
        r for r in legacy if r.key in picked
    ]


def load_units(path: Path | str | None = None, *, province: str | None = None) -> LoadSummary:
    """Upsert the units of the data file (or of one province with ``province``) by
    (level, code, valid_from), then sync the successor links of the historical units.

    Idempotent: a second run creates, updates and links nothing. Rows are written with
    bulk_create/bulk_update, which bypass ``AdministrativeUnit.save()``, so NFC and ``name_folded``
    are computed here the same way save() does. Units in the database but no longer in the file are
    left alone: agencies and old dossiers may still point to them (PROTECT).

    Audit: one entry ("units.load") for the run, pointing to its UnitDataLoad row with the counts
    and the file checksum, instead of one per unit. This is a bulk import of public national
    reference data, not a decision by an official; 14,000 per-row entries would bury the trail
    without telling a reader anything the checksum does not.
    """
    started = time.perf_counter()
    path = Path(path) if path else datafile.default_path()
    data = datafile.read(path)
    rows = data.rows if province is None else select_province(data.rows, province)
    summary = LoadSummary()
    with transaction.atomic():
        ids = _existing_ids(rows, whole=province is None)
        for level in LEVEL_ORDER:
            _upsert_level([r for r in rows if r.level == level], ids, summary)
        current_from = data.current[0].valid_from if data.current else TWO_TIER_START
        _sync_successors([r for r in rows if r.valid_to is not None], ids, summary, current_from)
        src = data.source
        load = UnitDataLoad.objects.create(
            source=f"{src.get('package', '?')} {src.get('version', '?')}",
            checksum=hashlib.sha256(path.read_bytes()).hexdigest(),
            province_code=province or "",
            created=summary.created,
            updated=summary.updated,
            unchanged=summary.unchanged,
            links_added=summary.links_added,
            links_removed=summary.links_removed,
        )
        record("units.load", load, after=snapshot(load))
    summary.load = load
    summary.by_level = Counter((r.level, "hiện hành" if r.valid_to is None else "trước 01/7/2025") for r in rows)
    summary.seconds = time.perf_counter() - started
    return summary


def _existing_ids(rows: list[UnitRow], *, whole: bool) -> dict[Key, dict]:
    """Current database state of every unit the rows mention (themselves, parents, successors)."""
    qs = AdministrativeUnit.objects.all()
    if not whole:
        codes = {r.code for r in rows} | {r.parent_code for r in rows} | {s for r in rows for s in r.successors}
        qs = qs.filter(code__in=codes - {""})
    return {(u["level"], u["code"], u["valid_from"]): u for u in qs.values("id", "level", "code", "valid_from", *COMPARED)}


def _upsert_level(rows: list[UnitRow], existing: dict[Key, dict], summary: LoadSummary) -> None:
    to_create: list[AdministrativeUnit] = []
    to_update: list[AdministrativeUnit] = []
    for r in rows:
        parent_level = Level.DISTRICT if (r.level == Level.COMMUNE and r.valid_to) else Level.PROVINCE
        parent = existing.get((parent_level, r.parent_code, r.valid_from)) if r.parent_code else None
        prov = existing.get((Level.PROVINCE, r.province_code, r.valid_from))
        full_name = nfc(r.full_name)
        values = {
            "kind": nfc(r.kind),
            "name": nfc(r.name),
            "full_name": full_name,
            "name_folded": fold(full_name),
            "parent_id": parent["id"] if parent else None,
            "province_id": prov["id"] if prov else None,
            "valid_to": r.valid_to,
            "latitude": _dec(r.latitude, SIX),
            "longitude": _dec(r.longitude, SIX),
            "area_km2": _dec(r.area_km2, TWO),
        }
        old = existing.get(r.key)
        if old is None:
            to_create.append(AdministrativeUnit(level=r.level, code=r.code, valid_from=r.valid_from, **values))
        elif any(old[k] != v for k, v in values.items()):
            to_update.append(AdministrativeUnit(id=old["id"], **values))
        else:
            summary.unchanged += 1
    if to_create:
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        created_provinces = [u.pk for u in to_create if u.level == Level.PROVINCE]
        if created_provinces:  # a province is its own province; its id exists only now
            AdministrativeUnit.objects.filter(pk__in=created_provinces).update(province_id=F("pk"))
        for u in to_create:
            existing[(u.level, u.code, u.valid_from)] = {
                "id": u.pk, "level": u.level, "code": u.code, "valid_from": u.valid_from,
                **{k: getattr(u, k) for k in COMPARED},
            }
    if to_update:
        AdministrativeUnit.objects.bulk_update(to_update, list(COMPARED), batch_size=500)
    summary.created += len(to_create)
    summary.updated += len(to_update)


def _sync_successors(
    legacy: list[UnitRow], existing: dict[Key, dict], summary: LoadSummary, current_from: datetime.date
) -> None:
    """Make each historical unit's successor set equal to the file's. Successors not in the
    database yet (another province, not loaded) are linked when their province is loaded."""
    target_level = {Level.PROVINCE: Level.PROVINCE, Level.DISTRICT: Level.COMMUNE, Level.COMMUNE: Level.COMMUNE}
    wanted: set[tuple[int, int]] = set()
    from_ids = []
    for r in legacy:
        from_id = existing[r.key]["id"]
        from_ids.append(from_id)
        for code in r.successors:
            target = existing.get((target_level[r.level], code, current_from))
            if target is not None:
                wanted.add((from_id, target["id"]))
    have = {
        (a, b): pk for pk, a, b in Through.objects.filter(from_administrativeunit_id__in=from_ids).values_list(
            "pk", "from_administrativeunit_id", "to_administrativeunit_id"
        )
    } if from_ids else {}
    missing = wanted - have.keys()
    extra = [pk for pair, pk in have.items() if pair not in wanted]
    if missing:
        Through.objects.bulk_create(
            [Through(from_administrativeunit_id=a, to_administrativeunit_id=b) for a, b in sorted(missing)],
            batch_size=1000,
        )
    if extra:
        Through.objects.filter(pk__in=extra).delete()
    summary.links_added += len(missing)
    summary.links_removed += len(extra)
