from django.core.management import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.documents.services import send_reminders


class Command(BaseCommand):
    help = ("Nhắc hạn xử lý văn bản đến (sắp đến hạn, quá hạn) và văn bản đến chưa vào sổ. "
            "Chạy hằng ngày (cron) hoặc qua tác vụ documents.tasks.remind.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=1, help="Nhắc trước bao nhiêu ngày làm việc")

    def handle(self, *args, days: int, **options):
        token = set_actor(Actor(via="command"))
        try:
            counts = send_reminders(soon_days=days)
        finally:
            reset_actor(token)
        self.stdout.write(f"Sắp đến hạn: {counts['due_soon']}, quá hạn: {counts['overdue']}, "
                          f"chưa vào sổ: {counts['unregistered']}.")
