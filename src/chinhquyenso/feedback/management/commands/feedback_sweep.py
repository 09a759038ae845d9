from django.core.management import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.feedback.notices import sweep_deadlines


class Command(BaseCommand):
    help = "Nhắc hạn tiếp nhận, xử lý và công khai phản ánh hiện trường (trước và sau khi đến hạn)."

    def handle(self, *args, **options):
        token = set_actor(Actor(via="command"))
        try:
            counts = sweep_deadlines()
        finally:
            reset_actor(token)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
