"""What cron does after a crash, run by run.py once the load has stopped (DATABASE_URL set):
`notifications_sweep` — deliveries stuck in "sending" (their worker was killed mid-attempt) go
back to "failed", and due deliveries without a task are enqueued again.

The production sweep waits 15 minutes before it calls a "sending" row abandoned and 2 minutes
before it re-enqueues a due row (so a live worker or a queued task is never raced); the fault run
cannot wait that long, so it calls the same service with `--stale-after` seconds, after every
client and worker of the load has stopped or drained — no attempt can still be running then — and
then enqueues the due rows at once instead of after the 2-minute grace. Prints JSON."""

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stale-after", type=float, default=10.0)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chinhquyenso.settings")
    import django

    django.setup()
    from django.db.models import Q
    from django.utils import timezone

    from chinhquyenso.core.context import Actor, reset_actor, set_actor
    from chinhquyenso.notifications.models import CLAIMABLE, Delivery
    from chinhquyenso.notifications.services import sweep_deliveries
    from chinhquyenso.notifications.tasks import send_delivery

    token = set_actor(Actor(via="command"))
    try:
        counts = sweep_deliveries(stale_after=datetime.timedelta(seconds=args.stale_after))
        now = timezone.now()
        due = list(Delivery.objects.filter(status__in=CLAIMABLE)
                   .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).values_list("pk", flat=True))
        for pk in due:
            send_delivery.enqueue(pk)
        counts["enqueued_now"] = len(due)
    finally:
        reset_actor(token)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
