"""Background work of the IOC (django.tasks, queue "rollups").

Used only with settings.DASHBOARD_ROLLUPS_IN_TASK: the dossier_changed receiver then enqueues
`refresh_rollups` instead of updating the rollups itself, so a busy one-stop desk does not wait
for them. The task recomputes the dossier's fact from its current rows, so duplicates and
out-of-order runs give the same rollups (rollups.refresh_dossier locks the dossier row)."""

from django.tasks import task


@task(queue_name="rollups")
def refresh_rollups(dossier_id: int) -> None:
    from . import pagecache
    from .rollups import refresh_dossier

    refresh_dossier(dossier_id)
    pagecache.invalidate()
