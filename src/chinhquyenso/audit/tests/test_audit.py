import pytest
from django.db import DatabaseError, connection, transaction

from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory
from chinhquyenso.agencies import services as agency_services
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.audit.models import AuditEntry, AuditImmutableError
from chinhquyenso.audit.services import record
from chinhquyenso.core.context import Actor, reset_actor, set_actor

pytestmark = pytest.mark.django_db


def test_service_write_appends_entry_with_actor_and_diff():
    official = OfficialFactory()
    token = set_actor(Actor(user_id=official.pk, ip="203.0.113.9", via="web"))
    try:
        agency = AgencyFactory(name="Sở Tư pháp")
        agency_services.update_agency(agency, name="Sở Tư pháp tỉnh")
    finally:
        reset_actor(token)
    entries = list(AuditEntry.objects.for_object(agency).order_by("id"))
    assert [e.action for e in entries] == ["agency.create", "agency.update"]
    update = entries[1]
    assert update.actor_id == official.pk
    assert update.ip == "203.0.113.9"
    assert update.before == {"name": "Sở Tư pháp", "name_folded": "so tu phap"}
    assert update.after == {"name": "Sở Tư pháp tỉnh", "name_folded": "so tu phap tinh"}
    assert update.province_code == agency.province.code


def test_entry_rolls_back_with_the_change():
    agency = AgencyFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        agency_services.update_agency(agency, name="Tên mới")
        raise RuntimeError("boom")
    agency.refresh_from_db()
    assert agency.name != "Tên mới"
    assert not AuditEntry.objects.for_object(agency).filter(action="agency.update").exists()


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused():
    agency = AgencyFactory()
    with pytest.raises(RuntimeError):
        record("x", agency)


def test_entries_cannot_be_changed_or_deleted_through_the_application():
    entry = AuditEntry.objects.for_object(AgencyFactory()).first()
    entry.action = "forged"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().update(action="forged")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()


def test_database_refuses_raw_update():
    entry = AuditEntry.objects.for_object(AgencyFactory()).first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "agency.create"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE possible (see migration 0002)")
def test_postgresql_refuses_raw_delete():
    entry = AuditEntry.objects.for_object(AgencyFactory()).first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_offers_no_change_or_delete(admin_client):
    entry = AuditEntry.objects.for_object(AgencyFactory()).first()
    assert admin_client.get(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "agency.create"


def test_history_page_is_scoped_to_what_the_official_may_see(client):
    mine = AgencyFactory()
    other = AgencyFactory()
    grant = RoleAssignmentFactory(agency=mine)
    client.force_login(grant.user)
    ok = client.get(f"/nhat-ky/agencies.agency/{mine.pk}/")
    assert ok.status_code == 200
    assert "agency.create" in ok.content.decode()
    assert client.get(f"/nhat-ky/agencies.agency/{other.pk}/").status_code == 404
    assert client.get("/nhat-ky/khong.tontai/1/").status_code == 404


def test_history_api_is_scoped(client):
    mine = AgencyFactory()
    other = AgencyFactory()
    grant = RoleAssignmentFactory(agency=mine)
    assert client.get(f"/api/v1/audit/agencies.agency/{mine.pk}").status_code == 401
    client.force_login(grant.user)
    response = client.get(f"/api/v1/audit/agencies.agency/{mine.pk}")
    assert response.status_code == 200
    assert response.json()[0]["action"] == "agency.create"
    assert client.get(f"/api/v1/audit/agencies.agency/{other.pk}").status_code == 404


def test_history_api_accepts_an_integration_token(client):
    from chinhquyenso.accounts.services import create_api_token

    mine = AgencyFactory()
    grant = RoleAssignmentFactory(agency=mine)
    _, key = create_api_token(grant.user, name="LGSP", expires_at=None)
    response = client.get(f"/api/v1/audit/agencies.agency/{mine.pk}", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert client.get(
        f"/api/v1/audit/agencies.agency/{mine.pk}", headers={"Authorization": "Bearer cqs_wrong"}
    ).status_code == 401


def test_web_writes_name_the_signed_in_user_and_address(admin_client, admin_user):
    agency = AgencyFactory()
    response = admin_client.post(
        "/admin/agencies/department/add/", {"agency": agency.pk, "code": "VP", "name": "Văn phòng", "is_active": "on"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="department.create")
    assert entry.actor_id == admin_user.pk and entry.actor_repr == str(admin_user)
    assert entry.ip == "127.0.0.1" and entry.via == "admin"
