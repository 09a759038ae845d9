"""Demo: annual plans for the demo province (2026) and a rollup rebuild from whatever dossiers the
other demos loaded (load_demo runs this app after the domain apps)."""

from decimal import Decimal

from chinhquyenso.units.models import AdministrativeUnit, Level

from .models import Plan
from .rollups import rebuild

PROVINCE_PLAN_2026 = {
    # Thanh Hóa-style targets (the figures quoted by the sources: 80% online services with
    # dossiers, 50% processed online) plus the provincial example of vn-regulations §3 [S].
    "3.2": Decimal(80), "3.3": Decimal(50), "2.1": Decimal(98), "5.2": Decimal(80), "5.4": Decimal(50),
    "3.4": Decimal(70), "4.3": Decimal(60), "6.4": Decimal(95), "HL": Decimal(95),
}


def load(province: AdministrativeUnit, stdout) -> None:
    for code, target in PROVINCE_PLAN_2026.items():
        Plan.objects.get_or_create(province=province, unit=province, year=2026, indicator=code,
                                   defaults={"target": target, "source": "Kế hoạch CĐS năm 2026 (mẫu)"})
    # The demo commune of the accounts gets a tighter online target of its own.
    commune = AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province,
                                                          name__icontains="Hàm Rồng").first()
    if commune is not None:
        Plan.objects.get_or_create(province=province, unit=commune, year=2026, indicator="3.3",
                                   defaults={"target": Decimal(60), "source": "Kế hoạch của phường (mẫu)"})
    counts = rebuild(province.pk)
    stdout.write(f"IOC: kế hoạch 2026, số liệu tổng hợp từ {counts['dossiers']} hồ sơ ({counts['rollups']} dòng).")
