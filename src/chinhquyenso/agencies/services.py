"""Every write to agencies, departments and reception points (ARCHITECTURE.md habit 1)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc
from chinhquyenso.units.models import AdministrativeUnit, Level

from .models import Agency, AgencyKind, Department, ReceptionPoint

COMMUNE_KINDS = {AgencyKind.COMMUNE_PC, AgencyKind.COMMUNE_SERVICE_CENTRE}


def province_of(unit: AdministrativeUnit) -> AdministrativeUnit:
    if unit.level == Level.PROVINCE:
        return unit
    if unit.province_id is None:
        raise ValidationError({"unit": "Đơn vị hành chính không thuộc tỉnh nào."})
    return unit.province


def validate_agency(agency: Agency) -> None:
    """Rules for an agency about to be saved (normalised, province set); raises ValidationError."""
    if not agency.code:
        raise ValidationError({"code": "Mã định danh điện tử là bắt buộc."})
    if not agency.name:
        raise ValidationError({"name": "Tên cơ quan là bắt buộc."})
    if agency.kind not in AgencyKind.values:
        raise ValidationError({"kind": "Loại cơ quan không hợp lệ."})
    if agency.unit.valid_to is not None:
        raise ValidationError({"unit": "Không gắn cơ quan mới với đơn vị hành chính đã giải thể hoặc sáp nhập."})
    if agency.kind in COMMUNE_KINDS and agency.unit.level != Level.COMMUNE:
        raise ValidationError({"unit": "UBND xã và Trung tâm PVHCC xã phải gắn với một xã, phường hoặc đặc khu."})
    if agency.parent_id is not None:
        if agency.pk is not None and f"/{agency.pk}/" in agency.parent.path:
            raise ValidationError({"parent": "Cơ quan cấp trên không thể là chính nó hoặc đơn vị trực thuộc của nó."})
        if agency.parent.province_id != agency.province_id:
            raise ValidationError({"parent": "Cơ quan cấp trên phải cùng tỉnh."})
    clash = Agency.objects.filter(code=agency.code).exclude(pk=agency.pk)
    if clash.exists():
        raise ValidationError({"code": "Mã định danh điện tử đã được dùng cho cơ quan khác."})


@transaction.atomic
def create_agency(*, code: str, name: str, kind: str, unit: AdministrativeUnit, parent: Agency | None = None,
                  **fields) -> Agency:
    agency = Agency(code=code, name=name, kind=kind, unit=unit, parent=parent, **fields)
    agency.normalise()
    agency.province = province_of(unit)
    validate_agency(agency)
    agency.path = "/"  # set once the id is known
    agency.save()
    agency.path = f"{parent.path if parent else '/'}{agency.pk}/"
    Agency.objects.filter(pk=agency.pk).update(path=agency.path)
    record("agency.create", agency, after=snapshot(agency))
    return agency


@transaction.atomic
def update_agency(agency: Agency, **changes) -> Agency:
    """Change an agency; moving it under another parent rewrites its whole subtree's paths in one
    UPDATE, under a row lock so two moves cannot interleave."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = snapshot(agency)
    old_path = agency.path
    for field, value in changes.items():
        setattr(agency, field, value)
    agency.normalise()
    agency.province = province_of(agency.unit)
    validate_agency(agency)
    new_path = f"{agency.parent.path if agency.parent_id else '/'}{agency.pk}/"
    agency.path = new_path
    agency.save()
    if new_path != old_path:
        Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
    record("agency.update", agency, before=before, after=snapshot(agency))
    return agency


def validate_department(department: Department) -> None:
    if not department.code or not department.name:
        raise ValidationError("Mã và tên phòng, bộ phận là bắt buộc.")
    clash = Department.objects.filter(agency_id=department.agency_id, code=department.code).exclude(pk=department.pk)
    if clash.exists():
        raise ValidationError({"code": "Mã phòng, bộ phận đã tồn tại trong cơ quan này."})


def validate_reception_point(point: ReceptionPoint) -> None:
    agency = point.agency
    if not agency.is_service_centre and agency.kind not in {AgencyKind.COMMUNE_PC, AgencyKind.PROVINCE_PC}:
        raise ValidationError({"agency": "Điểm tiếp nhận phải thuộc Trung tâm Phục vụ hành chính công hoặc UBND."})
    if not point.name:
        raise ValidationError({"name": "Tên điểm tiếp nhận là bắt buộc."})


def _save_part(obj: Department | ReceptionPoint, validate, label: str):
    """Create or change a department or reception point: normalise, validate, save, audit."""
    before = snapshot(type(obj).objects.select_for_update().get(pk=obj.pk)) if obj.pk else None
    obj.name = nfc(obj.name)
    if isinstance(obj, Department):
        obj.code = obj.code.strip()
    validate(obj)
    obj.save()
    action = f"{label}.update" if before else f"{label}.create"
    record(action, obj, before=before, after=snapshot(obj), province_code=obj.agency.province_code)
    return obj


@transaction.atomic
def save_department(department: Department) -> Department:
    return _save_part(department, validate_department, "department")


@transaction.atomic
def save_reception_point(point: ReceptionPoint) -> ReceptionPoint:
    return _save_part(point, validate_reception_point, "reception_point")


def create_department(*, agency: Agency, code: str, name: str) -> Department:
    return save_department(Department(agency=agency, code=code, name=name))


def create_reception_point(*, agency: Agency, name: str, unit: AdministrativeUnit, **fields) -> ReceptionPoint:
    return save_reception_point(ReceptionPoint(agency=agency, name=name, unit=unit, **fields))
