"""Every write to the procedure catalogue (ARCHITECTURE.md habit 1).

Versions (habit 4): a procedure is created with draft version 1; drafts are edited freely; `publish`
freezes a draft, retires the version in force and points `Procedure.current_version` at the new
one, under a row lock on the Procedure so two publications cannot interleave; `new_version` copies
the version in force (content, components, fees, steps) into a new draft. Published and retired
versions are never written again (checked here and in models.save()).
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import fold, nfc
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.workdays.deadlines import TimeUnit

from .models import (
    FROZEN_MESSAGE,
    CompetentLevel,
    ComponentSpec,
    FeeSpec,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
    SectorField,
    StepKind,
    VersionStatus,
)

# Content of a version that staff and imports may set (everything but identity and status).
CONTENT_FIELDS = (
    "name", "sector_field", "level", "competent_agency_kind", "competent_agency", "competent_agency_text",
    "legal_basis", "legal_time", "time_unit", "legal_time_text", "applicant_person", "applicant_organization",
    "applicant_text", "requirements", "steps_text", "result_name", "result_paper", "result_electronic",
    "online_level", "accepts_in_person", "accepts_postal", "publishing_decision", "change_note", "source_note",
)
COMPONENT_FIELDS = ("order", "code", "name", "originals", "copies", "required", "form_name", "form_file", "note")
FEE_FIELDS = ("order", "kind", "code", "name", "amount", "note")
STEP_FIELDS = ("order", "kind", "name", "role", "department_name", "quarters", "agency", "agency_kind")
PARTS = {"components": (ComponentSpec, COMPONENT_FIELDS), "fees": (FeeSpec, FEE_FIELDS), "steps": (ProcessStep, STEP_FIELDS)}

COMMUNE_AGENCY_KINDS = {AgencyKind.COMMUNE_PC, AgencyKind.COMMUNE_SERVICE_CENTRE, AgencyKind.OFFICE}
PROVINCE_AGENCY_KINDS = {AgencyKind.PROVINCE_PC, AgencyKind.DEPARTMENT, AgencyKind.PROVINCE_SERVICE_CENTRE}


def _province_code(version: ProcedureVersion) -> str:
    return version.province.code


def parse_code(code: str) -> tuple[str, str]:
    """ "2.000908.000.00.00.H61" -> ("2.000908", "000.00.00.H61"); "2.000908" -> ("2.000908", "")."""
    code = (code or "").strip()
    parts = code.split(".", 2)
    if len(parts) < 2:
        return code, ""
    return f"{parts[0]}.{parts[1]}", parts[2] if len(parts) == 3 else ""


# ---------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------

def _normalise_content(version: ProcedureVersion) -> None:
    for field in ProcedureVersion._meta.concrete_fields:
        if field.get_internal_type() in ("CharField", "TextField") and isinstance(getattr(version, field.attname), str):
            value = getattr(version, field.attname)
            # Multi-line texts keep their line breaks; nfc() collapses whitespace, so only one-liners.
            setattr(version, field.attname, nfc(value) if field.get_internal_type() == "CharField" else
                    "\n".join(nfc(line) for line in value.strip().splitlines()))
    version.name_folded = fold(version.name)[:500]


def validate_content(version: ProcedureVersion) -> None:
    """Rules for a version's own fields (not its parts); raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    try:
        version.full_clean(exclude=["procedure", "province", "number", "status", "name_folded"],
                           validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    legal_time = version.legal_time
    if isinstance(legal_time, Decimal) and "legal_time" not in errors:
        if legal_time <= 0:
            errors.setdefault("legal_time", []).append("Thời hạn giải quyết phải lớn hơn 0.")
        elif version.time_unit == TimeUnit.WORKING_DAYS and (legal_time * 4) % 1:
            errors.setdefault("legal_time", []).append(
                "Thời hạn tính theo ngày làm việc phải là bội của 0,25 ngày (đơn vị phân bổ quy trình nội bộ).")
        elif version.time_unit == TimeUnit.HOURS and legal_time % 2:
            errors.setdefault("legal_time", []).append(
                "Thời hạn tính theo giờ làm việc phải là số chẵn giờ (0,25 ngày làm việc = 2 giờ).")
    kind = version.competent_agency_kind
    if version.level == CompetentLevel.COMMUNE and kind in PROVINCE_AGENCY_KINDS:
        errors.setdefault("competent_agency_kind", []).append("Thủ tục cấp xã phải do cơ quan cấp xã giải quyết.")
    if version.level == CompetentLevel.PROVINCE and kind in COMMUNE_AGENCY_KINDS:
        errors.setdefault("competent_agency_kind", []).append("Thủ tục cấp tỉnh không do UBND cấp xã giải quyết.")
    agency = version.competent_agency
    if agency is not None:
        if agency.province_id != version.province_id:
            errors.setdefault("competent_agency", []).append("Cơ quan có thẩm quyền phải thuộc cùng tỉnh.")
        elif agency.kind != kind:
            errors.setdefault("competent_agency", []).append(
                "Cơ quan có thẩm quyền không đúng loại cơ quan đã chọn.")
    if errors:
        raise ValidationError(errors)


def _validate_part(model, row: ProcessStep | ComponentSpec | FeeSpec, province_id: int) -> list[str]:
    problems = []
    try:
        row.full_clean(exclude=["version", "province"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            label = model._meta.get_field(field).verbose_name if field != "__all__" else ""
            problems += [f"{label}: {m}" if label else m for m in messages]
    if isinstance(row, ProcessStep):
        if row.kind == StepKind.INTER_AGENCY and row.agency_id is None and not row.agency_kind:
            problems.append("Bước liên thông phải chỉ rõ cơ quan hoặc loại cơ quan nhận hồ sơ.")
        if row.agency_id is not None and row.agency.province_id != province_id:
            problems.append("Cơ quan liên thông phải thuộc cùng tỉnh.")
    if isinstance(row, FeeSpec) and row.amount is not None and row.amount < 0:
        problems.append("Mức thu không được âm.")
    return problems


def publish_errors(version: ProcedureVersion) -> list[str]:
    """Why this draft cannot be published yet (empty when it can). Rules: at least one dossier
    component; an internal process starting with reception and ending with the return of the
    result, steps numbered 1..n; for legal times in working days or working hours, step budgets
    summing exactly to the legal time (quy trình nội bộ, vn-regulations §2.4 [V])."""
    errors = []
    components = list(version.components.all())
    steps = sorted(version.steps.all(), key=lambda s: s.order)
    if not components:
        errors.append("Chưa có thành phần hồ sơ nào.")
    if not steps:
        errors.append("Chưa có quy trình nội bộ (các bước xử lý).")
        return errors
    if [s.order for s in steps] != list(range(1, len(steps) + 1)):
        errors.append("Các bước xử lý phải được đánh số liên tục từ 1.")
    if steps[0].kind != StepKind.RECEIVE:
        errors.append("Bước đầu tiên phải là tiếp nhận hồ sơ.")
    if steps[-1].kind != StepKind.RETURN:
        errors.append("Bước cuối cùng phải là trả kết quả.")
    expected = version.legal_time_quarters
    total = sum(s.quarters for s in steps)
    if expected is not None and total != expected:
        def days(q):
            return f"{Decimal(q) / 4:g}".replace(".", ",")
        errors.append(
            f"Tổng thời gian các bước là {total} phần tư ngày ({days(total)} ngày làm việc), "
            f"khác thời hạn giải quyết {expected} phần tư ngày ({days(expected)} ngày làm việc)."
        )
    return errors


# ---------------------------------------------------------------------------------------------
# Catalogue reference data
# ---------------------------------------------------------------------------------------------

@transaction.atomic
def ensure_sector_field(*, sector_code: str, sector_name: str, field_code: str, field_name: str) -> SectorField:
    """National reference data: found by code, created when missing (names are not overwritten)."""
    sector_code, field_code = sector_code.strip(), field_code.strip()
    if not sector_code or not field_code or not nfc(sector_name) or not nfc(field_name):
        raise ValidationError("Mã và tên ngành, lĩnh vực là bắt buộc.")
    sector = Sector.objects.filter(code=sector_code).first()
    if sector is None:
        sector = Sector.objects.create(code=sector_code, name=nfc(sector_name))
        record("sector.create", sector, after=snapshot(sector))
    field = SectorField.objects.filter(code=field_code).first()
    if field is None:
        field = SectorField.objects.create(sector=sector, code=field_code, name=nfc(field_name))
        record("sector_field.create", field, after=snapshot(field))
    elif field.sector_id != sector.pk:
        raise ValidationError(f"Lĩnh vực {field_code} đã thuộc ngành khác.")
    return field


def default_managing_agency(province: AdministrativeUnit, competent_agency: Agency | None) -> Agency | None:
    """The competent department, else the provincial People's Committee (it publishes the
    catalogue of commune-level procedures: QĐ công bố của Chủ tịch UBND tỉnh)."""
    if competent_agency is not None:
        return competent_agency
    return Agency.objects.filter(province=province, kind=AgencyKind.PROVINCE_PC, is_active=True).order_by("pk").first()


# ---------------------------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------------------------

def _build_parts(version: ProcedureVersion, rows: Mapping[str, Iterable[Mapping]]) -> dict[str, list]:
    """Unsaved part objects for the given rows, validated; raises ValidationError listing every
    problem as "Thành phần hồ sơ 2: …"."""
    built, problems = {}, []
    for key, (model, fields) in PARTS.items():
        if key not in rows:
            continue
        objs = []
        for i, data in enumerate(rows[key], start=1):
            unknown = set(data) - set(fields)
            if unknown:
                raise ValueError(f"unknown fields for {key}: {sorted(unknown)}")
            obj = model(version=version, province_id=version.province_id, **data)
            if not obj.order:
                obj.order = i
            for name in ("name", "code", "form_name", "department_name", "note"):
                if isinstance(getattr(obj, name, None), str):
                    setattr(obj, name, nfc(getattr(obj, name)))
            problems += [f"{model._meta.verbose_name.capitalize()} {obj.order}: {p}"
                         for p in _validate_part(model, obj, version.province_id)]
            objs.append(obj)
        orders = [o.order for o in objs]
        if len(orders) != len(set(orders)):
            problems.append(f"{model._meta.verbose_name.capitalize()}: thứ tự bị trùng.")
        built[key] = objs
    if problems:
        raise ValidationError(problems)
    return built


def _write_parts(version: ProcedureVersion, built: dict[str, list]) -> None:
    for key, objs in built.items():
        model = PARTS[key][0]
        model.objects.filter(version=version).delete()  # queryset delete: the draft is locked
        model.objects.bulk_create(objs)


def _part_snapshot(obj, fields) -> dict:
    # audit.snapshot() trips over an empty FileField (FieldFile.url raises ValueError, which
    # hasattr() does not swallow), so the file is recorded by name here.
    data = snapshot(obj, [f for f in fields if f != "form_file"])
    if "form_file" in fields:
        data["form_file"] = obj.form_file.name or None
    return data


def _parts_snapshot(version: ProcedureVersion) -> dict:
    return {key: [_part_snapshot(o, fields) for o in model.objects.filter(version=version).order_by("order")]
            for key, (model, fields) in PARTS.items()}


@transaction.atomic
def create_procedure(*, province: AdministrativeUnit, national_code: str, local_suffix: str = "",
                     managing_agency: Agency | None = None, components=(), fees=(), steps=(),
                     **content) -> ProcedureVersion:
    """A new catalogue entry with its draft version 1 (content as keyword arguments)."""
    national_code, local_suffix = national_code.strip(), local_suffix.strip()
    if not national_code:
        raise ValidationError({"national_code": "Mã thủ tục là bắt buộc."})
    if Procedure.objects.filter(province=province, national_code=national_code, local_suffix=local_suffix).exists():
        raise ValidationError({"national_code": "Thủ tục có mã này đã có trong danh mục của tỉnh."})
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    procedure = Procedure(province=province, national_code=national_code, local_suffix=local_suffix)
    version = ProcedureVersion(procedure=procedure, province=province, number=1, status=VersionStatus.DRAFT, **content)
    _normalise_content(version)
    validate_content(version)
    procedure.managing_agency = managing_agency or default_managing_agency(province, version.competent_agency)
    procedure.save()
    version.procedure = procedure
    built = _build_parts(version, {"components": components, "fees": fees, "steps": steps})
    version.save()
    for objs in built.values():
        for obj in objs:
            obj.version = version
    _write_parts(version, built)
    record("procedure.create", procedure, after=snapshot(procedure), province_code=province.code)
    record("procedure_version.create", version, after={**snapshot(version), **_parts_snapshot(version)},
           province_code=province.code)
    return version


def _locked_draft(version: ProcedureVersion) -> ProcedureVersion:
    version = ProcedureVersion.objects.select_for_update().select_related("province").get(pk=version.pk)
    if version.is_frozen:
        raise ValidationError(FROZEN_MESSAGE, code="frozen")
    return version


@transaction.atomic
def update_draft(version: ProcedureVersion, *, components=None, fees=None, steps=None, **changes) -> ProcedureVersion:
    """Change a draft's content and, when given, replace its components, fees or steps wholesale."""
    version = _locked_draft(version)
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    before = {**snapshot(version), **_parts_snapshot(version)}
    for field, value in changes.items():
        setattr(version, field, value)
    _normalise_content(version)
    validate_content(version)
    parts = {k: v for k, v in (("components", components), ("fees", fees), ("steps", steps)) if v is not None}
    built = _build_parts(version, parts)
    version.save()
    _write_parts(version, built)
    record("procedure_version.update", version, before=before,
           after={**snapshot(version), **_parts_snapshot(version)}, province_code=_province_code(version))
    return version


@transaction.atomic
def new_version(procedure: Procedure, *, change_note: str = "") -> ProcedureVersion:
    """A new draft copied from the version in force (or the latest version if none was published
    yet). One draft at a time: a second one would make "the next version" ambiguous."""
    procedure = Procedure.objects.select_for_update().select_related("province").get(pk=procedure.pk)
    draft = procedure.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        raise ValidationError(f"Thủ tục đang có bản nháp phiên bản {draft.number}; hãy sửa bản nháp đó.",
                              code="draft_exists")
    source = procedure.current_version or procedure.versions.order_by("-number").first()
    number = (procedure.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProcedureVersion(
        procedure=procedure, province=procedure.province, number=number, status=VersionStatus.DRAFT,
        **{f: getattr(source, f) for f in CONTENT_FIELDS if f not in ("change_note", "publishing_decision")},
    )
    version.change_note = nfc(change_note)
    _normalise_content(version)
    version.save()
    for model, fields in PARTS.values():
        model.objects.bulk_create([
            model(version=version, province_id=version.province_id,
                  **{f: getattr(row, f) for f in fields})
            for row in model.objects.filter(version=source).order_by("order")
        ])
    record("procedure_version.create", version, after={**snapshot(version), "copied_from": source.number},
           province_code=procedure.province.code)
    return version


@transaction.atomic
def publish(version: ProcedureVersion, *, decision: str = "") -> ProcedureVersion:
    """Freeze a draft and put it in force; the previous version in force is retired (kept, since
    dossiers filed under it point at it)."""
    procedure = Procedure.objects.select_for_update().get(pk=version.procedure_id)
    version = ProcedureVersion.objects.select_for_update().select_related("province").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("Chỉ công bố được bản nháp; phiên bản này đã được công bố trước đó.", code="not_draft")
    errors = publish_errors(version)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    province_code = _province_code(version)
    for previous in ProcedureVersion.objects.select_for_update().filter(
        procedure=procedure, status=VersionStatus.PUBLISHED
    ):
        before = snapshot(previous, ["status", "retired_at"])
        previous.status, previous.retired_at = VersionStatus.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
        record("procedure_version.retire", previous, before=before,
               after=snapshot(previous, ["status", "retired_at"]), province_code=province_code)
    before = snapshot(version, ["status", "published_at", "publishing_decision"])
    version.status, version.published_at = VersionStatus.PUBLISHED, now
    if decision:
        version.publishing_decision = nfc(decision)[:255]
    version.save(update_fields=["status", "published_at", "publishing_decision"])
    before_current = procedure.current_version_id
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    record("procedure_version.publish", version, before=before,
           after=snapshot(version, ["status", "published_at", "publishing_decision"]), province_code=province_code)
    record("procedure.current_version", procedure, before={"current_version_id": before_current},
           after={"current_version_id": version.pk}, province_code=province_code)
    return version


@transaction.atomic
def set_managing_agency(procedure: Procedure, agency: Agency | None) -> Procedure:
    procedure = Procedure.objects.select_for_update().select_related("province").get(pk=procedure.pk)
    if agency is not None and agency.province_id != procedure.province_id:
        raise ValidationError("Cơ quan quản lý phải thuộc cùng tỉnh.")
    before = snapshot(procedure, ["managing_agency"])
    procedure.managing_agency = agency
    procedure.save(update_fields=["managing_agency"])
    record("procedure.update", procedure, before=before, after=snapshot(procedure, ["managing_agency"]),
           province_code=procedure.province.code)
    return procedure


def to_decimal(value, label: str) -> Decimal:
    """Numbers from forms and files: "1,5" and "1.5" both read as 1.5; anything else is refused."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"{label}: phải là số.")
    text = str(value).strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{label}: “{value}” không phải là số.") from None
    if not number.is_finite():
        raise ValidationError(f"{label}: “{value}” không phải là số.")
    return number
