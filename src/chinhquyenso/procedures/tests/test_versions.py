import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.procedures import services
from chinhquyenso.procedures.models import (
    ComponentSpec,
    FeeSpec,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    StepKind,
    VersionStatus,
)
from chinhquyenso.units.tests.factories import ProvinceFactory

from .factories import make_procedure, steps_for

pytestmark = pytest.mark.django_db


def test_create_makes_draft_one_with_parts_and_audit():
    version = make_procedure(name="  Đăng ký   khai sinh ", legal_time="1")
    assert version.number == 1 and version.status == VersionStatus.DRAFT
    assert version.name == "Đăng ký khai sinh" and version.name_folded == "dang ky khai sinh"
    assert version.procedure.current_version is None
    assert version.components.count() == 1 and version.fees.count() == 1 and version.steps.count() == 4
    assert AuditEntry.objects.filter(action="procedure_version.create", object_id=str(version.pk)).exists()


def test_publish_freezes_and_moves_current_version():
    version = services.publish(make_procedure())
    procedure = Procedure.objects.get(pk=version.procedure_id)
    assert procedure.current_version_id == version.pk
    assert version.status == VersionStatus.PUBLISHED and version.published_at is not None
    with pytest.raises(ValidationError, match="không sửa được"):
        services.update_draft(version, name="Tên mới")
    with pytest.raises(ValidationError, match="không sửa được"):
        services.update_draft(version, components=[{"name": "Giấy mới", "originals": 1}])
    assert ProcedureVersion.objects.get(pk=version.pk).name != "Tên mới"
    assert AuditEntry.objects.filter(action="procedure_version.publish", object_id=str(version.pk)).exists()


def test_model_guard_refuses_direct_writes_to_frozen_version():
    version = services.publish(make_procedure())
    fresh = ProcedureVersion.objects.get(pk=version.pk)
    fresh.name = "Sửa lén"
    with pytest.raises(ValidationError):
        fresh.save()
    with pytest.raises(ValidationError):
        fresh.delete()
    component = ComponentSpec.objects.get(version=version)
    component.name = "Sửa lén"
    with pytest.raises(ValidationError):
        component.save()
    with pytest.raises(ValidationError):
        FeeSpec.objects.get(version=version).delete()
    with pytest.raises(ValidationError):
        ProcessStep(version=version, province=version.province, order=9, kind=StepKind.APPRAISE,
                    name="x", role="specialist", quarters=1).save()
    assert ComponentSpec.objects.get(version=version).name == "Tờ khai theo mẫu"


def test_new_version_copies_and_publishing_retires_old_one():
    v1 = services.publish(make_procedure(legal_time="3"))
    v2 = services.new_version(v1.procedure, change_note="Sửa lệ phí")
    assert v2.number == 2 and v2.status == VersionStatus.DRAFT and v2.name == v1.name
    assert [c.name for c in v2.components.all()] == [c.name for c in v1.components.all()]
    assert [(s.kind, s.quarters) for s in v2.steps.order_by("order")] == [
        (s.kind, s.quarters) for s in v1.steps.order_by("order")]
    assert [f.amount for f in v2.fees.all()] == [Decimal(8000)]
    with pytest.raises(ValidationError, match="đang có bản nháp"):
        services.new_version(v1.procedure)
    services.update_draft(v2, fees=[{"name": "Lệ phí", "amount": Decimal(10000)}])
    services.publish(v2, decision="QĐ 123/QĐ-UBND")
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v1.retired_at is not None
    assert v2.status == VersionStatus.PUBLISHED and v2.publishing_decision == "QĐ 123/QĐ-UBND"
    assert Procedure.objects.get(pk=v1.procedure_id).current_version_id == v2.pk
    assert ProcedureVersion.objects.filter(procedure=v1.procedure, status=VersionStatus.PUBLISHED).count() == 1
    # the old version keeps its own fee: a dossier filed under it still sees 8 000 đ
    assert v1.total_fee == Decimal(8000) and v2.total_fee == Decimal(10000)


def test_publish_twice_refused():
    version = services.publish(make_procedure())
    with pytest.raises(ValidationError, match="Chỉ công bố được bản nháp"):
        services.publish(version)


@pytest.mark.parametrize(
    ("legal_time", "unit", "quarters", "ok"),
    [
        ("3", "ngay_lam_viec", [1, 9, 1, 1], True),
        ("3", "ngay_lam_viec", [1, 8, 1, 1], False),
        ("0.5", "ngay_lam_viec", [0, 1, 0, 1], True),
        ("8", "gio", [1, 1, 1, 1], True),  # 8 working hours = 1 working day = 4 quarters
        ("8", "gio", [1, 2, 1, 1], False),
        ("15", "ngay", [1, 30, 4, 1], True),  # calendar days: no fixed working-time length
    ],
)
def test_publish_checks_step_quarters_sum(legal_time, unit, quarters, ok):
    version = make_procedure(legal_time=legal_time, time_unit=unit)
    steps = steps_for(4)
    for step, q in zip(steps, quarters, strict=True):
        step["quarters"] = q
    services.update_draft(version, steps=steps)
    if ok:
        assert services.publish(version).status == VersionStatus.PUBLISHED
    else:
        with pytest.raises(ValidationError) as exc:
            services.publish(version)
        assert "khác thời hạn giải quyết" in str(exc.value)
        assert ProcedureVersion.objects.get(pk=version.pk).status == VersionStatus.DRAFT


def test_publish_needs_components_and_ordered_steps():
    version = make_procedure()
    services.update_draft(version, components=[], steps=[])
    with pytest.raises(ValidationError) as exc:
        services.publish(version)
    assert "Chưa có thành phần hồ sơ" in str(exc.value) and "Chưa có quy trình nội bộ" in str(exc.value)
    steps = steps_for(12)
    steps.reverse()
    for i, step in enumerate(steps, start=1):
        step["order"] = i
    services.update_draft(version, components=[{"name": "Tờ khai", "originals": 1}], steps=steps)
    with pytest.raises(ValidationError) as exc:
        services.publish(version)
    assert "Bước đầu tiên phải là tiếp nhận" in str(exc.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"legal_time": Decimal("1.1")}, "bội của 0,25"),
        ({"legal_time": Decimal("0")}, "lớn hơn 0"),
        ({"legal_time": Decimal("3"), "time_unit": "gio"}, "số chẵn giờ"),
        ({"level": "xa", "competent_agency_kind": "so_nganh"}, "cấp xã"),
        ({"online_level": "hoan_toan"}, "lựa chọn hợp lệ"),
        ({"name": ""}, "để trắng"),
    ],
)
def test_draft_content_validation(changes, message):
    version = make_procedure()
    with pytest.raises(ValidationError) as exc:
        services.update_draft(version, **changes)
    assert message in str(exc.value)


def test_part_validation_lists_every_problem():
    version = make_procedure()
    with pytest.raises(ValidationError) as exc:
        services.update_draft(version, steps=[
            {"order": 1, "kind": "receive", "name": "Tiếp nhận", "role": "thu_ky", "quarters": 1},
            {"order": 2, "kind": "inter_agency", "name": "Chuyển Công an", "role": "specialist", "quarters": 1},
        ], fees=[{"name": "Lệ phí", "amount": Decimal(-1)}])
    text = str(exc.value)
    assert "Bước xử lý 1" in text and "Bước xử lý 2: Bước liên thông" in text and "Mức thu không được âm" in text


def test_duplicate_code_in_province_refused_other_province_ok():
    province = ProvinceFactory()
    make_procedure(province, code="1.001193")
    with pytest.raises(ValidationError, match="đã có trong danh mục"):
        make_procedure(province, code="1.001193")
    assert make_procedure(ProvinceFactory(), code="1.001193").procedure.code == "1.001193"


def test_parse_code():
    assert services.parse_code("2.000908.000.00.00.H61") == ("2.000908", "000.00.00.H61")
    assert services.parse_code("2.000908") == ("2.000908", "")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_leaves_one_published_version():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads need PostgreSQL")
    v1 = services.publish(make_procedure())
    v2 = services.new_version(v1.procedure)
    results = []

    def worker():
        from django.db import connections
        try:
            services.publish(ProcedureVersion.objects.get(pk=v2.pk))
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert ProcedureVersion.objects.filter(procedure=v1.procedure, status=VersionStatus.PUBLISHED).count() == 1
