"""Sending, receiving, status messages, idempotency and the two-instance end-to-end exchange."""

import datetime

import pytest
from django.utils import timezone

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory
from chinhquyenso.documents import outgoing
from chinhquyenso.documents import services as documents
from chinhquyenso.documents.models import DeliveryState, Direction, Document, DocumentType, Recipient, Status
from chinhquyenso.documents.tests.conftest import FakeSigningService
from chinhquyenso.documents.tests.pdfs import pdf_with_text
from chinhquyenso.exchange import receiving, services, workflow
from chinhquyenso.exchange.edxml import build_document, parse_package
from chinhquyenso.exchange.models import Direction as MsgDirection
from chinhquyenso.exchange.models import Kind, Message, MessageStatus
from chinhquyenso.exchange.transports import TransientTransportError, get_transport

from .conftest import sample_package

S = MessageStatus


def deliver_all() -> list[str]:
    """What the worker would do: one attempt for every queued outgoing message."""
    ids = Message.objects.filter(direction=MsgDirection.OUTGOING, status=S.QUEUED).order_by("pk").values_list("pk", flat=True)
    return [services.attempt_send(pk) for pk in list(ids)]


@pytest.fixture
def signing(monkeypatch):
    service = FakeSigningService()
    monkeypatch.setattr("chinhquyenso.documents.signing._services", lambda: service)
    return service


def _issue_and_distribute(two, capture, recipients):
    leader = RoleAssignmentFactory(role=Role.LEADER, agency=two["a"],
                                   user=OfficialFactory(username="lanhdao_a", full_name="Nguyễn Văn Hùng", title="Chủ tịch")).user
    doc = outgoing.create_draft(agency=two["a"], doc_type=DocumentType.objects.get(code="quyet-dinh"),
                                subject="Về việc giao chỉ tiêu chuyển đổi số năm 2025", actor=two["clerk_a"],
                                recipients=recipients, files=[pdf_with_text()])
    for name, actor in [("submit", two["clerk_a"]), ("check", two["clerk_a"]), ("approve", leader),
                        ("sign", leader), ("issue", two["clerk_a"]), ("distribute", two["clerk_a"])]:
        with capture(execute=True):
            doc = outgoing.perform(doc, name, actor=actor)
    return doc


def test_two_instances_exchange_a_document_end_to_end(two, drop, signing, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    # Instance A issues a decision to B, addressed by B's OrganId (an external recipient).
    doc = _issue_and_distribute(two, capture, [{"name": "UBND xã Hoằng Hóa", "code": "000.00.38.B02"}])
    out = Message.objects.get(direction=MsgDirection.OUTGOING, kind=Kind.DOCUMENT)
    assert (out.status, out.peer_organ_id, out.document_pk) == (S.QUEUED, "000.00.38.B02", doc.pk)
    assert out.document_ref == f"000.00.38.A01,{doc.issued_on:%Y-%m-%d},{doc.number_symbol}"

    with capture(execute=True):
        assert deliver_all() == [S.SENT]
    assert list((drop / "000.00.38.B02" / "inbox").glob(f"*-{out.uuid}.edxml"))
    assert list((drop / "000.00.38.A01" / "outbox").glob(f"*-{out.uuid}.edxml"))
    assert Recipient.objects.get(document=doc).state == DeliveryState.SENT

    # Instance B polls its inbox: the document enters B's incoming register (01 waits for the clerk).
    with capture(execute=True):
        assert receiving.poll(two["eb"]) == {"received": 1, "rejected": 0}
    incoming = Document.objects.get(direction=Direction.INCOMING, agency=two["b"])
    assert (incoming.status, incoming.number_symbol, incoming.issuing_agency_code) == (
        Status.RECEIVED, doc.number_symbol, "000.00.38.A01")
    assert incoming.files.count() == 1
    assert not list((drop / "000.00.38.B02" / "inbox").glob("*.edxml"))  # acknowledged → done/

    # B's clerk registers it: 03 goes back (01 went already on arrival).
    with capture(execute=True):
        documents.register(incoming, actor=two["clerk_b"])
    codes = list(Message.objects.filter(direction=MsgDirection.OUTGOING, kind=Kind.STATUS, agency=two["b"])
                 .order_by("pk").values_list("status_code", flat=True))
    assert codes == ["01", "03"]
    with capture(execute=True):
        assert deliver_all() == [S.SENT, S.SENT]

    # Instance A polls: it sees the recipient's state.
    with capture(execute=True):
        assert receiving.poll(two["ea"]) == {"received": 2, "rejected": 0}
    out.refresh_from_db()
    assert (out.status, out.remote_status) == (S.ACKNOWLEDGED, "03")
    assert Recipient.objects.get(document=doc).state == DeliveryState.REGISTERED
    assert list(out.events.values_list("remote_status", flat=True).exclude(remote_status="")) == ["01", "03"]


def test_same_package_twice_registers_once(two, django_capture_on_commit_callbacks):
    raw = build_document(sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"])))
    with django_capture_on_commit_callbacks(execute=True):
        first = receiving.receive_package(two["eb"], raw)
        second = receiving.receive_package(two["eb"], raw)
    assert first.pk == second.pk and first.status == S.PROCESSED
    assert Document.objects.filter(agency=two["b"], direction=Direction.INCOMING).count() == 1
    assert Message.objects.filter(direction=MsgDirection.INCOMING, kind=Kind.DOCUMENT).count() == 1
    # One 01 back to the sender, not two.
    assert Message.objects.filter(direction=MsgDirection.OUTGOING, status_code="01").count() == 1


@pytest.mark.parametrize(
    "raw",
    [b"<edXML>", b"not xml at all", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><edXML/>'],
)
def test_malformed_package_stores_no_document(two, raw):
    message = receiving.receive_package(two["eb"], raw)
    assert message.status == S.REJECTED and message.errors
    assert not Document.objects.exists()
    assert receiving.receive_package(two["eb"], raw).pk == message.pk  # logged once


def test_package_for_another_organ_is_rejected(two):
    other = sample_package(services.organ_of(two["ea"]), services.organ_of(two["ea"]))
    message = receiving.receive_package(two["eb"], build_document(other))
    assert message.status == S.REJECTED and "không gửi cho cơ quan này" in message.last_error
    assert not Document.objects.exists()


def test_refused_by_documents_rolls_back_and_answers_02(two, django_capture_on_commit_callbacks):
    future = timezone.localdate() + datetime.timedelta(days=3)
    raw = build_document(sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]), promulgation_date=future))
    with django_capture_on_commit_callbacks(execute=True):
        message = receiving.receive_package(two["eb"], raw)
    assert message.status == S.REJECTED and "Ngày ban hành" in message.last_error
    assert not Document.objects.exists()
    refusal = Message.objects.get(direction=MsgDirection.OUTGOING, kind=Kind.STATUS)
    assert refusal.status_code == "02" and refusal.peer_organ_id == "000.00.38.A01"


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (["01", "03", "04", "05", "06"], "06"),
        (["03", "01"], "03"),  # late 01 is history only
        (["01", "02"], "02"),
        (["03", "02"], "03"),  # refusal after registration is not accepted
        (["02", "03"], "02"),  # refused is final
        (["01", "13", "16"], "01"),
        (["01", "13", "03", "16"], "03"),  # progress while the recall was pending survives a refusal
        (["03", "13", "15", "04"], "15"),
        (["06", "13"], "06"),
    ],
)
def test_remote_status_table(steps, expected):
    current, before = "", ""
    for code in steps:
        move = workflow.next_remote(current, code, before)
        current, before = move.status, move.before_recall
    assert current == expected


def _sent_document(two) -> Message:
    package = sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]))
    message = services.queue_document(package, endpoint=two["ea"], peer=two["eb"])
    assert services.attempt_send(message.pk) == S.SENT
    return message


def test_status_messages_move_the_senders_state(two, django_capture_on_commit_callbacks):
    out = _sent_document(two)
    with django_capture_on_commit_callbacks(execute=True):
        receiving.poll(two["eb"])
    incoming = Message.objects.get(direction=MsgDirection.INCOMING, kind=Kind.DOCUMENT)
    for code in ["04", "05", "06"]:
        services.send_status(incoming, code)
    deliver_all()
    receiving.poll(two["ea"])
    out.refresh_from_db()
    assert out.remote_status == "06" and out.status == S.ACKNOWLEDGED


def test_status_for_unknown_document_is_rejected(two):
    out = _sent_document(two)
    from chinhquyenso.exchange.edxml import StatusPackage, build_status

    raw = build_status(StatusPackage(services.organ_of(two["eb"]), "000.00.38.A01", "khong-co", "", None, "03"))
    message = receiving.receive_package(two["ea"], raw)
    assert message.status == S.REJECTED and "Không tìm thấy văn bản" in message.last_error
    out.refresh_from_db()
    assert out.remote_status == ""


def test_recall_request_and_agreement(two, django_capture_on_commit_callbacks):
    out = _sent_document(two)
    receiving.poll(two["eb"])
    incoming = Message.objects.get(direction=MsgDirection.INCOMING, kind=Kind.DOCUMENT)
    services.request_recall(out, reason="Sai số liệu tại Điều 2", actor=two["clerk_a"])
    deliver_all()
    receiving.poll(two["eb"])
    incoming.refresh_from_db()
    assert incoming.remote_status == "13"
    services.answer_recall(incoming, agree=True, note="Đồng ý", actor=two["clerk_b"])
    deliver_all()
    receiving.poll(two["ea"])
    out.refresh_from_db()
    assert out.remote_status == "15"
    with pytest.raises(Exception, match="không có đề nghị"):
        services.answer_recall(incoming, agree=False)


def test_classified_document_is_not_sent(two, signing, django_capture_on_commit_callbacks):
    leader = RoleAssignmentFactory(role=Role.LEADER, agency=two["a"], user=OfficialFactory(username="ld2")).user
    doc = outgoing.create_draft(agency=two["a"], doc_type=DocumentType.objects.get(code="quyet-dinh"), subject="Mật",
                                actor=two["clerk_a"], secrecy="mat", files=[pdf_with_text()],
                                recipients=[{"name": "UBND xã Hoằng Hóa", "code": "000.00.38.B02"}])
    for name, actor in [("submit", two["clerk_a"]), ("check", two["clerk_a"]), ("approve", leader),
                        ("sign", leader), ("issue", two["clerk_a"]), ("distribute", two["clerk_a"])]:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                doc = outgoing.perform(doc, name, actor=actor, forward_to=leader)
            except TypeError:
                doc = outgoing.perform(doc, name, actor=actor)
    assert not Message.objects.exists()
    assert Recipient.objects.get(document=doc).state == DeliveryState.FAILED


# --- retries ---------------------------------------------------------------------------------


class Flaky:
    def __init__(self, errors):
        self.errors = list(errors)

    def send(self, envelope):
        if self.errors:
            raise self.errors.pop(0)
        from chinhquyenso.exchange.transports import SendResult

        return SendResult("ok-1")


def test_transient_failures_back_off_then_give_up(two, monkeypatch):
    package = sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]))
    message = services.queue_document(package, endpoint=two["ea"], peer=two["eb"])
    transport = get_transport("directory")
    monkeypatch.setattr(transport, "send", Flaky([TransientTransportError("HTTP 503")] * 5).send)
    assert services.attempt_send(message.pk, jitter=0) == S.FAILED
    message.refresh_from_db()
    assert message.attempts == 1 and message.next_attempt_at > timezone.now()
    assert services.attempt_send(message.pk) == "skipped"  # back-off not yet over
    for _ in range(2):
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
        result = services.attempt_send(message.pk, jitter=0)
    assert result == S.GIVEN_UP
    message.refresh_from_db()
    assert "đã thử 3 lần" in message.last_error
    services.retry(message, actor=two["clerk_a"])
    message.refresh_from_db()
    assert message.status == S.QUEUED


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 60), (2, 120), (3, 240), (7, 3600)])
def test_backoff(attempt, seconds):
    assert services.backoff_delay(attempt) == datetime.timedelta(seconds=seconds)


def test_queue_is_idempotent_and_package_parses(two):
    package = sample_package(services.organ_of(two["ea"]), services.organ_of(two["eb"]))
    first = services.queue_document(package, endpoint=two["ea"], peer=two["eb"])
    again = services.queue_document(package, endpoint=two["ea"], peer=two["eb"])
    assert first.pk == again.pk
    with first.package.open("rb") as fh:
        assert parse_package(fh.read()).subject == package.subject
