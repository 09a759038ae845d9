import pytest
from django.core.exceptions import ValidationError

from chinhquyenso.agencies import services
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.agencies.queries import subtree
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def test_paths_follow_the_tree_and_moves_rewrite_the_subtree():
    root = AgencyFactory(kind=AgencyKind.PROVINCE_PC)
    dept = AgencyFactory(parent=root, unit=root.unit)
    office = AgencyFactory(parent=dept, unit=root.unit)
    other = AgencyFactory(parent=root, unit=root.unit)
    assert office.path == f"/{root.pk}/{dept.pk}/{office.pk}/"
    services.update_agency(dept, parent=other)
    office.refresh_from_db()
    assert office.path == f"/{root.pk}/{other.pk}/{dept.pk}/{office.pk}/"
    assert set(subtree(other)) == {other, Agency.objects.get(pk=dept.pk), office}


def test_cycle_is_refused_and_nothing_changes():
    root = AgencyFactory()
    child = AgencyFactory(parent=root, unit=root.unit)
    with pytest.raises(ValidationError) as err:
        services.update_agency(root, parent=child)
    assert "không thể là chính nó" in str(err.value)
    root.refresh_from_db()
    assert root.parent_id is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": ""}, "Mã định danh điện tử là bắt buộc"),
        ({"name": "  "}, "Tên cơ quan là bắt buộc"),
        ({"kind": "nonsense"}, "Loại cơ quan không hợp lệ"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(changes, message):
    fields = {"code": "000.00.99.H56", "name": "Sở thử", "kind": AgencyKind.DEPARTMENT, "unit": ProvinceFactory()}
    fields.update(changes)
    with pytest.raises(ValidationError) as err:
        services.create_agency(**fields)
    assert message in str(err.value)
    assert not Agency.objects.exists()


def test_duplicate_code_is_refused():
    AgencyFactory(code="000.00.00.H56")
    with pytest.raises(ValidationError):
        AgencyFactory(code="000.00.00.H56")


def test_commune_agency_needs_a_commune_and_a_parent_in_the_same_province():
    province = ProvinceFactory()
    with pytest.raises(ValidationError):
        AgencyFactory(kind=AgencyKind.COMMUNE_PC, unit=province)
    commune = CommuneFactory(parent=province, province=province)
    pc = AgencyFactory(kind=AgencyKind.COMMUNE_PC, unit=commune)
    assert pc.province == province
    foreign = AgencyFactory(unit=ProvinceFactory())
    with pytest.raises(ValidationError):
        AgencyFactory(parent=foreign, unit=province)


def test_code_is_opaque_and_names_are_nfc():
    agency = AgencyFactory(code=" X-ANY/format 1 ", name="So\u031b\u0309 Y te\u0302\u0301")
    assert agency.code == "X-ANY/format 1"
    assert agency.name == "Sở Y tế"
    assert agency.name_folded == "so y te"


def test_public_list_and_search(client, django_assert_max_num_queries):
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    for i in range(30):
        AgencyFactory(unit=province, name=f"Sở thử nghiệm {i}")
    AgencyFactory(unit=province, name="Sở Tư pháp")
    with django_assert_max_num_queries(4):
        response = client.get("/co-quan/")
    assert response.status_code == 200
    response = client.get("/co-quan/", {"q": "tu phap", "tinh": "38"})
    body = response.content.decode()
    assert "Sở Tư pháp" in body and "Sở thử nghiệm 1" not in body
    partial = client.get("/co-quan/", {"q": "tu phap"}, headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and "Sở Tư pháp" in partial.content.decode()


def test_bad_filter_is_a_400_with_a_vietnamese_message(client):
    response = client.get("/co-quan/", {"tinh": "abc"})
    assert response.status_code == 400
    assert "Mã tỉnh gồm 2 chữ số" in response.content.decode()


def test_detail_page_and_404(client):
    agency = AgencyFactory(name="Sở Xây dựng", phone="02373852000")
    response = client.get(f"/co-quan/{agency.pk}/")
    assert response.status_code == 200 and "Sở Xây dựng" in response.content.decode()
    assert client.get("/co-quan/999999/").status_code == 404


def test_api_list_filter_and_detail(client, django_assert_max_num_queries):
    province = ProvinceFactory(code="38")
    centre = AgencyFactory(unit=province, kind=AgencyKind.PROVINCE_SERVICE_CENTRE, name="Trung tâm PVHCC")
    services.create_reception_point(agency=centre, name="Quầy số 1", unit=province)
    for _ in range(10):
        AgencyFactory(unit=province)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/agencies/", {"province": "38", "limit": 50})
    data = response.json()
    assert response.status_code == 200 and data["count"] == 11
    assert {"code", "name", "kind", "unit_code", "province_code"} <= data["items"][0].keys()
    only = client.get("/api/v1/agencies/", {"kind": "ttpvhcc_tinh"}).json()
    assert [a["name"] for a in only["items"]] == ["Trung tâm PVHCC"]
    detail = client.get(f"/api/v1/agencies/{centre.pk}").json()
    assert detail["reception_points"][0]["name"] == "Quầy số 1"
    assert client.get("/api/v1/agencies/999999").status_code == 404
    assert client.get("/api/v1/agencies/", {"kind": "xyz"}).status_code == 422
    assert client.get("/api/v1/agencies/", {"province": "3"}).status_code == 422


def test_admin_edit_goes_through_services(admin_client):
    root = AgencyFactory()
    child = AgencyFactory(parent=root, unit=root.unit)
    url = f"/admin/agencies/agency/{root.pk}/change/"
    data = {
        "code": root.code, "name": root.name, "short_name": "", "kind": root.kind, "parent": child.pk,
        "unit": root.unit.pk, "address": "", "phone": "", "email": "", "is_active": "on",
        "departments-TOTAL_FORMS": "0", "departments-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200  # the form is shown again with the error, not a 500
    assert "không thể là chính nó" in response.content.decode()
    data["parent"] = ""
    data["name"] = "Tên đã sửa"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    root.refresh_from_db()
    assert root.name == "Tên đã sửa"
    assert root.path == f"/{root.pk}/"


def test_departments_and_reception_points_are_saved_through_services_with_audit(admin_client):
    from chinhquyenso.agencies.models import Department, ReceptionPoint
    from chinhquyenso.audit.models import AuditEntry

    agency = AgencyFactory(name="Sở Tư pháp")
    response = admin_client.post(
        "/admin/agencies/department/add/", {"agency": agency.pk, "code": " HCTP ", "name": "Phòng Hành chính tư pháp", "is_active": "on"}
    )
    assert response.status_code == 302
    department = Department.objects.get(agency=agency)
    assert department.code == "HCTP"
    assert AuditEntry.objects.for_object(department).get().action == "department.create"
    duplicate = admin_client.post(
        "/admin/agencies/department/add/", {"agency": agency.pk, "code": "HCTP", "name": "Trùng mã", "is_active": "on"}
    )
    assert duplicate.status_code == 200 and "đã tồn tại" in duplicate.content.decode()
    assert Department.objects.filter(agency=agency).count() == 1

    refused = admin_client.post(
        "/admin/agencies/receptionpoint/add/", {"agency": agency.pk, "name": "Quầy 1", "unit": agency.unit.pk, "is_active": "on"}
    )
    assert refused.status_code == 200 and "Điểm tiếp nhận phải thuộc" in refused.content.decode()
    centre = AgencyFactory(kind=AgencyKind.PROVINCE_SERVICE_CENTRE, unit=agency.unit)
    point = services.create_reception_point(agency=centre, name="Quầy 1", unit=centre.unit)
    response = admin_client.post(
        f"/admin/agencies/receptionpoint/{point.pk}/change/",
        {"agency": centre.pk, "name": "Quầy số 1", "unit": centre.unit.pk, "address": "", "phone": "", "opening_hours": ""},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.name == "Quầy số 1" and point.is_active is False
    update = AuditEntry.objects.for_object(point).get(action="reception_point.update")
    assert update.before["name"] == "Quầy 1" and update.after["name"] == "Quầy số 1"
    assert ReceptionPoint.objects.count() == 1
