"""Who sees what: IOC operators everything in their province with identity; agencies only what
is assigned to agencies they may see, never the identity; the public only published reports."""

import pytest
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.feedback import queries

IDENTITY = ("Lê Thị Hoa", "0987654321", "hoa@example.vn")


@pytest.fixture
def reports(make_report, walk, world):
    return {
        "new": make_report(),
        "assigned_c1": walk(make_report(), "in_progress"),
        "published": walk(make_report(), "published"),
    }


def test_operator_sees_province(reports, world):
    visible = set(queries.staff_reports(world["operator"]).values_list("pk", flat=True))
    assert visible == {r.pk for r in reports.values()}
    assert not queries.staff_reports(world["other_operator"]).exists()


def test_agency_sees_only_assigned(reports, world):
    assert set(queries.staff_reports(world["handler"]).values_list("pk", flat=True)) == {
        reports["assigned_c1"].pk, reports["published"].pk}
    assert not queries.staff_reports(world["dept_handler"]).exists()
    assert not queries.staff_reports(world["citizen"]).exists()


def test_public_sees_only_published(reports):
    assert list(queries.public_reports()) == [reports["published"]]


def test_operator_page_shows_identity(client, reports, world):
    client.force_login(world["operator"])
    page = client.get(reverse("feedback:staff_detail", args=[reports["assigned_c1"].number])).content.decode()
    assert all(x in page for x in IDENTITY)
    queue = client.get(reverse("feedback:staff_queue")).content.decode()
    assert "Lê Thị Hoa" in queue and "0987654321" not in queue and "098****321" in queue  # masked in lists


def test_agency_page_never_shows_identity(client, reports, world):
    client.force_login(world["handler"])
    for url in (reverse("feedback:staff_detail", args=[reports["assigned_c1"].number]),
                reverse("feedback:staff_queue"), reverse("feedback:staff_queue") + "?trang_thai=published"):
        page = client.get(url).content.decode()
        assert client.get(url).status_code == 200
        assert not any(x in page for x in IDENTITY), url
    assert client.get(reverse("feedback:staff_detail", args=[reports["new"].number])).status_code == 404


def test_agency_api_never_shows_identity(client, reports, world):
    client.force_login(world["handler"])
    data = client.get(f"/api/v1/feedback/staff/reports/{reports['assigned_c1'].number}").json()
    assert data["reporter"] is None
    assert not any(x in str(data) for x in IDENTITY)
    assert client.get(f"/api/v1/feedback/staff/reports/{reports['new'].number}").status_code == 404
    listing = client.get("/api/v1/feedback/staff/reports").json()
    assert {r["number"] for r in listing["items"]} == {reports["assigned_c1"].number, reports["published"].number}


def test_operator_api_shows_identity(client, reports, world):
    client.force_login(world["operator"])
    data = client.get(f"/api/v1/feedback/staff/reports/{reports['new'].number}").json()
    assert data["reporter"] == {"name": "Lê Thị Hoa", "phone": "0987654321", "email": "hoa@example.vn",
                                "has_account": False}


def test_public_pages_and_api(client, reports):
    published, hidden = reports["published"], reports["assigned_c1"]
    assert client.get(reverse("feedback:public_detail", args=[published.number])).status_code == 200
    assert client.get(reverse("feedback:public_detail", args=[hidden.number])).status_code == 404
    page = client.get(reverse("feedback:index")).content.decode()
    assert published.number in page and hidden.number not in page
    assert not any(x in page for x in IDENTITY)
    detail = client.get(f"/api/v1/feedback/reports/{published.number}").json()
    assert not any(x in str(detail) for x in IDENTITY)
    assert client.get(f"/api/v1/feedback/reports/{hidden.number}").status_code == 404
    assert client.get(reverse("feedback:staff_queue")).status_code == 302  # login required
    assert client.get("/api/v1/feedback/staff/reports").status_code == 401


def test_audit_trail_only_for_operators(reports, world):
    from chinhquyenso.audit.registry import visible_queryset

    assert visible_queryset("feedback.report", world["operator"]).filter(pk=reports["new"].pk).exists()
    assert not visible_queryset("feedback.report", world["handler"]).exists()


def test_photos(client, make_report, walk, world):
    from .conftest import upload

    hidden = make_report(uploads=[upload()])
    photo = hidden.photos.get()
    assert client.get(reverse("feedback:photo", args=[photo.pk, "nho"])).status_code == 404
    assert client.get(reverse("feedback:photo", args=[photo.pk, "nho"]) + f"?k={hidden.public_id}").status_code == 200
    client.force_login(world["operator"])
    assert client.get(reverse("feedback:photo", args=[photo.pk, "goc"])).status_code == 200
    published = walk(hidden, "published")
    client.force_login(world["handler"])
    assert client.get(reverse("feedback:photo", args=[photo.pk, "goc"])).status_code == 404
    client.logout()
    assert published.is_public
    assert client.get(reverse("feedback:photo", args=[photo.pk, "anh"])).status_code == 200
    assert client.get(reverse("feedback:photo", args=[photo.pk, "goc"])).status_code == 404


def test_leader_login_via_totp_still_scoped(client, reports, world):
    login_verified(client, world["dept_handler"])
    assert client.get(reverse("feedback:staff_detail", args=[reports["assigned_c1"].number])).status_code == 404
