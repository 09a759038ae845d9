"""Search, legacy resolution and province lookup over real data (one province, loaded once)."""

import datetime

import pytest

from chinhquyenso.units import queries
from chinhquyenso.units.models import AdministrativeUnit, Level
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db
BEFORE = datetime.date(2025, 6, 30)


@pytest.mark.parametrize("text", ["dong hoa", "Đông Hòa", "DONG HOA", "ĐÔNG HÒA", "  đông   hòa ", "Đông Hoà"])
def test_diacritics_and_case_insensitive_search(demo_units, text):
    results = list(queries.search(text))
    assert results[0].code == "22258" and results[0].full_name == "Phường Đông Hòa"
    assert all(u.valid_to is None for u in results)


@pytest.mark.parametrize(("text", "expected"), [("đắk lắk", "Tỉnh Đắk Lắk"), ("dak lak", "Tỉnh Đắk Lắk"),
                                                ("Đ", "Tỉnh Đắk Lắk")])
def test_d_with_stroke_folds_to_d(demo_units, text, expected):
    assert expected in [u.full_name for u in queries.search(text, level=Level.PROVINCE)]


def test_blank_or_punctuation_only_text_finds_nothing(demo_units):
    assert not queries.search("   ").exists()
    assert not queries.search("").exists()
    assert not queries.search(" ?! ").exists()


def test_historical_names_are_included_on_request_with_their_successors(demo_units):
    results = list(queries.search("hoa vinh", current_only=False))
    old = next(u for u in results if u.code == "22258" and u.valid_to)
    assert old.full_name == "Phường Hòa Vinh"
    assert [s.full_name for s in old.successors.all()] == ["Phường Đông Hòa"]
    assert not queries.search("hoa vinh").filter(code="22258").exists()


def test_ranking_exact_then_prefix_then_contains_current_before_old(demo_units):
    province = ProvinceFactory(code="90", name="Thử", full_name="Tỉnh Thử")
    rows = {
        "contains": CommuneFactory(name="Tây Đông Hòa", full_name="Xã Tây Đông Hòa", parent=province),
        "prefix": CommuneFactory(name="Đông Hòa Tây", full_name="Xã Đông Hòa Tây", parent=province),
        "old": CommuneFactory(name="Đông Hòa", full_name="Xã Đông Hòa", parent=province,
                              valid_from=datetime.date(2008, 8, 1), valid_to=BEFORE),
        "exact": CommuneFactory(name="Đông Hòa", full_name="Phường Đông Hòa", kind="phường", parent=province),
        "accent twin": CommuneFactory(name="Đồng Hóa", full_name="Xã Đồng Hóa", parent=province),
    }
    order = [u.pk for u in queries.search("dong hoa", current_only=False, province="90")]
    names = {u.pk: k for k, u in rows.items()}
    assert [names[pk] for pk in order] == ["exact", "accent twin", "old", "prefix", "contains"]
    # typed with diacritics, the accent-exact name comes before its folded twin
    order = [names[u.pk] for u in queries.search("Đồng Hóa", province="90")]
    assert order[:2] == ["accent twin", "exact"]


def test_search_within_a_province_includes_old_units_that_became_part_of_it(demo_units):
    in_66 = queries.search("hoa vinh", province="66", current_only=False)
    assert [u.full_name for u in in_66] == ["Phường Hòa Vinh"]
    assert not queries.search("hoa vinh", province="01", current_only=False).exists()
    assert queries.search("dong hoa", province="66").first().code == "22258"


def test_search_has_a_fixed_number_of_queries(demo_units, django_assert_num_queries):
    with django_assert_num_queries(3):  # rows, successors, predecessors
        for unit in queries.search("hoa", current_only=False)[:50]:
            _ = unit.province.full_name, [s.province.full_name for s in unit.successors.all()]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("22258", ["22258"]),  # Phường Hòa Vinh -> Phường Đông Hòa (new commune reused the code)
        ("22024", ["22015", "22045"]),  # Phường 9, Tuy Hòa, split in two
        ("564", ["22240", "22258", "22261", "22291"]),  # Thị xã Đông Hòa -> its communes' successors
        ("54", ["66"]),  # Phú Yên -> Đắk Lắk
        ("66", ["66"]),  # Đắk Lắk before and after: the old record resolves to the new one
    ],
)
def test_resolve_legacy(demo_units, code, expected):
    resolved = queries.resolve_legacy(code)
    assert [u.code for u in resolved] == expected
    assert all(u.valid_to is None for u in resolved)


def test_resolve_follows_later_reorganisations_and_handles_unknown_codes(demo_units):
    later = datetime.date(2030, 1, 1)
    dong_hoa = AdministrativeUnit.objects.current().get(level=Level.COMMUNE, code="22258")
    AdministrativeUnit.objects.filter(pk=dong_hoa.pk).update(valid_to=later - datetime.timedelta(days=1))
    newer = CommuneFactory(code="22258", name="Mới", full_name="Phường Mới", valid_from=later,
                           parent=dong_hoa.province)
    dong_hoa.successors.add(newer)
    assert [u.pk for u in queries.resolve_legacy("22258", on=later)] == [newer.pk]
    assert queries.resolve_legacy("99999") == []
    assert queries.resolve_legacy("abc") == []


def test_province_of(demo_units):
    commune = queries.get_unit("22258")
    assert queries.province_of(commune).code == "66"
    old = queries.get_unit("22258", BEFORE)
    assert queries.province_of(old).full_name == "Tỉnh Phú Yên"
    assert queries.province_of(queries.get_unit("66")).code == "66"


@pytest.mark.parametrize(("code", "level"), [("01", "province"), ("001", "district"), ("00001", "commune"),
                                             ("0001", None), ("1", None), ("ab", None), ("", None)])
def test_level_of_code(code, level):
    assert queries.level_of_code(code) == level
