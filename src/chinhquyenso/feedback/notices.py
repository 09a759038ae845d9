"""Who is told what about a field report, and the deadline sweep.

Notifications go out after commit (a failed template never rolls back a report). Recipients:
the reporter (their account, or the phone/e-mail they left), the handling agency's officials
(grants held directly at the agency; the agency's own e-mail when nobody holds one) and the IOC
operators of the province. The reporter's identity never enters an agency's message.

The sweep (`sweep_deadlines`, run by `manage.py feedback_sweep` or the `sweep` task) warns
FEEDBACK_REMIND_BEFORE_HOURS (default 2) hours before a deadline and once it has passed; the
notifications' dedupe keys make repeated sweeps send each warning once per deadline.
"""

from __future__ import annotations

import contextlib
import datetime
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from chinhquyenso.accounts.models import Role, User
from chinhquyenso.notifications.services import Contact, notify

from .models import Report, Status


def _fmt(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _context(report: Report) -> dict:
    return {
        "number": report.number,
        "category": report.category.name,
        "status": report.get_status_display(),
        "due": _fmt(report.due_at),
        "ack_due": _fmt(report.ack_due_at),
        "publish_due": _fmt(report.publish_due_at),
        "agency": report.agency.name if report.agency_id else "",
        "track_url": settings.SITE_URL + reverse("feedback:track", args=[report.public_id]),
        "staff_url": settings.SITE_URL + reverse("feedback:staff_detail", args=[report.number]),
    }


def reporter_recipient(report: Report):
    contact = getattr(report, "contact", None)
    if contact is None:
        return None
    if contact.user_id:
        return contact.user
    if contact.email or contact.phone:
        return Contact(name=contact.name, email=contact.email, phone=contact.phone)
    return None


def operators(province_id: int) -> list[User]:
    return list(User.objects.filter(
        is_active=True, role_assignments__role=Role.IOC_OPERATOR,
        role_assignments__agency__province_id=province_id,
    ).filter(Q(role_assignments__valid_until__isnull=True) | Q(role_assignments__valid_until__gt=timezone.now()))
        .distinct())


def agency_recipients(report: Report) -> list:
    if not report.agency_id:
        return []
    users = list(User.objects.filter(
        is_active=True, role_assignments__agency_id=report.agency_id,
        role_assignments__role__in=[Role.SPECIALIST, Role.LEADER],
    ).distinct())
    if users:
        return users
    agency = report.agency
    return [Contact(name=agency.name, email=agency.email, phone=agency.phone)] if (agency.email or agency.phone) else []


def _send(event: str, recipients: list, report: Report, key: str) -> None:
    context = _context(report)
    for i, recipient in enumerate(recipients):
        rid = getattr(recipient, "pk", None) or f"c{i}"
        notify(event, recipient, context, dedupe_key=f"{key}:{rid}", province_code=report.province_code)


_muted: ContextVar[bool] = ContextVar("feedback_notices_muted", default=False)


@contextlib.contextmanager
def muted():
    """No notifications inside this block (demo data: nobody should be told about made-up reports)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _later(event: str, who: str, report: Report, key: str) -> None:
    if _muted.get():
        return
    report_id = report.pk

    def go():
        fresh = Report.objects.select_related("category", "agency", "province", "contact").get(pk=report_id)
        if who == "reporter":
            recipients = [r for r in [reporter_recipient(fresh)] if r is not None]
        elif who == "agency":
            recipients = agency_recipients(fresh)
        else:
            recipients = operators(fresh.province_id)
        _send(event, recipients, fresh, key)

    transaction.on_commit(go)


def on_submitted(report: Report) -> None:
    _later("feedback.received", "reporter", report, f"feedback.received:{report.pk}")
    _later("feedback.new", "operators", report, f"feedback.new:{report.pk}")


def on_transition(report: Report, name: str) -> None:
    v = report.version
    if name == "assign":
        _later("feedback.assigned", "agency", report, f"feedback.assigned:{report.pk}:{v}")
    elif name == "reopen":
        _later("feedback.reopened", "agency", report, f"feedback.reopened:{report.pk}:{v}")
    elif name == "send_back":
        _later("feedback.returned", "operators", report, f"feedback.returned:{report.pk}:{v}")
    elif name == "submit_result":
        _later("feedback.result_submitted", "operators", report, f"feedback.result:{report.pk}:{v}")
    elif name in ("publish", "close"):
        _later("feedback.resolved", "reporter", report, f"feedback.resolved:{report.pk}:{v}")
    elif name == "refuse":
        _later("feedback.refused", "reporter", report, f"feedback.refused:{report.pk}:{v}")


def sweep_deadlines(now: datetime.datetime | None = None) -> dict[str, int]:
    """Warn before and after the acknowledgement, handling and publication deadlines."""
    now = now or timezone.now()
    soon = now + datetime.timedelta(hours=float(getattr(settings, "FEEDBACK_REMIND_BEFORE_HOURS", 2)))
    counts = {"ack_soon": 0, "ack_late": 0, "due_soon": 0, "due_late": 0, "publish_late": 0}
    base = Report.objects.select_related("category", "agency", "province")
    rules = [
        ("ack_soon", "feedback.ack_due_soon", "operators", base.filter(status=Status.NEW, ack_due_at__gt=now,
                                                                      ack_due_at__lte=soon), "ack_due_at"),
        ("ack_late", "feedback.ack_overdue", "operators", base.filter(status=Status.NEW, ack_due_at__lte=now),
         "ack_due_at"),
        ("due_soon", "feedback.due_soon", "agency", base.filter(
            status__in=[Status.ASSIGNED, Status.IN_PROGRESS], due_at__gt=now, due_at__lte=soon), "due_at"),
        ("due_late", "feedback.overdue", "both", base.filter(
            status__in=[Status.ASSIGNED, Status.IN_PROGRESS, Status.RETURNED], due_at__lte=now), "due_at"),
        ("publish_late", "feedback.publish_overdue", "operators", base.filter(
            status=Status.RESULT_SUBMITTED, publish_due_at__lte=now), "publish_due_at"),
    ]
    operator_cache: dict[int, list] = {}
    for kind, event, who, qs, field in rules:
        for report in qs.iterator(chunk_size=200):
            due = getattr(report, field)
            recipients = []
            if who in ("agency", "both"):
                recipients += agency_recipients(report)
            if who in ("operators", "both"):
                if report.province_id not in operator_cache:
                    operator_cache[report.province_id] = operators(report.province_id)
                recipients += operator_cache[report.province_id]
            _send(event, recipients, report, f"feedback.{kind}:{report.pk}:{due.isoformat()}")
            counts[kind] += 1
    return counts
