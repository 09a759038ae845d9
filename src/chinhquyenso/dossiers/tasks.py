"""Background work of the dossiers app. Schedule `sweep` every 15 minutes or so (a cron running
`manage.py dossiers_sweep`, or a scheduler enqueueing this task)."""

from django.tasks import task

from chinhquyenso.core.context import Actor, reset_actor, set_actor

from . import services


@task()
def sweep() -> dict[str, int]:
    token = set_actor(Actor(via="task"))
    try:
        return services.sweep()
    finally:
        reset_actor(token)
