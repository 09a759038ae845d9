"""A worker killed after the provider accepted a message but before the outcome was recorded:
the sweeper reclaims the delivery, and the retry must record it as sent — not send it again.
Found by bench/faults (kill -9 of a task worker under load)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from chinhquyenso.notifications import services
from chinhquyenso.notifications.models import Delivery, DeliveryStatus, LocalMessage
from chinhquyenso.notifications.services import attempt_delivery, sweep_deliveries

from .factories import DeliveryFactory

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """What kill -9 looks like from inside: nothing after this point runs."""


def _killed_after_sending(monkeypatch, delivery_pk: int) -> None:
    def die(*args, **kwargs):
        raise Killed

    with monkeypatch.context() as m:
        m.setattr(services, "_finish", die)
        with pytest.raises(Killed):
            attempt_delivery(delivery_pk)


@pytest.mark.parametrize("channel", ["sms", "zalo", "email"])
def test_a_message_accepted_before_the_worker_died_is_not_sent_again(monkeypatch, channel):
    delivery = DeliveryFactory(channel=channel)
    _killed_after_sending(monkeypatch, delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENDING and LocalMessage.objects.count() == 1
    later = timezone.now() + datetime.timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        assert sweep_deliveries()["reclaimed"] == 1
        assert attempt_delivery(delivery.pk) == DeliveryStatus.SENT
    delivery.refresh_from_db()
    message = LocalMessage.objects.get()  # still exactly one message
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert delivery.provider_message_id == f"local-{message.pk}"


def test_a_retry_after_a_failure_that_sent_nothing_sends(monkeypatch):
    from chinhquyenso.notifications.channels import LocalChannel, TransientChannelError

    delivery = DeliveryFactory(channel="sms")

    def refuse(self, message):
        raise TransientChannelError("tạm thời không gửi được")

    with monkeypatch.context() as m:
        m.setattr(LocalChannel, "send", refuse)
        assert attempt_delivery(delivery.pk, jitter=0) == DeliveryStatus.FAILED
    assert not LocalMessage.objects.exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3), tick=False):
        assert attempt_delivery(delivery.pk) == DeliveryStatus.SENT
    assert LocalMessage.objects.filter(reference=Delivery.objects.get(pk=delivery.pk).reference).count() == 1


def test_channels_that_cannot_be_asked_answer_none():
    from chinhquyenso.notifications.channels import BrandnameSmsChannel, OutgoingMessage

    msg = OutgoingMessage(channel="sms", to="0912345678", subject="", body="x", reference="cqs-1")
    assert BrandnameSmsChannel("sms", {}).find_sent(msg) is None
