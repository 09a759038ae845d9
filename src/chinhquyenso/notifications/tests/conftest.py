import pytest
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from chinhquyenso.notifications.channels import get_channel

SMS_URL = "https://sms.example.vn/api/v1/send"
ZALO_URL = "https://business.openapi.zalo.me/message/template"

LOCAL = "chinhquyenso.notifications.channels.LocalChannel"


@pytest.fixture(autouse=True)
def _channels(settings):
    """Every test starts from the LOCAL transport on all channels and database-backed tasks."""
    settings.NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": LOCAL},
        "sms": {"BACKEND": LOCAL},
        "zalo": {"BACKEND": LOCAL},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notifications"]}}
    settings.NOTIFICATION_MAX_ATTEMPTS = 5
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 120
    settings.NOTIFICATION_RETRY_MAX_SECONDS = 3600
    yield
    get_channel.cache_clear()


@pytest.fixture
def sms_http(settings):
    settings.NOTIFICATION_CHANNELS = {
        **settings.NOTIFICATION_CHANNELS,
        "sms": {
            "BACKEND": "chinhquyenso.notifications.channels.BrandnameSmsChannel",
            "URL": SMS_URL,
            "TOKEN": "sms-secret",
            "BRANDNAME": "UBND-TINH",
            "TIMEOUT": 3,
        },
    }


@pytest.fixture
def zalo_http(settings):
    settings.NOTIFICATION_CHANNELS = {
        **settings.NOTIFICATION_CHANNELS,
        "zalo": {
            "BACKEND": "chinhquyenso.notifications.channels.ZaloZnsChannel",
            "URL": ZALO_URL,
            "ACCESS_TOKEN": "oa-token",
        },
    }


def queued(queue: str = "notifications"):
    return DBTaskResult.objects.filter(queue_name=queue, task_path__startswith="chinhquyenso.notifications.tasks")


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks):
    """Run every READY task of the notifications queue the way `manage.py db_worker` does:
    the same ready() filter (status READY and run_after due), the same SKIP LOCKED claim and
    the same Worker.run_task(). Only the worker's loop and connection recycling are left out,
    because they would close the test's transaction. on_commit callbacks (the retry enqueue)
    run as they would outside the test's wrapping transaction."""

    def run(max_tasks: int = 100) -> int:
        worker = Worker(
            queue_names=["notifications"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="pytest-worker",
            excluded_queue_names=[],
        )
        ran = 0
        from django.db import transaction

        while ran < max_tasks:
            with transaction.atomic():
                result = DBTaskResult.objects.ready().filter(queue_name="notifications").get_locked()
                if result is None:
                    return ran
                result.claim(worker.worker_id)
            with django_capture_on_commit_callbacks(execute=True):
                worker.run_task(result)
            ran += 1
        return ran

    return run
