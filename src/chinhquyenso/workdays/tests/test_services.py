"""Seeding, admin edits, table import, office hours, audit and the cached loader (database)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.workdays import queries, services
from chinhquyenso.workdays.models import (
    CalendarEntry,
    CalendarYear,
    EntryKind,
    NationalDayRule,
    OfficeHours,
    Origin,
)
from chinhquyenso.workdays.services import EntryData

from .helpers import at

pytestmark = pytest.mark.django_db
D = dt.date
T = dt.time


def test_seed_is_idempotent_and_audited():
    created = services.seed_years(2025, 2027)
    assert created[2026] == 13
    count = CalendarEntry.objects.count()
    assert services.seed_years(2025, 2027) == {2025: 0, 2026: 0, 2027: 0}
    assert CalendarEntry.objects.count() == count
    assert AuditEntry.objects.filter(action="workdays.year.seed").count() == 3
    assert OfficeHours.objects.filter(agency__isnull=True).count() == 1
    entry = CalendarEntry.objects.get(date=D(2026, 4, 27))
    assert entry.kind == EntryKind.COMPENSATORY and entry.origin == Origin.SEED
    assert "Điều 111 khoản 3" in entry.legal_basis


def test_seed_command(capsys):
    call_command("seed_holidays", "--from", "2026", "--to", "2026")
    assert "Đã tạo 13 mục" in capsys.readouterr().out
    call_command("seed_holidays", "--from", "2026", "--to", "2026")
    assert "Bỏ qua (đã có): 2026" in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="workdays.year.seed", via="command").exists()


def test_admin_edits_and_deletions_survive_a_reseed():
    services.seed_year(2026)
    # The PM notice moves the Quốc khánh day to 1/9 and an admin deletes 24/11 (say, by mistake).
    adjacent = CalendarEntry.objects.get(date=D(2026, 9, 3))
    services.update_entry(adjacent, date=D(2026, 9, 1), legal_basis="Thông báo của Bộ Nội vụ năm 2026")
    services.delete_entry(CalendarEntry.objects.get(date=D(2026, 11, 24)))
    assert services.seed_year(2026) == 0  # plain re-seed: the year is left alone
    assert not CalendarEntry.objects.filter(date=D(2026, 11, 24)).exists()
    assert not CalendarEntry.objects.filter(date=D(2026, 9, 3)).exists()
    # A forced re-seed regenerates rule entries but keeps the admin's one on 1/9.
    services.seed_year(2026, force=True)
    moved = CalendarEntry.objects.get(date=D(2026, 9, 1))
    assert moved.origin == Origin.MANUAL and moved.legal_basis == "Thông báo của Bộ Nội vụ năm 2026"
    assert CalendarEntry.objects.filter(date=D(2026, 11, 24), origin=Origin.SEED).exists()
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"workdays.entry.update", "workdays.entry.delete", "workdays.year.seed"} <= actions


def test_update_year_changes_the_rule_and_regenerates():
    services.seed_year(2024)
    year = services.update_year(2024, tet_days_before=2, national_day_rule=NationalDayRule.AUTO, note="TB 2024")
    tet = set(CalendarEntry.objects.filter(date__year=2024, name__startswith="Tết Âm").values_list("date", flat=True))
    assert tet == {D(2024, 2, d) for d in range(8, 13)}
    assert year.tet_days_before == 2 and year.note == "TB 2024"
    assert AuditEntry.objects.filter(action="workdays.year.update").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (EntryData(D(2026, 11, 25), EntryKind.SWAP_WORK, "Làm bù", "TB"), "kind", "thứ Bảy hoặc Chủ nhật"),
        (EntryData(D(2026, 11, 21), EntryKind.COMPENSATORY, "Nghỉ bù", "TB"), "kind", "thứ Hai đến thứ Sáu"),
        (EntryData(D(2026, 11, 25), "nghi_phep", "X", "TB"), "kind", "không hợp lệ"),
        (EntryData(D(2026, 11, 25), EntryKind.HOLIDAY, "  ", "TB"), "name", "bắt buộc"),
        (EntryData(D(2026, 11, 25), EntryKind.HOLIDAY, "Lễ", ""), "legal_basis", "căn cứ"),
        (EntryData(D(1800, 1, 1), EntryKind.HOLIDAY, "Lễ", "TB"), "date", "Năm phải"),
    ],
)
def test_bad_entries_are_rejected(data, field, message):
    with pytest.raises(ValidationError) as exc:
        services.create_entry(**data.__dict__)
    assert message in " ".join(exc.value.message_dict[field])
    assert not CalendarEntry.objects.exists()
    assert not AuditEntry.objects.exists()


def test_duplicate_date_is_rejected():
    services.seed_year(2026)
    with pytest.raises(ValidationError, match="đã có trong lịch"):
        services.create_entry(date=D(2026, 9, 2), kind=EntryKind.HOLIDAY, name="Trùng", legal_basis="TB")
    assert CalendarEntry.objects.filter(date=D(2026, 9, 2)).count() == 1


def test_import_is_all_or_nothing():
    services.seed_year(2025)
    before = CalendarEntry.objects.count()
    rows = [
        EntryData(D(2025, 4, 26), EntryKind.SWAP_WORK, "Làm bù", "Thông báo 2025"),
        EntryData(D(2025, 5, 2), EntryKind.SWAP_OFF, "Nghỉ hoán đổi", "Thông báo 2025"),
        EntryData(D(2025, 5, 2), EntryKind.SWAP_OFF, "Nghỉ hoán đổi (lặp)", "Thông báo 2025"),
        EntryData(D(2025, 4, 30), EntryKind.HOLIDAY, "Chiến thắng (đã có)", "Thông báo 2025"),
    ]
    with pytest.raises(ValidationError) as exc:
        services.import_entries(rows)
    messages = exc.value.messages
    assert any("Dòng 3" in m and "trùng với dòng 2" in m for m in messages)
    assert any("Dòng 4" in m and "đã có trong lịch" in m for m in messages)
    assert CalendarEntry.objects.count() == before
    assert not AuditEntry.objects.filter(action="workdays.entry.create").exists()
    created = services.import_entries(rows[:2])
    assert [e.kind for e in created] == [EntryKind.SWAP_WORK, EntryKind.SWAP_OFF]
    cal = queries.load_calendar()
    assert cal.is_working_day(D(2025, 4, 26)) and not cal.is_working_day(D(2025, 5, 2))


def test_loader_is_cached_and_invalidated_on_write(django_assert_num_queries):
    services.seed_year(2026)
    queries.load_calendar()
    with django_assert_num_queries(0):
        for _ in range(50):
            cal = queries.load_calendar()
    assert not cal.is_working_day(D(2026, 11, 24))
    services.delete_entry(CalendarEntry.objects.get(date=D(2026, 11, 24)))
    assert queries.load_calendar().is_working_day(D(2026, 11, 24))


def test_office_hours_per_agency():
    services.seed_year(2026)
    services.ensure_default_office_hours()
    agency = AgencyFactory()
    services.set_office_hours(agency, weekdays="123456", morning_start=T(7), morning_end=T(11),
                              afternoon_start=T(13), afternoon_end=T(16, 30))
    own = queries.load_calendar(agency.pk)
    default = queries.load_calendar()
    assert own.schedule.closing == T(16, 30) and default.schedule.closing == T(17)
    assert own.is_working_day(D(2026, 11, 21)) and not default.is_working_day(D(2026, 11, 21))
    assert not own.is_working_day(D(2026, 11, 24))  # holidays are platform-wide
    assert own.add_working_hours(at(2026, 11, 23, 16, 0), 1) == at(2026, 11, 25, 7, 30)
    other = AgencyFactory()
    assert queries.load_calendar(other.pk).schedule == default.schedule
    own_row = OfficeHours.objects.get(agency=agency)
    entry = AuditEntry.objects.get(action="workdays.office_hours.set", object_id=str(own_row.pk))
    assert entry.province_code == agency.province_code


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"morning_start": T(11), "morning_end": T(7, 30)}, "phải trước"),
        ({"afternoon_start": T(11), "afternoon_end": T(17)}, "chồng lên"),
        ({"afternoon_start": T(13), "afternoon_end": None}, "cả hai"),
        ({"weekdays": "1123"}, "mỗi số một lần"),
        ({"weekdays": "thu2"}, "các số 1"),
        ({"weekdays": "189"}, "các số từ 1"),
    ],
)
def test_bad_office_hours_are_rejected(kwargs, message):
    data = {"weekdays": "12345", "morning_start": T(7, 30), "morning_end": T(11, 30),
            "afternoon_start": T(13, 30), "afternoon_end": T(17)} | kwargs
    with pytest.raises(ValidationError) as exc:
        services.set_office_hours(None, **data)
    assert message in " ".join(exc.value.messages)
    assert not OfficeHours.objects.exists()


def test_set_office_hours_replaces_the_row():
    services.ensure_default_office_hours()
    services.set_office_hours(None, weekdays="54321", morning_start=T(8), morning_end=T(12))
    row = OfficeHours.objects.get()
    assert row.weekdays == "12345" and row.afternoon_start is None
    assert queries.load_calendar().schedule.day_length == dt.timedelta(hours=4)


def test_calendar_year_check_constraint():
    with pytest.raises(ValidationError):
        services.seed_year(1800)
    assert not CalendarYear.objects.exists()
