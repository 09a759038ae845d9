import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import OfficialFactory
from chinhquyenso.signatures import services

pytestmark = pytest.mark.django_db
URL = "/api/v1/signatures/verify"


def upload(data, name="vanban.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_page_get(client):
    response = client.get(reverse("signatures:verify"))
    assert response.status_code == 200
    assert "Kiểm tra chữ ký số" in response.content.decode()


def test_page_reports_signatures(client, setup, pdf, leader, commune):
    signed = services.sign_organization(services.sign_personal(pdf, user=leader), agency=commune)
    response = client.post(reverse("signatures:verify"), {"file": upload(signed)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nguyễn Văn Hùng" in body and "UBND xã Thử Nghiệm" in body
    assert body.count("sig-ok") == 2 and "+07:00" in body


def test_page_htmx_fragment(client, setup, pdf, leader):
    signed = services.sign_personal(pdf, user=leader)
    response = client.post(reverse("signatures:verify"), {"file": upload(signed)}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "sig-ok" in response.content.decode()


@pytest.mark.parametrize(("data", "message"), [
    (b"hello", "không phải là tệp PDF"),
    (b"%PDF-1.4\ngarbage", "bị hỏng"),
])
def test_page_bad_file(client, setup, data, message):
    response = client.post(reverse("signatures:verify"), {"file": upload(data)})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_page_missing_file(client):
    response = client.post(reverse("signatures:verify"), {})
    assert response.status_code == 400


def test_page_unsigned(client, setup, pdf):
    response = client.post(reverse("signatures:verify"), {"file": upload(pdf)})
    assert response.status_code == 200 and "không có chữ ký số" in response.content.decode()


def test_api_requires_auth(client, setup, pdf):
    assert client.post(URL, {"file": upload(pdf)}).status_code == 401


def test_api_verify(client, setup, pdf, leader, commune):
    client.force_login(OfficialFactory())
    signed = services.sign_attachment(pdf, agency=commune, number_symbol="05/QĐ-UBND")
    response = client.post(URL, {"file": upload(signed)})
    assert response.status_code == 200, response.content
    (report,) = response.json()
    assert report["ok"] and report["trusted"] and report["coverage"] == "entire_file"
    assert report["signer_name"] == "UBND xã Thử Nghiệm" and report["signing_time"].endswith("+07:00")


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF"])
def test_api_bad_input(client, setup, data):
    client.force_login(OfficialFactory())
    response = client.post(URL, {"file": upload(data)})
    assert response.status_code in (400, 422)
    assert response.json()["detail"]


def test_api_without_file(client):
    client.force_login(OfficialFactory())
    assert client.post(URL, {}).status_code == 422
