"""Reads of the procedure catalogue shared by pages, the API, imports and KPIs.

The public catalogue is the set of published versions (one per procedure at most, by a partial
unique constraint). Search is diacritics-insensitive over the folded name column
(`core.text.fold`: "dang ky khai sinh" finds "Đăng ký khai sinh") and by code, ranked in SQL so
it works the same on SQLite and PostgreSQL. Every list is a constant number of queries: related
rows are joined or prefetched, never fetched per row.
"""

import re

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.queries import is_system_admin, visible_agencies
from chinhquyenso.core.text import fold

from .models import ComponentSpec, FeeSpec, Procedure, ProcedureVersion, ProcessStep, VersionStatus

MANAGER_ROLES = [Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN]
_CODE_LIKE = re.compile(r"^[0-9][0-9.]*[0-9a-z.]*$")


def with_parts(versions: QuerySet[ProcedureVersion], *, steps: bool = False) -> QuerySet[ProcedureVersion]:
    """Join what a catalogue row shows and prefetch its fees and components (2 more queries for
    any number of rows; 3 with steps)."""
    versions = versions.select_related(
        "procedure", "province", "sector_field__sector", "competent_agency"
    ).prefetch_related(
        Prefetch("fees", queryset=FeeSpec.objects.order_by("order")),
        Prefetch("components", queryset=ComponentSpec.objects.order_by("order")),
    )
    if steps:
        versions = versions.prefetch_related(
            Prefetch("steps", queryset=ProcessStep.objects.select_related("agency").order_by("order"))
        )
    return versions


def published(*, province_code: str = "") -> QuerySet[ProcedureVersion]:
    versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if province_code:
        versions = versions.filter(province__code=province_code, province__valid_to__isnull=True)
    return versions


def search(versions: QuerySet[ProcedureVersion], q: str) -> QuerySet[ProcedureVersion]:
    """Rows whose folded name holds every word of `q` (any order), or whose code starts with `q`;
    ranked: code match, then the phrase at the start of the name, then the phrase anywhere, then
    the words scattered. Ties by name."""
    folded = fold(q)[:100]
    if not folded:
        return versions
    words = folded.split()[:10]
    by_words = Q()
    for word in words:
        by_words &= Q(name_folded__contains=word)
    condition = by_words
    code_hit = Q(pk__in=[])
    if _CODE_LIKE.match(folded.replace(" ", "")):
        code = folded.replace(" ", "")
        code_hit = Q(procedure__national_code__startswith=code)
        if "." in code and len(code.split(".")) > 2:
            national, suffix = ".".join(code.split(".")[:2]), ".".join(code.split(".")[2:])
            code_hit |= Q(procedure__national_code=national, procedure__local_suffix__istartswith=suffix)
        condition |= code_hit
    return versions.filter(condition).annotate(
        rank=Case(
            When(code_hit, then=Value(4)),
            When(name_folded__startswith=folded, then=Value(3)),
            When(name_folded__contains=folded, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("-rank", "name", "pk")


def catalogue(*, province_code: str = "", level: str = "", sector: str = "", field: str = "",
              online_level: str = "", agency_id: int | None = None, q: str = "") -> QuerySet[ProcedureVersion]:
    """The public catalogue with its filters; ranked by relevance when searching, else by name."""
    versions = published(province_code=province_code)
    if level:
        versions = versions.filter(level=level)
    if sector:
        versions = versions.filter(sector_field__sector__code=sector)
    if field:
        versions = versions.filter(sector_field__code=field)
    if online_level:
        versions = versions.filter(online_level=online_level)
    if agency_id:
        versions = versions.filter(competent_agency_id=agency_id)
    versions = with_parts(versions)
    if fold(q):
        return search(versions, q)
    return versions.order_by("name", "pk")


def find_published(code: str, province_code: str = "") -> ProcedureVersion | None:
    """The version in force of the procedure with this full code ("2.000908" or with its local
    suffix), in `province_code` when given (else the first province that publishes it)."""
    from .services import parse_code

    national, suffix = parse_code(code)
    versions = published(province_code=province_code).filter(
        procedure__national_code=national, procedure__local_suffix=suffix
    )
    return with_parts(versions, steps=True).order_by("province__code").first()


def manageable_procedures(user) -> QuerySet[Procedure]:
    """Procedures whose catalogue entry this user may edit: agency administrators of the managing
    agency (or an agency above it whose grant covers subagencies) and system administrators.
    Entries with no managing agency are for system administrators only. One SQL predicate."""
    agencies = visible_agencies(user, MANAGER_ROLES)
    if agencies.query.is_empty():
        return Procedure.objects.none()
    condition = Q(managing_agency__in=agencies.values("pk"))
    if is_system_admin(user):
        condition |= Q(managing_agency__isnull=True)
    return Procedure.objects.filter(condition)


def manageable_versions(user) -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(procedure__in=manageable_procedures(user).values("pk"))


def staff_procedures(user, q: str = "") -> QuerySet[Procedure]:
    procedures = manageable_procedures(user).select_related("province", "current_version", "managing_agency")
    folded = fold(q)
    if folded:
        procedures = procedures.filter(
            Q(versions__name_folded__contains=folded) | Q(national_code__startswith=folded)
        ).distinct()
    return procedures.order_by("national_code", "local_suffix")


def version_history(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.order_by("-number")


# ---------------------------------------------------------------------------------------------
# What changed between two versions (staff version history)
# ---------------------------------------------------------------------------------------------

DIFF_FIELDS = (
    "name", "sector_field", "level", "competent_agency_kind", "competent_agency", "competent_agency_text",
    "legal_basis", "legal_time", "time_unit", "legal_time_text", "applicant_text", "requirements",
    "result_name", "result_paper", "result_electronic", "online_level", "accepts_in_person", "accepts_postal",
)


def _display(version: ProcedureVersion, field: str) -> str:
    f = ProcedureVersion._meta.get_field(field)
    if f.choices:
        return str(getattr(version, f"get_{field}_display")())
    value = getattr(version, field)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return "" if value is None else str(value)


def _part_lines(version: ProcedureVersion) -> dict[str, list[str]]:
    return {
        "Thành phần hồ sơ": [
            f"{c.name} — {c.originals} bản chính, {c.copies} bản sao{'' if c.required else ' (không bắt buộc)'}"
            for c in version.components.all()
        ],
        "Phí, lệ phí": [f"{f.name}: {f.amount:,.0f} đồng".replace(",", ".") for f in version.fees.all()],
        "Quy trình nội bộ": [
            f"{s.order}. {s.name} ({s.get_role_display()}, {s.quarters} phần tư ngày)" for s in version.steps.all()
        ],
    }


def diff_versions(old: ProcedureVersion | None, new: ProcedureVersion) -> list[dict]:
    """[{"label", "before", "after"} for changed fields] + [{"label", "removed", "added"}] per part
    table. `old` None means everything is new."""
    changes = []
    for field in DIFF_FIELDS:
        after = _display(new, field)
        before = _display(old, field) if old is not None else ""
        if before != after:
            changes.append({"label": str(ProcedureVersion._meta.get_field(field).verbose_name).capitalize(),
                            "before": before, "after": after})
    new_parts = _part_lines(new)
    old_parts = _part_lines(old) if old is not None else {k: [] for k in new_parts}
    for label, lines in new_parts.items():
        removed = [x for x in old_parts[label] if x not in lines]
        added = [x for x in lines if x not in old_parts[label]]
        if removed or added:
            changes.append({"label": label, "removed": removed, "added": added})
    return changes
