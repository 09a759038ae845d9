import io

import pytest

from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.procedures import demo, queries, services
from chinhquyenso.procedures.models import ProcedureVersion, VersionStatus
from chinhquyenso.units.tests.factories import ProvinceFactory

from .factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    return ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")


@pytest.mark.parametrize(
    ("q", "expected_first"),
    [
        ("dang ky khai sinh", "Đăng ký khai sinh"),
        ("Đăng ký khai sinh", "Đăng ký khai sinh"),
        ("ĐĂNG KÝ KHAI SINH", "Đăng ký khai sinh"),
        ("khai sinh dang ky", "Đăng ký khai sinh"),  # words in any order
        ("chung thuc", "Chứng thực bản sao từ bản chính"),
        ("1.001193", "Đăng ký khai sinh"),
        ("2.0008", "Chứng thực bản sao từ bản chính"),
    ],
)
def test_search_folds_diacritics_and_ranks(province, q, expected_first):
    make_procedure(province, name="Đăng ký lại khai sinh", code="1.004884", publish=True)
    make_procedure(province, name="Đăng ký khai sinh", code="1.001193", publish=True)
    make_procedure(province, name="Chứng thực bản sao từ bản chính", code="2.000815", publish=True)
    make_procedure(province, name="Đăng ký khai sinh bản nháp", code="9.000001")  # draft: never public
    results = list(queries.catalogue(province_code="38", q=q))
    assert results and results[0].name == expected_first
    assert all(v.status == VersionStatus.PUBLISHED for v in results)


def test_search_nothing_found(province):
    make_procedure(province, name="Đăng ký khai sinh", code="1.001193", publish=True)
    assert list(queries.catalogue(q="giay phep lai xe")) == []


def test_filters(province):
    dept = AgencyFactory(unit=province, kind=AgencyKind.DEPARTMENT)
    make_procedure(province, name="Cấp xã", publish=True)
    prov = make_procedure(province, name="Cấp tỉnh", level="tinh", competent_agency_kind="so_nganh",
                          competent_agency=dept, online_level="toan_trinh", publish=True)
    make_procedure(ProvinceFactory(), name="Tỉnh khác", publish=True)
    assert [v.name for v in queries.catalogue(province_code="38", level="tinh")] == ["Cấp tỉnh"]
    assert [v.name for v in queries.catalogue(online_level="toan_trinh")] == ["Cấp tỉnh"]
    assert [v.name for v in queries.catalogue(agency_id=dept.pk)] == ["Cấp tỉnh"]
    assert [v.name for v in queries.catalogue(province_code="38", field="HT")] == ["Cấp tỉnh", "Cấp xã"]
    assert queries.find_published(prov.procedure.code, "38").pk == prov.pk
    assert queries.find_published("1.234567") is None


def test_catalogue_query_count_is_constant(province, django_assert_num_queries):
    make_procedure(province, publish=True)
    with django_assert_num_queries(3):  # rows + fees + components
        rows = list(queries.catalogue(province_code="38"))
        _ = [(v.total_fee, [c.name for c in v.components.all()], v.sector_field.sector.name) for v in rows]
    for _ in range(10):
        make_procedure(province, publish=True)
    with django_assert_num_queries(3):
        rows = list(queries.catalogue(province_code="38", q="thu tuc"))
        _ = [(v.total_fee, [c.name for c in v.components.all()], v.sector_field.sector.name) for v in rows]
    assert len(rows) == 11


def test_diff_versions(province):
    v1 = make_procedure(province, publish=True)
    v2 = services.new_version(v1.procedure)
    services.update_draft(v2, name="Tên mới", fees=[{"name": "Lệ phí", "amount": 10000}])
    changes = {c["label"]: c for c in queries.diff_versions(v1, ProcedureVersion.objects.get(pk=v2.pk))}
    assert changes["Tên thủ tục"]["after"] == "Tên mới"
    assert changes["Phí, lệ phí"]["removed"] == ["Lệ phí: 8.000 đồng"]
    assert changes["Phí, lệ phí"]["added"] == ["Lệ phí: 10.000 đồng"]
    assert "Thành phần hồ sơ" not in changes


def test_demo_loads_real_catalogue_and_is_idempotent(province):
    root = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, short_name="UBND tỉnh")
    for short in ("STP", "STC", "SXD"):
        AgencyFactory(unit=province, parent=root, short_name=short)
    demo.load(province, io.StringIO())
    published = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED, province=province)
    assert published.count() >= 30
    assert set(published.values_list("level", flat=True)) == {"xa", "tinh"}
    khai_sinh = queries.find_published("1.001193", "38")
    assert khai_sinh.name == "Đăng ký khai sinh" and khai_sinh.competent_agency is None
    assert published.filter(steps__kind="inter_agency").exists()
    lltp = queries.find_published("2.000488", "38")
    assert lltp.competent_agency.short_name == "STP" and lltp.total_fee == 200000
    out = io.StringIO()
    demo.load(province, out)
    assert "0 thêm mới, 0 cập nhật" in out.getvalue()
    assert ProcedureVersion.objects.filter(province=province).count() == published.count()
