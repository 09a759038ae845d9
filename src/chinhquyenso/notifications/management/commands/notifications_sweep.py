from django.core.management.base import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.notifications.services import sweep_deliveries


class Command(BaseCommand):
    help = "Re-queue due notification deliveries and recover ones stuck in 'sending' (run every few minutes)."

    def handle(self, *args, **options):
        token = set_actor(Actor(via="command"))
        try:
            counts = sweep_deliveries()
        finally:
            reset_actor(token)
        self.stdout.write(
            f"enqueued={counts['enqueued']} reclaimed={counts['reclaimed']} given_up={counts['given_up']}"
        )
