"""The registry of computed indicator sources.

An indicator declares where its value comes from by a key (Indicator.source_kind/source_key):
- "computed" + a key of REGISTRY below: figures the platform itself produces (the IOC's QĐ 766
  indicators, the procedure catalogue, community technology teams);
- "series" + a sector-series code: the latest value of that series within the assessment year
  (sectordata, e.g. smartphone ownership %);
- "self": entered by the unit with evidence.

A source answers a Measure (numerator/denominator, or a value) or None = "no data". When the app a
source needs has not landed (ImportError/AttributeError: the function does not exist yet) or has no
rows, the answer is None — never an invented number. Adding a source is one `register(...)` call;
no indicator code is special-cased anywhere else.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Measure:
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value: Decimal | None = None  # a plain number (count) or a percent with denominator None
    detail: str = ""

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


@dataclass
class Target:
    """What is being assessed: a commune (unit), an agency, or a province; and the year."""

    unit: object  # units.AdministrativeUnit
    agency: object | None
    year: int
    _cache: dict = field(default_factory=dict)

    @property
    def period(self):
        from chinhquyenso.dashboard.indicators import Period

        return Period("year", self.year)

    @property
    def year_end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    def dashboard(self):
        """One IOC computation context per target, so several indicators share its queries."""
        if "dashboard" not in self._cache:
            from chinhquyenso.agencies.models import AgencyKind
            from chinhquyenso.dashboard import indicators

            # A commune or the province is assessed as a territory; a department as an agency tree.
            territorial = self.agency is None or self.agency.kind in (AgencyKind.COMMUNE_PC, AgencyKind.PROVINCE_PC)
            subject = self.unit if territorial else self.agency
            self._cache["dashboard"] = indicators.Context(indicators.Scope.of(subject), self.period)
        return self._cache["dashboard"]


@dataclass(frozen=True)
class ComputedSource:
    key: str
    label: str
    fn: Callable[[Target], Measure | None]
    origin: str = ""


REGISTRY: dict[str, ComputedSource] = {}


def register(key: str, label: str, fn: Callable[[Target], Measure | None], origin: str = "") -> None:
    REGISTRY[key] = ComputedSource(key, str(label), fn, origin)


def choices() -> list[tuple[str, str]]:
    return [(s.key, s.label) for s in REGISTRY.values()]


def evaluate(kind: str, key: str, target: Target) -> Measure | None:
    """The measure for one indicator, or None (no data). Unknown keys are no data too (a set
    imported from another installation may name a source this one lacks)."""
    try:
        if kind == "computed":
            source = REGISTRY.get(key)
            return source.fn(target) if source else None
        if kind == "series":
            return series_measure(target, key)
    except (ImportError, AttributeError) as exc:  # the source app or function has not landed yet
        logger.info("assessment source %s:%s unavailable: %s", kind, key, exc)
        return None
    return None


# --- built-in sources ----------------------------------------------------------------------------

def _dashboard(code: str) -> Callable[[Target], Measure | None]:
    def fn(target: Target) -> Measure | None:
        result = target.dashboard().compute(code)
        if result.value is None or result.denominator in (None, 0):
            return None
        return Measure(Decimal(str(result.numerator)), Decimal(str(result.denominator)),
                       detail=f"IOC {code}: {result.numerator}/{result.denominator}")
    return fn


def _procedures_full_online(target: Target) -> Measure | None:
    """Share of the procedures in the unit's catalogue scope offered fully online (toàn trình,
    NĐ 42/2022 as referenced by vn-regulations §2.5)."""
    from chinhquyenso.dashboard.indicators.sources import procedures_in_scope
    from chinhquyenso.procedures.models import OnlineLevel

    qs = procedures_in_scope(target.dashboard().scope)
    total = qs.count()
    if not total:
        return None
    full = qs.filter(online_level=OnlineLevel.FULL).count()
    return Measure(Decimal(full), Decimal(total), detail=str(_("Danh mục TTHC: %(a)s/%(b)s toàn trình") % {
        "a": full, "b": total}))


def _attr(obj, *names):
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def _team_coverage(target: Target) -> Measure | None:
    """Villages with a community digital technology team / villages (CV 793/BTTTT-THH, vn-regulations
    §5.1), from the community app: `community.queries.team_coverage(unit, on_date)`."""
    from chinhquyenso.community import queries as community_queries

    result = community_queries.team_coverage(target.unit, target.year_end)
    if result is None:
        return None
    if isinstance(result, tuple) and len(result) == 2:  # (covered villages, villages)
        num, den = result
    else:
        num = _attr(result, "numerator", "covered", "with_team")
        den = _attr(result, "denominator", "villages", "total")
    if num is None or not den:
        return None
    return Measure(Decimal(str(num)), Decimal(str(den)), detail=str(_("Tổ CNSCĐ: %(a)s/%(b)s thôn, tổ dân phố") % {
        "a": num, "b": den}))


def series_measure(target: Target, code: str) -> Measure | None:
    """The latest public observation of series `code` for the unit within the assessment year."""
    from chinhquyenso.sectordata import queries as sector_queries

    obs = (sector_queries.series_for(target.unit, code, (datetime.date(target.year, 1, 1), target.year_end))
           .order_by("-period_start").first())
    if obs is None:
        return None
    return Measure(value=obs.value, detail=str(_("Số liệu ngành %(c)s, kỳ %(p)s: %(v)s") % {
        "c": code, "p": obs.period_start.strftime("%m/%Y"), "v": obs.value.normalize()}))


for _key, _label, _code in (
    ("ho_so_truc_tuyen", _("Tỷ lệ hồ sơ nộp trực tuyến (IOC 3.3)"), "3.3"),
    ("ho_so_toan_trinh", _("Tỷ lệ hồ sơ xử lý trực tuyến toàn trình (IOC 3.4)"), "3.4"),
    ("ho_so_dung_han", _("Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn (IOC 2.1)"), "2.1"),
    ("thanh_toan_truc_tuyen", _("Tỷ lệ hồ sơ thanh toán trực tuyến (IOC 4.3)"), "4.3"),
    ("so_hoa_ho_so", _("Tỷ lệ hồ sơ được số hóa (IOC 5.2)"), "5.2"),
    ("ket_qua_dien_tu", _("Tỷ lệ hồ sơ có kết quả điện tử (IOC 5.1)"), "5.1"),
    ("pakn_dung_han", _("Tỷ lệ PAKN xử lý đúng hạn (IOC 6.2)"), "6.2"),
    ("phan_anh_dung_han", _("Tỷ lệ phản ánh hiện trường xử lý đúng hạn (IOC PA.2)"), "PA.2"),
    ("van_ban_ky_so", _("Tỷ lệ văn bản đi được ký số (IOC VB.1)"), "VB.1"),
    ("van_ban_lien_thong", _("Tỷ lệ văn bản gửi liên thông điện tử (IOC VB.2)"), "VB.2"),
):
    register(_key, _label, _dashboard(_code), origin="dashboard")

register("tthc_toan_trinh", _("Tỷ lệ TTHC đủ điều kiện được cung cấp trực tuyến toàn trình"),
         _procedures_full_online, origin="procedures")
register("to_cong_nghe_so", _("Tỷ lệ thôn, tổ dân phố có Tổ công nghệ số cộng đồng"), _team_coverage,
         origin="community")
