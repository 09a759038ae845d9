"""Two workers on one message: exactly one sends (PostgreSQL, real threads)."""

import threading

import pytest
from django.db import connection

from chinhquyenso.exchange import receiving, services
from chinhquyenso.exchange.edxml import build_document
from chinhquyenso.exchange.models import Message, MessageStatus
from chinhquyenso.exchange.transports import get_transport

from .conftest import sample_package

# serialized_rollback: the flush after these tests would otherwise erase the seeded document types
# that the other tests of the run rely on.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _parallel(fn, n=2):
    barrier, results = threading.Barrier(n), []

    def run():
        barrier.wait()
        try:
            results.append(fn())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(autouse=True)
def _pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # transaction=True tests truncate tables, seeded rows included: put the document types back.
    from chinhquyenso.documents.models import DocumentType
    from chinhquyenso.documents.seeding import ensure_document_types

    ensure_document_types(DocumentType)


def test_two_workers_one_send(two, monkeypatch, drop):
    package = sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]))
    message = services.queue_document(package, endpoint=two["ea"], peer=two["eb"])
    sent = []
    transport = get_transport("directory")
    original = transport.send
    monkeypatch.setattr(transport, "send", lambda envelope: sent.append(1) or original(envelope))
    results = _parallel(lambda: services.attempt_send(message.pk))
    assert sorted(results) == sorted([MessageStatus.SENT, "skipped"])
    assert len(sent) == 1


def test_same_package_received_twice_concurrently_registers_once(two):
    raw = build_document(sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"])))
    results = _parallel(lambda: receiving.receive_package(two["eb"], raw))
    assert [m.status for m in results] == ["processed", "processed"], [m.last_error for m in results]
    results = [m.pk for m in results]
    assert results[0] == results[1]
    from chinhquyenso.documents.models import Document

    assert Document.objects.filter(agency=two["b"]).count() == 1
    assert Message.objects.filter(kind="document", direction="in").count() == 1
