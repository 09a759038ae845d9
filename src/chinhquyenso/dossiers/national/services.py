"""National-portal sync: send changed dossiers, record the outcome per dossier, import dossiers
filed on the portal. Every write to the sync fields is here.

Sending: dossiers.services bumps Dossier.sync_version on every change (state "pending"); a dossier
is due while synced_version < sync_version. The payload is built and sent WITHOUT holding a row
lock (an HTTP call may take seconds); the outcome is then recorded under select_for_update: the
version that was sent becomes synced_version, and if the dossier changed meanwhile it stays
pending for the next round. Sending the same dossier twice is harmless — the portal keys on
MaHoSo [I].

Failures: transient errors (timeouts, 5xx, 429) are retried with exponential back-off —
settings.DOSSIER_NATIONAL_RETRY_BASE_SECONDS × 2^(attempt−1), capped at
DOSSIER_NATIONAL_RETRY_MAX_SECONDS — up to DOSSIER_NATIONAL_MAX_ATTEMPTS; permanent errors (the
portal refused the content, or our payload failed the schema) stop at once. Either way the dossier
shows as "failed" with its error on the sync page until someone retries it. The time of the last
attempt is the row's updated_at (no separate column; see docs/national-portal.md)."""

import datetime
import logging

import pydantic
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chinhquyenso.audit.services import record

from ..models import Dossier, SyncState
from ..workflow import Status
from . import payload as payloads
from . import schema
from .transports import SyncError, get_transport

logger = logging.getLogger(__name__)


def max_attempts() -> int:
    return int(getattr(settings, "DOSSIER_NATIONAL_MAX_ATTEMPTS", 6))


def backoff_delay(attempts: int) -> datetime.timedelta:
    base = int(getattr(settings, "DOSSIER_NATIONAL_RETRY_BASE_SECONDS", 60))
    cap = int(getattr(settings, "DOSSIER_NATIONAL_RETRY_MAX_SECONDS", 6 * 3600))
    return datetime.timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def candidates():
    """Dossiers with unsent changes that are not given up (drafts are never sent)."""
    return (Dossier.objects.exclude(status=Status.DRAFT).exclude(code__isnull=True)
            .filter(synced_version__lt=F("sync_version"))
            .exclude(sync_state=SyncState.NOT_REQUIRED)
            .exclude(sync_state=SyncState.FAILED, sync_attempts__gte=max_attempts()))


def is_due(d: Dossier, now: datetime.datetime) -> bool:
    if d.sync_state != SyncState.FAILED or d.sync_attempts == 0:
        return True
    return d.updated_at + backoff_delay(d.sync_attempts) <= now


def _record_success(dossier_id: int, version: int, now: datetime.datetime, reference: str) -> None:
    with transaction.atomic():
        d = Dossier.objects.select_for_update().get(pk=dossier_id)
        synced = max(d.synced_version, version)
        fields = {"synced_version": synced, "synced_at": now, "sync_attempts": 0, "sync_error": "",
                  "sync_state": SyncState.SYNCED if synced >= d.sync_version else SyncState.PENDING}
        if reference and not d.national_reference:
            fields["national_reference"] = reference
        Dossier.objects.filter(pk=dossier_id).update(**fields)


def _record_failure(dossier_id: int, message: str, permanent: bool, now: datetime.datetime) -> datetime.datetime | None:
    """Returns when to retry, or None when no automatic retry will happen."""
    with transaction.atomic():
        d = Dossier.objects.select_for_update().get(pk=dossier_id)
        attempts = d.sync_attempts + 1
        Dossier.objects.filter(pk=dossier_id).update(
            sync_state=SyncState.FAILED, sync_attempts=attempts, sync_error=message[:2000], updated_at=now,
        )
    if permanent or attempts >= max_attempts():
        return None
    return now + backoff_delay(attempts)


def sync_dossier(dossier_id: int, *, transport=None, now: datetime.datetime | None = None,
                 enqueue_retry: bool = True) -> str:
    """One attempt to send one dossier. Returns "synced", "failed", "given_up" or "skipped"."""
    now = now or timezone.now()
    d = payloads.related(candidates().filter(pk=dossier_id)).first()
    if d is None:
        return "skipped"
    version = d.sync_version
    try:
        body = payloads.build(d)
        schema.validate(body)
    except (payloads.NotSyncable, pydantic.ValidationError) as exc:
        message = f"Dữ liệu hồ sơ không đúng cấu trúc trao đổi DVCQG: {exc}"
        _record_failure(dossier_id, message, True, now)
        return "given_up"
    try:
        result = (transport or get_transport()).send(body)
    except SyncError as exc:
        retry_at = _record_failure(dossier_id, exc.message, exc.permanent, now)
    except Exception as exc:  # a bug or misconfiguration must not kill the batch
        logger.exception("national sync of dossier %s failed", dossier_id)
        retry_at = _record_failure(dossier_id, f"Lỗi không mong đợi: {type(exc).__name__}: {exc}", False, now)
    else:
        _record_success(dossier_id, version, now, result.reference)
        return "synced"
    if retry_at is None:
        return "given_up"
    if enqueue_retry:
        from .tasks import sync_dossier_task

        transaction.on_commit(lambda: sync_dossier_task.using(run_after=retry_at).enqueue(dossier_id))
    return "failed"


def sync_pending(*, limit: int = 500, now: datetime.datetime | None = None, transport=None) -> dict[str, int]:
    """Send every due dossier (cron / `manage.py national_sync`); retries come from here too, so
    the schedule survives a task backend that cannot defer."""
    now = now or timezone.now()
    counts = {"synced": 0, "failed": 0, "given_up": 0, "skipped": 0, "not_due": 0}
    transport = transport or get_transport()
    rows = candidates().order_by("updated_at", "id").only("id", "sync_state", "sync_attempts", "updated_at")[:limit]
    for d in rows:
        if not is_due(d, now):
            counts["not_due"] += 1
            continue
        counts[sync_dossier(d.pk, transport=transport, now=now, enqueue_retry=False)] += 1
    return counts


def retry(dossier: Dossier, *, actor) -> Dossier:
    """The retry button: clear the failure and send again at once (after commit)."""
    with transaction.atomic():
        d = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if d.status == Status.DRAFT:
            raise ValueError("Bản nháp không được đồng bộ.")
        before = {"sync_state": d.sync_state, "sync_attempts": d.sync_attempts, "sync_error": d.sync_error}
        sync_version = max(d.sync_version, d.synced_version + 1)
        Dossier.objects.filter(pk=d.pk).update(sync_state=SyncState.PENDING, sync_attempts=0, sync_error="",
                                              sync_version=sync_version)
        d.refresh_from_db()
        record("dossier.national_sync_retry", d, before=before,
               after={"sync_state": d.sync_state, "sync_attempts": 0, "sync_error": ""}, actor=actor,
               province_code=d.province.code)
        from .tasks import sync_dossier_task

        transaction.on_commit(lambda: sync_dossier_task.enqueue(d.pk))
    return d
