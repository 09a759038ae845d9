"""Decision 766/QĐ-TTg indicators, computed live from the rollups — the API other apps use.

    from chinhquyenso.dashboard import indicators
    r = indicators.compute("2.1", unit_or_agency=commune, period=indicators.parse_period("2026-Q1"))
    r.value        # Decimal percent rounded to 2 places, or None = "no data"
    r.numerator, r.denominator, r.points, r.max_points, r.definition
    num_qs, den_qs = indicators.drilldown("2.1", unit_or_agency=commune, period=...)

`compute_all(scope, period)` computes every indicator with shared queries (pages, exports);
`ranking(code, scope, period, group="unit"|"agency")` ranks communes or agencies in one query.
Ratios → points (vn-regulations §3 [S]): with a threshold T, R ≥ T gets full points, else R/T ×
points; without one, R × points. Any input not recorded → value None, never a made-up number.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .definitions import DEFINITIONS, GROUPS, HEADLINE, REGISTRY, Definition
from .periods import Period, PeriodError, Scope, parse_period

TWO = Decimal("0.01")


@dataclass
class Result:
    code: str
    value: Decimal | None
    numerator: int | float | None
    denominator: int | float | None
    points: Decimal | None
    max_points: float
    definition: Definition

    @property
    def no_data(self) -> bool:
        return self.value is None


def ratio_points(value: Decimal | None, d: Definition) -> Decimal | None:
    if value is None or not d.points or d.unit != "%":
        return None if value is None else Decimal(0)
    r = value / 100
    if d.threshold is not None:
        t = Decimal(str(d.threshold)) / 100
        pts = Decimal(str(d.points)) if r >= t else r / t * Decimal(str(d.points))
    else:
        pts = r * Decimal(str(d.points))
    return max(Decimal(0), pts).quantize(TWO, ROUND_HALF_UP)


def pct(num, den) -> Decimal | None:
    if den is None or num is None or den <= 0:
        return None
    return (Decimal(num) * 100 / Decimal(den)).quantize(TWO, ROUND_HALF_UP)


def _result(code: str, num, den, value: Decimal | None = "auto") -> Result:
    d = REGISTRY[code]
    if value == "auto":
        value = pct(num, den)
    return Result(code, value, num, den, ratio_points(value, d), d.points, d)


# --- formulas over counts (shared by single scopes and rankings) -------------------------------

def progress(c: dict) -> tuple[int, int]:
    """2.1 (§2.4): ended in the period on time + unfinished within the deadline at P, over ended
    in the period + unfinished at P."""
    open_at = c["cum_received"] - c["cum_ended"]
    overdue_open = c["cum_due"] - c["cum_due_on_time"] - (c["cum_ended_judged"] - c["cum_ended_on_time"])
    overdue_open = max(0, min(open_at, overdue_open))
    return c["p_ended_on_time"] + open_at - overdue_open, c["p_ended_judged"] + open_at


def dossier_result(code: str, c: dict) -> Result:
    simple = {
        "1.4": ("p_synced", "p_received"), "3.3": ("p_online", "p_received"),
        "3.4": ("p_processed_online", "p_full_online_proc"), "4.3": ("p_paid_online", "p_fee_bearing"),
        "5.1": ("p_paper_result_e", "p_paper_result"), "5.2": ("p_digitized", "p_received"),
        "5.4": ("p_reused", "p_received"), "5.5": ("p_personal_store", "p_received"),
        "5.7": ("p_vneid", "p_received"), "HL": ("p_satisfied", "p_rated"),
    }
    if code in simple:
        n, d = simple[code]
        return _result(code, c[n], c[d])
    if code == "2.1":
        return _result(code, *progress(c))
    if code == "2.2":
        finished, seconds = c["p_finished"], c["p_processing_seconds"]
        value = (Decimal(seconds) / 86400 / finished).quantize(TWO, ROUND_HALF_UP) if finished else None
        return _result(code, round(seconds / 86400, 2), finished, value)
    if code == "6.4":
        num, den = progress(c)
        if not den or not c["p_received"]:
            return _result(code, None, None, None)
        late = Decimal(den - num) / den
        complaint = Decimal(c["p_complaint"]) / c["p_received"]
        value = max(Decimal(0), (1 - late - complaint) * 100).quantize(TWO, ROUND_HALF_UP)
        return _result(code, den - num + c["p_complaint"], den, value)
    raise KeyError(code)


DOSSIER_CODES = ("1.4", "2.1", "2.2", "3.3", "3.4", "4.3", "5.1", "5.2", "5.4", "5.5", "5.7", "6.4", "HL")


# Sources that no dossier event changes (procedure catalogue, field reports, questions, documents):
# with `shared_sources` their figures are kept `IOC_CACHE_SECONDS` under a key without the page
# generation, so a dossier change re-reads the rollups only (ADR 0010, "Page cache").
_EVENTLESS = {"c", "ps", "r", "q", "doc"}


class Context:
    """Shares the queries of one (scope, period) between indicators."""

    def __init__(self, scope: Scope, period: Period, today=None, *, shared_sources: bool = False):
        self.scope, self.period, self.today = scope, period, today
        self.shared_sources = shared_sources
        self._cache: dict = {}

    def _get(self, key, fn):
        if key not in self._cache:
            if self.shared_sources and key in _EVENTLESS:
                from .. import pagecache

                self._cache[key] = pagecache.cached_source((key, self.scope.key, self.period.key, self.today), fn)
            else:
                self._cache[key] = fn()
        return self._cache[key]

    @property
    def dossiers(self) -> dict:
        from .figures import dossier_counts
        return self._get("d", lambda: dossier_counts(self.scope, self.period, today=self.today))

    @property
    def procedures(self) -> list[dict]:
        from .figures import procedure_counts
        return self._get("p", lambda: procedure_counts(self.scope, self.period))

    @property
    def catalogue(self) -> dict:
        from .sources import catalogue_counts
        return self._get("c", lambda: catalogue_counts(self.scope))

    @property
    def procedure_sets(self) -> dict:
        from .sources import procedure_sets
        return self._get("ps", lambda: procedure_sets(self.scope))

    @property
    def reports(self) -> dict:
        from .sources import report_counts
        return self._get("r", lambda: report_counts(self.scope, self.period))

    @property
    def questions(self) -> dict:
        from .sources import question_counts
        return self._get("q", lambda: question_counts(self.scope, self.period))

    @property
    def documents(self) -> dict:
        from .sources import document_counts
        return self._get("doc", lambda: document_counts(self.scope, self.period))

    def compute(self, code: str) -> Result:
        d = REGISTRY[code]
        if d.kind == "none":
            return _result(code, None, None, None)
        if code in DOSSIER_CODES:
            return dossier_result(code, self.dossiers)
        if code == "1.3":
            c = self.catalogue
            return _result(code, c["complete"], c["published"])
        if code == "3.1":
            c = self.catalogue
            return _result(code, c["online"], c["published"])
        if code in ("3.2", "4.2", "5.6"):
            subset, counter = {"3.2": ("online", "online"), "4.2": ("with_fee", "paid_online"),
                               "5.6": ("for_persons", "vneid")}[code]
            base = self.procedure_sets[subset]
            hit = {row["procedure_id"] for row in self.procedures if row[counter] and row["procedure_id"] in base}
            return _result(code, len(hit), len(base))
        if code.startswith("6."):
            r, q = self.reports, self.questions
            total = r["received"] + q["received"]
            if code == "6.1":
                return _result(code, r["classified"] + q["classified"], r["all"] + q["all"])
            if code == "6.2":
                return _result(code, r["on_time"] + r["open_within"] + q["on_time"] + q["open_within"], total)
            likes, dislikes = r["likes"] + q["likes"], r["dislikes"] + q["dislikes"]
            num = total - max(0, dislikes - likes) - r["overdue"] - q["overdue"] - r["repeated"]
            return _result(code, max(0, num), total)
        if code.startswith("PA."):
            r = self.reports
            num, den = {"PA.1": (r["handled"], r["received"]), "PA.2": (r["on_time"], r["handled"]),
                        "PA.3": (r["likes"], r["rated"])}[code]
            return _result(code, num, den)
        if code.startswith("VB."):
            c = self.documents
            return _result(code, *((c["signed"], c["issued"]) if code == "VB.1" else (c["exchanged"], c["with_external"])))
        raise KeyError(code)

    def all(self) -> list[Result]:
        return [self.compute(d.code) for d in DEFINITIONS]


def _scope(unit_or_agency) -> Scope:
    return unit_or_agency if isinstance(unit_or_agency, Scope) else Scope.of(unit_or_agency)


def compute(code: str, *, unit_or_agency, period: Period, today=None) -> Result:
    if code not in REGISTRY:
        raise KeyError(code)
    return Context(_scope(unit_or_agency), period, today).compute(code)


def compute_all(unit_or_agency, period: Period, today=None) -> list[Result]:
    return Context(_scope(unit_or_agency), period, today).all()


def group_scores(results: list[Result]) -> list[dict]:
    """Points per 766 group: the sum over items with data, and the maximum of those items."""
    out = []
    for key, name, maximum in GROUPS:
        items = [r for r in results if r.definition.group == key]
        scored = [r for r in items if r.points is not None]
        out.append({"group": key, "name": name, "max": maximum, "items": items,
                    "points": sum((r.points for r in scored), Decimal(0)),
                    "max_with_data": sum(r.max_points for r in scored),
                    "no_data": [r.code for r in items if r.points is None and r.max_points]})
    return out


def ranking(code: str, unit_or_agency, period: Period, *, group: str = "unit", today=None) -> list[dict]:
    """Communes (group="unit") or agencies (group="agency") of the scope ranked by a dossier
    indicator, best first, "no data" last. One GROUP BY over the rollups."""
    from chinhquyenso.agencies.models import Agency
    from chinhquyenso.units.models import AdministrativeUnit, Level

    from .figures import dossier_counts_by

    if code not in DOSSIER_CODES:
        raise KeyError(code)
    scope = _scope(unit_or_agency)
    counts = dossier_counts_by(scope, period, group, today=today)
    if group == "unit":
        names = dict(AdministrativeUnit.objects.filter(pk__in=counts, level=Level.COMMUNE).values_list("pk", "full_name"))
    else:
        names = dict(Agency.objects.filter(pk__in=counts).values_list("pk", "name"))
    rows = []
    for key, c in counts.items():
        if key not in names:
            continue
        r = dossier_result(code, c)
        rows.append({"id": key, "name": names[key], "result": r, "value": r.value})
    rows.sort(key=lambda row: (row["value"] is None, -(row["value"] or 0), row["name"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    return rows


def drilldown(code: str, *, unit_or_agency, period: Period, today=None):
    """(numerator queryset, denominator queryset) of the rows behind the figure."""
    from .drilldown_rows import querysets
    return querysets(code, _scope(unit_or_agency), period, today=today)


__all__ = ["DEFINITIONS", "GROUPS", "HEADLINE", "REGISTRY", "Context", "Definition", "Period", "PeriodError",
           "Result", "Scope", "compute", "compute_all", "drilldown", "group_scores", "parse_period", "ranking"]
