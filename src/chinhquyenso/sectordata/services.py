"""Every write of sector data.

Imports are all-or-nothing (issue 6, "nothing half-imported"): the whole batch is validated
first; if any row is rejected NOTHING is stored but the log entry of the rejected attempt (with
every reason), otherwise all rows are written in ONE transaction that holds the series row lock,
so two imports of the same series serialize. There is deliberately no "import the valid rows
only" mode: a sector fixes its file and sends it again, which is idempotent — unchanged values
write nothing, changed values update the current row and append an ObservationRevision.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries, tabular, validation
from .models import (
    BatchStatus,
    Channel,
    Granularity,
    ImportBatch,
    Levels,
    Observation,
    ObservationRevision,
    Rollup,
    Sector,
    SeriesDefinition,
    ValueType,
)

MAX_REPORTED_ERRORS = 500
RESERVED_CODES = {"nhat-ky", "api", "moi"}


@dataclass
class ImportResult:
    batch: ImportBatch
    errors: list[dict] = field(default_factory=list)
    notices: list[dict] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.batch.status == BatchStatus.IMPORTED


# --- series definitions --------------------------------------------------------------------

@transaction.atomic
def ensure_sector(code: str, name: str, order: int = 0) -> Sector:
    sector = Sector.objects.select_for_update().filter(code=code).first()
    if sector is None:
        sector = Sector.objects.create(code=code, name=nfc(name), order=order)
        record("sectordata.sector_create", sector, after=snapshot(sector))
    return sector


def _clean_definition(fields: dict) -> dict:
    errors = {}
    code = (fields.get("code") or "").strip().lower()
    if not code or code in RESERVED_CODES:
        errors["code"] = _("Mã chuỗi số liệu trống hoặc trùng tên trang dành riêng.")
    fields["code"] = code
    for key in ("name", "description", "unit_of_measure", "source"):
        if key in fields:
            fields[key] = nfc(fields[key])
    if not fields.get("name"):
        errors["name"] = _("Thiếu tên chỉ tiêu.")
    province = fields.get("province")
    if not isinstance(province, AdministrativeUnit) or province.level != Level.PROVINCE:
        errors["province"] = _("Chuỗi số liệu phải thuộc một tỉnh.")
    owner = fields.get("owner_agency")
    if isinstance(owner, Agency) and isinstance(province, AdministrativeUnit) and owner.province_id != province.pk:
        errors["owner_agency"] = _("Cơ quan chủ quản phải thuộc tỉnh của chuỗi số liệu.")
    kind = fields.get("value_type")
    if kind == ValueType.COUNT:
        fields["decimal_places"] = 0
    low, high = fields.get("min_value"), fields.get("max_value")
    if low is not None and high is not None and Decimal(low) > Decimal(high):
        errors["max_value"] = _("Giá trị lớn nhất phải không nhỏ hơn giá trị nhỏ nhất.")
    if kind == ValueType.PERCENT and fields.get("rollup") == Rollup.SUM:
        errors["rollup"] = _("Không cộng dồn tỷ lệ phần trăm.")
    if fields.get("granularity") not in Granularity.values:
        errors["granularity"] = _("Kỳ số liệu phải là tháng, quý hoặc năm.")
    if fields.get("levels", Levels.COMMUNE) not in Levels.values:
        errors["levels"] = _("Cấp áp dụng không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def define_series(**fields) -> SeriesDefinition:
    """Create the series (province, code) or update its definition. Every change is audited."""
    fields = _clean_definition(fields)
    series = SeriesDefinition.objects.select_for_update().filter(
        province=fields["province"], code=fields["code"]).first()
    if series is None:
        series = SeriesDefinition(**fields)
        series.full_clean()
        series.save()
        record("sectordata.series_create", series, after=snapshot(series))
        return series
    before = snapshot(series)
    for key, value in fields.items():
        setattr(series, key, value)
    after = snapshot(series)
    if after == before:
        return series
    series.full_clean()
    series.save()
    record("sectordata.series_update", series, before=before, after=snapshot(series))
    return series


# --- imports ---------------------------------------------------------------------------------

def checksum_of(rows: list[validation.RawRow]) -> str:
    payload = json.dumps([[r.unit, r.period, r.value, r.note] for r in rows], default=str, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def import_rows(series: SeriesDefinition, raw_rows: list[validation.RawRow], *, user, channel: str,
                file_name: str = "", checksum: str = "", columns: dict[str, str] = validation.FILE_COLUMNS,
                today: datetime.date | None = None) -> ImportResult:
    """Validate a whole batch and store it in one transaction, or store nothing and log why."""
    if channel != Channel.DEMO:
        _check_push(user, series)
    checksum = checksum or checksum_of(raw_rows)
    file_name = nfc(file_name.replace("\x00", ""))[:255]
    submitter = user if getattr(user, "is_authenticated", False) else None
    if not series.is_active:
        outcome = validation.Outcome(errors=[validation.RowError(0, "", _("Chuỗi số liệu đã ngừng thu thập."))])
    else:
        outcome = validation.validate(series, raw_rows, columns=columns, today=today)
    errors = [e.as_dict() for e in outcome.errors]
    notices = [n.as_dict() for n in outcome.notices]
    if errors:
        rejected_rows = len({e["row"] for e in errors if e["row"]}) or len(raw_rows)
        with transaction.atomic():
            batch = ImportBatch.objects.create(
                province_id=series.province_id, series=series, channel=channel, status=BatchStatus.REJECTED,
                submitted_by=submitter, file_name=file_name, checksum=checksum, rows_total=len(raw_rows),
                rows_rejected=rejected_rows, errors=errors[:MAX_REPORTED_ERRORS], notices=notices[:MAX_REPORTED_ERRORS],
            )
            record("sectordata.import_rejected", batch, province_code=series.province_code, after={
                "series": series.code, "rows_total": len(raw_rows), "rows_rejected": rejected_rows})
        return ImportResult(batch, errors, notices)

    with transaction.atomic():
        locked = SeriesDefinition.objects.select_for_update().get(pk=series.pk)
        batch = ImportBatch.objects.create(
            province_id=locked.province_id, series=locked, channel=channel, status=BatchStatus.IMPORTED,
            submitted_by=submitter, file_name=file_name, checksum=checksum, rows_total=len(raw_rows),
            notices=notices[:MAX_REPORTED_ERRORS],
        )
        rows = outcome.rows
        first = min(r.period_start for r in rows)
        last = max(r.period_start for r in rows)
        existing = {
            (o.unit_id, o.period_start): o
            for o in Observation.objects.filter(series=locked, period_start__gte=first, period_start__lte=last,
                                                unit_id__in={r.unit.pk for r in rows})
        }
        now = timezone.now()
        new, changed, revisions, unchanged = [], [], [], 0
        for row in rows:
            obs = existing.get((row.unit.pk, row.period_start))
            if obs is None:
                new.append(Observation(
                    series=locked, unit=row.unit, province_id=locked.province_id, period_start=row.period_start,
                    value=row.value, source_note=row.note, batch=batch, updated_at=now,
                ))
            elif obs.value == row.value and obs.source_note == row.note:
                unchanged += 1
            else:
                revisions.append(ObservationRevision(
                    observation=obs, province_id=locked.province_id, previous_value=obs.value,
                    previous_batch_id=obs.batch_id, value=row.value, batch=batch,
                ))
                obs.value, obs.source_note, obs.batch, obs.updated_at = row.value, row.note, batch, now
                obs.revision += 1
                changed.append(obs)
        Observation.objects.bulk_create(new, batch_size=1000)
        Observation.objects.bulk_update(changed, ["value", "source_note", "batch", "revision", "updated_at"],
                                        batch_size=1000)
        ObservationRevision.objects.bulk_create(revisions, batch_size=1000)
        batch.rows_created, batch.rows_updated, batch.rows_unchanged = len(new), len(changed), unchanged
        batch.save(update_fields=["rows_created", "rows_updated", "rows_unchanged"])
        record("sectordata.import", batch, province_code=locked.province_code, after={
            "series": locked.code, "file_name": file_name, "checksum": checksum, "rows_total": len(raw_rows),
            "created": len(new), "updated": len(changed), "unchanged": unchanged,
        })
    return ImportResult(batch, [], notices)


def _reject(series: SeriesDefinition, message: str, *, user, channel: str, file_name: str = "",
            checksum: str = "") -> ImportResult:
    """Log an attempt refused as a whole (unreadable file, body that is not a list)."""
    errors = [validation.RowError(0, "", message).as_dict()]
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            province_id=series.province_id, series=series, channel=channel, status=BatchStatus.REJECTED,
            submitted_by=user if getattr(user, "is_authenticated", False) else None,
            file_name=nfc(file_name.replace("\x00", ""))[:255], checksum=checksum, errors=errors,
        )
        record("sectordata.import_rejected", batch, province_code=series.province_code, after={
            "series": series.code, "reason": message})
    return ImportResult(batch, errors, [])


def _check_push(user, series: SeriesDefinition) -> None:
    if not queries.can_push(user, series):
        raise PermissionDenied(_("Bạn không được gửi số liệu cho chuỗi “%(s)s” (của %(a)s).") % {
            "s": series.name, "a": series.owner_agency.name})


def import_upload(series: SeriesDefinition, upload, *, user) -> ImportResult:
    """An uploaded CSV/XLSX file (a Django UploadedFile). The permission is checked first; a file
    too big is refused by its declared size, before it is read."""
    _check_push(user, series)
    name = getattr(upload, "name", "") or ""
    if upload.size > tabular.MAX_FILE_BYTES:
        return _reject(series, _("Tệp quá lớn (tối đa %(m)s MB).") % {"m": tabular.MAX_FILE_BYTES // (1024 * 1024)},
                       user=user, channel=Channel.UPLOAD, file_name=name)
    data = upload.read(tabular.MAX_FILE_BYTES + 1)
    checksum = hashlib.sha256(data).hexdigest()
    try:
        rows = tabular.read(name, data)
    except tabular.FileError as exc:
        return _reject(series, str(exc), user=user, channel=Channel.UPLOAD, file_name=name, checksum=checksum)
    return import_rows(series, rows, user=user, channel=Channel.UPLOAD, file_name=name, checksum=checksum)
