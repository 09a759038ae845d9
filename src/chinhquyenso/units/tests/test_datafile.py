"""The committed data file itself: counts, codes, names and the old → new mapping."""

import importlib.util
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from chinhquyenso.units import datafile


@pytest.fixture(scope="module")
def data():
    return datafile.read()


def by_level(rows, level):
    return [r for r in rows if r.level == level]


def test_file_is_plain_json_under_a_megabyte():
    path = datafile.default_path()
    assert path == datafile.DATA_FILE
    assert path.stat().st_size < 1_100_000


def test_current_counts_follow_the_two_tier_reform(data):
    # 34 provinces and 3,321 communes from 01/7/2025 (NQ 202/2025/QH15 and the UBTVQH resolutions).
    assert len(by_level(data.current, "province")) == 34
    communes = by_level(data.current, "commune")
    assert len(communes) == 3321
    assert Counter(r.kind for r in communes) == {"xã": 2621, "phường": 687, "đặc khu": 13}
    assert Counter(r.kind for r in by_level(data.current, "province")) == {"tỉnh": 28, "thành phố": 6}
    assert not by_level(data.current, "district")


def test_legacy_counts(data):
    assert len(by_level(data.legacy, "province")) == 63
    assert len(by_level(data.legacy, "district")) == 696
    # 10,040 rows in the source: 10,035 communes + 5 island districts that had no communes.
    assert len(by_level(data.legacy, "commune")) == 10035
    assert Counter(r.kind for r in by_level(data.legacy, "district")) == {
        "huyện": 508, "thành phố": 87, "thị xã": 52, "quận": 49,
    }
    assert {(r.valid_from.isoformat(), r.valid_to.isoformat()) for r in data.legacy} == {("2008-08-01", "2025-06-30")}
    assert {r.valid_from.isoformat() for r in data.current} == {"2025-07-01"}


def test_every_name_is_nfc_and_has_no_stray_spaces(data):
    for r in data.rows:
        for text in (r.name, r.kind, r.full_name):
            assert unicodedata.normalize("NFC", text) == text, r
            assert text == text.strip() and "  " not in text, r


@pytest.mark.parametrize("part", ["current", "legacy"])
def test_codes_are_unique_per_level_and_well_formed(data, part):
    rows = getattr(data, part)
    keys = [(r.level, r.code) for r in rows]
    assert len(keys) == len(set(keys))
    width = {"province": 2, "district": 3, "commune": 5}
    assert all(r.code.isdigit() and len(r.code) == width[r.level] for r in rows)


def test_parents_and_successors_point_to_existing_units(data):
    current = {(r.level, r.code) for r in data.current}
    legacy = {(r.level, r.code) for r in data.legacy}
    for r in data.current:
        if r.level == "commune":
            assert ("province", r.province_code) in current
    for r in data.legacy:
        assert r.successors, r
        target = "province" if r.level == "province" else "commune"
        assert all((target, s) in current for s in r.successors), r
        if r.level == "commune":
            assert ("district", r.parent_code) in legacy
        if r.level == "district":
            assert ("province", r.parent_code) in legacy


def test_every_current_unit_has_a_predecessor(data):
    covered = {s for r in data.legacy for s in r.successors}
    assert {r.code for r in data.current if r.level == "commune"} <= covered
    assert {r.code for r in data.current if r.level == "province"} <= covered


@pytest.mark.parametrize(
    ("level", "code", "successors"),
    [
        ("province", "54", ("66",)),  # Phú Yên merged into Đắk Lắk
        ("province", "01", ("01",)),  # Hà Nội kept its borders
        ("commune", "00001", ("00097",)),  # Phường Phúc Xá -> Phường Hồng Hà
        ("commune", "22258", ("22258",)),  # Phường Hòa Vinh -> Phường Đông Hòa (code reused)
        ("commune", "22024", ("22015", "22045")),  # Phường 9, Tuy Hòa, split; default Tuy Hòa first
        ("district", "318", ("11948",)),  # island district Bạch Long Vĩ -> đặc khu
        ("district", "564", ("22240", "22258", "22261", "22291")),  # Thị xã Đông Hòa
    ],
)
def test_known_successors(data, level, code, successors):
    row = next(r for r in data.legacy if r.level == level and r.code == code)
    assert row.successors == successors


@pytest.mark.parametrize(
    ("full", "kind", "name", "rebuilt"),
    [
        ("Thành phố Hà Nội", "thành phố", "Hà Nội", "Thành phố Hà Nội"),
        ("Thị Trấn Ái Tử", "thị trấn", "Ái Tử", "Thị trấn Ái Tử"),  # source capitalises the kind
        ("Thị xã Đông Hòa", "thị xã", "Đông Hòa", "Thị xã Đông Hòa"),
        ("Xã Ea Bar", "xã", "Ea Bar", "Xã Ea Bar"),
        ("Đặc khu Bạch Long Vĩ", "đặc khu", "Bạch Long Vĩ", "Đặc khu Bạch Long Vĩ"),
        ("Phường 5", "phường", "Phường 5", "Phường 5"),  # a bare number keeps its kind
        ("Quận 1", "quận", "Quận 1", "Quận 1"),
        ("Xa\u0303 Ea Bar", "xã", "Ea Bar", "Xã Ea Bar"),  # decomposed input comes out NFC
    ],
)
def test_split_kind(full, kind, name, rebuilt):
    assert datafile.split_kind(full) == (kind, name)
    assert datafile.full_name_of(kind, name) == rebuilt


def test_split_kind_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="Không nhận ra loại"):
        datafile.split_kind("Làng Vũ Đại")


def test_type_column_errors_of_the_source_are_corrected(data):
    # The package's wardType says "Xã" for Phường Việt Hòa (Hải Phòng); the official name wins.
    kinds = {r.code: (r.kind, r.name) for r in data.current if r.level == "commune"}
    viet_hoa = [v for v in kinds.values() if v[1] == "Việt Hòa"]
    assert viet_hoa == [("phường", "Việt Hòa")]


@pytest.mark.skipif(importlib.util.find_spec("vietnamadminunits") is None, reason="extra 'datagen' not installed")
def test_rebuilding_from_the_package_gives_the_committed_file_byte_for_byte():
    from chinhquyenso.units.management.commands.build_units_data import build

    spec = importlib.util.find_spec("vietnamadminunits")
    doc = build(Path(next(iter(spec.submodule_search_locations))) / "data", "1.0.4")
    assert datafile.dumps(doc).encode() == datafile.DATA_FILE.read_bytes()
