"""A `django.tasks` backend that hands tasks to Celery (RabbitMQ or Redis), ADR 0013.

Task code does not change: apps keep `@task(queue_name=...)` and `.enqueue()`. With
`TASKS_BACKEND=celery` the task is sent as ONE generic Celery task (`chinhquyenso.run_django_task`,
defined in chinhquyenso.celery_app) carrying the task's module path and its JSON arguments, to the
broker queue named after `Task.queue_name` (plus an optional prefix). A worker started with
`celery -A chinhquyenso.celery_app worker -Q notifications` therefore runs notification tasks and
nothing else.

- `run_after` becomes Celery's `eta` (supports_defer). On Redis an ETA longer than the transport's
  visibility timeout would be delivered twice: the app raises it to 12 h (retry back-offs are ≤ 1 h).
- Priorities are refused (supports_priority = False): Celery's 0–9 scale means opposite things on
  RabbitMQ and Redis, and no task of the platform uses one.
- Results are kept only when a Celery result backend is configured (CELERY_RESULT_BACKEND, e.g.
  redis://…/1); then `get_result()` works from any process. The platform's tasks record their own
  outcome in the database (delivery rows, sync state), so production can leave it off.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskError, TaskResult, TaskResultStatus
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

# One Celery app (and so one broker connection pool) per configuration, shared by the backend
# instances django.tasks creates per thread.
_APPS: dict[tuple, Any] = {}
_APPS_LOCK = threading.Lock()

# Celery states → django.tasks statuses. PENDING is what the backend stores at enqueue time.
_STATUS = {
    "PENDING": TaskResultStatus.READY,
    "RECEIVED": TaskResultStatus.READY,
    "RETRY": TaskResultStatus.READY,
    "STARTED": TaskResultStatus.RUNNING,
    "SUCCESS": TaskResultStatus.SUCCESSFUL,
    "FAILURE": TaskResultStatus.FAILED,
    "REVOKED": TaskResultStatus.FAILED,
    "REJECTED": TaskResultStatus.FAILED,
}


class CeleryBackend(BaseTaskBackend):
    """TASKS = {"default": {"BACKEND": "chinhquyenso.core.tasks_celery.CeleryBackend",
    "QUEUES": [...], "OPTIONS": {"BROKER_URL": ..., "RESULT_BACKEND": ..., "QUEUE_PREFIX": ...}}}.

    OPTIONS left empty fall back to the Django settings CELERY_BROKER_URL / CELERY_RESULT_BACKEND
    (read by the Celery app with namespace "CELERY")."""

    supports_defer = True
    supports_async_task = True  # the worker runs coroutine tasks with async_to_sync (Task.call)
    supports_priority = False

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self._app = None

    @property
    def app(self):
        """The Celery app this backend sends through (built on first use, so importing a module
        with @task never needs a broker)."""
        if self._app is None:
            key = (self.options.get("BROKER_URL") or None, self.options.get("RESULT_BACKEND") or None,
                   self.options.get("QUEUE_PREFIX", ""), tuple(sorted(self.queues)))
            with _APPS_LOCK:
                if key not in _APPS:
                    from chinhquyenso.celery_app import make_app

                    _APPS[key] = make_app(broker_url=key[0], result_backend=key[1], queue_prefix=key[2],
                                          queues=list(key[3]))
                self._app = _APPS[key]
        return self._app

    @property
    def supports_get_result(self) -> bool:  # type: ignore[override]
        return bool(self.app.conf.result_backend)

    def broker_queue(self, queue_name: str) -> str:
        """The queue name on the broker for a django.tasks queue name."""
        return f"{self.options.get('QUEUE_PREFIX', '')}{queue_name}"

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        from chinhquyenso.celery_app import RUN_TASK

        self.validate_task(task)
        args = normalize_json(list(args))
        kwargs = normalize_json(dict(kwargs))
        result = TaskResult(
            task=task,
            id=str(uuid.uuid4()),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        queue = self.broker_queue(task.queue_name)
        payload = [task.module_path, args, kwargs]
        if self.supports_get_result:
            # Stored before sending, so get_result() knows a queued task (Celery alone would
            # answer PENDING for any id, known or not).
            from celery.app.task import Context

            self.app.backend.store_result(
                result.id, None, "PENDING",
                request=Context(task=RUN_TASK, args=payload, kwargs={}, delivery_info={"routing_key": queue}),
            )
        self.app.send_task(RUN_TASK, args=payload, task_id=result.id, queue=queue, eta=task.run_after)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        if not self.supports_get_result:
            raise NotImplementedError("CeleryBackend keeps results only with a Celery result backend.")
        meta = self.app.backend.get_task_meta(result_id)
        payload = meta.get("args")
        if not payload or len(payload) != 3:
            raise TaskResultDoesNotExist(result_id)
        path, args, kwargs = payload
        try:
            task = import_string(path)
        except ImportError as e:
            raise TaskResultDoesNotExist(result_id) from e
        status = _STATUS.get(meta["status"], TaskResultStatus.READY)
        done = meta.get("date_done")
        if isinstance(done, str):
            done = parse_datetime(done)
        if done is not None and timezone.is_naive(done):
            done = timezone.make_aware(done, timezone.UTC)
        errors = []
        if status == TaskResultStatus.FAILED and meta.get("result") is not None:
            exc = meta["result"]
            name = type(exc).__module__ + "." + type(exc).__qualname__ if isinstance(exc, BaseException) else str(exc)
            errors.append(TaskError(exception_class_path=name, traceback=meta.get("traceback") or ""))
        result = TaskResult(
            task=task,
            id=result_id,
            status=status,
            enqueued_at=None,
            started_at=None,
            finished_at=done if status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED) else None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=errors,
            worker_ids=[meta["worker"]] if meta.get("worker") else [],
        )
        if status == TaskResultStatus.SUCCESSFUL:
            object.__setattr__(result, "_return_value", meta.get("result"))
        return result
