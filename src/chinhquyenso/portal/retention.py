"""Retention of reporters' and askers' identity (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15: personal
data is kept no longer than its purpose needs; docs/personal-data.md).

A field report keeps its reporter's identity (the `feedback.ReporterContact` row, and the phone
and address of "me too" confirmations) only to call back, to answer a complaint about the handling
and to stop abuse. FEEDBACK_REPORTER_RETENTION_DAYS after the report is closed (published, closed,
refused or merged) that identity is erased; the report itself — content, place, timeline,
rating — stays, as the public record and the 766 indicators need it. Questions keep the asker's
identity on the question row; QUESTIONS_ASKER_RETENTION_DAYS after publication or refusal it is
erased the same way.

Spans two apps, hence here in `portal` (the composition root). Batched (one UPDATE per batch of
ids, never a row at a time), idempotent (rows already erased are not selected again), and one
audit entry per run with the counts (never the erased values)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from chinhquyenso.audit.services import record_event
from chinhquyenso.feedback.models import MeToo, ReporterContact
from chinhquyenso.feedback.workflow import OPEN as REPORT_OPEN
from chinhquyenso.questions.models import Question, QuestionEvent
from chinhquyenso.questions.models import Status as QuestionStatus

ERASED_CONTACT = {"user": None, "name": "", "phone": "", "email": "", "client_ip": ""}
ERASED_ME_TOO = {"user": None, "phone": "", "client_ip": ""}
ERASED_ASKER = {"asker": None, "asker_name": "", "asker_phone": "", "asker_email": "", "asker_address": "",
                "client_ip": ""}


@dataclass
class RunResult:
    dry_run: bool
    reporter_cutoff: datetime.datetime
    asker_cutoff: datetime.datetime
    counts: dict = field(default_factory=dict)


def _not_erased(values: dict) -> Q:
    """Rows where any of the fields still holds something."""
    q = Q()
    for name, empty in values.items():
        q |= Q(**{f"{name}__isnull": False}) if empty is None else ~Q(**{name: empty})
    return q


def reporter_contacts(cutoff: datetime.datetime) -> QuerySet:
    return ReporterContact.objects.filter(
        _not_erased(ERASED_CONTACT), report__closed_at__lte=cutoff,
    ).exclude(report__status__in=list(REPORT_OPEN))


def me_toos(cutoff: datetime.datetime) -> QuerySet:
    return MeToo.objects.filter(_not_erased(ERASED_ME_TOO), report__closed_at__lte=cutoff).exclude(
        report__status__in=list(REPORT_OPEN))


def askers(cutoff: datetime.datetime) -> QuerySet:
    """Published questions by their publication, refused ones by the refusal (the last event
    into "refused": resolved_at may be an earlier supplement request)."""
    refused_at = Subquery(
        QuestionEvent.objects.filter(question=OuterRef("pk"), to_status=QuestionStatus.REFUSED)
        .order_by("-at").values("at")[:1]
    )
    return Question.objects.filter(_not_erased(ERASED_ASKER)).annotate(refused_at=refused_at).filter(
        Q(status=QuestionStatus.PUBLISHED, published_at__lte=cutoff)
        | Q(status=QuestionStatus.REFUSED, refused_at__lte=cutoff)
    )


def _erase(qs: QuerySet, values: dict, batch_size: int, dry_run: bool) -> int:
    if dry_run:
        return qs.count()
    done = 0
    model = qs.model
    while True:
        with transaction.atomic():
            ids = list(qs.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                return done
            done += model.objects.filter(pk__in=ids).update(**values)


def run(*, now: datetime.datetime | None = None, dry_run: bool = False, batch_size: int = 500,
        reporter_days: int | None = None, asker_days: int | None = None) -> RunResult:
    now = now or timezone.now()
    reporter_days = settings.FEEDBACK_REPORTER_RETENTION_DAYS if reporter_days is None else reporter_days
    asker_days = settings.QUESTIONS_ASKER_RETENTION_DAYS if asker_days is None else asker_days
    result = RunResult(dry_run, now - datetime.timedelta(days=reporter_days), now - datetime.timedelta(days=asker_days))
    result.counts = {
        "reporters": _erase(reporter_contacts(result.reporter_cutoff), ERASED_CONTACT, batch_size, dry_run),
        "me_too": _erase(me_toos(result.reporter_cutoff), ERASED_ME_TOO, batch_size, dry_run),
        "askers": _erase(askers(result.asker_cutoff), ERASED_ASKER, batch_size, dry_run),
    }
    if not dry_run:
        with transaction.atomic():
            record_event(
                "personal_data.retention", object_type="portal.retention", object_id=f"{now:%Y-%m-%dT%H:%M}",
                object_repr="Xóa thông tin định danh hết thời hạn lưu giữ",
                after={**result.counts, "reporter_days": reporter_days, "asker_days": asker_days,
                       "reporter_cutoff": result.reporter_cutoff.isoformat(),
                       "asker_cutoff": result.asker_cutoff.isoformat()},
            )
    return result
