from django.core.management import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.questions import services


class Command(BaseCommand):
    help = "Nhắc cán bộ các câu hỏi sắp đến hạn và báo các câu hỏi đã quá hạn (chạy lại không gửi trùng)."

    def handle(self, *args, **options):
        token = set_actor(Actor(via="command"))
        try:
            counts = services.sweep_deadlines()
        finally:
            reset_actor(token)
        self.stdout.write(f"Sắp đến hạn: {counts['due_soon']}, quá hạn: {counts['overdue']}.")
