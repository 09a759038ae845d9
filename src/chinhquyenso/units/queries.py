"""Reads of the administrative-unit register shared by the pages, the API and other apps."""

from __future__ import annotations

import datetime
import re
from functools import reduce
from operator import or_

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When

from chinhquyenso.core.text import fold, nfc

from .datafile import KINDS
from .models import AdministrativeUnit, Level

# National statistics codes: province 2 digits, (pre-2025) district 3, commune 5 (QĐ 124/2004/QĐ-TTg).
CODE_LEVEL = {2: Level.PROVINCE, 3: Level.DISTRICT, 5: Level.COMMUNE}
CODE_RE = re.compile(r"^\d{2}(\d{1}|\d{3})?$")
FOLDED_KINDS = tuple(sorted({fold(k) for k in KINDS}))
LEVEL_RANK = Case(
    When(level=Level.PROVINCE, then=Value(0)),
    When(level=Level.DISTRICT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def is_searchable(text: str) -> bool:
    """A search needs at least one letter or digit: "?!" or spaces are not a name."""
    return any(ch.isalnum() for ch in fold(text))


def level_of_code(code: str) -> str | None:
    """"01" -> province, "001" -> district, "00004" -> commune; anything else -> None."""
    return CODE_LEVEL.get(len(code)) if CODE_RE.match(code or "") else None


def with_links(qs: QuerySet) -> QuerySet:
    """The related rows every page and endpoint shows, fetched in a fixed number of queries."""
    linked = AdministrativeUnit.objects.select_related("province").order_by("level", "code")
    return qs.select_related("province", "parent__province").prefetch_related(
        Prefetch("successors", queryset=linked), Prefetch("predecessors", queryset=linked)
    )


def provinces(on: datetime.date | None = None) -> QuerySet:
    return AdministrativeUnit.objects.current(on).provinces().select_related("province").order_by("code")


def get_province(code: str, on: datetime.date | None = None) -> AdministrativeUnit | None:
    return provinces(on).filter(code=code).first() if level_of_code(code) == Level.PROVINCE else None


def communes_of(province: AdministrativeUnit, *, q: str = "", kind: str = "") -> QuerySet:
    """Communes of a province in force on the province's own validity (so a legacy province lists
    its legacy communes), optionally filtered by (diacritics-insensitive) name and kind."""
    qs = AdministrativeUnit.objects.communes().filter(province=province).select_related("province")
    if kind:
        qs = qs.filter(kind=kind)
    if q.strip():
        qs = qs.search(q)
    return qs.order_by("code")


def get_unit(code: str, on: datetime.date | None = None) -> AdministrativeUnit | None:
    """The unit with this code in force on ``on`` (today by default), with its links loaded."""
    level = level_of_code(code)
    if level is None:
        return None
    return with_links(AdministrativeUnit.objects.current(on).filter(level=level, code=code)).first()


def search(
    text: str,
    *,
    level: str | None = None,
    province: str | None = None,
    current_only: bool = True,
    on: datetime.date | None = None,
) -> QuerySet:
    """Diacritics- and case-insensitive name search ("dong hoa", "ĐÔNG HÒA" and "Đông Hòa" are the
    same query; "đ" folds to "d"), ranked: exact name first, then names starting with the text,
    then names containing it; current units before historical ones, provinces before communes.

    ``province`` is a current province code: it matches that province's units and, when historical
    units are included, the old units that became part of it. Historical units come with their
    successors prefetched, so a page can say what an old name is called now.
    """
    folded = fold(text)
    if not is_searchable(folded):
        return AdministrativeUnit.objects.none()
    qs = AdministrativeUnit.objects.filter(name_folded__contains=folded)
    qs = qs.current(on) if current_only else qs
    if level:
        qs = qs.filter(level=level)
    if province:
        in_province = Q(province__code=province, province__valid_to__isnull=True)
        if not current_only:
            became_part = AdministrativeUnit.successors.through.objects.filter(
                from_administrativeunit_id=OuterRef("pk"),
                to_administrativeunit__province__code=province,
                to_administrativeunit__valid_to__isnull=True,
            )
            in_province |= Q(Exists(became_part))
        qs = qs.filter(in_province)
    with_kind = [f"{k} {folded}" for k in FOLDED_KINDS]
    exact = Q(name_folded=folded) | Q(name_folded__in=with_kind)
    prefix = reduce(or_, [Q(name_folded__startswith=p) for p in (folded, *with_kind)])
    # Typed with diacritics ("Đông Hòa"): the accent-exact name beats its folded twins ("Đồng Hóa").
    typed = nfc(text)
    accented = Q(pk__in=[])
    if fold(typed) != typed.lower():
        accented = Q(name__in={typed, typed.title()}) | Q(full_name__in={typed, typed.title()})
    rank = Case(
        When(accented, then=Value(0)),
        When(exact, then=Value(1)),
        When(prefix, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    historical = Case(When(valid_to__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())
    qs = qs.annotate(rank=rank, historical=historical, level_rank=LEVEL_RANK)
    return with_links(qs).order_by("rank", "historical", "level_rank", "name_folded", "code", "valid_from")


def resolve_legacy(code: str, *, on: datetime.date | None = None, max_hops: int = 5) -> list[AdministrativeUnit]:
    """The units in force on ``on`` (today) that a historical code became, e.g. legacy commune
    "22258" (Phường Hòa Vinh, Phú Yên) -> [Phường Đông Hòa, Đắk Lắk]. Follows successors through
    later reorganisations too. A code with no historical unit resolves to the unit in force with
    that code, if any; unknown -> []."""
    level = level_of_code(code)
    if level is None:
        return []
    on = on or datetime.date.today()
    same_code = AdministrativeUnit.objects.filter(level=level, code=code)
    # New communes reuse old codes ("22258" is both the old Hòa Vinh and the new Đông Hòa): the
    # question is about the old unit, so take the latest historical one, else the one in force.
    start = same_code.filter(valid_to__lt=on).order_by("-valid_to").first() or same_code.current(on).first()
    frontier = [start] if start else []
    result: dict[int, AdministrativeUnit] = {}
    for _ in range(max_hops):
        if not frontier:
            break
        for unit in frontier:
            if unit.valid_from <= on and (unit.valid_to is None or unit.valid_to >= on):
                result[unit.pk] = unit
        older = [u.pk for u in frontier if u.pk not in result]
        frontier = list(
            AdministrativeUnit.objects.filter(predecessors__in=older).select_related("province").distinct()
        ) if older else []
    return sorted(result.values(), key=lambda u: (u.level, u.code))


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit | None:
    """The province containing a unit (itself for a province), of the same period as the unit."""
    if unit.level == Level.PROVINCE:
        return unit
    return unit.province if unit.province_id else None
