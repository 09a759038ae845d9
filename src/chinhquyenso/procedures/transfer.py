"""Import and export of a province's procedure catalogue, in JSON and in Excel (docs/procedures.md
describes both layouts).

JSON: {"format": "chinhquyenso.procedures", "version": 1, "province": "38", "procedures": [...]},
each procedure a flat object (PROCEDURE_KEYS) with lists "components", "fees", "steps".
Excel: the same data, one sheet per table (SHEETS), header row = the same keys, parts linked to
their procedure by the "code" column.

Import is all or nothing: every item is parsed and checked, then applied through the services in
ONE transaction; any error (listed per row, in Vietnamese) rolls everything back. Re-importing an
unchanged catalogue changes nothing (idempotent), so a province can reload its file at will.
"""

import io
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from chinhquyenso.accounts.queries import is_system_admin, visible_agencies
from chinhquyenso.agencies.models import Agency
from chinhquyenso.units.models import AdministrativeUnit

from . import services
from .models import Procedure, ProcedureVersion, VersionStatus
from .queries import MANAGER_ROLES, manageable_procedures

FORMAT = "chinhquyenso.procedures"
FORMAT_VERSION = 1
MAX_BYTES = 10 * 1024 * 1024
MAX_ERRORS = 200

TEXT_KEYS = ("name", "competent_agency_text", "legal_basis", "legal_time_text", "applicant_text", "requirements",
             "steps_text", "result_name", "publishing_decision", "change_note", "source_note")
BOOL_KEYS = ("applicant_person", "applicant_organization", "result_paper", "result_electronic",
             "accepts_in_person", "accepts_postal")
CHOICE_KEYS = ("level", "competent_agency_kind", "time_unit", "online_level")
PROCEDURE_KEYS = (
    "code", "name", "sector_code", "sector_name", "field_code", "field_name", "level", "competent_agency_kind",
    "competent_agency", "competent_agency_text", "managing_agency", "legal_basis", "legal_time", "time_unit",
    "legal_time_text", "applicant_person", "applicant_organization", "applicant_text", "requirements", "steps_text",
    "result_name", "result_paper", "result_electronic", "online_level", "accepts_in_person", "accepts_postal",
    "publishing_decision", "change_note", "source_note",
)
REQUIRED_KEYS = ("code", "name", "field_code", "level", "legal_time", "result_name")
PART_KEYS = {
    "components": ("order", "code", "name", "originals", "copies", "required", "form_name", "note"),
    "fees": ("order", "kind", "code", "name", "amount", "note"),
    "steps": ("order", "kind", "name", "role", "department_name", "quarters", "agency", "agency_kind"),
}
PART_REQUIRED = {"components": ("name",), "fees": ("name", "amount"), "steps": ("kind", "name", "role", "quarters")}
PART_INTS = {"order", "originals", "copies", "quarters"}
PART_BOOLS = {"required"}
SHEETS = {"procedures": "thu_tuc", "components": "thanh_phan", "fees": "phi_le_phi", "steps": "quy_trinh"}
PART_LABELS = {"components": "thành phần hồ sơ", "fees": "phí, lệ phí", "steps": "bước xử lý"}


class ImportFailed(ValidationError):
    """The file was refused; `.messages` lists every problem (nothing was stored)."""


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------------------------

def _number(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def version_item(version: ProcedureVersion) -> dict:
    """One procedure as the import format has it (agencies by their electronic code)."""
    field_ = version.sector_field
    item = {
        "code": version.procedure.code,
        "sector_code": field_.sector.code, "sector_name": field_.sector.name,
        "field_code": field_.code, "field_name": field_.name,
        "competent_agency": version.competent_agency.code if version.competent_agency_id else None,
        "managing_agency": version.procedure.managing_agency.code if version.procedure.managing_agency_id else None,
        "legal_time": _number(version.legal_time),
    }
    for key in TEXT_KEYS + BOOL_KEYS + CHOICE_KEYS:
        item[key] = getattr(version, key)
    item = {key: item[key] for key in PROCEDURE_KEYS}
    item["components"] = [
        {k: getattr(c, k) for k in PART_KEYS["components"]} for c in version.components.all()
    ]
    item["fees"] = [{**{k: getattr(f, k) for k in PART_KEYS["fees"]}, "amount": _number(f.amount)}
                    for f in version.fees.all()]
    item["steps"] = [
        {**{k: getattr(s, k) for k in PART_KEYS["steps"]}, "agency": s.agency.code if s.agency_id else None}
        for s in version.steps.all()
    ]
    return item


def export_catalogue(province: AdministrativeUnit, *, include_drafts: bool = False) -> dict:
    """The published catalogue of a province (with `include_drafts`, the latest draft instead
    where one exists), ordered by code."""
    from .queries import with_parts

    statuses = [VersionStatus.PUBLISHED] + ([VersionStatus.DRAFT] if include_drafts else [])
    versions = with_parts(
        ProcedureVersion.objects.filter(province=province, status__in=statuses), steps=True
    ).select_related("procedure__managing_agency").order_by("procedure__national_code", "procedure__local_suffix",
                                                            "-number")
    items, seen = [], set()
    for version in versions:
        if version.procedure_id in seen:
            continue
        seen.add(version.procedure_id)
        items.append(version_item(version))
    return {"format": FORMAT, "version": FORMAT_VERSION, "province": province.code, "procedures": items}


def to_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def to_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEETS["procedures"]
    sheet.append(list(PROCEDURE_KEYS))
    parts = {key: book.create_sheet(SHEETS[key]) for key in PART_KEYS}
    for key, part_sheet in parts.items():
        part_sheet.append(["procedure_code", *PART_KEYS[key]])
    for item in data["procedures"]:
        sheet.append([item[k] for k in PROCEDURE_KEYS])
        for key, part_sheet in parts.items():
            for row in item[key]:
                part_sheet.append([item["code"], *(row[k] for k in PART_KEYS[key])])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Reading files
# ---------------------------------------------------------------------------------------------

def read_file(content: bytes, filename: str = "") -> dict:
    """JSON or Excel by content (never by the name alone); raises ImportFailed."""
    if len(content) > MAX_BYTES:
        raise ImportFailed(["Tệp quá lớn (tối đa 10 MB)."])
    if content[:4] == b"PK\x03\x04":
        return read_xlsx(content)
    if content.lstrip()[:1] == b"{":
        return read_json(content)
    raise ImportFailed(["Tệp không phải JSON hoặc bảng tính Excel (.xlsx) theo mẫu nhập danh mục."])


def read_json(content: bytes) -> dict:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed([f"Tệp JSON không đọc được: {exc}"]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportFailed([f"Tệp JSON không đúng định dạng (cần \"format\": \"{FORMAT}\")."])
    if data.get("version") != FORMAT_VERSION:
        raise ImportFailed([f"Phiên bản định dạng {data.get('version')!r} chưa được hỗ trợ (cần {FORMAT_VERSION})."])
    if not isinstance(data.get("procedures"), list):
        raise ImportFailed(["Tệp JSON thiếu danh sách \"procedures\"."])
    for i, item in enumerate(data["procedures"], start=1):
        where = f"Thủ tục thứ {i}" + (f" (mã {item.get('code')})" if isinstance(item, dict) and item.get("code") else "")
        if isinstance(item, dict):
            item["_where"] = where
            for key in PART_KEYS:
                rows = item.get(key) or []
                if isinstance(rows, list):
                    for j, row in enumerate(rows, start=1):
                        if isinstance(row, dict):
                            row["_where"] = f"{where}, {PART_LABELS[key]} thứ {j}"
    return data


def read_xlsx(content: bytes) -> dict:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise ImportFailed(["Tệp không phải bảng tính Excel (.xlsx) hợp lệ."]) from None
    errors = []
    tables = {}
    for key, title in SHEETS.items():
        if title not in book.sheetnames:
            errors.append(f"Thiếu trang tính «{title}».")
            continue
        rows = book[title].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        expected = PROCEDURE_KEYS if key == "procedures" else ("procedure_code", *PART_KEYS[key])
        missing = [k for k in expected if k not in header]
        if missing:
            errors.append(f"Trang tính «{title}» thiếu cột: {', '.join(missing)}.")
            continue
        table = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            row = {h: v for h, v in zip(header, values, strict=False) if h in expected}
            row["_where"] = f"Trang tính «{title}», dòng {number}"
            table.append(row)
        tables[key] = table
    book.close()
    if errors:
        raise ImportFailed(errors)
    by_code: dict[str, dict] = {}
    for row in tables["procedures"]:
        code = str(row.get("code") or "").strip()
        row.update({key: [] for key in PART_KEYS})
        if code in by_code:
            errors.append(f"{row['_where']}: mã thủ tục {code} bị lặp.")
        by_code[code] = row
    for key in PART_KEYS:
        for row in tables[key]:
            code = str(row.pop("procedure_code") or "").strip()
            if code not in by_code or not code:
                errors.append(f"{row['_where']}: không có thủ tục mã «{code}» trong trang tính «{SHEETS['procedures']}».")
                continue
            by_code[code][key].append(row)
    if errors:
        raise ImportFailed(errors)
    return {"format": FORMAT, "version": FORMAT_VERSION, "procedures": tables["procedures"]}


# ---------------------------------------------------------------------------------------------
# Parsing values
# ---------------------------------------------------------------------------------------------

_TRUE = {"true", "1", "x", "có", "co", "yes", "đúng"}
_FALSE = {"false", "0", "", "không", "khong", "no", "sai"}


def _bool(value, label: str) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(f"{label}: “{value}” không phải giá trị có/không.")


def _int(value, label: str) -> int:
    number = services.to_decimal(value, label)
    if number != number.to_integral_value() or number < 0:
        raise ValidationError(f"{label}: phải là số nguyên không âm.")
    return int(number)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


class _Agencies:
    """Agency references of one province: electronic code, or short name when unique."""

    def __init__(self, province: AdministrativeUnit):
        self.rows = list(Agency.objects.filter(province=province, is_active=True).only("pk", "code", "short_name",
                                                                                     "kind", "province_id"))
        self.by_code = {a.code: a for a in self.rows}
        self.by_short: dict[str, list[Agency]] = {}
        for a in self.rows:
            if a.short_name:
                self.by_short.setdefault(a.short_name, []).append(a)

    def get(self, ref, label: str) -> Agency | None:
        ref = _text(ref).strip()
        if not ref:
            return None
        if ref in self.by_code:
            return self.by_code[ref]
        matches = self.by_short.get(ref, [])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(f"{label}: tên viết tắt «{ref}» trùng nhiều cơ quan; hãy dùng mã định danh.")
        raise ValidationError(f"{label}: không có cơ quan «{ref}» trong tỉnh.")


def _parse_item(item, agencies: _Agencies) -> tuple[str, dict, dict, dict]:
    """(code, content kwargs, parts kwargs, identity) for one procedure; raises ValidationError
    with every problem of the item prefixed by its location."""
    if not isinstance(item, dict):
        raise ValidationError(["Mỗi thủ tục phải là một đối tượng JSON."])
    where = item.get("_where", "Thủ tục")
    problems = []
    missing = [k for k in REQUIRED_KEYS if _text(item.get(k)).strip() == ""]
    if missing:
        raise ValidationError([f"{where}: thiếu {', '.join(missing)}."])
    code = _text(item["code"]).strip()
    content: dict = {}
    for key in TEXT_KEYS + CHOICE_KEYS:
        if key in item:
            content[key] = _text(item[key]).strip()
    for key in BOOL_KEYS:
        if key in item:
            try:
                content[key] = _bool(item[key], key)
            except ValidationError as exc:
                problems += exc.messages
    try:
        content["legal_time"] = services.to_decimal(item["legal_time"], "legal_time")
    except ValidationError as exc:
        problems += exc.messages
    identity = {"field": {k: _text(item.get(k)).strip() for k in ("sector_code", "sector_name", "field_code",
                                                                   "field_name")}}
    for key in ("competent_agency", "managing_agency"):
        try:
            identity[key] = agencies.get(item.get(key), key)
        except ValidationError as exc:
            problems += exc.messages
    content["competent_agency"] = identity.get("competent_agency")
    parts: dict[str, list] = {}
    for key, keys in PART_KEYS.items():
        rows = item.get(key) or []
        if not isinstance(rows, list):
            problems.append(f"“{key}” phải là một danh sách.")
            continue
        parsed = []
        for j, row in enumerate(rows, start=1):
            row_where = row.get("_where", f"{PART_LABELS[key]} thứ {j}") if isinstance(row, dict) else ""
            if not isinstance(row, dict):
                problems.append(f"{PART_LABELS[key]} thứ {j} phải là một đối tượng.")
                continue
            missing = [k for k in PART_REQUIRED[key] if _text(row.get(k)).strip() == ""]
            if missing:
                problems.append(f"{row_where}: thiếu {', '.join(missing)}.")
                continue
            data = {}
            try:
                for k in keys:
                    value = row.get(k)
                    if k in PART_INTS:
                        data[k] = _int(value, k) if _text(value).strip() != "" else (j if k == "order" else 0)
                    elif k in PART_BOOLS:
                        data[k] = _bool(value, k) if value is not None and _text(value) != "" else True
                    elif k == "amount":
                        amount = services.to_decimal(value, k)
                        if amount != amount.to_integral_value():
                            raise ValidationError(f"{k}: mức thu tính bằng đồng, không có phần lẻ.")
                        data[k] = amount.quantize(Decimal(1))
                    elif k == "agency":
                        data[k] = agencies.get(value, k)
                    else:
                        data[k] = _text(value).strip()
            except ValidationError as exc:
                problems += [f"{row_where}: {m}" for m in exc.messages]
                continue
            parsed.append(data)
        parts[key] = parsed
    if problems:
        raise ValidationError([p if p.startswith(("Thủ tục", "Trang tính")) else f"{where}: {p}" for p in problems])
    return code, content, parts, identity


def _comparable(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str, sort_keys=True))


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------

def import_catalogue(data: dict, *, province: AdministrativeUnit, publish: bool = False, user=None) -> ImportResult:
    """Apply a parsed file (read_file) to `province`'s catalogue. With `user`, every procedure
    touched must be one the user manages (agency or system administrator). All or nothing."""
    if data.get("province") and str(data["province"]) != province.code:
        raise ImportFailed([f"Tệp dành cho tỉnh mã {data['province']}, không phải {province.code}."])
    agencies = _Agencies(province)
    allowed = None
    if user is not None and not is_system_admin(user):
        allowed = (set(manageable_procedures(user).values_list("pk", flat=True)),
                   set(visible_agencies(user, MANAGER_ROLES).filter(province=province).values_list("pk", flat=True)))
    result, errors = ImportResult(), []
    procedures = data.get("procedures", [])
    if not procedures:
        raise ImportFailed(["Tệp không có thủ tục nào."])
    with transaction.atomic():
        for item in procedures:
            try:
                _import_one(item, province, agencies, publish, allowed, result)
            except ValidationError as exc:
                where = item.get("_where", "Thủ tục") if isinstance(item, dict) else "Thủ tục"
                errors += [m if m.startswith(("Thủ tục", "Trang tính")) else f"{where}: {m}" for m in _messages(exc)]
            if len(errors) >= MAX_ERRORS:
                break
        if errors:
            raise ImportFailed(errors[:MAX_ERRORS])
    return result


def _messages(exc: ValidationError) -> list[str]:
    """Messages with the field they concern, so a row error says which cell is wrong."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    out = []
    for name, messages in exc.message_dict.items():
        label = name
        try:
            label = str(ProcedureVersion._meta.get_field(name).verbose_name)
        except Exception:  # noqa: BLE001 — not a field (e.g. __all__): the message stands alone
            label = ""
        out += [f"{label} ({name}): {m}" if label else m for m in messages]
    return out


def _import_one(item, province, agencies, publish, allowed, result: ImportResult) -> None:
    code, content, parts, identity = _parse_item(item, agencies)
    with transaction.atomic():  # savepoint: a refused item leaves nothing behind
        f = identity["field"]
        content["sector_field"] = services.ensure_sector_field(
            sector_code=f["sector_code"], sector_name=f["sector_name"] or f["sector_code"],
            field_code=f["field_code"], field_name=f["field_name"] or f["field_code"],
        )
        national, suffix = services.parse_code(code)
        procedure = Procedure.objects.filter(province=province, national_code=national, local_suffix=suffix).first()
        managing = identity.get("managing_agency")
        if allowed is not None:
            procedure_ids, agency_ids = allowed
            if procedure is not None:
                owner = procedure.pk in procedure_ids
            else:
                owner_agency = managing or services.default_managing_agency(province, content["competent_agency"])
                owner = owner_agency is not None and owner_agency.pk in agency_ids
            if not owner:
                raise ValidationError("Bạn không có quyền quản lý thủ tục này.")
        if procedure is None:
            version = services.create_procedure(province=province, national_code=national, local_suffix=suffix,
                                                managing_agency=managing, **content, **parts)
            result.created.append(code)
        else:
            if managing is not None and procedure.managing_agency_id != managing.pk:
                services.set_managing_agency(procedure, managing)
            current = procedure.current_version or procedure.versions.order_by("-number").first()
            incoming = _comparable({**_content_as_export(content), "parts": parts})
            existing = _comparable({**_content_as_export({k: getattr(current, k) for k in content}),
                                    "parts": _parts_as_import(current)})
            if incoming == existing:
                result.unchanged.append(code)
                version = current
            else:
                version = procedure.versions.filter(status=VersionStatus.DRAFT).first() or services.new_version(procedure)
                version = services.update_draft(version, **content, **parts)
                result.updated.append(code)
        if publish and version.status == VersionStatus.DRAFT:
            services.publish(version)
            result.published.append(code)


def _content_as_export(content: dict) -> dict:
    out = {}
    for key, value in content.items():
        if key in ("competent_agency", "sector_field"):
            out[key] = value.pk if value is not None else None
        elif key == "legal_time":
            out[key] = _number(value)
        else:
            out[key] = value
    return out


def _parts_as_import(version: ProcedureVersion) -> dict:
    parts = {}
    for key, keys in PART_KEYS.items():
        rows = []
        for obj in getattr(version, key).all().order_by("order"):
            row = {k: getattr(obj, k) for k in keys}
            if key == "steps":
                row["agency"] = obj.agency
            rows.append(row)
        parts[key] = rows
    return parts


def import_file(content: bytes, *, province: AdministrativeUnit, publish: bool = False, filename: str = "",
                user=None) -> ImportResult:
    return import_catalogue(read_file(content, filename), province=province, publish=publish, user=user)

