"""Cron entry point for the national-portal sync (dossiers.national).

    manage.py national_sync              # send every due dossier, then import what waits
    manage.py national_sync --no-import  # only send
    manage.py national_sync --enqueue    # enqueue the work as background tasks instead
"""

from django.core.management.base import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.dossiers.national import services
from chinhquyenso.dossiers.national.importing import import_incoming


class Command(BaseCommand):
    help = "Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia và nhận hồ sơ nộp trên Cổng."

    def add_arguments(self, parser):
        parser.add_argument("--no-import", action="store_true", help="Chỉ gửi, không nhận hồ sơ mới")
        parser.add_argument("--enqueue", action="store_true", help="Đưa vào hàng đợi tác vụ nền")
        parser.add_argument("--limit", type=int, default=500)

    def handle(self, *args, no_import=False, enqueue=False, limit=500, **options):
        if enqueue:
            from chinhquyenso.dossiers.national.tasks import import_task, sync_pending_task

            sync_pending_task.enqueue()
            if not no_import:
                import_task.enqueue()
            self.stdout.write("Đã đưa việc đồng bộ vào hàng đợi.")
            return
        token = set_actor(Actor(via="command"))
        try:
            counts = services.sync_pending(limit=limit)
            self.stdout.write("Gửi: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
            if not no_import:
                report = import_incoming()
                self.stdout.write(f"Nhận: created={report['created']}, duplicate={report['duplicate']}, "
                                  f"rejected={report['rejected']}")
                for err in report["errors"]:
                    self.stderr.write(f"  {err['ref']}: {err['message']}")
        finally:
            reset_actor(token)
