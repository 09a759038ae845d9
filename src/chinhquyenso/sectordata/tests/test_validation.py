"""Each rule of the declared schema, one table row per case (validate() writes nothing)."""

from decimal import Decimal

import pytest

from chinhquyenso.sectordata import services, validation
from chinhquyenso.sectordata.models import Granularity, Levels, ValueType
from chinhquyenso.sectordata.validation import RawRow

from .conftest import TODAY


def check(series, *rows):
    raw = [RawRow(i, *r) if isinstance(r, tuple) else r for i, r in enumerate(rows, start=2)]
    return validation.validate(series, raw, today=TODAY)


@pytest.mark.parametrize("series_key, row, column, reason", [
    ("smartphone", ("99999", "2025-Q1", "50"), "Mã đơn vị", "Không có đơn vị hành chính đang hiệu lực mã 99999"),
    ("smartphone", ("", "2025-Q1", "50"), "Mã đơn vị", "Thiếu mã đơn vị"),
    ("smartphone", ("xa-ham-rong", "2025-Q1", "50"), "Mã đơn vị", "không phải mã đơn vị"),
    ("smartphone", ("14500", "2025-Q1", "50"), "Mã đơn vị", "thuộc Tỉnh Ninh Bình, ngoài phạm vi Tỉnh Thanh Hóa"),
    ("smartphone", ("38", "2025-Q1", "50"), "Mã đơn vị", "Không có đơn vị hành chính đang hiệu lực mã 38"),
    ("smartphone", ("14764", "2025-Q1", "50"), "Mã đơn vị", "nay thuộc nhiều đơn vị"),
    ("smartphone", ("14758", "2025-03", "50"), "Kỳ", "không phải kỳ quý"),
    ("smartphone", ("14758", "2025-05-01", "50"), "Kỳ", "không phải ngày đầu quý"),
    ("smartphone", ("14758", "2027-Q1", "50"), "Kỳ", "chưa bắt đầu"),
    ("smartphone", ("14758", "2025-Q1", "100,5"), "Giá trị", "lớn hơn mức tối đa 100"),
    ("smartphone", ("14758", "2025-Q1", "-1"), "Giá trị", "nhỏ hơn mức tối thiểu 0"),
    ("smartphone", ("14758", "2025-Q1", "nhiều"), "Giá trị", "không phải là số"),
    ("smartphone", ("14758", "2025-Q1", ""), "Giá trị", "Thiếu giá trị"),
    ("smartphone", ("14758", "2025-Q1", "NaN"), "Giá trị", "không hợp lệ"),
    ("smartphone", ("14758", "2025-Q1", "1.234,5"), "Giá trị", "không phải là số"),
    ("smartphone", ("14758", "2025-Q1", True), "Giá trị", "phải là số"),
    ("bts", ("14758", "2025-Q1", "12.5"), "Giá trị", "phải là số nguyên"),
    ("bts", ("14758", "2025-Q1", -3), "Giá trị", "nhỏ hơn mức tối thiểu 0"),
    ("bts", ("14758", "2025-Q1", "1e20"), "Giá trị", "quá lớn"),
    ("bts", ("14758", "2025-Q1", "5", "x" * 300), "Ghi chú", "dài quá 255"),
])
def test_rejections(world, series_key, row, column, reason):
    outcome = check(world[series_key], row)
    assert outcome.rows == []
    assert any(e.column == column and reason in e.message and e.row == 2 for e in outcome.errors), outcome.errors


@pytest.mark.parametrize("raw_value, expected", [
    ("85,5", Decimal("85.5")), ("85.5", Decimal("85.5")), ("85.5 %", Decimal("85.5")), (85.55, Decimal("85.6")),
    (100, Decimal("100.0")), ("0", Decimal("0.0")), ("\u00a072,3", Decimal("72.3")),
])
def test_percent_values_accepted(world, raw_value, expected):
    outcome = check(world["smartphone"], ("14758", "2025-Q1", raw_value))
    assert outcome.errors == []
    assert outcome.rows[0].value == expected


def test_declared_bounds_tighten_the_type(world):
    series = services.define_series(
        province=world["province"], code="ty-le-phu-song", name="Phủ sóng", sector=world["smartphone"].sector,
        levels=Levels.COMMUNE, granularity=Granularity.QUARTER, unit_of_measure="%", value_type=ValueType.PERCENT,
        min_value=Decimal("50"), max_value=Decimal("100"), source="x", owner_agency=world["skhcn"])
    errors = check(series, ("14758", "2025-Q1", "49.9")).errors
    assert "nhỏ hơn mức tối thiểu 50" in errors[0].message


def test_legacy_code_resolves_to_its_single_successor_with_a_notice(world):
    outcome = check(world["smartphone"], ("14761", "2025-Q1", "50"))
    assert outcome.errors == []
    assert outcome.rows[0].unit == world["c1"]
    assert "Mã cũ 14761 được quy về Phường Hàm Rồng" in outcome.notices[0].message


def test_legacy_and_new_code_of_the_same_unit_are_duplicates(world):
    outcome = check(world["smartphone"], ("14758", "2025-Q1", "50"), ("14761", "Quý 1/2025", "51"))
    assert len(outcome.errors) == 1
    assert outcome.errors[0].row == 3 and "Trùng dòng 2" in outcome.errors[0].message


def test_duplicate_rows_in_the_batch(world):
    outcome = check(world["bts"], ("14758", "2025-Q1", "5"), ("14797", "2025-Q1", "6"), ("14758", "2025-01-01", "7"))
    assert [(e.row, e.column) for e in outcome.errors] == [(4, "Mã đơn vị")]
    assert "Trùng dòng 2" in outcome.errors[0].message


def test_numeric_cell_codes_get_their_leading_zeros_back(world, db):
    from chinhquyenso.units.tests.factories import CommuneFactory

    CommuneFactory(code="01234", parent=world["province"], name="Số Không", full_name="Xã Số Không")
    outcome = check(world["bts"], RawRow(2, 1234, "2025-Q1", 3, numeric_unit=True))
    assert outcome.errors == [] and outcome.rows[0].unit.code == "01234"
    # A text cell "1234" is taken as written.
    assert "mã 1234" in check(world["bts"], ("1234", "2025-Q1", 3)).errors[0].message


def test_province_level_series_takes_the_province_code_only(world):
    series = services.define_series(
        province=world["province"], code="tong-bts", name="BTS toàn tỉnh", sector=world["bts"].sector,
        levels=Levels.PROVINCE, granularity=Granularity.YEAR, unit_of_measure="trạm", value_type=ValueType.COUNT,
        source="x", owner_agency=world["skhcn"])
    assert check(series, ("38", "2025", "4100")).errors == []
    assert "cấp tỉnh" in check(series, ("14758", "2025", "41")).errors[0].message
    assert "ngoài phạm vi" in check(series, ("37", "2025", "41")).errors[0].message


def test_a_commune_agency_pushes_only_its_commune(world):
    series = services.define_series(
        province=world["province"], code="camera-xa", name="Camera của xã", sector=world["bts"].sector,
        levels=Levels.COMMUNE, granularity=Granularity.QUARTER, unit_of_measure="camera",
        value_type=ValueType.COUNT, source="x", owner_agency=world["commune_pc"])
    assert check(series, ("14845", "2025-Q1", "4")).errors == []
    assert "chỉ gửi số liệu của Xã Mường Lát" in check(series, ("14758", "2025-Q1", "4")).errors[0].message


def test_every_bad_cell_of_a_row_is_reported(world):
    errors = check(world["smartphone"], ("99999", "2025-13", "abc")).errors
    assert {e.column for e in errors} == {"Mã đơn vị", "Kỳ", "Giá trị"}


def test_empty_and_oversized_batches(world, monkeypatch):
    assert "Không có dòng" in check(world["bts"]).errors[0].message
    monkeypatch.setattr(validation, "MAX_ROWS", 2)
    errors = check(world["bts"], ("14758", "2025-Q1", 1), ("14797", "2025-Q1", 1), ("14845", "2025-Q1", 1)).errors
    assert "Quá nhiều dòng" in errors[0].message


@pytest.mark.parametrize("fields, key", [
    ({"code": "nhat-ky"}, "code"),
    ({"value_type": ValueType.PERCENT, "rollup": "sum"}, "rollup"),
    ({"min_value": Decimal(5), "max_value": Decimal(1)}, "max_value"),
    ({"granularity": "week"}, "granularity"),
])
def test_definition_rules(world, fields, key):
    from django.core.exceptions import ValidationError

    base = dict(province=world["province"], code="moi-chuoi", name="Chuỗi mới", sector=world["bts"].sector,
                levels=Levels.COMMUNE, granularity=Granularity.QUARTER, unit_of_measure="%",
                value_type=ValueType.DECIMAL, source="x", owner_agency=world["skhcn"])
    with pytest.raises(ValidationError) as exc:
        services.define_series(**{**base, **fields})
    assert key in exc.value.message_dict


def test_owner_agency_must_be_in_the_series_province(world):
    from django.core.exceptions import ValidationError

    from chinhquyenso.agencies.models import Agency

    foreign_agency = Agency.objects.get(name="UBND tỉnh Ninh Bình")
    with pytest.raises(ValidationError):
        services.define_series(
            province=world["province"], code="x", name="X", sector=world["bts"].sector, levels=Levels.COMMUNE,
            granularity=Granularity.QUARTER, unit_of_measure="%", value_type=ValueType.PERCENT, source="x",
            owner_agency=foreign_agency)
