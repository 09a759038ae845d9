from pathlib import Path

from django.core.management import BaseCommand, CommandError

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.procedures.transfer import ImportFailed, import_file
from chinhquyenso.units.models import AdministrativeUnit, Level


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính của một tỉnh từ tệp JSON hoặc Excel (.xlsx); tất cả hoặc không gì cả."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Đường dẫn tệp .json hoặc .xlsx (xem docs/procedures.md)")
        parser.add_argument("--province", required=True, help="Mã tỉnh (2 chữ số), ví dụ 38")
        parser.add_argument("--publish", action="store_true", help="Công bố ngay các phiên bản mới hoặc thay đổi")

    def handle(self, *args, file: str, province: str, publish: bool, **options):
        unit = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=province).first()
        if unit is None:
            raise CommandError(f"Không có tỉnh mã {province}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp {file}.")
        token = set_actor(Actor(via="command"))
        try:
            result = import_file(path.read_bytes(), province=unit, publish=publish, filename=path.name)
        except ImportFailed as exc:
            raise CommandError("Không nhập được; chưa có gì được lưu:\n" + "\n".join(f"- {m}" for m in exc.messages)) from None
        finally:
            reset_actor(token)
        self.stdout.write(self.style.SUCCESS(
            f"{unit.full_name}: thêm {len(result.created)}, cập nhật {len(result.updated)}, "
            f"không đổi {len(result.unchanged)}, công bố {len(result.published)} thủ tục."
        ))
