"""The Celery task backend against real brokers (Redis and RabbitMQ) and a real Celery worker.

The worker runs in a thread of the test process (celery.contrib.testing), so it sees the test
database; the tests are transactional because the worker has its own connection."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.tasks import task, task_backends
from django.tasks.base import TaskResultStatus
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist

from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.core.tasks_celery import CeleryBackend
from chinhquyenso.notifications.models import Delivery, DeliveryStatus, LocalMessage
from chinhquyenso.notifications.services import notify
from chinhquyenso.notifications.tests.factories import NotificationTemplateFactory

from .brokers import BROKERS, cleanup_queues, message_count, require_broker, unique_prefix

CELERY = "chinhquyenso.core.tasks_celery.CeleryBackend"
LOCAL = "chinhquyenso.notifications.channels.LocalChannel"


@task()
def add_up(a: int, b: int) -> dict:
    """A task of this test module: the worker imports it by its module path like any other."""
    return {"sum": a + b}


@task()
def explode() -> None:
    raise ValueError("hỏng")


def wait_for(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def celery_tasks(settings, request):
    """settings.TASKS switched to Celery on the broker of the test's parameter; yields the backend."""
    name = request.param
    url = BROKERS[name]
    require_broker(url)
    options = {"BROKER_URL": url, "QUEUE_PREFIX": unique_prefix()}
    if name == "redis":
        options["RESULT_BACKEND"] = url.rsplit("/", 1)[0] + "/1"
    settings.TASKS = {"default": {"BACKEND": CELERY, "QUEUES": settings.TASK_QUEUES, "OPTIONS": options}}
    settings.NOTIFICATION_CHANNELS = {"email": {"BACKEND": LOCAL}, "sms": {"BACKEND": LOCAL}, "zalo": {"BACKEND": LOCAL}}
    backend = task_backends["default"]
    assert isinstance(backend, CeleryBackend)
    queues = [backend.broker_queue(q) for q in settings.TASK_QUEUES]
    with cleanup_queues(backend.app, queues):
        yield backend


def worker(backend: CeleryBackend, *queues: str):
    return start_worker(
        backend.app, queues=[backend.broker_queue(q) for q in queues],
        perform_ping_check=False, shutdown_timeout=30,
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("celery_tasks", ["redis", "rabbitmq"], indirect=True)
def test_a_notification_sent_through_celery_reaches_the_database(celery_tasks):
    """notify() enqueues notifications.tasks.send_delivery on commit, exactly as with the database
    backend; a Celery worker on the "notifications" queue delivers it."""
    NotificationTemplateFactory(event="scale.celery", channel="sms", body="Hồ sơ {{ code }} đã tiếp nhận.")
    user = UserFactory(phone="0912345678")
    with worker(celery_tasks, "notifications"):
        notification = notify("scale.celery", user, {"code": "H38.01-250701-0001"}, channels=["sms"])
        delivery = notification.deliveries.get()
        assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT), \
            Delivery.objects.get(pk=delivery.pk).status
    message = LocalMessage.objects.get()
    assert message.to == "0912345678"
    assert message.body == "Hồ sơ H38.01-250701-0001 đã tiếp nhận."


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("celery_tasks", ["redis", "rabbitmq"], indirect=True)
def test_a_worker_on_the_notifications_queue_leaves_other_queues_alone(celery_tasks):
    from chinhquyenso.dossiers.national.tasks import sync_pending_task
    from chinhquyenso.dossiers.tasks import sweep

    backend = celery_tasks
    NotificationTemplateFactory(event="scale.routes", channel="sms", body="Xin chào.")
    user = UserFactory(phone="0987654321")
    with worker(backend, "notifications"):
        sweep_result = sweep.enqueue()
        sync_result = sync_pending_task.enqueue()
        delivery = notify("scale.routes", user, channels=["sms"]).deliveries.get()
        assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT)
        # The worker went on consuming; the other two messages are still waiting in their queues.
        time.sleep(0.5)
        assert message_count(backend.app, backend.broker_queue("default")) == 1
        assert message_count(backend.app, backend.broker_queue("national_sync")) == 1
        assert message_count(backend.app, backend.broker_queue("notifications")) == 0
    assert sweep_result.status == sync_result.status == TaskResultStatus.READY
    assert sweep.queue_name == "default"
    assert sync_pending_task.queue_name == "national_sync"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("celery_tasks", ["redis"], indirect=True)
def test_results_come_back_through_the_result_backend(celery_tasks):
    backend = celery_tasks
    assert backend.supports_get_result
    ok = add_up.enqueue(2, 3)
    bad = explode.enqueue()
    assert backend.get_result(ok.id).status == TaskResultStatus.READY  # stored at enqueue time
    with worker(backend, "default"):
        assert wait_for(lambda: backend.get_result(ok.id).is_finished and backend.get_result(bad.id).is_finished)
    ok.refresh()
    assert ok.status == TaskResultStatus.SUCCESSFUL
    assert ok.return_value == {"sum": 5}
    assert ok.args == [2, 3]
    assert ok.worker_ids and ok.worker_ids[0]
    failed = add_up.get_backend().get_result(bad.id)
    assert failed.status == TaskResultStatus.FAILED
    assert failed.errors[0].exception_class_path == "builtins.ValueError"
    assert "hỏng" in failed.errors[0].traceback
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result("00000000-0000-0000-0000-000000000000")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("celery_tasks", ["rabbitmq"], indirect=True)
def test_deferred_task_waits_for_its_time(celery_tasks):
    """run_after becomes Celery's ETA: the worker holds the message until then."""
    import datetime

    from django.utils import timezone

    backend = celery_tasks
    NotificationTemplateFactory(event="scale.eta", channel="sms", body="Sau.")
    user = UserFactory(phone="0911111111")
    from chinhquyenso.notifications.tasks import send_delivery

    delivery = notify("scale.eta", user, channels=["sms"]).deliveries.get()
    # notify() already enqueued it once; drop that message so only the deferred one remains.
    with backend.app.connection_for_write() as conn:
        conn.default_channel.queue_purge(backend.broker_queue("notifications"))
    run_after = timezone.now() + datetime.timedelta(seconds=3)
    send_delivery.using(run_after=run_after).enqueue(delivery.pk)
    with worker(backend, "notifications"):
        time.sleep(1.5)
        assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.PENDING
        assert wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.SENT, timeout=20)
    assert Delivery.objects.get(pk=delivery.pk).sent_at >= run_after


def test_priorities_and_unknown_queues_are_refused(settings):
    settings.TASKS = {"default": {"BACKEND": CELERY, "QUEUES": settings.TASK_QUEUES,
                                  "OPTIONS": {"BROKER_URL": BROKERS["redis"]}}}
    with pytest.raises(InvalidTask):
        add_up.using(priority=5).enqueue(1, 2)
    with pytest.raises(InvalidTask):
        add_up.using(queue_name="khong-co").enqueue(1, 2)


def test_settings_switch_backend_by_name(monkeypatch):
    """TASKS_BACKEND=celery selects this backend; the default run keeps the database backend."""
    import importlib

    import chinhquyenso.settings as project_settings

    monkeypatch.setenv("TASKS_BACKEND", "celery")
    monkeypatch.setenv("CELERY_QUEUE_PREFIX", "tinh38.")
    switched = importlib.reload(project_settings)
    try:
        assert switched.TASKS["default"]["BACKEND"] == CELERY
        assert switched.TASKS["default"]["OPTIONS"] == {"QUEUE_PREFIX": "tinh38."}
        assert "rollups" in switched.TASKS["default"]["QUEUES"]
    finally:
        monkeypatch.delenv("TASKS_BACKEND")
        default = importlib.reload(project_settings)
    assert default.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
