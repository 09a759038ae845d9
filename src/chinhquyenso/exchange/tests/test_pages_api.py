"""Pages and API: scoping to the user's agencies, retry permission, garbage input."""

import pytest
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import OfficialFactory
from chinhquyenso.exchange import receiving, services
from chinhquyenso.exchange.edxml import build_document
from chinhquyenso.exchange.models import Message, MessageStatus
from chinhquyenso.exchange.transports import PermanentTransportError, get_transport

from .conftest import sample_package


@pytest.fixture
def failed(two, monkeypatch):
    package = sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]))
    message = services.queue_document(package, endpoint=two["ea"], peer=two["eb"])

    def refuse(envelope):
        raise PermanentTransportError("Trục từ chối")

    monkeypatch.setattr(get_transport("directory"), "send", refuse)
    assert services.attempt_send(message.pk) == MessageStatus.GIVEN_UP
    return message


def test_clerk_sees_own_agency_only(client, two, failed):
    client.force_login(two["clerk_a"])
    page = client.get(reverse("exchange:outbox"))
    assert page.status_code == 200 and "05/QĐ-UBND" in page.content.decode()
    assert client.get(reverse("exchange:detail", args=[failed.pk])).status_code == 200
    client.force_login(two["clerk_b"])
    assert "05/QĐ-UBND" not in client.get(reverse("exchange:outbox")).content.decode()
    assert client.get(reverse("exchange:detail", args=[failed.pk])).status_code == 404


def test_retry_needs_the_clerk_role(client, two, failed):
    client.force_login(two["specialist_a"])  # a specialist sees nothing of the exchange
    assert client.post(reverse("exchange:retry", args=[failed.pk])).status_code == 404
    client.force_login(two["clerk_a"])
    response = client.post(reverse("exchange:retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == MessageStatus.QUEUED


def test_anonymous_is_sent_to_login(client, two):
    assert client.get(reverse("exchange:inbox")).status_code == 302


def test_detail_shows_errors_of_a_rejected_package(client, two):
    message = receiving.receive_package(two["eb"], b"<edXML>")
    client.force_login(two["clerk_b"])
    body = client.get(reverse("exchange:detail", args=[message.pk])).content.decode()
    assert "không phải XML hợp lệ" in body


def test_pages_query_count_is_constant(client, two, django_assert_max_num_queries):
    client.force_login(two["clerk_b"])
    for i in range(12):
        raw = build_document(sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]), code_number=f"{i + 10}"))
        receiving.receive_package(two["eb"], raw)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("exchange:inbox")).status_code == 200


def test_api_scoping_and_retry(client, two, failed):
    client.force_login(two["clerk_a"])
    listed = client.get("/api/v1/exchange/messages?direction=out")
    assert listed.status_code == 200, listed.content
    assert [m["id"] for m in listed.json()["items"]] == [failed.pk]
    detail = client.get(f"/api/v1/exchange/messages/{failed.pk}").json()
    assert detail["status"] == "given_up" and detail["events"]
    assert client.post(f"/api/v1/exchange/messages/{failed.pk}/retry").status_code == 200
    again = client.post(f"/api/v1/exchange/messages/{failed.pk}/retry")  # now queued: a state conflict
    assert again.status_code == 409 and "Chỉ gửi lại được" in again.json()["detail"]
    client.force_login(two["clerk_b"])
    assert client.get("/api/v1/exchange/messages").json()["items"] == []
    assert client.get(f"/api/v1/exchange/messages/{failed.pk}").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/exchange/messages/0", "/api/v1/exchange/messages/99999999999999999999",
                                  "/api/v1/exchange/messages?direction=xyz", "/api/v1/exchange/messages?limit=-1"])
def test_api_garbage_input_is_4xx(client, two, path):
    client.force_login(two["clerk_a"])
    assert 400 <= client.get(path).status_code < 500


def test_api_needs_auth(client):
    assert client.get("/api/v1/exchange/messages").status_code == 401


def test_official_without_role_sees_nothing(client, two, failed):
    client.force_login(OfficialFactory(username="khong_quyen"))
    assert client.get("/api/v1/exchange/messages").json()["items"] == []
    assert Message.objects.count() == 1
