"""Plans versus actuals. A target comes from, in order: the unit's own Plan row for the year, the
province-wide Plan row, then the national defaults below (data, tagged with their certainty).

National programme (Chương trình Chính phủ số, QĐ 2629/QĐ-TTg, vn-regulations §3 [V]):
2025–2027: 100% of eligible TTHC offered toàn trình, 95% satisfaction; 2028–2030: 100% of dossiers
and results digitised, 80% reuse of digitised data, 99% satisfaction. The provincial example
(on time ≥ 98%, digitisation ≥ 80%, reuse ≥ 50%, toàn trình dossiers ≥ 70%, online payment ≥ 60%)
and the sources' "80% online services with dossiers, 50% processed online" are [S] defaults for
what the programme does not fix. Applying a procedure-level target (3.1) to the catalogue share
is direct; applying the provincial dossier targets to a commune is our inference [I]."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from chinhquyenso.units.models import AdministrativeUnit

from .indicators import Result
from .models import Plan


@dataclass(frozen=True)
class Default:
    first_year: int
    last_year: int
    target: Decimal
    source: str
    certainty: str


QD2629 = "QĐ 2629/QĐ-TTg (Chương trình Chính phủ số)"
EXAMPLE = "Chỉ tiêu mẫu của một tỉnh (nguồn thứ cấp)"
NATIONAL_TARGETS: dict[str, tuple[Default, ...]] = {
    "3.1": (Default(2025, 2030, Decimal(100), QD2629, "V"),),
    "6.4": (Default(2025, 2027, Decimal(95), QD2629, "V"), Default(2028, 2030, Decimal(99), QD2629, "V")),
    "HL": (Default(2025, 2027, Decimal(95), QD2629, "V"), Default(2028, 2030, Decimal(99), QD2629, "V")),
    "5.2": (Default(2025, 2027, Decimal(80), EXAMPLE, "S"), Default(2028, 2030, Decimal(100), QD2629, "V")),
    "5.4": (Default(2025, 2027, Decimal(50), EXAMPLE, "S"), Default(2028, 2030, Decimal(80), QD2629, "V")),
    "2.1": (Default(2025, 2030, Decimal(98), EXAMPLE, "S"),),
    "3.4": (Default(2025, 2030, Decimal(70), EXAMPLE, "S"),),
    "4.3": (Default(2025, 2030, Decimal(60), EXAMPLE, "S"),),
    "3.2": (Default(2025, 2030, Decimal(80), "Kế hoạch trích trong nguồn", "S"),),
    "3.3": (Default(2025, 2030, Decimal(50), "Kế hoạch trích trong nguồn", "S"),),
}


def national_default(code: str, year: int) -> Default | None:
    return next((d for d in NATIONAL_TARGETS.get(code, ()) if d.first_year <= year <= d.last_year), None)


def targets(province: AdministrativeUnit, unit: AdministrativeUnit | None, year: int) -> dict[str, tuple[Decimal, str]]:
    """{indicator: (target, source)} for a unit (None = the province) in one query."""
    rows = Plan.objects.filter(province=province, year=year).filter(
        Q(unit=province) | Q(unit=unit) if unit is not None else Q(unit=province))
    own = {r.indicator: r for r in rows if unit is not None and r.unit_id == unit.pk}
    wide = {r.indicator: r for r in rows if r.unit_id == province.pk}
    out: dict[str, tuple[Decimal, str]] = {}
    for code in {*NATIONAL_TARGETS, *own, *wide}:
        row = own.get(code) or wide.get(code)
        if row is not None:
            out[code] = (row.target, row.source or "Kế hoạch của địa phương")
        elif (d := national_default(code, year)) is not None:
            out[code] = (d.target, f"{d.source} [{d.certainty}]")
    return out


def compare(result: Result, previous: Result | None, target: tuple[Decimal, str] | None) -> dict:
    """Actual, plan, gap (actual − plan, percentage points), trend vs the previous period, behind."""
    value = result.value
    plan = target[0] if target else None
    gap = (value - plan) if value is not None and plan is not None else None
    trend = (value - previous.value) if previous is not None and value is not None and previous.value is not None else None
    higher_is_better = result.definition.unit == "%"
    return {"result": result, "value": value, "plan": plan, "plan_source": target[1] if target else "",
            "gap": gap, "trend": trend, "previous": previous.value if previous else None,
            "behind": gap is not None and higher_is_better and gap < 0}
