"""Background work of the exchange (django.tasks, queue "exchange"; run `manage.py db_worker
--queue-name '*'` or a Celery worker with `-Q exchange`). Retries are explicit
(services.attempt_send re-enqueues with run_after), so the schedule survives a switch of task
backend."""

from django.tasks import task

from chinhquyenso.core.context import Actor, reset_actor, set_actor


@task(queue_name="exchange")
def send_message(message_id: int) -> str:
    from . import services

    token = set_actor(Actor(via="task"))
    try:
        return services.attempt_send(message_id)
    finally:
        reset_actor(token)


@task(queue_name="exchange")
def poll_inboxes() -> dict:
    """Fetch packages for every hosted endpoint; run it every minute from a scheduler or cron
    (`manage.py exchange_poll`)."""
    from . import receiving

    token = set_actor(Actor(via="task"))
    try:
        return receiving.poll_all()
    finally:
        reset_actor(token)


@task(queue_name="exchange")
def sweep() -> dict:
    from . import services

    token = set_actor(Actor(via="task"))
    try:
        return services.sweep()
    finally:
        reset_actor(token)
