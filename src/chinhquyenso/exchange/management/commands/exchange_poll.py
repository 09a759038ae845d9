from django.core.management.base import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor


class Command(BaseCommand):
    help = "Nhận gói tin edXML cho mọi điểm liên thông dùng nền tảng này và gửi lại gói tin đến hạn."

    def handle(self, *args, **options):
        from chinhquyenso.exchange import receiving, services

        token = set_actor(Actor(via="command"))
        try:
            polled = receiving.poll_all()
            swept = services.sweep()
        finally:
            reset_actor(token)
        self.stdout.write(f"poll: {polled}; sweep: {swept}")
