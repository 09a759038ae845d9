"""Which commune a point lies in.

There are no commune polygons in the units data, only centroids (latitude/longitude of each
unit). So the commune of a point is the **nearest current commune centroid** — an approximation
that is right in the middle of a commune and may pick a neighbour near a boundary; the IOC
operator can correct it. A point is refused as outside the province when the nearest centroid in
the whole country belongs to another province, or when no centroid lies within
FEEDBACK_MAX_COMMUNE_DISTANCE_KM (default 25 km: the sea, or another country).
When polygons are loaded one day, only locate() changes."""

import math
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError

from chinhquyenso.units.models import AdministrativeUnit, Level

EARTH_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def parse_point(lat, lon) -> tuple[Decimal, Decimal]:
    """WGS84 degrees as Decimal(9,6); a clear message for anything else."""
    try:
        la, lo = Decimal(str(lat).strip()), Decimal(str(lon).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError("Toạ độ không hợp lệ: vĩ độ và kinh độ phải là số thập phân.", code="bad_point") from None
    if not (la.is_finite() and lo.is_finite()) or not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise ValidationError("Toạ độ không hợp lệ: vĩ độ trong [-90, 90], kinh độ trong [-180, 180].", code="bad_point")
    return la.quantize(Decimal("0.000001")), lo.quantize(Decimal("0.000001"))


def _max_km() -> float:
    return float(getattr(settings, "FEEDBACK_MAX_COMMUNE_DISTANCE_KM", 25))


def nearest_commune(lat: float, lon: float) -> tuple[AdministrativeUnit | None, float]:
    """Nearest current commune centroid within the search box (one indexed query)."""
    box = _max_km() / 111.0 * 1.5
    lat_span, lon_span = box, box / max(0.2, math.cos(math.radians(lat)))
    candidates = (
        AdministrativeUnit.objects.current()
        .filter(level=Level.COMMUNE, latitude__isnull=False, longitude__isnull=False)
        .filter(latitude__range=(lat - lat_span, lat + lat_span), longitude__range=(lon - lon_span, lon + lon_span))
        .only("id", "code", "name", "full_name", "province_id", "latitude", "longitude")
    )
    best, best_km = None, float("inf")
    for unit in candidates:
        km = distance_km(lat, lon, float(unit.latitude), float(unit.longitude))
        if km < best_km:
            best, best_km = unit, km
    return best, best_km


def locate(province: AdministrativeUnit, lat: Decimal, lon: Decimal) -> AdministrativeUnit:
    commune, km = nearest_commune(float(lat), float(lon))
    if commune is None or km > _max_km():
        raise ValidationError(
            "Vị trí đã chọn không thuộc địa bàn %(province)s. Vui lòng chọn lại vị trí trên bản đồ.",
            code="out_of_province", params={"province": province.full_name},
        )
    if commune.province_id != province.pk:
        raise ValidationError(
            "Vị trí đã chọn thuộc %(commune)s, không thuộc địa bàn %(province)s.",
            code="out_of_province", params={"commune": commune.full_name, "province": province.full_name},
        )
    return commune


def commune_from_address(province: AdministrativeUnit, address: str) -> AdministrativeUnit | None:
    """A typed address that names a commune of the province ("… xã Quảng Phú …"): that commune.
    The longest matching name wins, so "Quảng Phú" is preferred over "Phú"."""
    import re

    from chinhquyenso.core.text import fold

    folded = " " + re.sub(r"[^a-z0-9]+", " ", fold(address)) + " "
    if not folded.strip():
        return None
    best = None
    for unit in AdministrativeUnit.objects.current().filter(level=Level.COMMUNE, province=province).only(
        "id", "name", "full_name", "name_folded", "province_id"
    ):
        name = fold(unit.name)
        if name and f" {name} " in folded and (best is None or len(name) > len(fold(best.name))):
            best = unit
    return best
