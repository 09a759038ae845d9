"""NUL characters in a path or query are refused with a 400 before any view (PostgreSQL cannot
store them; a view would otherwise fail with a 500)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/api/v1/feedback/reports/\x00", "/ho-so/tra-cuu/?ma=%00&dien_thoai=1",
                                 "/thu-tuc/?q=a%00b"])
def test_nul_is_a_400(client, url):
    assert client.get(url).status_code == 400


def test_normal_requests_pass(client):
    assert client.get("/ho-so/tra-cuu/?ma=ABC").status_code == 200


def test_the_json_api_refuses_nul_in_json(client):
    """Found by the Schemathesis run: the API answered this 400 as text/plain, which its OpenAPI
    document does not allow."""
    response = client.get("/api/v1/units/search?q=a%00b")
    assert response.status_code == 400
    assert response.json() == {"detail": "Yêu cầu chứa ký tự không hợp lệ."}
