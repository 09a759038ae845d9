"""Site-wide promises: the shell, CSP, languages, the API document, and no 500 on bad input."""

import json
import re

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_home_is_vietnamese_accessible_and_csp_nonced(client):
    response = client.get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in body
    assert 'class="skip-link" href="#main"' in body and 'id="main"' in body
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts, "htmx is loaded"
    assert all(f'nonce="{nonce}"' in tag or "src=" in tag for tag in scripts)
    assert "<script>" not in body  # no inline script without a nonce


def test_english_is_available(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="en">' in body


def test_openapi_document_is_valid_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.content)
    assert spec["openapi"].startswith("3.1")
    validate(spec)
    assert any(path.startswith("/api/v1/units") for path in spec["paths"])


def test_interactive_docs_are_served_without_cdn(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn" not in body.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in body


def test_healthz(client):
    assert client.get("/healthz").json()["status"] == "ok"


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


BAD_VALUES = ["'", "-1", "x" * 300, "%00", "9999999999999999999999", "2025-13-45", "Đ<script>"]


def test_no_get_endpoint_answers_500_on_bad_input(admin_client):
    """Every GET operation of the OpenAPI document, with garbage in every path and query parameter."""
    client = admin_client
    spec = json.loads(client.get("/api/v1/openapi.json").content)
    checked = 0
    for path, operations in spec["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        query_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        for bad in BAD_VALUES:
            url = re.sub(r"\{[^}]+\}", bad.replace("/", ""), path)
            response = client.get(url, {name: bad for name in query_names})
            assert response.status_code < 500, (url, response.status_code)
            checked += 1
    assert checked >= len(BAD_VALUES) * 3


def test_vietnamese_even_when_the_browser_asks_for_english(client):
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in response.content.decode()
    assert response.headers["Content-Language"] == "vi"
