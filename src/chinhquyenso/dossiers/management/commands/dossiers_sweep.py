from django.core.management.base import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.dossiers import services


class Command(BaseCommand):
    help = "Cảnh báo hồ sơ sắp đến hạn, quá hạn; dừng hồ sơ quá 15 ngày làm việc không bổ sung."

    def handle(self, *args, **options):
        token = set_actor(Actor(via="command"))
        try:
            result = services.sweep()
        finally:
            reset_actor(token)
        self.stdout.write(
            f"Sắp đến hạn: {result['due_soon']}; quá hạn: {result['overdue']}; dừng xử lý: {result['stopped']}."
        )
