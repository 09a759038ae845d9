import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.procedures import services, transfer
from chinhquyenso.procedures.models import ComponentSpec, Procedure, ProcedureVersion, Sector, VersionStatus
from chinhquyenso.units.tests.factories import ProvinceFactory

from .factories import make_procedure, steps_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    """A province with its People's Committee, a department, and three published procedures (one
    province-level with an inter-agency step), plus a draft that export must leave out."""
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    pc = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, code="000.00.00.H56", short_name="UBND tỉnh")
    dept = AgencyFactory(parent=pc, unit=province, code="000.03.00.H56", short_name="STP")
    make_procedure(province, name="Đăng ký khai sinh", code="1.001193", legal_time="1", publish=True)
    make_procedure(province, name="Chứng thực bản sao từ bản chính", code="2.000815", legal_time="0.5", publish=True)
    version = make_procedure(province, name="Cấp Phiếu lý lịch tư pháp", code="2.000488", legal_time="10",
                             level="tinh", competent_agency_kind=AgencyKind.DEPARTMENT, competent_agency=dept)
    steps = steps_for(40)
    steps[1]["quarters"] -= 20
    steps.insert(2, {"order": 3, "kind": "inter_agency", "name": "Tra cứu, xác minh tại Công an tỉnh",
                     "role": "specialist", "quarters": 20, "agency_kind": AgencyKind.VERTICAL})
    for i, step in enumerate(steps, start=1):
        step["order"] = i
    services.update_draft(version, steps=steps, fees=[{"name": "Phí cấp Phiếu", "kind": "phi", "amount": 200000}])
    services.publish(version)
    make_procedure(province, name="Bản nháp chưa công bố", code="9.999999")
    return {"province": province, "pc": pc, "dept": dept}


def _fresh_province():
    """Drop the catalogue rows (not the agencies), as on an empty database with the same units."""
    Procedure.objects.update(current_version=None)
    for model in (ComponentSpec,):
        model.objects.all()._raw_delete(model.objects.db)
    from chinhquyenso.procedures.models import FeeSpec, ProcessStep, SectorField
    FeeSpec.objects.all()._raw_delete(FeeSpec.objects.db)
    ProcessStep.objects.all()._raw_delete(ProcessStep.objects.db)
    ProcedureVersion.objects.all()._raw_delete(ProcedureVersion.objects.db)
    Procedure.objects.all().delete()
    SectorField.objects.all().delete()
    Sector.objects.all().delete()


@pytest.mark.parametrize("fmt", ["json", "xlsx"])
def test_round_trip_export_import_export_is_identical(catalogue, fmt):
    province = catalogue["province"]
    exported = transfer.export_catalogue(province)
    assert [p["code"] for p in exported["procedures"]] == ["1.001193", "2.000488", "2.000815"]
    content = transfer.to_json(exported) if fmt == "json" else transfer.to_xlsx(exported)
    _fresh_province()
    assert not Procedure.objects.exists()
    result = transfer.import_file(content, province=province, publish=True)
    assert sorted(result.created) == ["1.001193", "2.000488", "2.000815"] and len(result.published) == 3
    again = transfer.export_catalogue(province)
    assert again == exported
    lltp = again["procedures"][1]
    assert lltp["competent_agency"] == "000.03.00.H56" and lltp["fees"][0]["amount"] == 200000
    assert [s["kind"] for s in lltp["steps"]] == ["receive", "appraise", "inter_agency", "approve", "return"]
    # a second import of the same file changes nothing
    result = transfer.import_file(content, province=province, publish=True)
    assert sorted(result.unchanged) == ["1.001193", "2.000488", "2.000815"] and not result.published
    assert ProcedureVersion.objects.count() == 3


def test_import_change_makes_new_published_version(catalogue):
    province = catalogue["province"]
    data = transfer.export_catalogue(province)
    data["procedures"][0]["fees"][0]["amount"] = 10000
    result = transfer.import_file(transfer.to_json(data), province=province, publish=True)
    assert result.updated == ["1.001193"] and result.published == ["1.001193"]
    procedure = Procedure.objects.get(national_code="1.001193")
    assert procedure.current_version.number == 2 and procedure.current_version.total_fee == Decimal(10000)
    assert procedure.versions.get(number=1).status == VersionStatus.RETIRED


def _sheet_bytes(mutator):
    book = load_workbook(io.BytesIO(transfer.to_xlsx({"procedures": []} | {"format": transfer.FORMAT})))
    mutator(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a catalogue", "không phải JSON hoặc bảng tính"),
        (b"PK\x03\x04garbage", "không phải bảng tính Excel"),
        (b"{not json", "JSON không đọc được"),
        (b'{"format": "khac", "procedures": []}', "không đúng định dạng"),
        (b'{"format": "chinhquyenso.procedures", "version": 1, "procedures": []}', "không có thủ tục nào"),
    ],
)
def test_bad_files_refused_with_message(catalogue, content, message):
    before = ProcedureVersion.objects.count()
    with pytest.raises(transfer.ImportFailed) as exc:
        transfer.import_file(content, province=catalogue["province"])
    assert message in " ".join(exc.value.messages)
    assert ProcedureVersion.objects.count() == before


def test_missing_sheet_and_column_listed(catalogue):
    def mutate(book):
        del book["quy_trinh"]
        book["thu_tuc"].delete_cols(3)  # sector_code
    with pytest.raises(transfer.ImportFailed) as exc:
        transfer.import_file(_sheet_bytes(mutate), province=catalogue["province"])
    text = " ".join(exc.value.messages)
    assert "Thiếu trang tính «quy_trinh»" in text and "thiếu cột: sector_code" in text


def test_row_errors_listed_per_row_and_nothing_stored(catalogue):
    province = catalogue["province"]
    data = transfer.export_catalogue(province)
    data["procedures"][0]["fees"][0]["amount"] = "tám nghìn"
    data["procedures"][1]["legal_time"] = "mười"
    data["procedures"][2]["steps"][0]["quarters"] = 7  # sum no longer equals the legal time
    data["procedures"].append({**data["procedures"][0], "code": "1.000894", "name": "Đăng ký kết hôn",
                               "fees": [], "competent_agency": "Sở Không Có"})
    before = (ProcedureVersion.objects.count(), Procedure.objects.count())
    content = transfer.to_xlsx(data)
    with pytest.raises(transfer.ImportFailed) as exc:
        transfer.import_file(content, province=province, publish=True)
    messages = exc.value.messages
    assert any("Trang tính «phi_le_phi», dòng 2" in m and "không phải là số" in m for m in messages), messages
    assert any("Trang tính «thu_tuc», dòng 3" in m and "“mười” không phải là số" in m for m in messages), messages
    assert any("khác thời hạn giải quyết" in m for m in messages), messages
    assert any("không có cơ quan «Sở Không Có»" in m for m in messages), messages
    assert (ProcedureVersion.objects.count(), Procedure.objects.count()) == before
    assert not Procedure.objects.filter(national_code="1.000894").exists()


def test_part_row_pointing_to_unknown_procedure(catalogue):
    def mutate(book):
        book["thanh_phan"].append(["7.777777", 1, "", "Tờ khai", 1, 0, True, "", ""])
    with pytest.raises(transfer.ImportFailed) as exc:
        transfer.import_file(_sheet_bytes(mutate), province=catalogue["province"])
    assert "không có thủ tục mã «7.777777»" in " ".join(exc.value.messages)


def test_file_for_other_province_refused(catalogue):
    data = transfer.export_catalogue(catalogue["province"])
    with pytest.raises(transfer.ImportFailed, match="dành cho tỉnh mã 38"):
        transfer.import_catalogue(data, province=ProvinceFactory())


def test_commands(catalogue, tmp_path):
    out = io.StringIO()
    call_command("export_procedures", "--province", "38", stdout=out)
    data = json.loads(out.getvalue())
    assert len(data["procedures"]) == 3
    path = tmp_path / "danh-muc.xlsx"
    call_command("export_procedures", "--province", "38", "--output", str(path), stderr=io.StringIO())
    out = io.StringIO()
    call_command("import_procedures", str(path), "--province", "38", "--publish", stdout=out)
    assert "không đổi 3" in out.getvalue()
    bad = tmp_path / "hong.json"
    bad.write_text('{"format": "chinhquyenso.procedures", "version": 1, "procedures": [{"code": "1.1"}]}')
    with pytest.raises(CommandError, match="thiếu name"):
        call_command("import_procedures", str(bad), "--province", "38")
