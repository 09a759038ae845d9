"""JSON API of the IOC: the indicators of a scope and period (officials in scope, api_auth), the
registry of definitions and the public aggregate statistics (anonymous)."""

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from chinhquyenso.accounts.auth import api_auth
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import queries
from .indicators import DEFINITIONS, Context, PeriodError, Scope, parse_period

router = Router(tags=["dashboard"])


class IndicatorOut(Schema):
    code: str
    group: str
    name: str
    value: float | None
    unit: str
    numerator: float | None
    denominator: float | None
    points: float | None
    max_points: float
    threshold: float | None
    numerator_definition: str
    denominator_definition: str


class DefinitionOut(Schema):
    code: str
    group: str
    name: str
    numerator: str
    denominator: str
    points: float
    threshold: float | None
    certainty: str
    threshold_certainty: str
    unit: str
    notes: str


def _out(results) -> list[dict]:
    return [{"code": r.code, "group": r.definition.group, "name": str(r.definition.name),
             "value": float(r.value) if r.value is not None else None, "unit": r.definition.unit,
             "numerator": r.numerator, "denominator": r.denominator,
             "points": float(r.points) if r.points is not None else None, "max_points": r.max_points,
             "threshold": r.definition.threshold, "numerator_definition": str(r.definition.numerator),
             "denominator_definition": str(r.definition.denominator)} for r in results]


def _period(ky: str):
    try:
        return parse_period(ky)
    except PeriodError as exc:
        raise HttpError(400, str(exc)) from None


@router.get("/definitions", response=list[DefinitionOut])
def definitions(request: HttpRequest):
    """Every indicator: numerator, denominator, points, threshold and how sure each is."""
    return [{"code": d.code, "group": d.group, "name": str(d.name), "numerator": str(d.numerator),
             "denominator": str(d.denominator), "points": d.points, "threshold": d.threshold,
             "certainty": d.certainty, "threshold_certainty": d.threshold_certainty, "unit": d.unit,
             "notes": str(d.notes)} for d in DEFINITIONS]


@router.get("/indicators", response=list[IndicatorOut], auth=api_auth)
def indicators(request: HttpRequest, ky: str = "", don_vi: str = "", co_quan: str = ""):
    """Indicators of a unit (`don_vi`, a unit code) or agency (`co_quan`, an id) the caller may
    see as IOC operator or leader; default: their widest scope. `ky`: 2026, 2026-Q1, 2026-03."""
    period = _period(ky)
    scope = queries.resolve_scope(request.auth, unit_code=don_vi[:10], agency_id=co_quan[:12])
    if scope is None:
        raise HttpError(403, "Bạn không có quyền xem số liệu điều hành của đơn vị này.")
    return _out(Context(scope, period).all())


@router.get("/public/{code}", response=list[IndicatorOut])
def public(request: HttpRequest, code: str, ky: str = ""):
    """Public aggregate figures of a province or commune (no personal data)."""
    period = _period(ky)
    unit = AdministrativeUnit.objects.current().filter(code=code[:10]).exclude(level=Level.DISTRICT).first()
    if unit is None:
        raise HttpError(404, "Không có đơn vị này.")
    scope = Scope(unit) if unit.level == Level.PROVINCE else Scope(unit.province, unit=unit)
    results = [r for r in Context(scope, period).all() if r.definition.kind not in ("none", "document")]
    return _out(results)
