"""The public search page (plain GET and htmx partial), the unit page and the admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from chinhquyenso.units.admin import AdministrativeUnitAdmin, UnitDataLoadAdmin
from chinhquyenso.units.models import AdministrativeUnit, UnitDataLoad

pytestmark = pytest.mark.django_db
SEARCH = reverse("units:search")


def test_search_page_is_public_and_accessible(client, demo_units):
    r = client.get(SEARCH)
    assert r.status_code == 200
    html = r.content.decode()
    assert "<h1>Tra cứu đơn vị hành chính</h1>" in html
    assert '<label for="id_q">' in html and 'id="id_q"' in html and 'role="search"' in html
    assert 'hx-get="/don-vi-hanh-chinh/"' in html and 'method="get"' in html
    assert 'aria-live="polite"' in html
    assert 'checked' in html  # old names included by default
    assert "Tỉnh Đắk Lắk" in html  # province choices


@pytest.mark.parametrize("q", ["dong hoa", "Đông Hòa", "DONG HOA"])
def test_search_without_javascript_shows_current_units_with_their_province(client, demo_units, q):
    r = client.get(SEARCH, {"q": q, "cu": "on"})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.index("Phường Đông Hòa") < html.index("Thị xã Đông Hòa")
    assert 'href="/don-vi-hanh-chinh/22258/"' in html and "Tỉnh Đắk Lắk" in html
    assert "<html" in html


def test_an_old_name_shows_what_it_became(client, demo_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        r = client.get(SEARCH, {"q": "hoa vinh", "cu": "on"})
    html = r.content.decode()
    assert "Phường Hòa Vinh" in html and "Tên cũ, đến 30/06/2025" in html
    assert "Nay là" in html and 'href="/don-vi-hanh-chinh/22258/">Phường Đông Hòa</a>' in html
    assert 'href="/don-vi-hanh-chinh/22258/?on=2025-06-30"' in html


def test_unticking_old_names_hides_them(client, demo_units):
    html = client.get(SEARCH, {"q": "hoa vinh"}).content.decode()
    assert "Không tìm thấy đơn vị nào" in html and "Phường Hòa Vinh" not in html


def test_htmx_request_gets_only_the_results_partial(client, demo_units):
    r = client.get(SEARCH, {"q": "dong hoa", "cu": "on"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and "<form" not in html
    assert 'id="unit-results-heading"' in html and "Phường Đông Hòa" in html


@pytest.mark.parametrize("params", [{"q": "?!"}, {"q": "x" * 101}, {"q": "hoa", "tinh": "54"}])
def test_bad_search_input_is_400_with_a_message(client, demo_units, params):
    r = client.get(SEARCH, params)
    assert r.status_code == 400
    assert "Chưa tìm được" in r.content.decode()
    partial = client.get(SEARCH, params, headers={"HX-Request": "true"})
    assert partial.status_code == 400 and "Chưa tìm được" in partial.content.decode()


def test_search_results_are_paginated(client, demo_units):
    html = client.get(SEARCH, {"q": "hoa", "cu": "on"}).content.decode()
    assert 'rel="next"' in html and "trang=2" in html
    page2 = client.get(SEARCH, {"q": "hoa", "cu": "on", "trang": 2})
    assert page2.status_code == 200 and 'rel="prev"' in page2.content.decode()


def test_detail_page_of_a_current_commune(client, demo_units, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        r = client.get(reverse("units:detail", args=["22258"]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "<h1>Phường Đông Hòa</h1>" in html
    for text in ("22258", "Phường", "Tỉnh Đắk Lắk", "21,89 km²", "12.9607, 109.3160", "Hình thành từ",
                 "Phường Hòa Vinh", "Địa bàn trước đây thuộc", "Thị xã Đông Hòa"):
        assert text in html


def test_detail_page_of_an_old_unit_links_to_its_successors(client, demo_units):
    r = client.get(reverse("units:detail", args=["564"]), {"on": "2025-06-30"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "<h1>Thị xã Đông Hòa</h1>" in html and "chỉ có hiệu lực đến ngày 30/06/2025" in html
    assert "Nay thuộc" in html and 'href="/don-vi-hanh-chinh/22240/"' in html
    assert "Phường Hòa Vinh" in html  # its communes are listed
    assert "Tỉnh Phú Yên" in html


def test_detail_page_of_a_province_lists_its_communes(client, demo_units):
    html = client.get(reverse("units:detail", args=["66"])).content.decode()
    assert "Đơn vị trực thuộc (102)" in html and "Tỉnh Phú Yên" in html  # a predecessor


@pytest.mark.parametrize(("code", "params", "status"), [
    ("99999", {}, 404), ("abc", {}, 404), ("564", {}, 404), ("22258", {"on": "30/06/2025"}, 400),
])
def test_detail_page_errors(client, demo_units, code, params, status):
    r = client.get(reverse("units:detail", args=[code]), params)
    assert r.status_code == status
    if status == 400:
        assert "không hợp lệ" in r.content.decode()


def test_pages_refuse_writes(client, demo_units):
    assert client.post(SEARCH, {"q": "hoa"}).status_code == 405


def test_admin_is_read_only_and_searches_without_diacritics(demo_units):
    request = RequestFactory().get("/admin/")
    unit_admin = AdministrativeUnitAdmin(AdministrativeUnit, admin.site)
    assert unit_admin.check() == [] and UnitDataLoadAdmin(UnitDataLoad, admin.site).check() == []
    for model_admin in (unit_admin, UnitDataLoadAdmin(UnitDataLoad, admin.site)):
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    for term in ("Đông Hòa", "dong hoa"):
        qs, _ = unit_admin.get_search_results(request, AdministrativeUnit.objects.all(), term)
        assert "22258" in set(qs.values_list("code", flat=True))
    assert isinstance(admin.site._registry[AdministrativeUnit], AdministrativeUnitAdmin)
