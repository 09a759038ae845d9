"""GET /api/v1/workdays/{year} and /api/v1/workdays/due: contract, bad input (422, Vietnamese)."""

import datetime as dt

import pytest

from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.workdays import services

pytestmark = pytest.mark.django_db
BASE = "/api/v1/workdays"


@pytest.fixture
def seeded():
    services.seed_years(2025, 2029)


def test_year(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(f"{BASE}/2026")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2026 and body["seeded"] is True and body["tet_days_before"] == 1
    by_date = {e["date"]: e for e in body["entries"]}
    assert by_date["2026-11-24"] == {
        "date": "2026-11-24", "weekday": 2, "kind": "nghi_le", "kind_label": "Nghỉ lễ, Tết", "is_day_off": True,
        "name": "Ngày Văn hóa Việt Nam", "legal_basis": by_date["2026-11-24"]["legal_basis"], "origin": "seed",
    }
    assert by_date["2026-04-27"]["kind"] == "nghi_bu"
    assert "2025-11-24" not in {e["date"] for e in client.get(f"{BASE}/2025").json()["entries"]}


def test_year_not_seeded(client):
    body = client.get(f"{BASE}/2040").json()
    assert body == {"year": 2040, "seeded": False, "tet_days_before": None, "national_day_rule": None, "entries": []}


@pytest.mark.parametrize("bad", ["abc", "1800", "99999", "²"])  # "²".isdigit() was a 500
def test_year_bad_input(client, bad):
    response = client.get(f"{BASE}/{bad}")
    assert response.status_code == 422
    assert "Năm phải" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "due", "counting_from"),
    [
        ({"start": "2026-02-12T10:00:00+07:00", "days": "3"}, "2026-02-24T17:00:00+07:00", "2026-02-12T10:00:00+07:00"),
        ({"start": "2026-11-23T16:00:00+07:00", "days": "1"}, "2026-11-26T17:00:00+07:00", "2026-11-25T07:30:00+07:00"),
        ({"start": "2026-11-23T16:00", "days": "1", "cutoff": "online"}, "2026-11-26T17:00:00+07:00", "2026-11-25T07:30:00+07:00"),
        ({"start": "2026-11-23T15:30", "days": "1", "cutoff": "online"}, "2026-11-25T17:00:00+07:00", "2026-11-23T15:30:00+07:00"),
        ({"start": "2026-11-23T08:00:00Z", "hours": "2"}, "2026-11-25T09:30:00+07:00", "2026-11-25T07:30:00+07:00"),
        ({"start": "2026-11-23T10:00:00+07:00", "hours": "2.5"}, "2026-11-23T14:30:00+07:00", "2026-11-23T10:00:00+07:00"),
        ({"start": "2029-08-31", "days": "1"}, "2029-09-05T17:00:00+07:00", "2029-08-31T07:30:00+07:00"),
        ({"start": "2026-11-20", "amount": "4", "unit": "ngay"}, "2026-11-25T17:00:00+07:00", "2026-11-20T07:30:00+07:00"),
    ],
)
def test_due(client, seeded, params, due, counting_from):
    response = client.get(f"{BASE}/due", params)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["due"] == due and body["counting_from"] == counting_from
    assert body["covered"] is True


def test_due_uses_agency_office_hours(client, seeded):
    agency = AgencyFactory()
    services.set_office_hours(agency, weekdays="12345", morning_start=dt.time(8), morning_end=dt.time(12))
    body = client.get(f"{BASE}/due", {"start": "2026-11-23T11:00+07:00", "hours": "2", "agency": agency.pk}).json()
    assert body["due"] == "2026-11-25T09:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"days": "3"}, "Thiếu tham số start"),
        ({"start": "23/11/2026", "days": "3"}, "start không hợp lệ"),
        ({"start": "2026-02-30", "days": "3"}, "start không hợp lệ"),
        ({"start": "2026-11-23"}, "đúng một"),
        ({"start": "2026-11-23", "days": "1", "hours": "2"}, "đúng một"),
        ({"start": "2026-11-23", "days": "-1"}, "không được âm"),
        ({"start": "2026-11-23", "days": "1.5"}, "số nguyên"),
        ({"start": "2026-11-23", "hours": "nan"}, "không được âm"),
        ({"start": "2026-11-23", "hours": "abc"}, "phải là một số"),
        ({"start": "2026-11-23", "days": "100000"}, "tối đa"),
        ({"start": "2026-11-23", "amount": "1", "unit": "tuan"}, "unit phải"),
        ({"start": "2026-11-23", "days": "1", "cutoff": "x"}, "cutoff"),
        ({"start": "2026-11-23", "days": "1", "agency": "abc"}, "agency"),
        ({"start": "2026-11-23", "days": "1", "agency": "²"}, "agency"),  # was a 500: int("²")
        ({"start": "1700-01-01", "days": "1"}, "Năm phải"),
    ],
)
def test_due_bad_input_is_422(client, params, message):
    response = client.get(f"{BASE}/due", params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


@pytest.mark.parametrize("year", ["1949", "1950", "02026", "2199", "2200", "0", "١٩٥٠", "2026 "])
def test_year_pattern_in_the_document_is_what_the_view_accepts(client, year):
    """Found by the Schemathesis run: {year} was documented as any string, so clients (and the fuzzer)
    sent "ghi chu" and got the 422 the document never announced."""
    import re

    spec = client.get("/api/v1/openapi.json").json()
    (parameter,) = spec["paths"]["/api/v1/workdays/{year}"]["get"]["parameters"]
    documented = re.search(parameter["schema"]["pattern"], year) is not None
    assert documented == (client.get(f"{BASE}/{year}").status_code == 200), year
