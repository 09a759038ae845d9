"""Django admin editing goes through the services: validation, audit, no half-writes."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import OfficialFactory
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.workdays import services
from chinhquyenso.workdays.models import CalendarEntry, CalendarYear, OfficeHours, Origin

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    """A staff official holding the workdays model permissions (a superuser would first be sent to
    enrol a second factor, which is the accounts app's business, not this one's)."""
    user = OfficialFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="workdays"))
    client.force_login(user)
    client.user = user
    return client


def entry_form(**overrides):
    return {"date": "2026-05-02", "kind": "lam_bu", "name": "Làm bù", "legal_basis": "Thông báo 2026"} | overrides


def test_admin_add_entry_is_audited(admin_client):
    response = admin_client.post(reverse("admin:workdays_calendarentry_add"), entry_form())
    assert response.status_code == 302
    entry = CalendarEntry.objects.get(date=dt.date(2026, 5, 2))
    assert entry.origin == Origin.MANUAL
    audit = AuditEntry.objects.get(action="workdays.entry.create")
    assert audit.actor_id == admin_client.user.pk and audit.via == "admin"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"date": "2026-09-02", "kind": "nghi_le"}, "đã có trong lịch"),  # overlaps a seeded holiday
        ({"date": "2026-05-04"}, "thứ Bảy hoặc Chủ nhật"),  # swap work on a Monday
        ({"legal_basis": "   "}, ""),
    ],
)
def test_admin_rejects_bad_entries(admin_client, overrides, message):
    services.seed_year(2026)
    before = CalendarEntry.objects.count()
    response = admin_client.post(reverse("admin:workdays_calendarentry_add"), entry_form(**overrides))
    assert response.status_code == 200  # the form again, with errors
    assert response.context["adminform"].form.errors
    assert message in response.content.decode()
    assert CalendarEntry.objects.count() == before
    assert not AuditEntry.objects.filter(action="workdays.entry.create").exists()


def test_admin_change_and_delete_go_through_services(admin_client):
    services.seed_year(2026)
    entry = CalendarEntry.objects.get(date=dt.date(2026, 9, 3))
    url = reverse("admin:workdays_calendarentry_change", args=[entry.pk])
    response = admin_client.post(url, entry_form(date="2026-09-01", kind="nghi_le", name="Quốc khánh (liền kề)"))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.date == dt.date(2026, 9, 1) and entry.origin == Origin.MANUAL
    response = admin_client.post(reverse("admin:workdays_calendarentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not CalendarEntry.objects.filter(pk=entry.pk).exists()
    assert AuditEntry.objects.filter(action__in=["workdays.entry.update", "workdays.entry.delete"]).count() == 2


def test_admin_calendar_year_change_regenerates(admin_client):
    services.seed_year(2026)
    year = CalendarYear.objects.get(year=2026)
    url = reverse("admin:workdays_calendaryear_change", args=[year.pk])
    response = admin_client.post(url, {"tet_days_before": "2", "national_day_rule": "before", "note": "TB 2026"})
    assert response.status_code == 302
    assert CalendarEntry.objects.filter(date=dt.date(2026, 2, 15)).exists()  # 28 Chạp
    assert CalendarEntry.objects.filter(date=dt.date(2026, 9, 1)).exists()
    assert not CalendarEntry.objects.filter(date=dt.date(2026, 9, 3)).exists()
    assert AuditEntry.objects.filter(action="workdays.year.update").exists()


def test_admin_office_hours(admin_client):
    agency = AgencyFactory()
    url = reverse("admin:workdays_officehours_add")
    good = {"agency": agency.pk, "weekdays": "12345", "morning_start": "07:00", "morning_end": "11:00",
            "afternoon_start": "13:00", "afternoon_end": "16:30"}
    bad = good | {"afternoon_start": "10:00"}
    response = admin_client.post(url, bad)
    assert response.status_code == 200 and "chồng lên" in response.content.decode()
    assert not OfficeHours.objects.exists()
    assert admin_client.post(url, good).status_code == 302
    assert OfficeHours.objects.get().agency == agency
    again = admin_client.post(url, good)
    assert again.status_code == 200 and "đã có giờ làm việc" in again.content.decode()
    assert AuditEntry.objects.filter(action="workdays.office_hours.set").count() == 1


def test_admin_needs_permission(client):
    client.force_login(OfficialFactory(is_staff=True))
    assert client.get(reverse("admin:workdays_calendarentry_add")).status_code == 403
    response = client.post(reverse("admin:workdays_calendarentry_add"), entry_form())
    assert response.status_code == 403 and not CalendarEntry.objects.exists()


def test_admin_lists_render(admin_client, django_assert_max_num_queries):
    services.seed_years(2025, 2026)
    for name in ("calendarentry", "calendaryear", "officehours"):
        with django_assert_max_num_queries(15):
            assert admin_client.get(reverse(f"admin:workdays_{name}_changelist")).status_code == 200
