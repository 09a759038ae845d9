"""The Celery application behind TASKS_BACKEND=celery (core.tasks_celery.CeleryBackend, ADR 0013).

Start a worker per concern, e.g.

    celery -A chinhquyenso.celery_app worker -Q notifications -c 4
    celery -A chinhquyenso.celery_app worker -Q default,national_sync,exchange,rollups,signing

`-Q` takes broker queue names: the django.tasks queue names of settings.TASKS["default"]["QUEUES"],
prefixed with CELERY_QUEUE_PREFIX when one is set. The app has ONE task, `run_django_task`: it
imports the django.tasks Task from its module path and runs it, sending django.tasks' started and
finished signals like the database worker does. Celery's own retries are not used: the platform's
tasks schedule their retries themselves (a fresh enqueue with run_after), so the schedule is the
same on every backend.
"""

from __future__ import annotations

import os
from traceback import format_exception
from typing import Any

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")

RUN_TASK = "chinhquyenso.run_django_task"
# Redis re-delivers an unacknowledged message after this many seconds; ETA tasks wait unacknowledged,
# so it must exceed the longest run_after (notification and exchange back-offs stop at 1 h).
REDIS_VISIBILITY_TIMEOUT = 12 * 3600


def run_django_task(self, path: str, args: list, kwargs: dict) -> Any:
    """Run the django.tasks Task at `path` (bound Celery task; `self.request` is Celery's)."""
    from django.tasks.base import TaskContext, TaskError, TaskResult, TaskResultStatus
    from django.tasks.signals import task_finished, task_started
    from django.utils import timezone
    from django.utils.json import normalize_json
    from django.utils.module_loading import import_string

    from chinhquyenso.core.tasks_celery import CeleryBackend

    task = import_string(path)
    now = timezone.now()
    result = TaskResult(
        task=task, id=self.request.id, status=TaskResultStatus.RUNNING, enqueued_at=None,
        started_at=now, finished_at=None, last_attempted_at=now, args=args, kwargs=kwargs,
        backend=task.backend, errors=[], worker_ids=[self.request.hostname or ""],
    )
    task_started.send(sender=CeleryBackend, task_result=result)
    try:
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = task.call(*args, **kwargs)
        value = normalize_json(value)
    except BaseException as e:
        object.__setattr__(result, "finished_at", timezone.now())
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        result.errors.append(TaskError(
            exception_class_path=f"{type(e).__module__}.{type(e).__qualname__}",
            traceback="".join(format_exception(e)),
        ))
        task_finished.send(sender=CeleryBackend, task_result=result)
        raise
    object.__setattr__(result, "finished_at", timezone.now())
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "_return_value", value)
    task_finished.send(sender=CeleryBackend, task_result=result)
    return value


def make_app(
    *,
    broker_url: str | None = None,
    result_backend: str | None = None,
    queue_prefix: str = "",
    queues: list[str] | None = None,
    main: str = "chinhquyenso",
) -> Celery:
    """A Celery app configured from the Django settings (CELERY_* names), with explicit
    overrides. Every app built here registers the same generic task under RUN_TASK."""
    app = Celery(main)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    overrides: dict[str, Any] = {
        # At-least-once: a message is acknowledged after the task ran, so a worker killed
        # mid-task leaves it on the broker; the tasks are idempotent (services lock and check).
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_extended": True,
        "task_track_started": True,
        "broker_connection_retry_on_startup": True,
    }
    if broker_url:
        overrides["broker_url"] = broker_url
    if result_backend:
        overrides["result_backend"] = result_backend
    if queues:
        overrides["task_queues"] = [Queue(f"{queue_prefix}{name}") for name in queues]
        overrides["task_default_queue"] = f"{queue_prefix}default"
    app.conf.update(overrides)
    url = app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://")):
        app.conf.broker_transport_options = {
            "visibility_timeout": REDIS_VISIBILITY_TIMEOUT, **(app.conf.broker_transport_options or {}),
        }
    app.task(name=RUN_TASK, bind=True, ignore_result=False)(run_django_task)
    return app


def _app_from_settings() -> Celery:
    from django.conf import settings

    params = settings.TASKS.get("default", {})
    options = params.get("OPTIONS", {})
    return make_app(
        broker_url=options.get("BROKER_URL") or None,
        result_backend=options.get("RESULT_BACKEND") or None,
        queue_prefix=options.get("QUEUE_PREFIX", ""),
        queues=sorted(params.get("QUEUES", ["default"])),
    )


# `celery -A chinhquyenso.celery_app` finds this.
app = _app_from_settings()
