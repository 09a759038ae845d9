"""Writes of the exchange on the receiving side and the wiring to documents' events (split out of
services.py to keep both readable; same rules: one function per use case, one transaction)."""

from __future__ import annotations

import hashlib
import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.audit.services import record, snapshot

from . import bridge, services, workflow
from .edxml import DocumentPackage, PackageError, StatusPackage, names, parse_package
from .models import Direction, ExchangeEndpoint, Kind, Message, MessageStatus
from .transports import TransportError, get_transport

logger = logging.getLogger(__name__)
S = MessageStatus


def _reject(endpoint: ExchangeEndpoint, raw: bytes, errors: list[str], *, package=None) -> Message:
    """Log a package we could not accept (for the clerk), idempotent on its bytes."""
    digest = hashlib.sha256(raw).hexdigest()
    key = f"in:rejected:{endpoint.organ_id}:{digest}"
    existing = Message.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing
    sender = getattr(package, "sender", None)
    message = Message(
        uuid=uuid.uuid4(), direction=Direction.INCOMING,
        kind=Kind.STATUS if isinstance(package, StatusPackage) else Kind.DOCUMENT,
        status=S.REJECTED, agency=endpoint.agency, endpoint=endpoint, province_id=endpoint.province_id,
        peer_organ_id=getattr(sender, "organ_id", "")[:64], peer_name=getattr(sender, "organ_name", "")[:255],
        document_ref=(package.effective_document_id() if isinstance(package, DocumentPackage) else "")[:255],
        code=(package.code if isinstance(package, DocumentPackage) else "")[:120],
        subject=getattr(package, "subject", ""), dedupe_key=key, errors=errors, last_error="; ".join(errors)[:4000],
        transport=endpoint.transport,
    )
    services._store_package(message, raw)
    try:
        with transaction.atomic():
            message.save()
            services._event(message, status=S.REJECTED, note=message.last_error)
            record("exchange.message.reject", message, after={"errors": errors}, province_code=endpoint.province_code)
    except IntegrityError:
        message.package.storage.delete(message.package.name)
        return Message.objects.get(dedupe_key=key)
    return message


def _receive_document(endpoint: ExchangeEndpoint, raw: bytes, package: DocumentPackage) -> Message:
    if endpoint.organ_id not in {organ.organ_id for organ in package.recipients}:
        message = _reject(endpoint, raw, [_("Gói tin không gửi cho cơ quan này (mã %(id)s).") % {"id": endpoint.organ_id}], package=package)
        return message
    doc_id = package.effective_document_id()
    key = f"in:doc:{endpoint.organ_id}:{doc_id}"
    existing = Message.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing  # the same package again: registered once
    message = Message(
        uuid=uuid.uuid4(), direction=Direction.INCOMING, kind=Kind.DOCUMENT, status=S.RECEIVED,
        agency=endpoint.agency, endpoint=endpoint, province_id=endpoint.province_id,
        peer_organ_id=package.sender.organ_id, peer_name=package.sender.organ_name[:255], document_ref=doc_id[:255],
        code=package.code[:120], subject=package.subject, dedupe_key=key, transport=endpoint.transport,
    )
    services._store_package(message, raw)
    try:
        with transaction.atomic():
            message.save()
            services._event(message, status=S.RECEIVED)
            document = bridge.register(package, agency=endpoint.agency, received_at=timezone.now(), message_uuid=str(message.uuid))
            message.document_pk, message.status = document.pk, S.PROCESSED
            message.save(update_fields=["document_pk", "status", "updated_at"])
            services._event(message, status=S.PROCESSED, note=_("Đã chuyển vào sổ văn bản đến (văn bản #%(pk)s).") % {"pk": document.pk})
            record("exchange.message.receive", message, after=snapshot(message, ["uuid", "peer_organ_id", "document_ref", "document_pk"]),
                   province_code=endpoint.province_code)
    except IntegrityError:
        message.package.storage.delete(message.package.name)
        return Message.objects.get(dedupe_key=key)
    except ValidationError as exc:
        message.package.storage.delete(message.package.name)
        errors = [str(m) for m in exc.messages]
        rejected = _reject(endpoint, raw, errors, package=package)
        _refuse(endpoint, package, "; ".join(errors))
        return rejected
    return message


def _refuse(endpoint: ExchangeEndpoint, package: DocumentPackage, reason: str) -> None:
    """Tell the sender we cannot take the document (status 02), through a stub incoming row so
    the status has a document message to answer for."""
    doc_id = package.effective_document_id()
    key = f"in:refused:{endpoint.organ_id}:{doc_id}"
    with transaction.atomic():
        stub = Message.objects.filter(dedupe_key=key).first()
        if stub is None:
            stub = Message.objects.create(
                uuid=uuid.uuid4(), direction=Direction.INCOMING, kind=Kind.DOCUMENT, status=S.REJECTED,
                agency=endpoint.agency, endpoint=endpoint, province_id=endpoint.province_id,
                peer_organ_id=package.sender.organ_id, peer_name=package.sender.organ_name[:255], document_ref=doc_id[:255],
                code=package.code[:120], subject=package.subject, dedupe_key=key, last_error=reason[:4000],
                errors=[reason], transport=endpoint.transport,
            )
        services.send_status(stub, names.STATUS_REFUSED, description=reason)


def _receive_status(endpoint: ExchangeEndpoint, raw: bytes, package: StatusPackage) -> Message:
    code = package.status_code
    if code in workflow.FROM_SENDER:  # recall request about a document we received
        about = Message.objects.filter(direction=Direction.INCOMING, kind=Kind.DOCUMENT, endpoint=endpoint,
                                       document_ref=package.response_for_document_id,
                                       peer_organ_id=package.sender.organ_id).exclude(status=S.REJECTED).first()
    else:  # the recipient reports on a document we sent
        about = Message.objects.filter(direction=Direction.OUTGOING, kind=Kind.DOCUMENT, endpoint=endpoint,
                                       document_ref=package.response_for_document_id,
                                       peer_organ_id=package.sender.organ_id).first()
    if about is None:
        return _reject(endpoint, raw, [_("Không tìm thấy văn bản mà thông điệp trạng thái nói tới (%(id)s).") % {"id": package.response_for_document_id[:120]}], package=package)
    stamp = package.timestamp.isoformat() if package.timestamp else hashlib.sha256(raw).hexdigest()
    key = f"in:status:{endpoint.organ_id}:{package.sender.organ_id}:{package.response_for_document_id}:{code}:{stamp}"
    existing = Message.objects.filter(dedupe_key=key).first()
    if existing is not None:
        return existing
    message = Message(
        uuid=uuid.uuid4(), direction=Direction.INCOMING, kind=Kind.STATUS, status=S.RECEIVED, agency=endpoint.agency,
        endpoint=endpoint, province_id=endpoint.province_id, peer_organ_id=package.sender.organ_id,
        peer_name=package.sender.organ_name[:255], document_ref=package.response_for_document_id[:255],
        code=about.code, subject=about.subject, status_code=code, response_for=about, dedupe_key=key,
        transport=endpoint.transport, document_pk=about.document_pk,
    )
    services._store_package(message, raw)
    try:
        with transaction.atomic():
            message.status = S.PROCESSED
            message.save()
            services._event(message, status=S.PROCESSED, remote_status=code, note=package.description)
            locked = Message.objects.select_for_update().get(pk=about.pk)
            moved = services._move_remote(locked, code, note=package.description)
            if locked.direction == Direction.OUTGOING and locked.status == S.SENT and code in workflow.FROM_RECIPIENT:
                locked.status, locked.acknowledged_at = S.ACKNOWLEDGED, timezone.now()
                locked.save(update_fields=["status", "acknowledged_at", "updated_at"])
                services._event(locked, status=S.ACKNOWLEDGED)
            state = bridge.recipient_state_for_code(locked.remote_status) if moved else None
            if state and locked.direction == Direction.OUTGOING:
                bridge.set_recipient_state(locked.recipient_pk, state, package.description)
            record("exchange.status.receive", locked, after={"code": code, "remote_status": locked.remote_status},
                   province_code=endpoint.province_code)
    except IntegrityError:
        message.package.storage.delete(message.package.name)
        return Message.objects.get(dedupe_key=key)
    return message


def receive_package(endpoint: ExchangeEndpoint, raw: bytes) -> Message:
    """Accept one package arriving for a hosted endpoint. Never raises on bad input: a malformed
    package becomes a `rejected` log row listing its errors, and nothing else is stored."""
    try:
        package = parse_package(raw)
    except PackageError as exc:
        return _reject(endpoint, raw if isinstance(raw, bytes) and len(raw) <= 1024 * 1024 * 1024 else b"", exc.errors)
    if isinstance(package, StatusPackage):
        return _receive_status(endpoint, raw, package)
    return _receive_document(endpoint, raw, package)


def poll(endpoint: ExchangeEndpoint, *, limit: int = 100) -> dict[str, int]:
    """Fetch what waits for one hosted endpoint, store each package, then acknowledge it to the
    transport (after the commit: a crash in between means a re-fetch, which is idempotent)."""
    counts = {"received": 0, "rejected": 0}
    transport = get_transport(endpoint.transport)
    try:
        for fetched in transport.fetch(endpoint.transport_address, limit=limit):
            message = receive_package(endpoint, fetched.data)
            counts["rejected" if message.status == S.REJECTED else "received"] += 1
            transport.ack(endpoint.transport_address, fetched.remote_id)
    except TransportError as exc:
        logger.warning("Polling %s failed: %s", endpoint.organ_id, exc.message)
        counts["error"] = 1
    return counts


def poll_all() -> dict[str, int]:
    total = {"endpoints": 0, "received": 0, "rejected": 0}
    for endpoint in ExchangeEndpoint.objects.filter(hosted=True, is_active=True).select_related("agency"):
        counts = poll(endpoint)
        total["endpoints"] += 1
        total["received"] += counts["received"]
        total["rejected"] += counts["rejected"]
    return total


# --- documents' events -------------------------------------------------------------------------


def on_document_distributed(document, recipients, **kwargs) -> None:
    """documents.events.document_distributed: one package per external recipient. A recipient is
    addressed by its endpoint (an agency in our table), or else by its code taken as an OrganId
    (≤ 13 characters), sent through our own endpoint's transport — the LGSP routes by OrganId."""
    from .edxml import Organ

    sender = services.endpoint_for_agency(document.agency_id)
    for recipient in recipients:
        peer = services.endpoint_for_agency(recipient.agency_id, recipient.code)
        if peer is not None:
            organ = services.organ_of(peer)
        elif recipient.code and len(recipient.code) <= names.ORGAN_ID_MAX:
            organ = Organ(organ_id=recipient.code, organ_name=recipient.name)
        else:
            organ = None
        if sender is None or organ is None:
            bridge.set_recipient_state(recipient.pk, "failed", _("Cơ quan gửi hoặc nơi nhận chưa có mã liên thông trên trục."))
            continue
        package = bridge.package_for(document, services.organ_of(sender), organ)
        if isinstance(package, bridge.Refusal):
            bridge.set_recipient_state(recipient.pk, "failed", package.reason)
            continue
        services.queue_document(package, endpoint=sender, peer=peer, document_pk=document.pk, recipient_pk=recipient.pk)


def on_incoming_status_changed(document, status, **kwargs) -> None:
    """documents.events.incoming_status_changed: report the new state to the sender (01–06, 02)."""
    code = bridge.CODE_FOR_STATUS.get(status)
    if code is None:
        return
    message = (Message.objects.filter(direction=Direction.INCOMING, kind=Kind.DOCUMENT, document_pk=document.pk)
               .exclude(status=S.REJECTED).select_related("endpoint", "agency").first())
    if message is None:
        return  # not a document that came through the exchange
    with transaction.atomic():
        if code == names.STATUS_REGISTERED and not message.responses.filter(status_code=names.STATUS_RECEIVED).exists():
            services.send_status(message, names.STATUS_RECEIVED)  # registered at once: 01 then 03
        services._move_remote(message, code)
        services.send_status(message, code)
