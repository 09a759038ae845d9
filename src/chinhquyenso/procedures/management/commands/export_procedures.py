from pathlib import Path

from django.core.management import BaseCommand, CommandError

from chinhquyenso.procedures.transfer import export_catalogue, to_json, to_xlsx
from chinhquyenso.units.models import AdministrativeUnit, Level


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục đã công bố của một tỉnh ra JSON (mặc định, ra màn hình) hoặc Excel (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="Mã tỉnh (2 chữ số)")
        parser.add_argument("--output", "-o", default="", help="Tệp đích; đuôi .xlsx thì xuất Excel")
        parser.add_argument("--drafts", action="store_true", help="Lấy bản nháp mới nhất thay cho bản đã công bố")

    def handle(self, *args, province: str, output: str, drafts: bool, **options):
        unit = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=province).first()
        if unit is None:
            raise CommandError(f"Không có tỉnh mã {province}.")
        if output and not output.endswith((".json", ".xlsx")):
            raise CommandError("Tệp đích phải có đuôi .json hoặc .xlsx.")
        data = export_catalogue(unit, include_drafts=drafts)
        content = to_xlsx(data) if output.endswith(".xlsx") else to_json(data)
        if output:
            Path(output).write_bytes(content)
            self.stderr.write(f"Đã xuất {len(data['procedures'])} thủ tục vào {output}.")
        else:
            self.stdout.write(content.decode(), ending="\n")
