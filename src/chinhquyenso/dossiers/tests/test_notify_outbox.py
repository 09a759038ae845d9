"""The applicant's notification is written in the dossier's own transaction (a transactional
outbox): a process killed right after the commit — before any on-commit callback ran — must not
lose it, and a rolled-back write must tell nobody. Found by bench/faults (kill -9 of an
application process during counter reception)."""

import datetime

import pytest
from django.db import transaction

from chinhquyenso.dossiers import services
from chinhquyenso.notifications.models import Delivery, DeliveryStatus, Notification
from chinhquyenso.notifications.services import sweep_deliveries

from .states import STATES, t

pytestmark = pytest.mark.django_db


def test_notification_survives_a_process_killed_after_commit(world, django_capture_on_commit_callbacks):
    # execute=False: the transaction commits, but no on-commit callback runs — as when the
    # application process is killed between the COMMIT and the callbacks.
    with django_capture_on_commit_callbacks(execute=False):
        d = STATES["received"](world)
    note = Notification.objects.get(event="dossier.received", dedupe_key__startswith=f"dossier.received:{d.pk}:")
    deliveries = list(Delivery.objects.filter(notification=note))
    assert deliveries and {x.status for x in deliveries} == {DeliveryStatus.PENDING}
    # The cron sweep finds the deliveries whose task was never enqueued and queues them.
    now = max(x.created_at for x in deliveries) + datetime.timedelta(minutes=3)
    assert sweep_deliveries(now=now)["enqueued"] == len(deliveries)


def test_rolled_back_write_tells_nobody(world):
    d = STATES["received"](world)
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.perform(d.pk, "transfer", actor=world.officer, at=t(5))
        services.perform(d.pk, "request_supplement", actor=world.specialist, at=t(6),
                         items=["Bản sao giấy khai sinh"], reason="Thiếu giấy tờ")
        raise RuntimeError("the caller's transaction fails after the write")
    assert Notification.objects.count() == before
    assert not Notification.objects.filter(event="dossier.supplement_requested").exists()


def test_a_failing_notification_does_not_undo_the_write(world, monkeypatch):
    from chinhquyenso.dossiers.services import common

    def broken(*args, **kwargs):
        Notification.objects.create(event="half-written", dedupe_key="half-written")
        raise RuntimeError("template store unavailable")

    monkeypatch.setattr(common, "notify", broken)
    d = STATES["received"](world)  # would raise if the failure escaped
    d.refresh_from_db()
    assert d.code and d.log.filter(action="receive_at_counter").exists()
    assert not Notification.objects.filter(event="half-written").exists()  # its savepoint rolled back
