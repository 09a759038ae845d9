"""Background work of the notifications app, on the "notifications" queue.

Run a worker for it with `manage.py db_worker --queue-name notifications` (or `--queue-name '*'`).
Retries are not left to the task backend: attempt_delivery() records the failure and enqueues a
fresh task with run_after = the back-off time, so the schedule survives a switch of backend."""

from django.tasks import task

from chinhquyenso.core.context import Actor, reset_actor, set_actor

from . import services


@task(queue_name="notifications")
def send_delivery(delivery_id: int) -> str:
    token = set_actor(Actor(via="task"))
    try:
        return services.attempt_delivery(delivery_id)
    finally:
        reset_actor(token)


@task(queue_name="notifications")
def sweep() -> dict[str, int]:
    """Same as `manage.py notifications_sweep`, for a scheduler that enqueues tasks."""
    token = set_actor(Actor(via="task"))
    try:
        return services.sweep_deliveries()
    finally:
        reset_actor(token)
