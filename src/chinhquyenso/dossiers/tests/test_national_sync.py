"""Transports (HTTP with `responses`, file), the send loop with retries and back-off, the retry
button, and permissions on the sync pages."""

import datetime
import json

import pytest
import requests
import responses

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.dossiers.models import Dossier, SyncState
from chinhquyenso.dossiers.national import services
from chinhquyenso.dossiers.national.transports import (
    FileTransport,
    HttpTransport,
    PermanentSyncError,
    TransientSyncError,
    get_transport,
)

from .slip_factories import at, full_dossier, make_dossier, make_place, officer

pytestmark = pytest.mark.django_db
URL = "https://dvcqg.example.vn/api/dongbohoso"


def http():
    return HttpTransport({"URL": URL, "TOKEN": "bi-mat", "UNIT_CODE": "000.00.00.H56", "TIMEOUT": 3})


def pending(**kw):
    return make_dossier(sync_state=SyncState.PENDING, sync_version=2, synced_version=0, **kw)


# --- HTTP transport ---------------------------------------------------------------------------

@responses.activate
def test_http_success_sends_json_with_token():
    responses.post(URL, json={"error_code": 0, "message": "OK", "IdHoSo": "DVC-123"})
    result = http().send({"HoSo": {"MaHoSo": "X"}, "tienTrinhDongBo": []})
    assert result.reference == "DVC-123"
    call = responses.calls[0].request
    assert call.headers["Authorization"] == "Bearer bi-mat"
    assert json.loads(call.body)["madonvi"] == "000.00.00.H56"


@pytest.mark.parametrize(("status", "body", "error", "text"), [
    (200, {"error_code": 3, "message": "Sai mã TTHC"}, PermanentSyncError, "Cổng DVCQG trả lỗi 3: Sai mã TTHC"),
    (400, {"error_code": 400, "message": "Thiếu MaHoSo"}, PermanentSyncError, "Thiếu MaHoSo"),
    (401, "không phải json", PermanentSyncError, "HTTP 401"),
    (503, {"error_code": 503, "message": "Bảo trì"}, TransientSyncError, "Bảo trì"),
    (429, {}, TransientSyncError, "HTTP 429"),
])
@responses.activate
def test_http_errors(status, body, error, text):
    if isinstance(body, dict):
        responses.post(URL, json=body, status=status)
    else:
        responses.post(URL, body=body, status=status)
    with pytest.raises(error) as info:
        http().send({"HoSo": {}})
    assert text in info.value.message


@responses.activate
def test_http_timeout_and_connection_error_are_transient():
    responses.post(URL, body=requests.Timeout())
    with pytest.raises(TransientSyncError, match="Quá thời gian chờ"):
        http().send({})
    responses.replace(responses.POST, URL, body=requests.ConnectionError())
    with pytest.raises(TransientSyncError, match="Không kết nối"):
        http().send({})


def test_default_transport_is_file(settings, tmp_path):
    settings.DOSSIER_NATIONAL_PORTAL = {"DIRECTORY": str(tmp_path)}
    transport = get_transport()
    assert isinstance(transport, FileTransport)
    transport.send({"HoSo": {"MaHoSo": "H56.1-251105-0001"}})
    assert json.loads((tmp_path / "outbox" / "H56.1-251105-0001.json").read_text())["HoSo"]["MaHoSo"]


# --- the send loop ----------------------------------------------------------------------------

@responses.activate
def test_sync_success_records_version(settings):
    responses.post(URL, json={"error_code": 0, "message": "OK"})
    d = pending()
    assert services.sync_dossier(d.pk, transport=http(), now=at(2025, 11, 5, 10, 0)) == "synced"
    d.refresh_from_db()
    assert (d.sync_state, d.synced_version, d.sync_attempts, d.sync_error) == (SyncState.SYNCED, 2, 0, "")
    assert d.synced_at == at(2025, 11, 5, 10, 0)
    sent = json.loads(responses.calls[0].request.body)
    assert sent["HoSo"]["MaHoSo"] == d.code
    # Nothing left to send.
    assert services.sync_dossier(d.pk, transport=http()) == "skipped"


@responses.activate
def test_change_during_send_stays_pending():
    d = pending()

    def bump(request):
        Dossier.objects.filter(pk=d.pk).update(sync_version=3)  # a write while the call is in flight
        return (200, {}, json.dumps({"error_code": 0}))

    responses.add_callback(responses.POST, URL, callback=bump)
    assert services.sync_dossier(d.pk, transport=http()) == "synced"
    d.refresh_from_db()
    assert (d.sync_state, d.synced_version, d.sync_version) == (SyncState.PENDING, 2, 3)


@responses.activate
def test_transient_failure_backs_off_then_succeeds(settings, django_capture_on_commit_callbacks):
    settings.DOSSIER_NATIONAL_RETRY_BASE_SECONDS = 60
    responses.post(URL, json={"error_code": 503, "message": "Bảo trì"}, status=503)
    d = pending()
    t0 = at(2025, 11, 5, 10, 0)
    with django_capture_on_commit_callbacks() as callbacks:
        assert services.sync_dossier(d.pk, transport=http(), now=t0) == "failed"
    assert len(callbacks) == 1  # the retry task, enqueued after commit
    d.refresh_from_db()
    assert (d.sync_state, d.sync_attempts) == (SyncState.FAILED, 1) and "Bảo trì" in d.sync_error
    # Back-off: 60 s after the first failure, 120 s after the second.
    assert services.sync_pending(transport=http(), now=t0 + datetime.timedelta(seconds=30))["not_due"] == 1
    assert services.sync_pending(transport=http(), now=t0 + datetime.timedelta(seconds=61))["failed"] == 1
    d.refresh_from_db()
    assert d.sync_attempts == 2
    t1 = t0 + datetime.timedelta(seconds=61)
    assert services.sync_pending(transport=http(), now=t1 + datetime.timedelta(seconds=100))["not_due"] == 1
    responses.replace(responses.POST, URL, json={"error_code": 0})
    assert services.sync_pending(transport=http(), now=t1 + datetime.timedelta(seconds=121))["synced"] == 1
    d.refresh_from_db()
    assert (d.sync_state, d.sync_attempts, d.sync_error) == (SyncState.SYNCED, 0, "")


@pytest.mark.parametrize(("attempts", "seconds"), [(1, 60), (2, 120), (3, 240), (10, 3600)])
def test_backoff_delay(settings, attempts, seconds):
    settings.DOSSIER_NATIONAL_RETRY_BASE_SECONDS = 60
    settings.DOSSIER_NATIONAL_RETRY_MAX_SECONDS = 3600
    assert services.backoff_delay(attempts) == datetime.timedelta(seconds=seconds)


@responses.activate
def test_permanent_failure_gives_up_at_once():
    responses.post(URL, json={"error_code": 12, "message": "Mã TTHC không tồn tại"})
    d = pending()
    assert services.sync_dossier(d.pk, transport=http()) == "given_up"
    d.refresh_from_db()
    assert d.sync_state == SyncState.FAILED and "Mã TTHC không tồn tại" in d.sync_error


@responses.activate
def test_gives_up_after_max_attempts(settings):
    settings.DOSSIER_NATIONAL_MAX_ATTEMPTS = 2
    responses.post(URL, body=requests.Timeout())
    d = pending()
    assert services.sync_dossier(d.pk, transport=http(), enqueue_retry=False) == "failed"
    assert services.sync_dossier(d.pk, transport=http(), enqueue_retry=False) == "given_up"
    assert services.sync_dossier(d.pk, transport=http(), enqueue_retry=False) == "skipped"


def test_file_transport_end_to_end(settings, tmp_path):
    settings.DOSSIER_NATIONAL_PORTAL = {"DIRECTORY": str(tmp_path)}
    d, _ = full_dossier(sync_state=SyncState.PENDING, sync_version=1)
    assert services.sync_pending()["synced"] == 1
    body = json.loads((tmp_path / "outbox" / f"{d.code}.json").read_text(encoding="utf-8"))
    assert body["HoSo"]["ChuHoSo"] == "Nguyễn Thị Hồng Nhung" and len(body["tienTrinhDongBo"]) == 3


def test_command_runs(settings, tmp_path):
    from django.core.management import call_command

    settings.DOSSIER_NATIONAL_PORTAL = {"DIRECTORY": str(tmp_path)}
    pending()
    import io

    out = io.StringIO()
    call_command("national_sync", stdout=out)
    assert "synced=1" in out.getvalue() and "created=0" in out.getvalue()


# --- pages and API ------------------------------------------------------------------------------

def failed_dossier(**kw):
    return make_dossier(sync_state=SyncState.FAILED, sync_version=3, synced_version=1, sync_attempts=6,
                        sync_error="Cổng DVCQG trả lỗi 3: Sai mã TTHC", **kw)


def test_failures_page_and_retry(client, django_capture_on_commit_callbacks):
    d = failed_dossier()
    clerk = officer(d.reception_agency)
    client.force_login(clerk)
    page = client.get("/ho-so/dong-bo/")
    assert page.status_code == 200
    html = page.content.decode()
    assert d.code in html and "Sai mã TTHC" in html and "Nguyễn Thị Hồng Nhung" not in html  # name masked
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/ho-so/dong-bo/{d.pk}/thu-lai/")
    assert response.status_code == 302 and len(callbacks) == 1
    d.refresh_from_db()
    assert (d.sync_state, d.sync_attempts, d.sync_error) == (SyncState.PENDING, 0, "")


def test_failures_page_is_scoped(client):
    d = failed_dossier()
    _, _, other = make_place()
    client.force_login(officer(other))
    assert d.code not in client.get("/ho-so/dong-bo/").content.decode()
    assert client.post(f"/ho-so/dong-bo/{d.pk}/thu-lai/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/ho-so/dong-bo/").status_code == 403
    client.force_login(officer(d.reception_agency, Role.SPECIALIST))
    assert client.get("/ho-so/dong-bo/").status_code == 403
    client.logout()
    assert client.get("/ho-so/dong-bo/").status_code == 302


def test_failures_page_queries_constant(client, django_assert_max_num_queries):
    d = failed_dossier()
    clerk = officer(d.reception_agency)
    client.force_login(clerk)
    client.get("/ho-so/dong-bo/")
    with django_assert_max_num_queries(12) as one:
        client.get("/ho-so/dong-bo/")
    for _ in range(5):
        failed_dossier(province=d.province, pc=d.resolving_agency, centre=d.reception_agency)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/ho-so/dong-bo/")


def test_api(client, django_capture_on_commit_callbacks):
    d = failed_dossier()
    client.force_login(officer(d.reception_agency))
    assert client.get("/api/v1/dossiers/national-portal/summary").json() == {"failed": 1, "pending": 0, "synced": 0}
    rows = client.get("/api/v1/dossiers/national-portal/failures").json()["items"]
    assert [r["code"] for r in rows] == [d.code] and rows[0]["applicant_name"] != d.applicant_name
    body = client.get(f"/api/v1/dossiers/national-portal/{d.pk}/payload").json()
    assert body["HoSo"]["MaHoSo"] == d.code
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(f"/api/v1/dossiers/national-portal/{d.pk}/retry").json()["sync_state"] == "pending"
    assert client.get("/api/v1/dossiers/national-portal/99999999999999999999/payload").status_code in (404, 422)
    client.force_login(UserFactory())
    assert client.get(f"/api/v1/dossiers/national-portal/{d.pk}/payload").status_code == 404
    client.logout()
    assert client.get("/api/v1/dossiers/national-portal/failures").status_code == 401
