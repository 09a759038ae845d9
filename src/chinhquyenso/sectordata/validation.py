"""Row-by-row validation of a batch against its series' declared schema.

Nothing here writes. `validate()` turns raw rows (from the API body or a CSV/Excel sheet) into
clean rows, or into a list of rejections — row number, column and a Vietnamese reason — for:
unknown unit code, unit of the wrong level or outside the series' province (or the owner
commune), period that does not match the granularity (or has not started), value that is not a
number, not an integer where counts are declared, or out of the declared bounds, note too long,
and duplicate (unit, period) rows in the batch. Units are looked up in bulk (one query for the
codes in force; legacy codes — pre-1 July 2025 communes — resolve through
`units.queries.resolve_legacy` only when they lead to exactly one unit of an accepted level).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from chinhquyenso.core.text import is_digits, nfc
from chinhquyenso.units import queries as unit_queries
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import periods
from .models import Levels, SeriesDefinition, ValueType

MAX_ROWS = 20_000
MAX_NOTE = 255
MAX_LEGACY_LOOKUPS = 200  # distinct unknown codes resolved through the successor links per batch
MAX_ABS_VALUE = Decimal("1e13")

# Column keys and the headers shown in reports (the API reports its JSON field names instead).
UNIT, PERIOD, VALUE, NOTE = "unit", "period", "value", "note"
FILE_COLUMNS = {UNIT: "Mã đơn vị", PERIOD: "Kỳ", VALUE: "Giá trị", NOTE: "Ghi chú"}
API_COLUMNS = {UNIT: "unit", PERIOD: "period", VALUE: "value", NOTE: "note"}


@dataclass
class RawRow:
    number: int  # row number as the sender sees it (spreadsheet row, or 1-based list index)
    unit: object = None
    period: object = None
    value: object = None
    note: object = None
    numeric_unit: bool = False  # the unit code came as a number (a spreadsheet dropped its zeros)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict:
        # Messages quote the sender's text; JSONB on PostgreSQL refuses NUL characters.
        return {"row": self.row, "column": self.column, "message": self.message.replace("\x00", "")}


@dataclass
class CleanRow:
    number: int
    unit: AdministrativeUnit
    period_start: datetime.date
    value: Decimal
    note: str


@dataclass
class Outcome:
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notices: list[RowError] = field(default_factory=list)


def _levels(series: SeriesDefinition) -> list[str]:
    return {Levels.COMMUNE: [Level.COMMUNE], Levels.PROVINCE: [Level.PROVINCE]}.get(
        series.levels, [Level.PROVINCE, Level.COMMUNE])


def unit_code(raw, numeric: bool, series: SeriesDefinition) -> str:
    text = nfc(str(raw)) if raw is not None else ""
    if numeric and is_digits(text):
        # 1234 from an Excel number cell is commune "01234": pad to the only accepted length.
        width = {Levels.COMMUNE: 5, Levels.PROVINCE: 2}.get(series.levels)
        if width and len(text) < width:
            text = text.zfill(width)
    return text


def parse_value(raw, series: SeriesDefinition) -> Decimal:
    """The declared-type value of a cell, or ValueError with a Vietnamese reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValueError(_("Thiếu giá trị."))
    if isinstance(raw, bool):
        raise ValueError(_("Giá trị phải là số."))
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip().replace("\u00a0", "").replace(" ", "")
        if series.value_type == ValueType.PERCENT and text.endswith("%"):
            text = text[:-1]
        if "," in text and "." not in text and text.count(",") == 1:
            text = text.replace(",", ".")  # Vietnamese decimal comma: "85,5"
        if len(text) > 40:
            raise ValueError(_("Giá trị quá dài."))
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(v)s” không phải là số.") % {"v": raw.strip()[:40]}) from None
    else:
        raise ValueError(_("Giá trị phải là số."))
    if not value.is_finite() or abs(value) >= MAX_ABS_VALUE:
        raise ValueError(_("Giá trị không hợp lệ hoặc quá lớn."))
    if series.value_type == ValueType.COUNT and value != value.to_integral_value():
        raise ValueError(_("Chỉ tiêu đếm (%(u)s) phải là số nguyên, không phải %(v)s.")
                         % {"u": series.unit_of_measure, "v": value})
    places = 0 if series.value_type == ValueType.COUNT else min(series.decimal_places, 4)
    value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    low, high = bounds(series)
    if low is not None and value < low:
        raise ValueError(_("Giá trị %(v)s nhỏ hơn mức tối thiểu %(m)s.") % {"v": value, "m": _fmt(low)})
    if high is not None and value > high:
        raise ValueError(_("Giá trị %(v)s lớn hơn mức tối đa %(m)s.") % {"v": value, "m": _fmt(high)})
    return value


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f")


def bounds(series: SeriesDefinition) -> tuple[Decimal | None, Decimal | None]:
    """Declared bounds, tightened by the value type: a percentage lies in 0–100, a count is ≥ 0."""
    low, high = series.min_value, series.max_value
    if series.value_type in (ValueType.PERCENT, ValueType.COUNT):
        low = Decimal(0) if low is None else max(low, Decimal(0))
    if series.value_type == ValueType.PERCENT:
        high = Decimal(100) if high is None else min(high, Decimal(100))
    return low, high


class _Units:
    """Resolves the batch's unit codes in bulk."""

    def __init__(self, series: SeriesDefinition, codes: set[str], today: datetime.date):
        self.series = series
        self.levels = _levels(series)
        self.today = today
        found = AdministrativeUnit.objects.current(today).filter(code__in=codes, level__in=self.levels)
        self.current = {u.code: u for u in found.select_related("province")}
        self.legacy: dict[str, list[AdministrativeUnit]] = {}
        owner_unit = series.owner_agency.unit
        # A commune's own agency may push figures of its commune only.
        self.only_unit = owner_unit if owner_unit.level == Level.COMMUNE else None

    def resolve(self, code: str) -> tuple[AdministrativeUnit | None, str, str]:
        """(unit, error, notice)."""
        if not code:
            return None, _("Thiếu mã đơn vị hành chính."), ""
        if len(code) > 10 or not is_digits(code):
            return None, _("“%(c)s” không phải mã đơn vị hành chính (mã số của Tổng cục Thống kê).") % {
                "c": code[:20]}, ""
        notice = ""
        unit = self.current.get(code)
        if unit is None:
            if code not in self.legacy:
                self.legacy[code] = (unit_queries.resolve_legacy(code, on=self.today)
                                     if len(self.legacy) < MAX_LEGACY_LOOKUPS else [])
            successors = [u for u in self.legacy[code] if u.level in self.levels]
            if not successors:
                return None, _("Không có đơn vị hành chính đang hiệu lực mã %(c)s (%(l)s).") % {
                    "c": code, "l": self.series.get_levels_display().lower()}, ""
            if len(successors) > 1:
                names = ", ".join(u.full_name for u in successors[:5])
                return None, _("Mã cũ %(c)s nay thuộc nhiều đơn vị (%(n)s); hãy ghi mã đơn vị mới.") % {
                    "c": code, "n": names}, ""
            unit = successors[0]
            notice = _("Mã cũ %(c)s được quy về %(n)s (mã %(new)s).") % {
                "c": code, "n": unit.full_name, "new": unit.code}
        province_id = unit.pk if unit.level == Level.PROVINCE else unit.province_id
        if province_id != self.series.province_id:
            where = unit.province.full_name if unit.level != Level.PROVINCE and unit.province_id else unit.full_name
            return None, _("%(u)s thuộc %(p)s, ngoài phạm vi %(s)s của chuỗi số liệu.") % {
                "u": unit.full_name, "p": where, "s": self.series.province.full_name}, ""
        if self.only_unit is not None and unit.pk != self.only_unit.pk:
            return None, _("Cơ quan chủ quản chỉ gửi số liệu của %(o)s, không của %(u)s.") % {
                "o": self.only_unit.full_name, "u": unit.full_name}, ""
        return unit, "", notice


def validate(series: SeriesDefinition, raw_rows: list[RawRow], *, columns: dict[str, str] = FILE_COLUMNS,
             today: datetime.date | None = None) -> Outcome:
    today = today or datetime.date.today()
    out = Outcome()
    if not raw_rows:
        out.errors.append(RowError(0, "", _("Không có dòng số liệu nào.")))
        return out
    if len(raw_rows) > MAX_ROWS:
        out.errors.append(RowError(0, "", _("Quá nhiều dòng: %(n)s (tối đa %(m)s mỗi lần).") % {
            "n": len(raw_rows), "m": MAX_ROWS}))
        return out
    codes = {unit_code(r.unit, r.numeric_unit, series) for r in raw_rows}
    # Only well-formed codes reach the database (PostgreSQL refuses NUL bytes in parameters).
    units = _Units(series, {c for c in codes if c and len(c) <= 10 and is_digits(c)}, today)
    seen: dict[tuple[int, datetime.date], int] = {}
    for raw in raw_rows:
        row_errors = []
        unit, error, notice = units.resolve(unit_code(raw.unit, raw.numeric_unit, series))
        if error:
            row_errors.append(RowError(raw.number, columns[UNIT], error))
        try:
            start = periods.parse(raw.period, series.granularity, today=today)
        except periods.PeriodError as exc:
            start = None
            row_errors.append(RowError(raw.number, columns[PERIOD], str(exc)))
        try:
            value = parse_value(raw.value, series)
        except ValueError as exc:
            value = None
            row_errors.append(RowError(raw.number, columns[VALUE], str(exc)))
        note = nfc(str(raw.note).replace("\x00", "")) if raw.note not in (None, "") else ""
        if len(note) > MAX_NOTE:
            row_errors.append(RowError(raw.number, columns[NOTE], _("Ghi chú dài quá %(m)s ký tự.") % {"m": MAX_NOTE}))
        if unit is not None and start is not None:
            key = (unit.pk, start)
            if key in seen:
                row_errors.append(RowError(raw.number, columns[UNIT], _(
                    "Trùng dòng %(r)s: cùng đơn vị %(u)s và kỳ %(p)s.") % {
                    "r": seen[key], "u": unit.full_name, "p": periods.label(start, series.granularity)}))
            else:
                seen[key] = raw.number
        if row_errors:
            out.errors.extend(row_errors)
            continue
        if notice:
            out.notices.append(RowError(raw.number, columns[UNIT], notice))
        out.rows.append(CleanRow(raw.number, unit, start, value, note))
    return out
