"""Pages, API and register exports: scoped, constant query counts, bad input 4xx, files read back."""

import base64
import io
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.documents import services
from chinhquyenso.documents.models import Document

from .pdfs import not_a_pdf, pdf_with_text

pytestmark = pytest.mark.django_db


def incoming(org, types, n=1, **kw):
    docs = []
    for i in range(n):
        data = dict(agency=org["ubnd"], doc_type=types["cong-van"], subject=f"Về việc quản lý đất đai đợt {i + 1}",
                    issuing_agency_name="Sở Nông nghiệp và Môi trường", number_symbol=f"{i + 10}/SNNMT-QLĐĐ",
                    actor=org["clerk"])
        data.update(kw)
        docs.append(services.register_incoming(**data))
    return docs


@pytest.mark.parametrize("rows", [1, 30])
def test_register_page_queries_do_not_grow_with_rows(client, org, types, rows, django_assert_max_num_queries):
    docs = incoming(org, types, rows)
    services.assign(docs[0], actor=org["leader"], lead_unit=org["pkt"])
    client.force_login(org["clerk"])
    with django_assert_max_num_queries(14):
        response = client.get(reverse("documents:incoming"))
    assert response.status_code == 200
    assert "Về việc quản lý đất đai đợt 1" in response.text


def test_register_page_is_for_officials_and_scoped(client, org, types):
    incoming(org, types)
    assert client.get(reverse("documents:incoming")).status_code == 302  # anonymous → login
    # a leader must pass TOTP; login_verified does it
    login_verified(client, org["outsider"])
    response = client.get(reverse("documents:incoming"))
    assert response.status_code == 200 and "đất đai" not in response.text
    doc = Document.objects.get()
    assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404


def test_search_on_the_page_without_diacritics(client, org, types):
    incoming(org, types, 2)
    client.force_login(org["clerk"])
    response = client.get(reverse("documents:incoming"), {"q": "quan ly dat dai dot 2"})
    assert "đợt 2" in response.text and "đợt 1<" not in response.text
    assert client.get(reverse("documents:incoming"), {"nam": "abc"}).status_code == 400


def test_detail_page_and_assign_action(client, org, types):
    doc = incoming(org, types, files=[ContentFile(pdf_with_text(), name="cv.pdf")])[0]
    login_verified(client, org["leader"])
    page = client.get(reverse("documents:detail", args=[doc.pk]))
    assert page.status_code == 200 and "Phiếu giải quyết văn bản đến" in page.text and "Phân công xử lý" in page.text
    response = client.post(reverse("documents:act", args=[doc.pk, "assign"]),
                           {"lead_unit": org["pkt"].pk, "deadline_days": 5, "note": "Đề nghị PKT tham mưu"})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.status == "assigned" and doc.lead_unit == org["pkt"]
    page = client.get(reverse("documents:detail", args=[doc.pk]))
    assert "Đề nghị PKT tham mưu" in page.text
    file_id = doc.files.get().pk
    assert client.get(reverse("documents:download", args=[file_id])).status_code == 200
    login_verified(client, org["outsider"])
    assert client.get(reverse("documents:download", args=[file_id])).status_code == 404


def test_register_incoming_form_refuses_a_renamed_file(client, org, types):
    client.force_login(org["clerk"])
    url = reverse("documents:register_incoming")
    assert client.get(url).status_code == 200
    upload = ContentFile(not_a_pdf(), name="van-ban.pdf")
    response = client.post(url, {"agency": org["ubnd"].pk, "doc_type": types["cong-van"].pk, "subject": "Thử",
                                 "issuing_agency_name": "Sở Y tế", "urgency": "thuong", "secrecy": "thuong",
                                 "file": upload})
    assert response.status_code == 400 and "không phải tệp PDF" in response.text
    assert Document.objects.count() == 0
    client.force_login(org["specialist"])
    assert client.get(url).status_code == 403  # only clerks register


def test_exports_read_back(client, org, types):
    docs = incoming(org, types, 3)
    year = docs[0].register.year
    login_verified(client, org["leader"])
    xlsx = client.get(reverse("documents:export_incoming", args=[org["ubnd"].pk, year, "xlsx"]))
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0].startswith("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN")
    assert rows[2][:2] == ("Ngày đến", "Số đến")
    assert [r[1] for r in rows[3:]] == ["01", "02", "03"]
    assert rows[3][3] == "10/SNNMT-QLĐĐ"
    pdf = client.get(reverse("documents:export_incoming", args=[org["ubnd"].pk, year, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdftotext = [shutil.which("pdftotext"), "-layout", "-", "-"]
    text = subprocess.run(pdftotext, input=pdf.content, capture_output=True, check=True).stdout.decode()  # noqa: S603
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in text and "10/SNNMT-QLĐĐ" in text and "Số đến" in text
    client.force_login(org["specialist"])
    assert client.get(reverse("documents:export_incoming", args=[org["ubnd"].pk, year, "xlsx"])).status_code == 404


def _token(user):
    from chinhquyenso.accounts import services as account_services

    return account_services.create_api_token(user, name="test", expires_at=None)[1]


def test_api_list_detail_and_actions(client, org, types):
    doc = incoming(org, types)[0]
    incoming(org, types, agency=org["other"], actor=None)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(org['leader'])}"}
    listing = client.get("/api/v1/documents/?q=dat dai", **headers)
    assert listing.status_code == 200
    assert [d["id"] for d in listing.json()["items"]] == [doc.pk]
    detail = client.get(f"/api/v1/documents/{doc.pk}", **headers).json()
    assert detail["allowed_actions"] == ["refuse", "assign"]
    r = client.post(f"/api/v1/documents/{doc.pk}/actions/assign", {"lead_unit_id": org["pkt"].pk, "deadline_days": 3},
                    content_type="application/json", **headers)
    assert r.status_code == 200 and r.json()["status"] == "assigned"
    r = client.post(f"/api/v1/documents/{doc.pk}/actions/issue", {}, content_type="application/json", **headers)
    assert r.status_code == 422
    other_doc = Document.objects.exclude(pk=doc.pk).get()
    assert client.get(f"/api/v1/documents/{other_doc.pk}", **headers).status_code == 404
    assert client.get("/api/v1/documents/").status_code == 401


def test_api_create_incoming_validates_content(client, org, types):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(org['clerk'])}"}
    body = {"agency_id": org["ubnd"].pk, "doc_type": "cong-van", "subject": "Thử API",
            "issuing_agency_name": "Sở Tài chính",
            "file": {"name": "a.pdf", "content_base64": base64.b64encode(not_a_pdf()).decode()}}
    r = client.post("/api/v1/documents/incoming", body, content_type="application/json", **headers)
    assert r.status_code == 422 and "PDF" in r.json()["detail"]
    # NUL in the type code went into a lookup: a DataError (500) on PostgreSQL.
    r = client.post("/api/v1/documents/incoming", {**body, "doc_type": "cong-van\x00"}, content_type="application/json",
                    **headers)
    assert r.status_code == 422 and r.json()["detail"] == "Loại văn bản không tồn tại."
    body["file"]["content_base64"] = "***"
    assert client.post("/api/v1/documents/incoming", body, content_type="application/json", **headers).status_code == 422
    body["file"]["content_base64"] = base64.b64encode(pdf_with_text()).decode()
    r = client.post("/api/v1/documents/incoming", body, content_type="application/json", **headers)
    assert r.status_code == 201 and r.json()["register_number"] == 1
    assert Document.objects.count() == 1
    body["agency_id"] = org["other"].pk
    assert client.post("/api/v1/documents/incoming", body, content_type="application/json", **headers).status_code == 403


@pytest.mark.parametrize("rows", [1, 25])
def test_api_list_queries_constant(client, org, types, rows, django_assert_max_num_queries):
    incoming(org, types, rows)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(org['clerk'])}"}
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/documents/", **headers).status_code == 200
