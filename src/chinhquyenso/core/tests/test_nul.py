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
