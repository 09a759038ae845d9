"""Demo sector series for the demo province: the digital-infrastructure figures our sources quote
(smartphone ownership, FTTH households, 4G/5G coverage of villages, base stations — vn-regulations
§5, the commune indicators of 2629/QĐ-TTg and Thanh Hóa QĐ 1829/QĐ-UBND), security cameras, one
education and one health series; per commune, per quarter (education per year) from 2024 up to
the last finished quarter.

THE VALUES ARE INVENTED: deterministic (seeded by commune code and series), plausible, and
labelled "SỐ LIỆU MẪU" in every series' source and every row's note. Loaded through
services.import_rows (channel "demo"), one batch per series, so the import log and audit trail
are real. Idempotent: a series that already has observations is left alone.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit, Level

from . import periods, services
from .models import Channel, Granularity, Levels, Observation, Rollup, ValueType
from .validation import RawRow

DEMO = "SỐ LIỆU MẪU"
FIRST_YEAR = 2024

SECTORS = [
    ("ha-tang-so", "Hạ tầng số", 10),
    ("an-ninh", "An ninh, trật tự (camera)", 20),
    ("giao-duc", "Giáo dục", 30),
    ("y-te", "Y tế", 40),
    ("nong-nghiep", "Nông nghiệp", 50),
]


@dataclass(frozen=True)
class DemoSeries:
    code: str
    name: str
    description: str
    sector: str
    owner: str  # department short name in portal.demo.PROVINCE_DEPARTMENTS, or "province"
    source: str
    value_type: str
    unit_of_measure: str
    granularity: str
    rollup: str
    # (rng, urban?) -> first value; (rng, value, step index) -> next value
    start: Callable[[random.Random, bool], float]
    grow: Callable[[random.Random, float], float]
    is_public: bool = True


def _pct(x: float, cap: float = 100.0) -> float:
    return round(max(0.0, min(cap, x)), 1)


SERIES = [
    DemoSeries(
        "ty-le-smartphone", "Tỷ lệ người dân từ 15 tuổi trở lên có điện thoại thông minh",
        "Số người từ 15 tuổi trở lên có điện thoại thông minh / dân số từ 15 tuổi trở lên của xã, cuối kỳ.",
        "ha-tang-so", "SKHCN", "Sở Khoa học và Công nghệ (tổng hợp từ doanh nghiệp viễn thông)",
        ValueType.PERCENT, "%", Granularity.QUARTER, Rollup.NONE,
        lambda r, urban: r.uniform(74, 88) if urban else r.uniform(52, 76),
        lambda r, v: _pct(v + r.uniform(0.4, 1.8), 98.5),
    ),
    DemoSeries(
        "ty-le-ho-cap-quang", "Tỷ lệ hộ gia đình có kết nối Internet cáp quang băng rộng (FTTH)",
        "Số hộ có thuê bao Internet cáp quang / tổng số hộ của xã, cuối kỳ.",
        "ha-tang-so", "SKHCN", "Sở Khoa học và Công nghệ (tổng hợp từ doanh nghiệp viễn thông)",
        ValueType.PERCENT, "%", Granularity.QUARTER, Rollup.NONE,
        lambda r, urban: r.uniform(68, 86) if urban else r.uniform(35, 66),
        lambda r, v: _pct(v + r.uniform(0.5, 2.2), 97.0),
    ),
    DemoSeries(
        "ty-le-thon-phu-song-4g5g", "Tỷ lệ thôn, bản, tổ dân phố được phủ sóng di động 4G/5G",
        "Số thôn, bản, tổ dân phố có sóng 4G hoặc 5G / tổng số thôn, bản, tổ dân phố của xã.",
        "ha-tang-so", "SKHCN", "Sở Khoa học và Công nghệ (đo kiểm vùng phủ sóng)",
        ValueType.PERCENT, "%", Granularity.QUARTER, Rollup.NONE,
        lambda r, urban: 100.0 if urban else r.uniform(82, 99),
        lambda r, v: _pct(v + r.uniform(0, 1.2)),
    ),
    DemoSeries(
        "so-tram-bts", "Số trạm thu phát sóng di động (BTS) trên địa bàn",
        "Số trạm BTS (2G/3G/4G/5G) đang hoạt động trên địa bàn xã, cuối kỳ.",
        "ha-tang-so", "SKHCN", "Sở Khoa học và Công nghệ (số liệu doanh nghiệp viễn thông)",
        ValueType.COUNT, "trạm", Granularity.QUARTER, Rollup.SUM,
        lambda r, urban: r.randint(14, 40) if urban else r.randint(3, 14),
        lambda r, v: v + (1 if r.random() < 0.3 else 0),
    ),
    DemoSeries(
        "so-camera-an-ninh", "Số camera an ninh kết nối về Trung tâm điều hành",
        "Số camera giám sát an ninh, trật tự công cộng kết nối về IOC tỉnh, cuối kỳ.",
        "an-ninh", "VP", "Văn phòng UBND tỉnh (Trung tâm điều hành thông minh)",
        ValueType.COUNT, "camera", Granularity.QUARTER, Rollup.SUM,
        lambda r, urban: r.randint(40, 160) if urban else r.randint(4, 30),
        lambda r, v: v + r.randint(0, 8),
        is_public=False,
    ),
    DemoSeries(
        "ty-le-truong-hoc-ba-so", "Tỷ lệ trường phổ thông sử dụng học bạ số",
        "Số trường tiểu học, THCS trên địa bàn dùng học bạ số / tổng số trường, theo năm học kết thúc trong năm.",
        "giao-duc", "SGDDT", "Sở Giáo dục và Đào tạo (cơ sở dữ liệu ngành giáo dục)",
        ValueType.PERCENT, "%", Granularity.YEAR, Rollup.NONE,
        lambda r, urban: r.uniform(55, 85) if urban else r.uniform(25, 60),
        lambda r, v: _pct(v + r.uniform(10, 25)),
    ),
    DemoSeries(
        "ty-le-ho-so-suc-khoe-dien-tu", "Tỷ lệ người dân có hồ sơ sức khỏe điện tử được cập nhật",
        "Số người có hồ sơ sức khỏe điện tử được cập nhật trong kỳ / dân số của xã (chỉ tiêu ≥ 95% của "
        "QĐ 1829/QĐ-UBND tỉnh Thanh Hóa).",
        "y-te", "SYT", "Sở Y tế (hệ thống hồ sơ sức khỏe điện tử)",
        ValueType.PERCENT, "%", Granularity.QUARTER, Rollup.NONE,
        lambda r, urban: r.uniform(70, 90) if urban else r.uniform(55, 82),
        lambda r, v: _pct(v + r.uniform(0.5, 2.5), 99.0),
    ),
]


def _period_starts(granularity: str, today: datetime.date) -> list[datetime.date]:
    """From 1 January FIRST_YEAR up to the last finished period (years: up to the current one, as
    the school year ending in it is reported)."""
    last = periods.containing(today, granularity)
    if granularity != Granularity.YEAR:
        last = periods.step(last, granularity, -1)
    return periods.starts_between(datetime.date(FIRST_YEAR, 1, 1), last, granularity)


def _rows(spec: DemoSeries, communes: list[AdministrativeUnit], starts: list[datetime.date]) -> list[RawRow]:
    rows, number = [], 1
    for unit in communes:
        rng = random.Random(f"{spec.code}:{unit.code}")
        value = spec.start(rng, unit.kind == "phường")
        for start in starts:
            rows.append(RawRow(number=number, unit=unit.code, period=periods.code(start, spec.granularity),
                               value=str(Decimal(str(value))), note=f"{DEMO} — số liệu minh họa, không phải số liệu thật"))
            number += 1
            value = spec.grow(rng, value)
    return rows


def load(province: AdministrativeUnit, stdout, *, today: datetime.date | None = None) -> None:
    today = today or datetime.date.today()
    # Province-level agencies only: commune offices reuse short names such as "VP", and which one a
    # dict kept depended on the database's row order.
    agencies = {a.short_name: a for a in Agency.objects.filter(province=province, unit=province, is_active=True)
                .exclude(short_name="").order_by("path")}
    province_pc = Agency.objects.filter(unit=province, parent__isnull=True).order_by("path").first()
    if province_pc is None:
        stdout.write("sectordata: chưa có cơ quan của tỉnh, bỏ qua số liệu ngành mẫu.")
        return
    sectors = {code: services.ensure_sector(code, name, order) for code, name, order in SECTORS}
    communes = list(AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province)
                    .order_by("code").only("id", "code", "kind"))
    loaded = 0
    for spec in SERIES:
        series = services.define_series(
            province=province, code=spec.code, name=spec.name, description=spec.description,
            sector=sectors[spec.sector], levels=Levels.COMMUNE, granularity=spec.granularity,
            unit_of_measure=spec.unit_of_measure, value_type=spec.value_type,
            decimal_places=0 if spec.value_type == ValueType.COUNT else 1, rollup=spec.rollup,
            source=f"{spec.source} — {DEMO}", owner_agency=agencies.get(spec.owner, province_pc),
            is_public=spec.is_public,
        )
        if Observation.objects.filter(series=series).exists() or not communes:
            continue
        result = services.import_rows(series, _rows(spec, communes, _period_starts(spec.granularity, today)),
                                      user=None, channel=Channel.DEMO, file_name="demo.py", today=today)
        if not result.accepted:  # a bug in this module, not bad luck: say so loudly
            raise RuntimeError(f"sectordata demo {spec.code}: {result.errors[:3]}")
        loaded += result.batch.rows_created
    stdout.write(f"Số liệu ngành mẫu: {len(SERIES)} chuỗi, {loaded} giá trị mới.")
