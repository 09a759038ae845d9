"""Background work of the Q&A app (django.tasks). A scheduler (cron, systemd timer, or a
periodic enqueue) runs `sweep` a few times per working day; `manage.py questions_sweep` is the
same thing from the command line."""

from django.tasks import task

from chinhquyenso.core.context import Actor, reset_actor, set_actor

from . import services


@task()
def sweep() -> dict[str, int]:
    """Remind officials of questions due soon and tell them about overdue ones (idempotent)."""
    token = set_actor(Actor(via="task"))
    try:
        return services.sweep_deadlines()
    finally:
        reset_actor(token)
