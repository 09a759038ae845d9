import importlib
import importlib.util

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command

from chinhquyenso.core.context import Actor, reset_actor, set_actor
from chinhquyenso.portal import demo
from chinhquyenso.units.models import AdministrativeUnit, Level


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu: toàn bộ đơn vị hành chính, lịch nghỉ lễ, cơ quan của một tỉnh thật và tài khoản mẫu. "
        "Chạy lại không nhân đôi dữ liệu."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", default=settings.DEMO_PROVINCE_CODE, help="Mã tỉnh (2 chữ số)")

    def handle(self, *args, province: str, **options):
        token = set_actor(Actor(via="command"))
        try:
            # Every unit of the country (about 3 s the first time, under 1 s after): citizens look up
            # communes anywhere; the demo's agencies and accounts are for one province.
            call_command("load_units", verbosity=options["verbosity"])
            call_command("seed_holidays", verbosity=options["verbosity"])
            unit = AdministrativeUnit.objects.current().filter(level=Level.PROVINCE, code=province).first()
            if unit is None:
                raise CommandError(f"Không có tỉnh mã {province} trong dữ liệu đơn vị hành chính.")
            agencies = demo.load_agencies(unit)
            accounts = demo.load_accounts(agencies)
            # Each domain app may ship `<app>/demo.py` with `load(province, stdout)`; they run in
            # LOCAL_APPS order, so a higher app finds the lower apps' demo rows already there.
            for label in settings.LOCAL_APPS:
                module = f"{label}.demo"
                if label.endswith(".portal") or importlib.util.find_spec(module) is None:
                    continue
                importlib.import_module(module).load(unit, self.stdout)
        finally:
            reset_actor(token)
        self.stdout.write(self.style.SUCCESS(f"Dữ liệu mẫu: {unit.full_name}, {len(accounts)} tài khoản mẫu."))
