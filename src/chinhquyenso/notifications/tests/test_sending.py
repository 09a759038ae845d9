import datetime
import threading

import pytest
import requests
import responses
import time_machine
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.notifications import services
from chinhquyenso.notifications.models import Delivery, DeliveryStatus, LocalMessage
from chinhquyenso.notifications.services import attempt_delivery, backoff_delay, notify, sweep_deliveries
from chinhquyenso.notifications.tasks import send_delivery

from .conftest import SMS_URL, ZALO_URL, queued
from .factories import DeliveryFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2025, 7, 1, 8, 0, tzinfo=datetime.UTC)


def refreshed(delivery: Delivery) -> Delivery:
    delivery.refresh_from_db()
    return delivery


# --- back-off schedule -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "seconds"),
    [(1, 120), (2, 240), (3, 480), (4, 960), (5, 1920), (6, 3600), (12, 3600)],
)
def test_backoff_doubles_from_the_base_up_to_the_cap(attempt, seconds):
    assert backoff_delay(attempt) == datetime.timedelta(seconds=seconds)


@pytest.mark.parametrize(("jitter", "seconds"), [(0.0, 480), (0.5, 504), (0.999, 527.952)])
def test_backoff_jitter_adds_at_most_ten_percent(jitter, seconds):
    assert backoff_delay(3, jitter=jitter) == datetime.timedelta(seconds=seconds)


def test_backoff_follows_settings(settings):
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 100
    assert [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 100, 100]


# --- idempotency -----------------------------------------------------------------------------


def test_running_the_send_task_twice_sends_once():
    delivery = DeliveryFactory(channel="sms")
    assert send_delivery.call(delivery.pk) == DeliveryStatus.SENT
    assert send_delivery.call(delivery.pk) == "skipped"
    assert LocalMessage.objects.count() == 1
    delivery = refreshed(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.provider_message_id == f"local-{LocalMessage.objects.get().pk}"
    assert delivery.sent_at is not None


@responses.activate
def test_a_delivery_enqueued_twice_is_sent_once_by_the_worker(sms_http, run_worker):
    responses.post(SMS_URL, json={"id": "M1"})
    delivery = DeliveryFactory(channel="sms")
    send_delivery.enqueue(delivery.pk)
    send_delivery.enqueue(delivery.pk)
    assert run_worker() == 2
    assert len(responses.calls) == 1
    assert refreshed(delivery).status == DeliveryStatus.SENT
    # Both tasks finished successfully; the second one found nothing to do.
    assert sorted(r.return_value for r in DBTaskResult.objects.all()) == ["sent", "skipped"]


def test_notify_then_worker_delivers_every_channel(django_capture_on_commit_callbacks, run_worker):
    user = UserFactory(phone="0987654321")
    with django_capture_on_commit_callbacks(execute=True):
        notify("test", user, dedupe_key="test:1")
        notify("test", user, dedupe_key="test:1")
    assert run_worker() == 3
    assert sorted(LocalMessage.objects.values_list("channel", flat=True)) == ["email", "sms", "zalo"]
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


# --- retries ---------------------------------------------------------------------------------


@responses.activate
def test_timeout_schedules_a_retry_with_backoff_then_succeeds(sms_http, run_worker):
    responses.post(SMS_URL, body=requests.ReadTimeout())
    with time_machine.travel(T0, tick=False):
        delivery = DeliveryFactory(channel="sms")
        send_delivery.enqueue(delivery.pk)
        assert run_worker() == 1
        delivery = refreshed(delivery)
        assert delivery.status == DeliveryStatus.FAILED
        assert delivery.attempts == 1
        assert "không trả lời" in delivery.last_error
        wait = (delivery.next_attempt_at - T0).total_seconds()
        assert 120 <= wait < 132
        retry = queued().get(status="READY")
        assert retry.run_after == delivery.next_attempt_at
        assert retry.args_kwargs["args"] == [delivery.pk]
        # Not due yet: the worker does not pick it up and a stray call does not send.
        assert run_worker() == 0
        assert attempt_delivery(delivery.pk) == "skipped"

    responses.replace(responses.POST, SMS_URL, json={"id": "SMS-2"})
    with time_machine.travel(T0 + datetime.timedelta(seconds=wait + 1), tick=False):
        assert run_worker() == 1
    delivery = refreshed(delivery)
    assert (delivery.status, delivery.attempts, delivery.provider_message_id) == (DeliveryStatus.SENT, 2, "SMS-2")
    assert delivery.last_error == ""
    assert len(responses.calls) == 2


@pytest.mark.parametrize("status", [400, 403, 404, 422])
@responses.activate
def test_client_errors_are_given_up_without_retry(sms_http, run_worker, status):
    responses.post(SMS_URL, status=status, json={"error": "invalid"})
    delivery = DeliveryFactory(channel="sms")
    send_delivery.enqueue(delivery.pk)
    run_worker()
    delivery = refreshed(delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.GIVEN_UP, 1)
    assert f"HTTP {status}" in delivery.last_error
    assert delivery.finished_at is not None and delivery.next_attempt_at is None
    assert not queued().filter(status="READY").exists()
    assert len(responses.calls) == 1


@responses.activate
def test_invalid_phone_is_given_up_without_calling_the_provider(zalo_http):
    delivery = DeliveryFactory(channel="zalo", address="0123", provider_template_id="1")
    assert attempt_delivery(delivery.pk) == DeliveryStatus.GIVEN_UP
    assert "Số điện thoại không hợp lệ" in refreshed(delivery).last_error
    assert len(responses.calls) == 0


@responses.activate
def test_provider_error_is_retried_until_max_attempts_then_given_up(settings, zalo_http, run_worker):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    responses.post(ZALO_URL, json={"error": -100, "message": "Unknown error"})
    now = T0
    with time_machine.travel(now, tick=False) as clock:
        delivery = DeliveryFactory(channel="zalo", provider_template_id="231456")
        send_delivery.enqueue(delivery.pk)
        for attempt in (1, 2, 3):
            assert run_worker() == 1
            delivery = refreshed(delivery)
            assert delivery.attempts == attempt
            if attempt < 3:
                assert delivery.status == DeliveryStatus.FAILED
                clock.move_to(delivery.next_attempt_at + datetime.timedelta(seconds=1))
    assert delivery.status == DeliveryStatus.GIVEN_UP
    assert "Zalo ZNS lỗi -100" in delivery.last_error and "đã thử 3 lần" in delivery.last_error
    assert len(responses.calls) == 3
    assert not queued().filter(status="READY").exists()


@responses.activate
def test_backend_without_defer_sends_on_commit_and_leaves_retries_to_the_sweeper(
    settings, sms_http, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "notifications"]}
    }
    responses.post(SMS_URL, status=503)
    user = UserFactory(phone="0912000111", email=None)
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notify("test", user, channels=["sms"])
        delivery = Delivery.objects.get()
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 1)  # ran immediately
    responses.replace(responses.POST, SMS_URL, json={"id": "OK"})
    with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(minutes=3), tick=False):
        assert sweep_deliveries()["enqueued"] == 1
    assert refreshed(delivery).status == DeliveryStatus.SENT


# --- sweeper ---------------------------------------------------------------------------------


def test_sweeper_recovers_a_delivery_stuck_in_sending_and_requeues_it(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    stuck = DeliveryFactory(status=DeliveryStatus.SENDING, attempts=1, claimed_at=T0)
    exhausted = DeliveryFactory(status=DeliveryStatus.SENDING, attempts=3, claimed_at=T0)
    fresh = DeliveryFactory(status=DeliveryStatus.SENDING, attempts=1, claimed_at=T0 + datetime.timedelta(minutes=10))
    with time_machine.travel(T0 + datetime.timedelta(minutes=20), tick=False):
        counts = sweep_deliveries()
    assert counts == {"given_up": 1, "reclaimed": 1, "enqueued": 0}
    assert refreshed(stuck).status == DeliveryStatus.FAILED
    assert refreshed(exhausted).status == DeliveryStatus.GIVEN_UP
    assert refreshed(fresh).status == DeliveryStatus.SENDING
    with time_machine.travel(T0 + datetime.timedelta(minutes=23), tick=False):
        assert sweep_deliveries()["enqueued"] == 1
    assert queued().get().args_kwargs["args"] == [stuck.pk]


def test_sweeper_requeues_only_overdue_unfinished_deliveries():
    now = timezone.now()
    DeliveryFactory()  # pending and just created: its task is presumably still in the queue
    DeliveryFactory(status=DeliveryStatus.SENT)
    DeliveryFactory(status=DeliveryStatus.GIVEN_UP, created_at=now - datetime.timedelta(days=1))
    DeliveryFactory(status=DeliveryStatus.FAILED, next_attempt_at=now + datetime.timedelta(minutes=5))
    lost = DeliveryFactory(created_at=now - datetime.timedelta(hours=1))
    overdue = DeliveryFactory(status=DeliveryStatus.FAILED, next_attempt_at=now - datetime.timedelta(minutes=10))
    assert sweep_deliveries() == {"given_up": 0, "reclaimed": 0, "enqueued": 2}
    assert sorted(t.args_kwargs["args"][0] for t in queued()) == sorted([lost.pk, overdue.pk])


def test_a_slow_attempt_reclaimed_by_the_sweeper_cannot_overwrite_the_new_state():
    delivery = DeliveryFactory()
    assert services._claim(delivery.pk, timezone.now())
    stale_view = Delivery.objects.select_related("notification").get(pk=delivery.pk)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)  # sweeper reclaimed it
    assert services._finish(stale_view, status=DeliveryStatus.SENT) is False
    assert refreshed(delivery).status == DeliveryStatus.FAILED


# --- concurrency (real row-level races need PostgreSQL) ---------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_one_delivery_send_it_once():
    delivery = DeliveryFactory(channel="sms")
    barrier = threading.Barrier(4)
    results = []

    def worker():
        try:
            barrier.wait()
            results.append(attempt_delivery(delivery.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["sent", "skipped", "skipped", "skipped"]
    assert LocalMessage.objects.count() == 1
