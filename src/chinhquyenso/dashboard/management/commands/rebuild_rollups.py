import time

from django.core.management.base import BaseCommand, CommandError

from chinhquyenso.units.models import AdministrativeUnit, Level


class Command(BaseCommand):
    help = "Tính lại từ đầu số liệu tổng hợp IOC (dữ kiện hồ sơ và bảng tổng hợp) từ các hồ sơ."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="Mã tỉnh (mặc định: tất cả)")

    def handle(self, *args, province=None, **options):
        from chinhquyenso.dashboard.rollups import rebuild

        province_id = None
        if province:
            unit = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=province).first()
            if unit is None:
                raise CommandError(f"Không có tỉnh mã {province}.")
            province_id = unit.pk
        started = time.perf_counter()
        counts = rebuild(province_id)
        self.stdout.write(f"Đã tính lại: {counts['dossiers']} hồ sơ, {counts['rollups']} dòng tổng hợp "
                          f"trong {time.perf_counter() - started:.2f} s.")
