"""Reporting periods (month, quarter, year) and the scope an indicator is computed for."""

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.calendar import VN_TZ


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "quarter" | "year"
    year: int
    number: int = 1  # month 1–12 or quarter 1–4

    @property
    def start(self) -> datetime.date:
        month = {"year": 1, "quarter": 3 * (self.number - 1) + 1, "month": self.number}[self.kind]
        return datetime.date(self.year, month, 1)

    @property
    def end(self) -> datetime.date:
        month = {"year": 12, "quarter": 3 * self.number, "month": self.number}[self.kind]
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def key(self) -> str:
        return {"year": f"{self.year}", "quarter": f"{self.year}-Q{self.number}",
                "month": f"{self.year}-{self.number:02d}"}[self.kind]

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Năm %(y)d") % {"y": self.year}
        if self.kind == "quarter":
            return _("Quý %(q)d/%(y)d") % {"q": self.number, "y": self.year}
        return _("Tháng %(m)d/%(y)d") % {"m": self.number, "y": self.year}

    def previous(self) -> "Period":
        if self.kind == "year":
            return Period("year", self.year - 1)
        last = 4 if self.kind == "quarter" else 12
        return Period(self.kind, self.year - 1, last) if self.number == 1 else Period(self.kind, self.year, self.number - 1)

    def judged_on(self, today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
        """(P, C): the last day whose events count and the first day not yet passed. Unfinished
        dossiers are judged at the end of the period (§2.4), or today while it runs."""
        today = today or timezone.localdate(timezone=VN_TZ)
        if self.end < today:
            return self.end, self.end + datetime.timedelta(days=1)
        return today, today


PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0?[1-9]|1[0-2])))?$")


def parse_period(text: str | None, *, default: Period | None = None) -> Period:
    """"2026" → year, "2026-Q1" → quarter, "2026-03" → month."""
    text = (text or "").strip().upper()
    if not text:
        if default is not None:
            return default
        today = timezone.localdate(timezone=VN_TZ)
        return Period("year", today.year)
    match = PERIOD_RE.match(text)
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise PeriodError(_("Kỳ báo cáo không hợp lệ (ví dụ: 2026, 2026-Q1, 2026-03)."))
    year = int(match.group(1))
    if match.group(2):
        return Period("quarter", year, int(match.group(2)))
    if match.group(3):
        return Period("month", year, int(match.group(3)))
    return Period("year", year)


@dataclass(frozen=True)
class Scope:
    """An administrative unit (a province, or a commune with its sub-units) or an agency (with its
    sub-agencies). Every indicator filters its rows through `rollup_filter`/`fact_filter`."""

    province: AdministrativeUnit
    unit: AdministrativeUnit | None = None
    agency: Agency | None = None

    @classmethod
    def of(cls, unit_or_agency) -> "Scope":
        if isinstance(unit_or_agency, Agency):
            return cls(unit_or_agency.province, agency=unit_or_agency)
        if isinstance(unit_or_agency, AdministrativeUnit):
            if unit_or_agency.level == Level.PROVINCE:
                return cls(unit_or_agency)
            return cls(unit_or_agency.province, unit=unit_or_agency)
        raise TypeError("unit_or_agency must be an AdministrativeUnit or an Agency")

    @property
    def label(self) -> str:
        if self.agency is not None:
            return self.agency.name
        return (self.unit or self.province).full_name

    @property
    def key(self) -> str:
        if self.agency is not None:
            return f"a{self.agency.pk}"
        return f"u{(self.unit or self.province).pk}"

    @property
    def is_commune(self) -> bool:
        return self.unit is not None or (self.agency is not None and self.agency.unit.level == Level.COMMUNE)

    def rollup_filter(self) -> dict:
        if self.agency is not None:
            # The province too: the rollup key's index leads with it.
            return {"province_id": self.province.pk,
                    "agency_id__in": Agency.objects.filter(path__startswith=self.agency.path).values("pk")}
        if self.unit is not None:
            return {"unit_id": self.unit.pk}
        return {"province_id": self.province.pk}

    def fact_filter(self) -> dict:
        """For DossierFact rows (the dossiers' fact columns): below the province, by the resolving
        agencies' ids as constants, so PostgreSQL reads the scope's dossiers through the fact index
        that leads with the resolving agency (joining every dossier of the period to its agency to
        test the unit read a third of the province's dossiers for a year)."""
        if self.agency is None and self.unit is None:
            return {"province_id": self.province.pk}
        agencies = (Agency.objects.filter(path__startswith=self.agency.path) if self.agency is not None
                    else Agency.objects.filter(unit_id=self.unit.pk))
        return {"province_id": self.province.pk, "agency_id__in": list(agencies.values_list("pk", flat=True))}

    def agency_filter(self, field: str = "agency") -> dict:
        """For other apps' rows that carry an agency (reports, questions, documents)."""
        if self.agency is not None:
            return {f"{field}__path__startswith": self.agency.path}
        if self.unit is not None:
            return {f"{field}__unit": self.unit}
        return {"province": self.province}
