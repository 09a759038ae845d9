"""Background work of field reports. Schedule `sweep` every 15–30 minutes (or run
`manage.py feedback_sweep` from cron)."""

from django.tasks import task

from chinhquyenso.core.context import Actor, reset_actor, set_actor

from . import notices


@task()
def sweep() -> dict[str, int]:
    token = set_actor(Actor(via="task"))
    try:
        return notices.sweep_deadlines()
    finally:
        reset_actor(token)
