"""Shared context of the generator: the demo province's real communes and agencies, the published
procedures, a seeded random source, and bulk insertion helpers."""

import datetime
import random
from dataclasses import dataclass, field

from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.procedures.models import ProcedureVersion, VersionStatus
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.workdays.calendar import VN_TZ

BATCH = 5000


@dataclass
class Context:
    province: AdministrativeUnit
    rng: random.Random
    start: datetime.date
    end: datetime.date
    communes: list = field(default_factory=list)  # [(unit, commune PC agency, centre agency)]
    departments: list = field(default_factory=list)
    province_centre: Agency | None = None
    commune_versions: list = field(default_factory=list)
    province_versions: list = field(default_factory=list)
    officer_id: int | None = None

    @classmethod
    def load(cls, province_code: str, seed: int, start: datetime.date, end: datetime.date) -> "Context":
        province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code=province_code)
        ctx = cls(province=province, rng=random.Random(seed), start=start, end=end)
        agencies = list(Agency.objects.filter(province=province, is_active=True).select_related("unit"))
        pcs = {a.unit_id: a for a in agencies if a.kind == AgencyKind.COMMUNE_PC}
        centres = {a.unit_id: a for a in agencies if a.kind == AgencyKind.COMMUNE_SERVICE_CENTRE}
        for unit in AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province).order_by("code"):
            if unit.pk in pcs and unit.pk in centres:
                ctx.communes.append((unit, pcs[unit.pk], centres[unit.pk]))
        ctx.departments = [a for a in agencies if a.kind == AgencyKind.DEPARTMENT]
        ctx.province_centre = next((a for a in agencies if a.kind == AgencyKind.PROVINCE_SERVICE_CENTRE), None)
        versions = list(ProcedureVersion.objects.filter(province=province, status=VersionStatus.PUBLISHED)
                        .select_related("procedure", "competent_agency"))
        ctx.commune_versions = [v for v in versions if v.level == "xa"]
        ctx.province_versions = [v for v in versions if v.level == "tinh" and v.competent_agency_id]
        from chinhquyenso.accounts.models import User, UserKind

        officer = User.objects.filter(username="bench-officer").first() or User.objects.create_user(
            "bench-officer", None, full_name="Cán bộ tổng hợp", kind=UserKind.OFFICIAL)
        ctx.officer_id = officer.pk
        if not ctx.communes or not ctx.commune_versions:
            raise SystemExit("Chưa có dữ liệu mẫu của tỉnh: chạy `manage.py load_demo` trước.")
        return ctx

    def instant(self, day: datetime.date, hour_from=7.5, hour_to=16.5) -> datetime.datetime:
        minutes = self.rng.randint(int(hour_from * 60), int(hour_to * 60))
        return datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60), VN_TZ)

    def weekday(self) -> datetime.date:
        span = (self.end - self.start).days
        while True:
            day = self.start + datetime.timedelta(days=self.rng.randrange(span + 1))
            if day.weekday() < 5:
                return day


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def bulk(model, rows: list, batch: int = BATCH) -> list:
    out = []
    for i in range(0, len(rows), batch):
        out.extend(model.objects.bulk_create(rows[i:i + batch], batch_size=batch))
    return out
