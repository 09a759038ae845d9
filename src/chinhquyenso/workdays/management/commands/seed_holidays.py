"""`manage.py seed_holidays [--from 2020] [--to 2035] [--force]`: idempotent; the demo loader calls
services.seed_years() directly."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.workdays import services


class Command(BaseCommand):
    help = "Sinh ngày nghỉ lễ, Tết theo Bộ luật Lao động 2019 cho các năm (không ghi đè chỉnh sửa của quản trị)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=int, default=services.DEFAULT_SEED_YEARS[0])
        parser.add_argument("--to", dest="last", type=int, default=services.DEFAULT_SEED_YEARS[1])
        parser.add_argument(
            "--force", action="store_true",
            help="Sinh lại các mục do quy tắc tạo của cả những năm đã sinh (mục quản trị đã sửa được giữ nguyên).",
        )

    def handle(self, *args, first: int, last: int, force: bool, **options):
        token = set_actor(Actor(via="command"))
        try:
            created = services.seed_years(first, last, force=force)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        finally:
            reset_actor(token)
        total = sum(created.values())
        skipped = [str(year) for year, count in created.items() if count == 0]
        self.stdout.write(f"Đã tạo {total} mục cho {len(created) - len(skipped)} năm.")
        if skipped:
            self.stdout.write(f"Bỏ qua (đã có): {', '.join(skipped)}.")
