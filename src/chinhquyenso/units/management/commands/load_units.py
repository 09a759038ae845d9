"""Load the committed administrative-unit data file into the database (idempotent)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from chinhquyenso.units.services import load_units


class Command(BaseCommand):
    help = (
        "Nạp danh mục đơn vị hành chính (34 tỉnh, 3.321 xã và các đơn vị trước 01/7/2025) từ tệp dữ liệu "
        "đã commit. Chạy lại không tạo bản trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", metavar="CODE", help="Chỉ nạp một tỉnh hiện hành (mã 2 chữ số) và các đơn vị cũ nhập vào tỉnh đó")
        parser.add_argument("--file", type=Path, default=None, help="Tệp dữ liệu khác tệp mặc định (units/data)")

    def handle(self, *args, province: str | None, file: Path | None, **options):
        try:
            summary = load_units(file, province=province)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Không đọc được tệp dữ liệu: {exc}") from exc
        for (level, period), n in sorted(summary.by_level.items()):
            self.stdout.write(f"  {level:<9} {period:<16} {n:>6}")
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp {summary.total} đơn vị trong {summary.seconds:.2f} giây: "
            f"{summary.created} mới, {summary.updated} cập nhật, {summary.unchanged} không đổi; "
            f"liên kết kế thừa +{summary.links_added} −{summary.links_removed}."
        ))
