"""Background work of the national-portal sync (django.tasks, queue "national_sync"). Retries are
scheduled explicitly (services.sync_dossier enqueues a fresh task with run_after), as stack.md §1.4
recommends."""

from django.tasks import task

from chinhquyenso.core.context import Actor, reset_actor, set_actor

from . import services
from .importing import import_incoming


@task(queue_name="national_sync")
def sync_dossier_task(dossier_id: int) -> str:
    token = set_actor(Actor(via="task"))
    try:
        return services.sync_dossier(dossier_id)
    finally:
        reset_actor(token)


@task(queue_name="national_sync")
def sync_pending_task() -> dict[str, int]:
    token = set_actor(Actor(via="task"))
    try:
        return services.sync_pending()
    finally:
        reset_actor(token)


@task(queue_name="national_sync")
def import_task() -> dict:
    token = set_actor(Actor(via="task"))
    try:
        report = import_incoming()
        return {k: v for k, v in report.items() if k != "errors"}
    finally:
        reset_actor(token)
