"""The Vietnamese lunisolar calendar (âm lịch), computed, never tabulated.

Algorithm: Hồ Ngọc Đức, "Âm lịch Việt Nam" (2004), which follows Jean Meeus, *Astronomical
Algorithms* (1998) for new moons and the sun's longitude, with the rules of the Vietnamese
calendar [S]:

- a month starts on the day (local civil date) that holds the astronomical new moon;
- the month holding the winter solstice is month 11;
- in a leap lunar year (13 months between two months 11) the first month without a major solar
  term (trung khí) is the leap month.

Everything is evaluated in the **UTC+7** time zone. This is why the Vietnamese and Chinese
(UTC+8) calendars differ in some years: in 1985 the January new moon fell on 21/1 at about
23:30 in Hà Nội but 00:30 on 22/1 in Beijing, so Vietnamese Tết was 21/1/1985 and Chinese New
Year 20/2/1985 [S].

Accuracy: the simplified Meeus terms are good to a few minutes for roughly 1800–2199, far more
than a calendar of holidays needs.
"""

import datetime
import math
from dataclasses import dataclass
from functools import lru_cache

VN_TZ_HOURS = 7.0  # Vietnam has used UTC+7 for its lunar calendar since 1968 [S]
_SYNODIC_MONTH = 29.530588853
_K0_JD = 2415021.076998695  # Julian day of the new moon of 1 Jan 1900 (k = 0)
# date.toordinal() counts 1 Jan year 1 as day 1; the Julian Day Number of that day is 1721426.
_ORDINAL_TO_JDN = 1721425


@dataclass(frozen=True, order=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False

    def __str__(self) -> str:
        leap = " nhuận" if self.leap else ""
        return f"{self.day:02d}/{self.month:02d}{leap}/{self.year} (âm lịch)"


def _jdn(day: datetime.date) -> int:
    return day.toordinal() + _ORDINAL_TO_JDN


def _date_of(jdn: int) -> datetime.date:
    return datetime.date.fromordinal(jdn - _ORDINAL_TO_JDN)


def _new_moon(k: int) -> float:
    """Julian day (UTC, fractional) of the k-th new moon after 1 Jan 1900 (Meeus ch. 49, simplified)."""
    t = k / 1236.85
    t2 = t * t
    t3 = t2 * t
    dr = math.pi / 180
    jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3
    jd1 += 0.00033 * math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3  # sun's mean anomaly
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3  # moon's mean anomaly
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3  # moon's argument of latitude
    # Each line is "c1 = c1 ± a ± b" exactly as in the published algorithm; do not fold the signs.
    c1 = (0.1734 - 0.000393 * t) * math.sin(m * dr) + 0.0021 * math.sin(2 * dr * m)
    c1 = c1 - 0.4068 * math.sin(mpr * dr) + 0.0161 * math.sin(dr * 2 * mpr)
    c1 = c1 - 0.0004 * math.sin(dr * 3 * mpr)
    c1 = c1 + 0.0104 * math.sin(dr * 2 * f) - 0.0051 * math.sin(dr * (m + mpr))
    c1 = c1 - 0.0074 * math.sin(dr * (m - mpr)) + 0.0004 * math.sin(dr * (2 * f + m))
    c1 = c1 - 0.0004 * math.sin(dr * (2 * f - m)) - 0.0006 * math.sin(dr * (2 * f + mpr))
    c1 = c1 + 0.0010 * math.sin(dr * (2 * f - mpr)) + 0.0005 * math.sin(dr * (2 * mpr + m))
    if t < -11:
        delta_t = 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    else:
        delta_t = -0.000278 + 0.000265 * t + 0.000262 * t2
    return jd1 + c1 - delta_t


@lru_cache(maxsize=4096)
def _new_moon_day(k: int, tz: float) -> int:
    """Local civil date (as a JDN) holding the k-th new moon."""
    return math.floor(_new_moon(k) + 0.5 + tz / 24)


def _sun_longitude(jd: float) -> float:
    """Sun's apparent longitude in radians, 0..2π, at Julian day jd (UTC)."""
    t = (jd - 2451545.0) / 36525
    t2 = t * t
    dr = math.pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2
    l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2
    dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * math.sin(dr * m)
    dl += (0.019993 - 0.000101 * t) * math.sin(dr * 2 * m) + 0.000290 * math.sin(dr * 3 * m)
    lon = (l0 + dl) * dr
    return lon - math.pi * 2 * math.floor(lon / (math.pi * 2))


def _sun_sector(jdn: int, tz: float) -> int:
    """Which 30° sector (0..11) the sun is in at the start of local day jdn; sector 9 starts at
    the winter solstice (270°)."""
    return math.floor(_sun_longitude(jdn - 0.5 - tz / 24) / math.pi * 6)


@lru_cache(maxsize=512)
def _month_11_start(year: int, tz: float) -> int:
    """JDN of the first day of lunar month 11 (the month holding the winter solstice) that
    begins in Gregorian `year`."""
    off = _jdn(datetime.date(year, 12, 31)) - 2415021
    k = math.floor(off / _SYNODIC_MONTH)
    start = _new_moon_day(k, tz)
    if _sun_sector(start, tz) >= 9:  # the solstice already passed: month 11 began a moon earlier
        start = _new_moon_day(k - 1, tz)
    return start


@lru_cache(maxsize=512)
def _leap_month_offset(a11: int, tz: float) -> int:
    """Index (months after month 11 starting at a11) of the leap month: the first month whose
    start and end fall in the same sun sector, i.e. it holds no major solar term."""
    k = math.floor((a11 - _K0_JD) / _SYNODIC_MONTH + 0.5)
    i = 1
    arc = _sun_sector(_new_moon_day(k + i, tz), tz)
    while True:
        last = arc
        i += 1
        arc = _sun_sector(_new_moon_day(k + i, tz), tz)
        if arc == last or i >= 14:
            break
    return i - 1


def solar_to_lunar(day: datetime.date, tz: float = VN_TZ_HOURS) -> LunarDate:
    jdn = _jdn(day)
    # The mean-month estimate of k can be one off near a new moon (e.g. 7/5/2054 gave "day 0" in
    # the published code); step until [month_start, next start) holds the day.
    k = math.floor((jdn - _K0_JD) / _SYNODIC_MONTH) + 1
    while _new_moon_day(k, tz) > jdn:
        k -= 1
    while _new_moon_day(k + 1, tz) <= jdn:
        k += 1
    month_start = _new_moon_day(k, tz)
    a11 = _month_11_start(day.year, tz)
    b11 = a11
    if a11 >= month_start:
        lunar_year = day.year
        a11 = _month_11_start(day.year - 1, tz)
    else:
        lunar_year = day.year + 1
        b11 = _month_11_start(day.year + 1, tz)
    lunar_day = jdn - month_start + 1
    diff = math.floor((month_start - a11) / 29)
    leap = False
    lunar_month = diff + 11
    if b11 - a11 > 365:  # 13 lunar months in this solstice-to-solstice year: one is leap
        leap_diff = _leap_month_offset(a11, tz)
        if diff >= leap_diff:
            lunar_month = diff + 10
            leap = diff == leap_diff
    if lunar_month > 12:
        lunar_month -= 12
    if lunar_month >= 11 and diff < 4:
        lunar_year -= 1
    return LunarDate(lunar_year, lunar_month, lunar_day, leap)


def lunar_to_solar(lunar_year: int, lunar_month: int, lunar_day: int, leap: bool = False,
                   tz: float = VN_TZ_HOURS) -> datetime.date:
    """Gregorian date of a lunar date. Raises ValueError for a leap month that does not exist in
    that year or a day past the end of the month."""
    if not 1 <= lunar_month <= 12 or not 1 <= lunar_day <= 30:
        raise ValueError("Ngày hoặc tháng âm lịch không hợp lệ.")
    if lunar_month < 11:
        a11 = _month_11_start(lunar_year - 1, tz)
        b11 = _month_11_start(lunar_year, tz)
    else:
        a11 = _month_11_start(lunar_year, tz)
        b11 = _month_11_start(lunar_year + 1, tz)
    k = math.floor(0.5 + (a11 - _K0_JD) / _SYNODIC_MONTH)
    off = lunar_month - 11
    if off < 0:
        off += 12
    if b11 - a11 > 365:
        leap_off = _leap_month_offset(a11, tz)
        leap_month = leap_off - 2
        if leap_month <= 0:
            leap_month += 12
        if leap and lunar_month != leap_month:
            raise ValueError(f"Năm âm lịch {lunar_year} không có tháng {lunar_month} nhuận.")
        if leap or off >= leap_off:
            off += 1
    elif leap:
        raise ValueError(f"Năm âm lịch {lunar_year} không có tháng nhuận.")
    month_start = _new_moon_day(k + off, tz)
    next_start = _new_moon_day(k + off + 1, tz)
    if lunar_day > next_start - month_start:
        raise ValueError("Tháng âm lịch này không có ngày 30.")
    return _date_of(month_start + lunar_day - 1)


def lunar_new_year(lunar_year: int, tz: float = VN_TZ_HOURS) -> datetime.date:
    """Mùng 1 Tết (1/1 âm lịch) of the lunar year that starts in Gregorian year `lunar_year`."""
    return lunar_to_solar(lunar_year, 1, 1, tz=tz)
