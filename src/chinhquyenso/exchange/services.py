"""Every write of the exchange app.

Sending: `queue_document()` / `send_status()` build the package, store it and a Message row
(status queued) in the caller's transaction, and enqueue tasks.send_message on commit.
`attempt_send()` claims the row with one conditional UPDATE (two workers: exactly one wins), sends
through the endpoint's transport with no lock held, then records sent / failed (+ back-off and a
new task with run_after) / given up — the pattern of notifications.services.attempt_delivery.

Receiving: `receive_package()` parses strictly; a document is registered through documents
(bridge.register) in ONE transaction with its Message row — a malformed package or a refusal by
documents leaves no document and no half row, only a `rejected` log row with the errors for the
clerk. The same package twice registers once (unique dedupe_key + documents' own idempotency).
Status messages move the per-recipient state at the sender (workflow.next_remote) and, through
documents.update_recipient_state, the document's recipient row.
"""

from __future__ import annotations

import hashlib
import logging
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc

from . import bridge, workflow
from .edxml import (
    DocumentPackage,
    Organ,
    StaffInfo,
    StatusPackage,
    build_document,
    build_status,
    names,
)
from .models import Direction, ExchangeEndpoint, Kind, Message, MessageEvent, MessageStatus
from .transports import OutgoingEnvelope, TransportError, get_transport

logger = logging.getLogger(__name__)
S = MessageStatus


# --- settings --------------------------------------------------------------------------------


def max_attempts() -> int:
    return max(1, int(getattr(settings, "EXCHANGE_MAX_ATTEMPTS", 6)))


def backoff_delay(attempt: int, *, jitter: float = 0.0) -> timedelta:
    """base · 2^(attempt−1) seconds, capped, plus up to 10 % jitter (defaults 60 s, 1 h)."""
    base = int(getattr(settings, "EXCHANGE_RETRY_BASE_SECONDS", 60))
    cap = int(getattr(settings, "EXCHANGE_RETRY_MAX_SECONDS", 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempt - 1)) * (1 + 0.1 * jitter))


# --- endpoints -------------------------------------------------------------------------------


def organ_of(endpoint: ExchangeEndpoint) -> Organ:
    agency = endpoint.agency
    return Organ(
        organ_id=endpoint.organ_id,
        organ_name=endpoint.organ_name,
        organization_in_charge=endpoint.organization_in_charge,
        address=agency.address,
        email=agency.email,
        telephone=agency.phone,
    )


def save_endpoint(*, agency, organ_id: str, organ_name: str = "", organization_in_charge: str = "",
                  transport: str = "directory", address: str = "", hosted: bool = True, is_active: bool = True,
                  actor=None) -> ExchangeEndpoint:
    """Create or change an agency's exchange endpoint (one per agency)."""
    organ_id = (organ_id or "").strip()
    if not organ_id or len(organ_id) > names.ORGAN_ID_MAX:
        raise ValidationError({"organ_id": _("Mã cơ quan trên trục phải có từ 1 đến %(n)s ký tự (QCVN 102:2016).") % {"n": names.ORGAN_ID_MAX}})
    from .transports import configured_transports

    if transport not in configured_transports():
        raise ValidationError({"transport": _("Kênh truyền «%(t)s» chưa được cấu hình.") % {"t": transport}})
    with transaction.atomic():
        endpoint = ExchangeEndpoint.objects.select_for_update().filter(agency=agency).first()
        before = snapshot(endpoint) if endpoint else None
        if ExchangeEndpoint.objects.filter(organ_id=organ_id).exclude(agency=agency).exists():
            raise ValidationError({"organ_id": _("Mã cơ quan %(id)s đã được dùng cho cơ quan khác.") % {"id": organ_id}})
        endpoint = endpoint or ExchangeEndpoint(agency=agency)
        endpoint.organ_id = organ_id
        endpoint.organ_name = nfc(organ_name or agency.name)[:255]
        endpoint.organization_in_charge = nfc(organization_in_charge)[:255]
        endpoint.transport = transport
        endpoint.address = (address or "").strip()[:255]
        endpoint.hosted = hosted
        endpoint.is_active = is_active
        endpoint.province_id = agency.province_id
        endpoint.save()
        record("exchange.endpoint.update" if before else "exchange.endpoint.create", endpoint,
               before=before, after=snapshot(endpoint), actor=actor, province_code=agency.province_code)
    return endpoint


def endpoint_for_agency(agency_id: int | None, code: str = "") -> ExchangeEndpoint | None:
    qs = ExchangeEndpoint.objects.filter(is_active=True).select_related("agency")
    if agency_id:
        found = qs.filter(agency_id=agency_id).first()
        if found:
            return found
    if not code:
        return None
    return qs.filter(agency__code=code).first() or qs.filter(organ_id=code).first()


# --- helpers ---------------------------------------------------------------------------------


def _event(message: Message, *, status: str = "", remote_status: str = "", note: str = "", actor=None) -> None:
    MessageEvent.objects.create(message=message, status=status, remote_status=remote_status, note=nfc(note)[:2000],
                                actor=actor if getattr(actor, "pk", None) else None)


def _store_package(message: Message, raw: bytes) -> None:
    message.size = len(raw)
    message.sha256 = hashlib.sha256(raw).hexdigest()
    message.package.save(f"{message.uuid}.edxml", ContentFile(raw), save=False)


def _enqueue(ids: list[int], run_after: datetime | None = None) -> None:
    from .tasks import send_message

    task = send_message
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # sweep() picks it up
        task = task.using(run_after=run_after)
    for message_id in ids:
        task.enqueue(message_id)


def _queue(*, agency, endpoint: ExchangeEndpoint, peer: ExchangeEndpoint | None, peer_organ: Organ, kind: str,
           raw: bytes, dedupe_key: str, document_ref: str, code: str, subject: str = "", status_code: str = "",
           document_pk=None, recipient_pk=None, response_for=None, actor=None) -> Message:
    existing = Message.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    message = Message(
        uuid=uuid.uuid4(), direction=Direction.OUTGOING, kind=kind, status=S.QUEUED, agency=agency,
        endpoint=endpoint, province_id=agency.province_id, peer_organ_id=peer_organ.organ_id,
        peer_name=peer_organ.organ_name[:255], document_ref=document_ref[:255], code=code[:120], subject=subject,
        status_code=status_code, document_pk=document_pk, recipient_pk=recipient_pk, response_for=response_for,
        dedupe_key=dedupe_key[:400], transport=(peer.transport if peer else endpoint.transport),
    )
    _store_package(message, raw)
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        message.package.storage.delete(message.package.name)
        return Message.objects.get(dedupe_key=dedupe_key)
    _event(message, status=S.QUEUED, remote_status=status_code, actor=actor)
    record("exchange.message.queue", message, after=snapshot(message, ["uuid", "kind", "peer_organ_id", "document_ref", "status_code"]),
           actor=actor, province_code=agency.province_code)
    transaction.on_commit(lambda: _enqueue([message.pk]))
    return message


# --- sending ---------------------------------------------------------------------------------


def queue_document(package: DocumentPackage, *, endpoint: ExchangeEndpoint, peer: ExchangeEndpoint | None = None,
                   document_pk=None, recipient_pk=None, actor=None) -> Message:
    """Queue one document package for its (single) recipient. Idempotent per (DocumentId, recipient)."""
    if len(package.recipients) != 1:
        raise ValueError("queue_document sends to exactly one recipient; call it once per recipient")
    raw = build_document(package)
    to = package.recipients[0]
    doc_id = package.effective_document_id()
    with transaction.atomic():
        return _queue(agency=endpoint.agency, endpoint=endpoint, peer=peer, peer_organ=to, kind=Kind.DOCUMENT, raw=raw,
                      dedupe_key=f"out:doc:{doc_id}:{to.organ_id}", document_ref=doc_id, code=package.code,
                      subject=package.subject, document_pk=document_pk, recipient_pk=recipient_pk, actor=actor)


def send_status(about: Message, code: str, *, description: str = "", staff: StaffInfo | None = None, actor=None,
                repeat: int = 0) -> Message:
    """Send status `code` about a document message to the other side. `about` is an incoming
    document (we are its recipient: 01–06, 02, 15/16) or an outgoing one (we sent it: 13)."""
    if about.kind != Kind.DOCUMENT or about.endpoint is None:
        raise ValidationError(_("Chỉ gửi được trạng thái cho một văn bản liên thông."))
    allowed = workflow.FROM_SENDER if about.direction == Direction.OUTGOING else workflow.FROM_RECIPIENT
    if code not in allowed:
        raise ValidationError(_("Mã trạng thái %(code)s không dùng được cho văn bản này.") % {"code": code})
    endpoint = about.endpoint
    peer = ExchangeEndpoint.objects.filter(organ_id=about.peer_organ_id, is_active=True).first()
    package = StatusPackage(
        sender=organ_of(endpoint),
        response_for_organ_id=about.peer_organ_id,
        response_for_document_id=about.document_ref,
        response_for_code=about.code,
        response_for_promulgation_date=None,
        status_code=code,
        description=nfc(description or str(names.STATUS_CODES[code]))[:2000],
        staff=staff,
    )
    raw = build_status(package)
    with transaction.atomic():
        return _queue(agency=about.agency, endpoint=endpoint, peer=peer, peer_organ=Organ(about.peer_organ_id, about.peer_name),
                      kind=Kind.STATUS, raw=raw, dedupe_key=f"out:status:{about.uuid}:{code}:{repeat}",
                      document_ref=about.document_ref, code=about.code, subject=about.subject, status_code=code,
                      document_pk=about.document_pk, response_for=about, actor=actor)


def _claim(message_id: int, now: datetime) -> bool:
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return bool(
        Message.objects.filter(due, pk=message_id, direction=Direction.OUTGOING, status__in=workflow.CLAIMABLE).update(
            status=S.SENDING, attempts=F("attempts") + 1, claimed_at=now, updated_at=now
        )
    )


def _finish(message: Message, **fields: Any) -> bool:
    fields["updated_at"] = timezone.now()
    return bool(Message.objects.filter(pk=message.pk, status=S.SENDING, attempts=message.attempts).update(**fields))


def attempt_send(message_id: int, *, jitter: float | None = None) -> str:
    """One send attempt; returns the resulting status or "skipped" when not claimable."""
    now = timezone.now()
    if not _claim(message_id, now):
        return "skipped"
    message = Message.objects.select_related("endpoint", "agency").get(pk=message_id)
    peer = ExchangeEndpoint.objects.filter(organ_id=message.peer_organ_id).first()
    try:
        message.package.open("rb")
        try:
            data = message.package.read()
        finally:
            message.package.close()
        result = get_transport(message.transport).send(OutgoingEnvelope(
            message_uuid=str(message.uuid), from_address=message.endpoint.transport_address,
            to_address=peer.transport_address if peer else message.peer_organ_id, kind=message.kind, data=data,
        ))
    except TransportError as exc:
        error, permanent = exc.message, exc.permanent
    except ImproperlyConfigured as exc:
        error, permanent = _("Kênh truyền chưa được cấu hình đúng: %(e)s") % {"e": exc}, False
    except Exception as exc:  # a bug or an outage must not lose the message: retry
        logger.exception("Unexpected error sending exchange message %s", message_id)
        error, permanent = f"{type(exc).__name__}: {exc}", False
    else:
        with transaction.atomic():
            if _finish(message, status=S.SENT, remote_id=result.remote_id[:128], last_error="", sent_at=timezone.now(),
                       next_attempt_at=None):
                _event(message, status=S.SENT)
                if message.kind == Kind.DOCUMENT:
                    bridge.set_recipient_state(message.recipient_pk, "sent")
        return S.SENT
    done = timezone.now()
    if permanent or message.attempts >= max_attempts():
        reason = error if permanent else _("%(e)s (đã thử %(n)s lần)") % {"e": error, "n": message.attempts}
        with transaction.atomic():
            if _finish(message, status=S.GIVEN_UP, last_error=reason, next_attempt_at=None):
                _event(message, status=S.GIVEN_UP, note=reason)
                if message.kind == Kind.DOCUMENT:
                    bridge.set_recipient_state(message.recipient_pk, "failed", reason)
        return S.GIVEN_UP
    next_at = done + backoff_delay(message.attempts, jitter=random.random() if jitter is None else jitter)
    with transaction.atomic():
        if _finish(message, status=S.FAILED, last_error=error, next_attempt_at=next_at):
            _event(message, status=S.FAILED, note=error)
            transaction.on_commit(lambda: _enqueue([message.pk], run_after=next_at))
    return S.FAILED


def retry(message: Message, *, actor=None) -> Message:
    """Clerk: send a failed or abandoned message again now."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if not workflow.can_move(locked.status, S.QUEUED, by="clerk"):
            raise ValidationError(_("Chỉ gửi lại được gói tin đang lỗi hoặc đã dừng gửi."), code="transition")
        before = snapshot(locked, ["status", "attempts"])
        locked.status, locked.next_attempt_at, locked.updated_at = S.QUEUED, None, timezone.now()
        if locked.status == S.QUEUED and locked.attempts >= max_attempts():
            locked.attempts = 0
        locked.save(update_fields=["status", "next_attempt_at", "attempts", "updated_at"])
        _event(locked, status=S.QUEUED, note=_("Văn thư yêu cầu gửi lại."), actor=actor)
        record("exchange.message.retry", locked, before=before, after=snapshot(locked, ["status", "attempts"]),
               actor=actor, province_code=locked.province_code)
        transaction.on_commit(lambda: _enqueue([locked.pk]))
    return locked


def sweep(*, now: datetime | None = None, stale_after: timedelta = timedelta(minutes=15)) -> dict[str, int]:
    """Safety net for a scheduler: stuck "sending" rows go back to failed; due rows whose task was
    lost are enqueued again (the claim makes duplicates harmless)."""
    now = now or timezone.now()
    reclaimed = Message.objects.filter(status=S.SENDING, claimed_at__lt=now - stale_after).update(
        status=S.FAILED, last_error=_("Tiến trình gửi bị gián đoạn; sẽ thử lại."), next_attempt_at=now, updated_at=now
    )
    grace = now - timedelta(minutes=2)
    ids = list(
        Message.objects.filter(direction=Direction.OUTGOING, status__in=workflow.CLAIMABLE)
        .filter(Q(next_attempt_at__lte=grace) | Q(next_attempt_at__isnull=True, created_at__lte=grace))
        .values_list("pk", flat=True)[:1000]
    )
    _enqueue(ids)
    return {"reclaimed": reclaimed, "enqueued": len(ids)}


# --- recall (13 → 15/16) -----------------------------------------------------------------------


def _move_remote(message: Message, code: str, *, note: str = "", actor=None) -> bool:
    move = workflow.next_remote(message.remote_status, code, message.remote_status_before_recall)
    if move.moved or move.before_recall != message.remote_status_before_recall:
        message.remote_status, message.remote_status_before_recall = move.status, move.before_recall
        message.remote_status_at = timezone.now()
        message.save(update_fields=["remote_status", "remote_status_before_recall", "remote_status_at", "updated_at"])
    _event(message, remote_status=code, note=note if move.moved else _("%(note)s (ghi nhận, không đổi trạng thái)") % {"note": note or code}, actor=actor)
    return move.moved


def request_recall(message: Message, *, reason: str, actor=None) -> Message:
    """Sender: ask the recipient to give the document back (status 13)."""
    reason = nfc(reason or "")
    if not reason:
        raise ValidationError({"reason": _("Cần nêu lý do lấy lại văn bản.")})
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.direction != Direction.OUTGOING or locked.kind != Kind.DOCUMENT:
            raise ValidationError(_("Chỉ lấy lại được văn bản đã gửi đi."))
        if not _move_remote(locked, names.STATUS_RECALL, note=reason, actor=actor):
            raise ValidationError(_("Không thể lấy lại văn bản ở trạng thái hiện tại."))
        count = locked.responses.filter(status_code=names.STATUS_RECALL).count()
        return send_status(locked, names.STATUS_RECALL, description=reason, actor=actor, repeat=count)


def answer_recall(message: Message, *, agree: bool, note: str = "", actor=None) -> Message:
    """Recipient: agree (15) or refuse (16) a recall request received for an incoming document."""
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        if locked.direction != Direction.INCOMING or locked.remote_status != names.STATUS_RECALL:
            raise ValidationError(_("Văn bản này không có đề nghị lấy lại đang chờ trả lời."))
        code = names.STATUS_RECALL_AGREED if agree else names.STATUS_RECALL_REFUSED
        _move_remote(locked, code, note=note, actor=actor)
        count = locked.responses.filter(status_code=code).count()
        return send_status(locked, code, description=note, actor=actor, repeat=count)
