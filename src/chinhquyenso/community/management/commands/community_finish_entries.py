from django.core.management import BaseCommand

from chinhquyenso.community.services.quizzes import finish_expired
from chinhquyenso.core.context import Actor, reset_actor, set_actor


class Command(BaseCommand):
    help = "Chấm các bài thi đã hết giờ mà người dự thi chưa bấm nộp."

    def handle(self, *args, **options):
        token = set_actor(Actor(via="command"))
        try:
            done = finish_expired()
        finally:
            reset_actor(token)
        self.stdout.write(f"Đã chấm {done} bài thi hết giờ.")
