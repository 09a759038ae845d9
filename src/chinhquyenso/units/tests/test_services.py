"""load_units: upsert by (level, code, valid_from), idempotent, audited once per run."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.core.text import fold
from chinhquyenso.units.models import AdministrativeUnit, Level, UnitDataLoad
from chinhquyenso.units.services import load_units

# Lai Châu (12): the smallest province in rows, so these tests stay fast.
SMALL = "12"
Through = AdministrativeUnit.successors.through
LEGACY_TO = datetime.date(2025, 6, 30)


def state():
    units = sorted(AdministrativeUnit.objects.values_list("level", "code", "valid_from", "name_folded", "parent_id",
                                                          "province_id"))
    links = sorted(Through.objects.values_list("from_administrativeunit_id", "to_administrativeunit_id"))
    return units, links


@pytest.mark.django_db
def test_loading_a_province_twice_changes_nothing():
    first = load_units(province=SMALL)
    before = state()
    second = load_units(province=SMALL)
    assert first.created == first.total > 0 and first.links_added > 0
    assert (second.created, second.updated, second.links_added, second.links_removed) == (0, 0, 0, 0)
    assert second.unchanged == first.total
    assert state() == before
    assert AdministrativeUnit.objects.count() == first.total


@pytest.mark.django_db
def test_province_scope_has_its_communes_and_the_legacy_units_that_map_into_it():
    load_units(province=SMALL)
    province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code=SMALL)
    assert province.province_id == province.pk
    communes = AdministrativeUnit.objects.current().communes()
    assert communes.count() == 38
    assert set(communes.values_list("province_id", flat=True)) == {province.pk}
    assert set(communes.values_list("parent_id", flat=True)) == {province.pk}
    old_province = AdministrativeUnit.objects.get(level=Level.PROVINCE, code=SMALL, valid_to=LEGACY_TO)
    assert list(old_province.successors.all()) == [province]
    for commune in AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_to=LEGACY_TO).select_related(
        "parent"
    ):
        assert commune.parent.level == Level.DISTRICT and commune.province_id == old_province.pk
        assert commune.successors.exists()


@pytest.mark.django_db
def test_bulk_rows_get_nfc_names_and_folded_search_keys():
    load_units(province=SMALL)
    for unit in AdministrativeUnit.objects.all():
        assert unit.name_folded == fold(unit.full_name)
        assert unit.full_name.endswith(unit.name)


@pytest.mark.django_db
def test_a_changed_row_is_put_back_and_a_stray_link_removed():
    load_units(province=SMALL)
    unit = AdministrativeUnit.objects.current().communes().order_by("code").first()
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Sai", full_name="Xã Sai", name_folded="xa sai")
    legacy = AdministrativeUnit.objects.filter(valid_to=LEGACY_TO, level=Level.COMMUNE).first()
    stray = AdministrativeUnit.objects.current().communes().exclude(pk__in=legacy.successors.all()).first()
    legacy.successors.add(stray)

    summary = load_units(province=SMALL)

    assert (summary.created, summary.updated, summary.links_added, summary.links_removed) == (0, 1, 0, 1)
    unit.refresh_from_db()
    assert unit.name != "Sai" and unit.name_folded == fold(unit.full_name)
    assert stray not in legacy.successors.all()


@pytest.mark.django_db
def test_one_audit_entry_per_run_not_per_row():
    summary = load_units(province=SMALL)
    entries = AuditEntry.objects.filter(action="units.load")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.object_type == "units.unitdataload" and entry.object_id == str(summary.load.pk)
    assert entry.after["created"] == summary.created and len(entry.after["checksum"]) == 64
    assert entry.province_code == SMALL
    assert UnitDataLoad.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["99", "1", "abc", "54"])  # 54 Phú Yên exists only before 01/7/2025
def test_unknown_province_is_refused_in_vietnamese_and_writes_nothing(code):
    with pytest.raises(ValidationError) as exc:
        load_units(province=code)
    assert "Không có tỉnh/thành phố hiện hành mã" in exc.value.messages[0]
    assert not AdministrativeUnit.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_command_prints_a_summary_and_reports_errors():
    out = io.StringIO()
    call_command("load_units", province=SMALL, stdout=out)
    text = out.getvalue()
    total = AdministrativeUnit.objects.count()
    assert f"Đã nạp {total} đơn vị" in text and f"{total} mới, 0 cập nhật, 0 không đổi" in text
    assert "commune   hiện hành" in text
    again = io.StringIO()
    call_command("load_units", province=SMALL, stdout=again)
    assert f"0 mới, 0 cập nhật, {total} không đổi" in again.getvalue()
    with pytest.raises(CommandError, match="mã 99"):
        call_command("load_units", province="99", stdout=io.StringIO())
    with pytest.raises(CommandError, match="Không đọc được tệp dữ liệu"):
        call_command("load_units", file="/nonexistent/units.json", stdout=io.StringIO())


@pytest.mark.django_db
def test_whole_file_loads_once_idempotently_with_the_official_counts():
    first = load_units()
    assert first.created == 34 + 3321 + 63 + 696 + 10035
    current = AdministrativeUnit.objects.current(datetime.date(2025, 7, 1))
    assert current.provinces().count() == 34
    assert current.communes().count() == 3321
    kinds = {k: current.communes().filter(kind=k).count() for k in ("xã", "phường", "đặc khu")}
    assert kinds == {"xã": 2621, "phường": 687, "đặc khu": 13}
    old = AdministrativeUnit.objects.current(LEGACY_TO)
    assert (old.provinces().count(), old.filter(level=Level.DISTRICT).count(), old.communes().count()) == (
        63, 696, 10035,
    )
    # codes are unique per level among current units
    codes = list(current.values_list("level", "code"))
    assert len(codes) == len(set(codes))
    second = load_units()
    assert (second.created, second.updated, second.links_added, second.links_removed) == (0, 0, 0, 0)
    assert AdministrativeUnit.objects.count() == first.total
    assert Through.objects.count() == first.links_added
