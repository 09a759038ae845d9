"""Erase reporters' and askers' identity once its retention period has passed (portal/retention.py,
docs/personal-data.md). Run daily from cron next to the sweeps; safe to run again at any time.

    manage.py personal_data_retention [--dry-run] [--batch-size 500]
"""

from django.core.management import BaseCommand, CommandError

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.portal import retention


class Command(BaseCommand):
    help = ("Xóa thông tin định danh người phản ánh, người hỏi đã hết thời hạn lưu giữ "
            "(Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15).")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Chỉ đếm, không xóa, không ghi nhật ký.")
        parser.add_argument("--batch-size", type=int, default=500, help="Số bản ghi mỗi lượt cập nhật (mặc định 500).")

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size phải lớn hơn 0.")
        token = set_actor(Actor(via="command"))
        try:
            result = retention.run(dry_run=dry_run, batch_size=batch_size)
        finally:
            reset_actor(token)
        c = result.counts
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        self.stdout.write(
            f"{verb} thông tin định danh: {c['reporters']} người phản ánh, {c['me_too']} xác nhận “tôi cũng gặp” "
            f"(phản ánh đóng trước {result.reporter_cutoff:%d/%m/%Y}), {c['askers']} người hỏi "
            f"(câu hỏi kết thúc trước {result.asker_cutoff:%d/%m/%Y})."
        )
