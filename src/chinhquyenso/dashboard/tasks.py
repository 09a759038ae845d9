"""Background work of the IOC (django.tasks, queue "rollups").

Used only with settings.DASHBOARD_ROLLUPS_IN_TASK: the dossier_changed receiver then enqueues
`refresh_rollups` instead of folding the journal itself, so a busy one-stop desk does not wait
for it. Each run folds whatever the journal holds (rollups.fold), so duplicates, out-of-order and
late runs give the same rollups; the dossier id only names the write that asked for it."""

from django.tasks import task


@task(queue_name="rollups")
def refresh_rollups(dossier_id: int) -> None:
    from . import pagecache
    from .rollups import fold

    if fold():
        pagecache.invalidate()
