"""Every write to the working-day calendar (ARCHITECTURE.md habit 1): validated, audited, and
followed by a cache invalidation so deadline computations see the change."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import is_digits, nfc

from . import queries
from .calendar import OfficeSchedule, schedule_problem
from .holidays import WEEKLY_REST, YearRules, default_entries
from .models import CalendarEntry, CalendarYear, EntryKind, NationalDayRule, OfficeHours, Origin

MIN_YEAR, MAX_YEAR = 1950, 2199
DEFAULT_SEED_YEARS = (2020, 2035)


def _invalidate() -> None:
    # Now (so this process never serves the old calendar inside the transaction) and after
    # commit (so a reload racing with the write cannot cache the pre-commit state).
    queries.invalidate_calendar()
    transaction.on_commit(queries.invalidate_calendar)


# --- calendar entries ------------------------------------------------------------------------


@dataclass
class EntryData:
    date: datetime.date
    kind: str
    name: str
    legal_basis: str


def clean_entry(data: EntryData, *, exclude_pk: int | None = None) -> EntryData:
    """Normalise and validate one entry; raises ValidationError with Vietnamese messages. Used
    by the services and by the admin form, so both reject the same input."""
    errors: dict[str, str] = {}
    name, basis = nfc(data.name), nfc(data.legal_basis)
    if not isinstance(data.date, datetime.date):
        errors["date"] = "Ngày không hợp lệ."
    elif not MIN_YEAR <= data.date.year <= MAX_YEAR:
        errors["date"] = f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}."
    if data.kind not in EntryKind.values:
        errors["kind"] = "Loại ngày không hợp lệ."
    if not name:
        errors["name"] = "Tên ngày nghỉ hoặc ngày làm bù là bắt buộc."
    elif len(name) > 200:
        errors["name"] = "Tên dài quá 200 ký tự."
    if not basis:
        errors["legal_basis"] = "Ghi căn cứ pháp lý hoặc văn bản công bố (ví dụ: Thông báo của Bộ Nội vụ)."
    elif len(basis) > 300:
        errors["legal_basis"] = "Căn cứ pháp lý dài quá 300 ký tự."
    if not errors:
        weekend = data.date.isoweekday() in WEEKLY_REST
        if data.kind == EntryKind.SWAP_WORK and not weekend:
            errors["kind"] = "Ngày làm việc bù phải là thứ Bảy hoặc Chủ nhật."
        elif data.kind in (EntryKind.COMPENSATORY, EntryKind.SWAP_OFF) and weekend:
            errors["kind"] = "Ngày nghỉ bù hoặc nghỉ hoán đổi phải là ngày làm việc (thứ Hai đến thứ Sáu)."
        elif CalendarEntry.objects.filter(date=data.date).exclude(pk=exclude_pk).exists():
            errors["date"] = f"Ngày {data.date:%d/%m/%Y} đã có trong lịch; mỗi ngày chỉ có một mục."
    if errors:
        raise ValidationError(errors)
    return EntryData(data.date, data.kind, name, basis)


@transaction.atomic
def create_entry(*, date: datetime.date, kind: str, name: str, legal_basis: str) -> CalendarEntry:
    data = clean_entry(EntryData(date, kind, name, legal_basis))
    entry = CalendarEntry.objects.create(
        date=data.date, kind=data.kind, name=data.name, legal_basis=data.legal_basis, origin=Origin.MANUAL
    )
    record("workdays.entry.create", entry, after=snapshot(entry))
    _invalidate()
    return entry


@transaction.atomic
def update_entry(entry: CalendarEntry, **changes) -> CalendarEntry:
    """An admin edit; a seeded entry becomes MANUAL so a re-seed of its year keeps it."""
    entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
    before = snapshot(entry)
    unknown = set(changes) - {"date", "kind", "name", "legal_basis"}
    if unknown:
        raise ValidationError(f"Không sửa được trường: {', '.join(sorted(unknown))}.")
    merged = {f: changes.get(f, getattr(entry, f)) for f in ("date", "kind", "name", "legal_basis")}
    data = clean_entry(EntryData(**merged), exclude_pk=entry.pk)
    entry.date, entry.kind, entry.name, entry.legal_basis = data.date, data.kind, data.name, data.legal_basis
    entry.origin = Origin.MANUAL
    entry.save()
    record("workdays.entry.update", entry, before=before, after=snapshot(entry))
    _invalidate()
    return entry


@transaction.atomic
def delete_entry(entry: CalendarEntry) -> None:
    entry = CalendarEntry.objects.select_for_update().get(pk=entry.pk)
    record("workdays.entry.delete", entry, before=snapshot(entry))
    entry.delete()
    _invalidate()


@transaction.atomic
def import_entries(rows: Iterable[EntryData]) -> list[CalendarEntry]:
    """A table of entries (e.g. the year's Bộ Nội vụ notice) in one go: all or nothing. Two rows
    on the same date, or a row on a date already in the calendar, reject the whole table."""
    rows = list(rows)
    if not rows:
        raise ValidationError("Bảng không có dòng nào.")
    problems: list[str] = []
    seen: dict[datetime.date, int] = {}
    cleaned: list[EntryData] = []
    for number, row in enumerate(rows, start=1):
        if isinstance(row.date, datetime.date) and row.date in seen:
            problems.append(f"Dòng {number}: ngày {row.date:%d/%m/%Y} trùng với dòng {seen[row.date]}.")
            continue
        if isinstance(row.date, datetime.date):
            seen[row.date] = number
        try:
            cleaned.append(clean_entry(row))
        except ValidationError as exc:
            problems += [f"Dòng {number}: {message}" for message in exc.messages]
    if problems:
        raise ValidationError(problems)
    entries = []
    for data in cleaned:
        entry = CalendarEntry.objects.create(
            date=data.date, kind=data.kind, name=data.name, legal_basis=data.legal_basis, origin=Origin.MANUAL
        )
        record("workdays.entry.create", entry, after=snapshot(entry))
        entries.append(entry)
    _invalidate()
    return entries


# --- years and seeding -------------------------------------------------------------------


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": f"Năm phải từ {MIN_YEAR} đến {MAX_YEAR}."})


def _seed(calendar_year: CalendarYear) -> int:
    """Replace the SEED entries of the year by the rule's output, never touching MANUAL ones:
    a date an admin already used keeps the admin's entry."""
    year = calendar_year.year
    rules = YearRules(calendar_year.tet_days_before, calendar_year.national_day_rule)
    in_year = CalendarEntry.objects.filter(date__year=year)
    in_year.filter(origin=Origin.SEED).delete()
    manual_dates = set(in_year.values_list("date", flat=True))
    new = [
        CalendarEntry(date=p.date, kind=p.kind, name=p.name, legal_basis=p.legal_basis, origin=Origin.SEED,
                      rule_code=p.rule_code)
        for p in default_entries(year, rules)
        if p.date not in manual_dates
    ]
    CalendarEntry.objects.bulk_create(new)
    calendar_year.seeded_at = timezone.now()
    calendar_year.save(update_fields=["seeded_at", "updated_at"])
    return len(new)


@transaction.atomic
def seed_year(year: int, *, force: bool = False) -> int:
    """Generate the statutory holidays of `year`. Idempotent: a year seeded before is left alone
    (so admin edits and deletions survive) unless `force`, which regenerates only the entries
    the rule made and the admin never touched. Returns the number of entries created."""
    _check_year(year)
    calendar_year, _ = CalendarYear.objects.select_for_update().get_or_create(year=year)
    if calendar_year.seeded_at is not None and not force:
        return 0
    before = snapshot(calendar_year)
    created = _seed(calendar_year)
    after = snapshot(calendar_year) | {"entries_created": created}
    record("workdays.year.seed", calendar_year, before=before, after=after)
    _invalidate()
    return created


def seed_years(first: int = DEFAULT_SEED_YEARS[0], last: int = DEFAULT_SEED_YEARS[1], *, force: bool = False) -> dict[int, int]:
    if first > last:
        raise ValidationError("Năm bắt đầu phải không sau năm kết thúc.")
    ensure_default_office_hours()
    return {year: seed_year(year, force=force) for year in range(first, last + 1)}


@transaction.atomic
def update_year(year: int, *, tet_days_before: int | None = None, national_day_rule: str | None = None,
                note: str | None = None) -> CalendarYear:
    """Change the year's rule knobs; the rule-made entries of the year are regenerated at once."""
    _check_year(year)
    calendar_year, _ = CalendarYear.objects.select_for_update().get_or_create(year=year)
    before = snapshot(calendar_year)
    if tet_days_before is not None:
        if not 0 <= tet_days_before <= 4:
            raise ValidationError({"tet_days_before": "Số ngày Tết trước mùng 1 phải từ 0 đến 4."})
        calendar_year.tet_days_before = tet_days_before
    if national_day_rule is not None:
        if national_day_rule not in NationalDayRule.values:
            raise ValidationError({"national_day_rule": "Quy tắc ngày nghỉ Quốc khánh không hợp lệ."})
        calendar_year.national_day_rule = national_day_rule
    if note is not None:
        calendar_year.note = nfc(note)
    calendar_year.save()
    _seed(calendar_year)
    record("workdays.year.update", calendar_year, before=before, after=snapshot(calendar_year))
    _invalidate()
    return calendar_year


# --- office hours ------------------------------------------------------------------------

DEFAULT_SCHEDULE = OfficeSchedule()


def clean_office_hours(*, weekdays: str, morning_start: datetime.time, morning_end: datetime.time,
                       afternoon_start: datetime.time | None, afternoon_end: datetime.time | None) -> str:
    """Validate a schedule; returns the weekdays normalised ("54321" → "12345")."""
    weekdays = (weekdays or "").replace(",", "").replace(" ", "")
    if not is_digits(weekdays) or len(set(weekdays)) != len(weekdays):
        raise ValidationError({"weekdays": "Ghi các số 1 (thứ Hai) đến 7 (Chủ nhật), mỗi số một lần, ví dụ 12345."})
    if (afternoon_start is None) != (afternoon_end is None):
        raise ValidationError({"afternoon_end": "Nhập đủ cả giờ bắt đầu và giờ kết thúc buổi chiều, hoặc bỏ trống cả hai."})
    if morning_start is None or morning_end is None:
        raise ValidationError({"morning_end": "Giờ làm việc buổi sáng là bắt buộc."})
    intervals = [(morning_start, morning_end)]
    if afternoon_start is not None:
        intervals.append((afternoon_start, afternoon_end))
    problem = schedule_problem({int(d) for d in weekdays}, intervals)
    if problem:
        raise ValidationError(problem)
    return "".join(sorted(weekdays))


@transaction.atomic
def set_office_hours(agency: Agency | None, *, weekdays: str, morning_start: datetime.time,
                     morning_end: datetime.time, afternoon_start: datetime.time | None = None,
                     afternoon_end: datetime.time | None = None) -> OfficeHours:
    """Create or replace the office hours of `agency` (None = the platform default)."""
    weekdays = clean_office_hours(weekdays=weekdays, morning_start=morning_start, morning_end=morning_end,
                                  afternoon_start=afternoon_start, afternoon_end=afternoon_end)
    hours = OfficeHours.objects.select_for_update().filter(agency=agency).first()
    before = snapshot(hours) if hours else None
    if hours is None:
        hours = OfficeHours(agency=agency)
    hours.weekdays, hours.morning_start, hours.morning_end = weekdays, morning_start, morning_end
    hours.afternoon_start, hours.afternoon_end = afternoon_start, afternoon_end
    hours.save()
    province = agency.province_code if agency is not None else ""
    record("workdays.office_hours.set", hours, before=before, after=snapshot(hours), province_code=province)
    _invalidate()
    return hours


@transaction.atomic
def delete_office_hours(hours: OfficeHours) -> None:
    """An agency falls back to the platform default."""
    hours = OfficeHours.objects.select_for_update().get(pk=hours.pk)
    record("workdays.office_hours.delete", hours, before=snapshot(hours))
    hours.delete()
    _invalidate()


def ensure_default_office_hours() -> OfficeHours:
    existing = OfficeHours.objects.filter(agency__isnull=True).first()
    if existing is not None:
        return existing
    (morning, afternoon) = DEFAULT_SCHEDULE.intervals
    return set_office_hours(
        None, weekdays="12345", morning_start=morning[0], morning_end=morning[1],
        afternoon_start=afternoon[0], afternoon_end=afternoon[1],
    )
