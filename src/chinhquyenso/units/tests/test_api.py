"""Contract tests of /api/v1/units/: status codes, shapes, Vietnamese errors, bounded queries."""

import pytest

pytestmark = pytest.mark.django_db
BASE = "/api/v1/units"
BRIEF_KEYS = {"code", "level", "kind", "name", "full_name", "province_code", "valid_from", "valid_to"}
UNIT_KEYS = BRIEF_KEYS | {"province_name", "latitude", "longitude", "area_km2"}


def test_provinces_are_public_and_paginated(client, demo_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        r = client.get(f"{BASE}/provinces")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and set(body["items"][0]) == UNIT_KEYS
    item = body["items"][0]
    assert item | {"latitude": None, "longitude": None} == {
        "code": "66", "level": "province", "kind": "tỉnh", "name": "Đắk Lắk", "full_name": "Tỉnh Đắk Lắk",
        "province_code": "66", "province_name": "Tỉnh Đắk Lắk", "valid_from": "2025-07-01", "valid_to": None,
        "latitude": None, "longitude": None, "area_km2": None,
    }
    assert isinstance(item["latitude"], float)


def test_communes_of_a_province(client, demo_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        r = client.get(f"{BASE}/provinces/66/communes", {"limit": 500})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 102 and len(body["items"]) == 102
    assert {i["province_code"] for i in body["items"]} == {"66"}
    assert set(body["items"][0]) == UNIT_KEYS
    codes = [i["code"] for i in body["items"]]
    assert codes == sorted(codes)


@pytest.mark.parametrize(("params", "check"), [
    ({"kind": "phường"}, lambda items: items and {i["kind"] for i in items} == {"phường"}),
    ({"kind": "đặc khu"}, lambda items: items == []),
    ({"q": "dong hoa"}, lambda items: [i["code"] for i in items] == ["22258"]),
    ({"q": "DONG HOA", "kind": "xã"}, lambda items: items == []),
])
def test_commune_filters(client, demo_units, params, check):
    r = client.get(f"{BASE}/provinces/66/communes", params)
    assert r.status_code == 200 and check(r.json()["items"])


@pytest.mark.parametrize("code", ["99", "54", "abc", "660"])  # 54 Phú Yên no longer exists
def test_communes_of_unknown_province_is_404_in_vietnamese(client, demo_units, code):
    r = client.get(f"{BASE}/provinces/{code}/communes")
    assert r.status_code == 404
    assert "Không tìm thấy tỉnh, thành phố" in r.json()["detail"]


@pytest.mark.parametrize(("path", "params"), [
    ("/provinces/66/communes", {"kind": "huyện"}),
    ("/provinces/66/communes", {"limit": "nhiều"}),
    ("/provinces/66/communes", {"q": "x" * 101}),
    ("/search", {}),
    ("/search", {"q": ""}),
    ("/search", {"q": "hoa", "level": "thôn"}),
    ("/search", {"q": "hoa", "province": "6"}),
    ("/search", {"q": "hoa", "current_only": "có lẽ"}),
    ("/22258", {"on": "2025-13-01"}),
    ("/22258", {"on": "hôm qua"}),
])
def test_bad_query_parameters_are_422_in_vietnamese(client, demo_units, path, params):
    r = client.get(f"{BASE}{path}", params)
    assert r.status_code == 422
    assert r.json()["detail"] == "Dữ liệu không hợp lệ."


def test_search_text_without_letters_is_422_with_its_own_message(client, demo_units):
    r = client.get(f"{BASE}/search", {"q": " ?! "})
    assert r.status_code == 422
    assert r.json() == {"detail": "Từ khóa tìm kiếm phải có ít nhất một chữ hoặc số."}


def test_search_returns_current_first_and_old_names_with_successors(client, demo_units,
                                                                      django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        r = client.get(f"{BASE}/search", {"q": "dong hoa"})
    assert r.status_code == 200
    items = r.json()["items"]
    assert set(items[0]) == UNIT_KEYS | {"successors"}
    assert (items[0]["code"], items[0]["valid_to"], items[0]["successors"]) == ("22258", None, [])
    town = next(i for i in items if i["code"] == "564")
    assert town["full_name"] == "Thị xã Đông Hòa" and town["valid_to"] == "2025-06-30"
    assert [s["code"] for s in town["successors"]] == ["22240", "22258", "22261", "22291"]
    assert set(town["successors"][0]) == BRIEF_KEYS and town["successors"][0]["province_code"] == "66"


def test_search_filters(client, demo_units):
    current = client.get(f"{BASE}/search", {"q": "hoa vinh", "current_only": "true"}).json()
    assert current["count"] == 0
    old = client.get(f"{BASE}/search", {"q": "hoa vinh", "province": "66", "level": "commune"}).json()
    assert [i["full_name"] for i in old["items"]] == ["Phường Hòa Vinh"]


def test_unit_detail_current_with_predecessors(client, demo_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        r = client.get(f"{BASE}/22258")
    assert r.status_code == 200
    body = r.json()
    assert set(body) == UNIT_KEYS | {"successors", "parent", "predecessors"}
    assert body["full_name"] == "Phường Đông Hòa" and body["valid_to"] is None
    assert body["parent"]["code"] == "66" and body["successors"] == []
    assert [p["full_name"] for p in body["predecessors"]] == [
        "Phường Hòa Vinh", "Xã Hòa Tân Đông", "Phường Hòa Xuân Tây", "Thị xã Đông Hòa",
    ]  # old communes (by code), then the old district whose territory it took part of
    assert {p["valid_to"] for p in body["predecessors"]} == {"2025-06-30"}


def test_unit_detail_on_a_date_gives_the_historical_unit(client, demo_units):
    body = client.get(f"{BASE}/22258", {"on": "2025-06-30"}).json()
    assert body["full_name"] == "Phường Hòa Vinh" and body["province_name"] == "Tỉnh Phú Yên"
    assert body["parent"]["full_name"] == "Thị xã Đông Hòa" and body["parent"]["province_code"] == "54"
    assert [s["full_name"] for s in body["successors"]] == ["Phường Đông Hòa"]
    district = client.get(f"{BASE}/564", {"on": "2020-01-01"})
    assert district.status_code == 200 and district.json()["level"] == "district"


@pytest.mark.parametrize(("code", "params"), [
    ("564", {}),  # a district: none in force since 01/7/2025
    ("99999", {}),
    ("abc", {}),
    ("22258", {"on": "2000-01-01"}),  # before the earliest validity we record
])
def test_unknown_unit_is_404_in_vietnamese(client, demo_units, code, params):
    r = client.get(f"{BASE}/{code}", params)
    assert r.status_code == 404
    assert r.json()["detail"].startswith("Không tìm thấy đơn vị hành chính mã")


def test_api_is_read_only(client, demo_units):
    assert client.post(f"{BASE}/provinces", {}).status_code == 405
    assert client.delete(f"{BASE}/22258").status_code == 405
