"""DASHBOARD_ROLLUPS_IN_TASK: the rollups follow dossier changes through a "rollups" queue task
and end up exactly as the synchronous path (and a rebuild) leaves them."""

from django_tasks_db.models import DBTaskResult

from chinhquyenso.dashboard.models import DossierFact, Rollup
from chinhquyenso.dashboard.tasks import refresh_rollups

from .scenario import run


def _snapshot():
    fields = [f.name for f in Rollup._meta.fields if f.name != "id"]
    rollups = sorted((tuple(sorted(row.items())) for row in Rollup.objects.values(*fields)), key=repr)
    return rollups, list(DossierFact.objects.order_by("pk").values())


def test_rollups_in_a_task_match_the_synchronous_path(world, events, settings):
    settings.DASHBOARD_ROLLUPS_IN_TASK = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": settings.TASK_QUEUES}}
    with events():
        run(world)
    queued = DBTaskResult.objects.filter(queue_name="rollups", task_path=refresh_rollups.module_path)
    assert queued.count() >= 6
    assert not Rollup.objects.exists()  # nothing yet: the write path did not update the rollups
    for result in queued.order_by("?"):  # any order: each run recomputes from the current rows
        refresh_rollups.call(*result.args_kwargs["args"])
    in_task = _snapshot()
    assert len(in_task[1]) == 6

    from chinhquyenso.dashboard.rollups import rebuild

    rebuild()
    assert _snapshot() == in_task
