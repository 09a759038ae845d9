"""The English catalogue is compiled and committed: choosing English translates the pages,
while Vietnamese (the source language) stays the default."""

import pytest

pytestmark = pytest.mark.django_db


def _choose_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302


def test_vietnamese_is_the_default(client):
    body = client.get("/").content.decode()
    assert "Dành cho người dân, doanh nghiệp" in body
    assert "For citizens and businesses" not in body


def test_home_is_in_english_after_choosing_english(client):
    _choose_english(client)
    response = client.get("/")
    body = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "Digital Government — serving citizens and businesses" in body
    assert "For citizens and businesses" in body
    assert "Skip to main content" in body
    assert "Dành cho người dân, doanh nghiệp" not in body
    # The switch now offers the way back to Vietnamese.
    assert 'value="vi"' in body and "Tiếng Việt" in body


@pytest.mark.parametrize(
    ("path", "english", "vietnamese"),
    [
        ("/tai-khoan/dang-nhap/", "Don't have an account?", "Chưa có tài khoản?"),
        ("/lich-lam-viec/", "Calculate the result due date", "Tính ngày hẹn trả kết quả"),
        ("/don-vi-hanh-chinh/", "Look up administrative units", "Tra cứu đơn vị hành chính"),
    ],
)
def test_public_pages_are_in_english_after_choosing_english(client, path, english, vietnamese):
    _choose_english(client)
    response = client.get(path)
    body = response.content.decode()
    assert response.status_code == 200
    assert english in body
    assert vietnamese not in body
