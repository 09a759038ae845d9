"""Transport plugins: the directory drop and the LGSP HTTP client (mocked with `responses`)."""

import json

import pytest
import responses
from django.core.exceptions import ImproperlyConfigured

from chinhquyenso.exchange.transports import (
    OutgoingEnvelope,
    PermanentTransportError,
    TransientTransportError,
    get_transport,
)

from .conftest import LGSP_URL

ENVELOPE = OutgoingEnvelope("6f1c", "000.00.38.A01", "000.00.38.B02", "document", b"<edXML/>")


def test_directory_drop_is_atomic_and_ackable(drop):
    transport = get_transport("directory")
    result = transport.send(ENVELOPE)
    assert (drop / "000.00.38.A01" / "outbox" / result.remote_id).read_bytes() == b"<edXML/>"
    fetched = list(transport.fetch("000.00.38.B02"))
    assert [f.data for f in fetched] == [b"<edXML/>"]
    assert not list((drop / "000.00.38.B02" / "inbox").glob(".tmp-*"))
    transport.ack("000.00.38.B02", fetched[0].remote_id)
    assert list(transport.fetch("000.00.38.B02")) == []
    assert (drop / "000.00.38.B02" / "done" / fetched[0].remote_id).exists()


@pytest.mark.parametrize("address", ["../etc", "a/b", "", "x" * 65])
def test_directory_refuses_path_tricks(address):
    with pytest.raises(PermanentTransportError):
        get_transport("directory").send(OutgoingEnvelope("1", "000.00.38.A01", address, "document", b"x"))


def test_unknown_transport_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        get_transport("bưu-điện")


@responses.activate
def test_lgsp_send_posts_the_package_with_credentials():
    responses.post(f"{LGSP_URL}/sendEdoc", json={"status": "OK", "DocId": "vpcp-123"})
    result = get_transport("lgsp").send(ENVELOPE)
    assert result.remote_id == "vpcp-123"
    call = responses.calls[0].request
    assert call.body == b"<edXML/>"
    assert call.headers["systemid"] == "thanhhoa-qlvb" and call.headers["secret"] == "khoa-bi-mat"
    assert call.headers["messagetype"] == "edoc" and call.headers["to"] == "000.00.38.B02"


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        ({"status": 503, "body": "busy"}, TransientTransportError),
        ({"status": 429, "body": "slow down"}, TransientTransportError),
        ({"status": 401, "body": "bad secret"}, PermanentTransportError),
        ({"status": 200, "json": {"status": "FAIL", "ErrorDesc": "Sai mã đơn vị"}}, PermanentTransportError),
        ({"status": 200, "body": "<html>"}, TransientTransportError),
    ],
)
@responses.activate
def test_lgsp_errors_are_classified(reply, error):
    responses.post(f"{LGSP_URL}/sendEdoc", **reply)
    with pytest.raises(error):
        get_transport("lgsp").send(ENVELOPE)


@responses.activate
def test_lgsp_connection_error_is_transient():
    with pytest.raises(TransientTransportError):
        get_transport("lgsp").send(ENVELOPE)  # no mock registered: responses raises ConnectionError


@responses.activate
def test_lgsp_fetch_and_ack():
    responses.get(f"{LGSP_URL}/getReceivedEdocList", json={"status": "OK", "data": [{"DocId": "d1", "from": "000.00.38.A01"}]})
    responses.get(f"{LGSP_URL}/getReceivedEdocList", json={"status": "OK", "data": []})
    responses.get(f"{LGSP_URL}/getEdoc", body=b"<edXML>1</edXML>")
    responses.post(f"{LGSP_URL}/updateStatus", json={"status": "OK"})
    transport = get_transport("lgsp")
    fetched = list(transport.fetch("000.00.38.B02"))
    assert [(f.remote_id, f.data) for f in fetched] == [("d1", b"<edXML>1</edXML>")]
    transport.ack("000.00.38.B02", "d1")
    assert responses.calls[-1].request.headers["docid"] == "d1"
    assert json.dumps(responses.calls[0].request.headers["messagetype"]) == '"edoc"'


def test_lgsp_requires_url(settings):
    settings.EXCHANGE_TRANSPORTS = {"lgsp": {"BACKEND": "chinhquyenso.exchange.transports.LgspHttpTransport"}}
    with pytest.raises(ImproperlyConfigured):
        get_transport("lgsp").send(ENVELOPE)
