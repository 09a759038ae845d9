import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import (
    OfficialFactory,
    RoleAssignmentFactory,
    UserFactory,
    login_verified,
)
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.procedures import services, transfer
from chinhquyenso.procedures.models import ComponentSpec, Procedure, ProcedureVersion, VersionStatus
from chinhquyenso.units.tests.factories import ProvinceFactory

from .factories import make_procedure, steps_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    pc = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=province, short_name="UBND tỉnh")
    stp = AgencyFactory(parent=pc, unit=province, short_name="STP")
    sxd = AgencyFactory(parent=pc, unit=province, short_name="SXD")
    commune = make_procedure(province, name="Đăng ký khai sinh", code="1.001193", legal_time="1", publish=True)
    lltp = make_procedure(province, name="Cấp Phiếu lý lịch tư pháp", code="2.000488", level="tinh",
                          competent_agency_kind="so_nganh", competent_agency=stp, publish=True)
    stp_admin = RoleAssignmentFactory(role="agency_admin", agency=stp).user
    sxd_admin = RoleAssignmentFactory(role="agency_admin", agency=sxd).user
    system_admin = RoleAssignmentFactory(role="system_admin", agency=pc).user
    return {"province": province, "pc": pc, "stp": stp, "commune": commune, "lltp": lltp,
            "stp_admin": stp_admin, "sxd_admin": sxd_admin, "system_admin": system_admin}


# --- public pages -----------------------------------------------------------------------------

def test_catalogue_search_without_diacritics_and_htmx(client, setup):
    page = client.get(reverse("procedures:catalogue"), {"q": "dang ky khai sinh"})
    body = page.content.decode()
    assert page.status_code == 200 and "Đăng ký khai sinh" in body and "lý lịch tư pháp" not in body
    partial = client.get(reverse("procedures:catalogue"), {"q": "ly lich"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Cấp Phiếu lý lịch tư pháp" in partial.content.decode()
    assert client.get(reverse("procedures:catalogue"), {"tinh": "abc"}).status_code == 400
    assert client.get(reverse("procedures:catalogue"), {"trang": "9999"}).status_code == 200


def test_catalogue_page_query_count_constant(client, setup, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("procedures:catalogue"))
    for _ in range(15):
        make_procedure(setup["province"], publish=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("procedures:catalogue"))


def test_detail_page_has_everything_before_filing(client, setup, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = client.get(reverse("procedures:detail", args=["2.000488"]), {"tinh": "38"})
    body = page.content.decode()
    assert page.status_code == 200
    for text in ("Tờ khai theo mẫu", "8.000 đồng", "3 ngày làm việc", setup["stp"].name,
                 "Nộp hồ sơ trực tuyến", "/ho-so/nop/2.000488/", "Giấy chứng nhận"):
        assert text in body, text
    assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404


def test_draft_never_public(client, setup):
    draft = make_procedure(setup["province"], name="Bản nháp bí mật", code="9.000009")
    assert client.get(reverse("procedures:detail", args=["9.000009"])).status_code == 404
    assert "Bản nháp bí mật" not in client.get(reverse("procedures:catalogue")).content.decode()
    assert client.get(f"/api/v1/procedures/versions/{draft.pk}").status_code == 404


# --- staff pages ------------------------------------------------------------------------------

def test_staff_pages_refuse_citizens_and_plain_officials(client, setup):
    assert client.get(reverse("procedures:staff_list")).status_code == 302  # to login
    client.force_login(UserFactory())
    assert client.get(reverse("procedures:staff_list")).status_code == 403
    specialist = RoleAssignmentFactory(role="specialist", agency=setup["stp"]).user
    client.force_login(specialist)
    assert client.get(reverse("procedures:staff_procedure", args=[setup["lltp"].procedure_id])).status_code == 403


def test_agency_admin_sees_only_own_procedures(client, setup):
    login_verified(client, setup["sxd_admin"])
    assert client.get(reverse("procedures:staff_procedure", args=[setup["lltp"].procedure_id])).status_code == 404
    assert "2.000488" not in client.get(reverse("procedures:staff_list")).content.decode()
    login_verified(client, setup["stp_admin"])
    listing = client.get(reverse("procedures:staff_list")).content.decode()
    assert "2.000488" in listing and "1.001193" not in listing  # commune catalogue belongs to the province PC
    login_verified(client, setup["system_admin"])
    assert "1.001193" in client.get(reverse("procedures:staff_list")).content.decode()


def _edit_post(version, **overrides):
    """The edit form as the browser posts it, from the draft's current content."""
    data = {f: ("" if getattr(version, f) is None else getattr(version, f)) for f in services.CONTENT_FIELDS}
    data["sector_field"] = version.sector_field_id
    data["competent_agency"] = version.competent_agency_id or ""
    for key in ("applicant_person", "applicant_organization", "result_paper", "result_electronic",
                "accepts_in_person", "accepts_postal"):
        if not data[key]:
            data.pop(key)
    for prefix, rows, fields in (
        ("tp", version.components.order_by("order"), services.COMPONENT_FIELDS),
        ("phi", version.fees.order_by("order"), services.FEE_FIELDS),
        ("bx", version.steps.order_by("order"), services.STEP_FIELDS),
    ):
        rows = list(rows)
        # one extra (blank) component row, as the page offers; a browser posts select defaults
        data.update({f"{prefix}-TOTAL_FORMS": len(rows) + (prefix == "tp"), f"{prefix}-INITIAL_FORMS": len(rows),
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})
        for i, row in enumerate(rows):
            for f in fields:
                if f == "form_file":
                    continue
                value = getattr(row, f"{f}_id") if f == "agency" else getattr(row, f)
                if isinstance(value, bool):
                    if value:
                        data[f"{prefix}-{i}-{f}"] = "on"
                    continue
                data[f"{prefix}-{i}-{f}"] = "" if value is None else value
        if prefix == "tp":
            # the blank row as a browser posts it: default counts and a checked "required" box
            data.update({f"tp-{len(rows)}-required": "on", f"tp-{len(rows)}-originals": "0",
                         f"tp-{len(rows)}-copies": "0"})
    data.update(overrides)
    return data


def test_staff_new_version_edit_publish_and_history(client, setup):
    login_verified(client, setup["stp_admin"])
    procedure = setup["lltp"].procedure
    response = client.post(reverse("procedures:staff_new_version", args=[procedure.pk]), {"change_note": "Tăng phí"})
    draft = ProcedureVersion.objects.get(procedure=procedure, status=VersionStatus.DRAFT)
    assert response.status_code == 302 and response.url == reverse("procedures:staff_edit", args=[draft.pk])
    assert client.get(response.url).status_code == 200
    form_template = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 mau to khai", content_type="application/pdf")
    post = _edit_post(draft, **{"phi-0-amount": "200000", "name": "Cấp Phiếu lý lịch tư pháp (sửa)",
                                "tp-0-form_file": form_template,
                                "tp-1-order": "2", "tp-1-name": "Bản sao CCCD", "tp-1-originals": "0",
                                "tp-1-copies": "1", "tp-1-required": "on"})
    saved = client.post(reverse("procedures:staff_edit", args=[draft.pk]), post)
    assert saved.status_code == 302, (saved.context["errors"], saved.context["form"].errors, [s.errors for s in saved.context["sets"].values()])
    draft.refresh_from_db()
    assert draft.name == "Cấp Phiếu lý lịch tư pháp (sửa)" and draft.components.count() == 2
    assert ComponentSpec.objects.get(version=draft, order=1).form_file.name.endswith(".pdf")
    # saving again without a new upload keeps the template file
    again = client.post(reverse("procedures:staff_edit", args=[draft.pk]), _edit_post(draft))
    assert again.status_code == 302, (again.context["errors"], [s.errors for s in again.context["sets"].values()])
    assert ComponentSpec.objects.get(version=draft, order=1).form_file.name.endswith(".pdf")
    bad = client.post(reverse("procedures:staff_edit", args=[draft.pk]), _edit_post(draft, **{"bx-1-quarters": "-3"}))
    assert bad.status_code == 400
    published = client.post(reverse("procedures:staff_publish", args=[draft.pk]), {"decision": "QĐ 1/QĐ-UBND"})
    assert published.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    history = client.get(reverse("procedures:staff_procedure", args=[procedure.pk])).content.decode()
    assert "Phiên bản 2" in history and "200.000 đồng" in history and "8.000 đồng" in history
    # the published version's edit page no longer edits
    assert client.post(reverse("procedures:staff_edit", args=[draft.pk]), _edit_post(draft)).status_code == 302
    assert ProcedureVersion.objects.get(pk=draft.pk).name == "Cấp Phiếu lý lịch tư pháp (sửa)"


def test_staff_publish_refused_when_quarters_do_not_sum(client, setup):
    login_verified(client, setup["stp_admin"])
    draft = services.new_version(setup["lltp"].procedure)
    steps = steps_for(12)
    steps[1]["quarters"] = 1
    services.update_draft(draft, steps=steps)
    response = client.post(reverse("procedures:staff_publish", args=[draft.pk]), follow=True)
    assert "khác thời hạn giải quyết" in response.content.decode()
    assert ProcedureVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT


def test_staff_form_template_must_be_a_document(client, setup):
    login_verified(client, setup["stp_admin"])
    draft = services.new_version(setup["lltp"].procedure)
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("procedures:staff_edit", args=[draft.pk]), _edit_post(draft, **{"tp-0-form_file": fake}))
    assert response.status_code == 400 and "không phải PDF" in response.content.decode()


def test_staff_import_scoped_and_all_or_nothing(client, setup):
    data = transfer.export_catalogue(setup["province"])
    for item in data["procedures"]:
        item["name"] += " (cập nhật)"
    upload = SimpleUploadedFile("danh-muc.json", transfer.to_json(data), content_type="application/json")
    login_verified(client, setup["stp_admin"])
    response = client.post(reverse("procedures:staff_import"),
                           {"file": upload, "province": setup["province"].pk, "publish": "on"})
    body = response.content.decode()
    assert response.status_code == 400 and "không có quyền quản lý" in body
    assert not ProcedureVersion.objects.filter(name__endswith="(cập nhật)").exists()
    login_verified(client, setup["system_admin"])
    upload.seek(0)
    response = client.post(reverse("procedures:staff_import"),
                           {"file": upload, "province": setup["province"].pk, "publish": "on"})
    assert response.status_code == 200 and "2 cập nhật" in response.content.decode()
    exported = client.get(reverse("procedures:staff_export"), {"tinh": "38", "dinh_dang": "xlsx"})
    assert exported.status_code == 200 and exported.content[:4] == b"PK\x03\x04"
    assert client.get(reverse("procedures:staff_export"), {"tinh": "01"}).status_code == 404


def test_staff_create_procedure(client, setup):
    login_verified(client, setup["stp_admin"])
    field = setup["lltp"].sector_field
    response = client.post(reverse("procedures:staff_create"), {
        "code": "2.001234", "province": setup["province"].pk, "name": "Thủ tục mới của Sở", "sector_field": field.pk,
        "level": "tinh", "competent_agency_kind": "so_nganh", "competent_agency": setup["stp"].pk,
        "legal_time": "5", "time_unit": "ngay_lam_viec", "result_name": "Văn bản", "online_level": "mot_phan",
        "applicant_person": "on", "result_paper": "on", "accepts_in_person": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get(national_code="2.001234")
    assert procedure.managing_agency == setup["stp"]
    # the same admin cannot create a commune-level one (managed by the province PC)
    response = client.post(reverse("procedures:staff_create"), {
        "code": "1.009999", "province": setup["province"].pk, "name": "Thủ tục xã", "sector_field": field.pk,
        "level": "xa", "competent_agency_kind": "ubnd_xa", "legal_time": "5", "time_unit": "ngay_lam_viec",
        "result_name": "Văn bản", "online_level": "mot_phan",
    })
    assert response.status_code == 400 and not Procedure.objects.filter(national_code="1.009999").exists()


# --- API --------------------------------------------------------------------------------------

def test_api_public_list_search_and_detail(client, setup, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        data = client.get("/api/v1/procedures/", {"q": "dang ky khai sinh"}).json()
    assert [p["code"] for p in data["items"]] == ["1.001193"]
    data = client.get("/api/v1/procedures/", {"province": "38", "level": "tinh"}).json()
    assert [p["code"] for p in data["items"]] == ["2.000488"] and data["items"][0]["total_fee"] in ("8000", 8000)
    detail = client.get("/api/v1/procedures/2.000488", {"province": "38"}).json()
    assert detail["components"][0]["name"] == "Tờ khai theo mẫu" and len(detail["steps"]) == 4
    assert client.get("/api/v1/procedures/", {"province": "x"}).status_code == 422
    assert client.get("/api/v1/procedures/khong-co").status_code == 404
    assert client.get(f"/api/v1/procedures/versions/{setup['commune'].pk}").json()["number"] == 1


def test_api_retired_version_stays_readable(client, setup):
    v1 = setup["lltp"]
    v2 = services.new_version(v1.procedure)
    services.publish(v2)
    old = client.get(f"/api/v1/procedures/versions/{v1.pk}").json()
    assert old["status"] == "retired" and old["fees"][0]["amount"] in ("8000", 8000)


def _token(user):
    from chinhquyenso.accounts import services as account_services

    _, key = account_services.create_api_token(user, name="thử", expires_at=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_management_scoped(client, setup):
    procedure = setup["lltp"].procedure
    url = f"/api/v1/procedures/manage/procedures/{procedure.pk}/versions"
    assert client.post(url, {}, content_type="application/json").status_code == 401
    other = _token(setup["sxd_admin"])
    assert client.post(url, {}, content_type="application/json", **other).status_code == 404
    citizen = _token(UserFactory())
    assert client.post(url, {}, content_type="application/json", **citizen).status_code == 404
    auth = _token(setup["stp_admin"])
    created = client.post(url, {"change_note": "Sửa phí"}, content_type="application/json", **auth)
    assert created.status_code == 201
    version_id = created.json()["id"]
    again = client.post(url, {}, content_type="application/json", **auth)
    assert again.status_code == 409 and "bản nháp" in again.json()["detail"]  # a state conflict, not bad data
    patch = client.patch(f"/api/v1/procedures/manage/versions/{version_id}",
                         {"fees": [{"name": "Phí", "kind": "phi", "amount": 200000}], "legal_time": "4"},
                         content_type="application/json", **auth)
    assert patch.status_code == 200
    refused = client.post(f"/api/v1/procedures/manage/versions/{version_id}/publish", {},
                          content_type="application/json", **auth)
    assert refused.status_code == 422 and "khác thời hạn" in json.dumps(refused.json(), ensure_ascii=False)
    client.patch(f"/api/v1/procedures/manage/versions/{version_id}",
                 {"steps": [dict(s, agency_id=None) for s in steps_for(16)]}, content_type="application/json", **auth)
    published = client.post(f"/api/v1/procedures/manage/versions/{version_id}/publish", {"decision": "QĐ 9"},
                            content_type="application/json", **auth)
    assert published.status_code == 200 and published.json()["status"] == "published"
    frozen = client.patch(f"/api/v1/procedures/manage/versions/{version_id}", {"name": "x"},
                          content_type="application/json", **auth)
    assert frozen.status_code == 409 and "không sửa được" in frozen.json()["detail"]
    republished = client.post(f"/api/v1/procedures/manage/versions/{version_id}/publish", {"decision": "QĐ 9"},
                              content_type="application/json", **auth)
    assert republished.status_code == 409 and "Chỉ công bố được bản nháp" in republished.json()["detail"]
    assert client.patch("/api/v1/procedures/manage/versions/99999999999", {}, content_type="application/json",
                        **auth).status_code == 404
    bad = client.patch(f"/api/v1/procedures/manage/versions/{version_id}", {"fees": [{"name": "x", "amount": -1}]},
                       content_type="application/json", **auth)
    assert bad.status_code == 422


def test_api_new_version_with_nul_in_the_note(client, setup):
    """Found by the Schemathesis run on PostgreSQL: NUL in change_note reached the database (500)."""
    procedure = setup["lltp"].procedure
    r = client.post(f"/api/v1/procedures/manage/procedures/{procedure.pk}/versions", {"change_note": "Sửa\x00 phí"},
                    content_type="application/json", **_token(setup["stp_admin"]))
    assert r.status_code == 422 and r.json()["detail"] == "Dữ liệu gửi lên chứa ký tự không hợp lệ."
    assert not procedure.versions.filter(status="draft").exists()


def test_demo_command_output(setup):
    from chinhquyenso.procedures import demo

    out = io.StringIO()
    AgencyFactory(unit=setup["province"], parent=setup["pc"], short_name="STC")
    demo.load(setup["province"], out)
    assert "thêm mới" in out.getvalue()
    assert OfficialFactory  # factories import used by other tests
