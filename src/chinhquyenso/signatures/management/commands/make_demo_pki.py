from django.core.management import BaseCommand

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.signatures.demo import make_demo_pki


class Command(BaseCommand):
    help = (
        "Tạo hạ tầng khóa công khai THỬ NGHIỆM (CA gốc, chứng thư người ký và cơ quan, máy cấp dấu thời gian, CRL) "
        "và chứng thư ký số mẫu cho lanhdao và UBND xã của lanhdao. Không dùng cho môi trường thật."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Tạo lại kể cả khi đã có")

    def handle(self, *args, force: bool = False, **options):
        token = set_actor(Actor(via="command"))
        try:
            made = make_demo_pki(force=force, stdout=self.stdout)
        finally:
            reset_actor(token)
        self.stdout.write(self.style.SUCCESS(f"{len(made)} chứng thư ký số mẫu."))
