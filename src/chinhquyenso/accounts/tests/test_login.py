import datetime

import pytest
import time_machine
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from chinhquyenso.accounts.models import LoginAttempt

from .factories import PASSWORD, OfficialFactory, UserFactory

URL = reverse("accounts:login")


@pytest.fixture
def citizen(db):
    return UserFactory(username="cd-hoa", email="hoa@example.vn", phone="0912345678")


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["cd-hoa", "CD-Hoa", "hoa@example.vn", "HOA@Example.vn", "0912345678",
                                        "+84 912 345 678"])
def test_login_with_username_email_or_phone(client, citizen, identifier):
    response = client.post(URL, {"identifier": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert LoginAttempt.objects.get().succeeded


@pytest.mark.django_db
def test_wrong_password_is_refused_in_vietnamese(client, citizen):
    response = client.post(URL, {"identifier": "hoa@example.vn", "password": "sai-mat-khau-roi"})
    assert response.status_code == 400
    assert "Thông tin đăng nhập không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_login_redirects_only_to_local_next(client, citizen):
    ok = client.post(URL + "?next=/tai-khoan/khoa-api/", {"identifier": "cd-hoa", "password": PASSWORD})
    assert ok.url == "/tai-khoan/khoa-api/"
    client.logout()
    evil = client.post(URL + "?next=https://evil.example/", {"identifier": "cd-hoa", "password": PASSWORD})
    assert evil.url == resolve_url(settings.LOGIN_REDIRECT_URL)


@pytest.mark.django_db
def test_lockout_after_max_failures_even_with_right_password_then_unlock(client, citizen, settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_LOCKOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            assert client.post(URL, {"identifier": "cd-hoa", "password": "sai-mat-khau"}).status_code == 400
        # The same account through its phone number shares the budget.
        locked = client.post(URL, {"identifier": "0912345678", "password": PASSWORD})
        assert locked.status_code == 429
        assert "quá nhiều lần" in locked.content.decode()
        assert "_auth_user_id" not in client.session
        assert LoginAttempt.objects.count() == 5  # refused attempts are not checked nor recorded
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert client.post(URL, {"identifier": "cd-hoa", "password": PASSWORD}).status_code == 429
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        response = client.post(URL, {"identifier": "cd-hoa", "password": PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(citizen.pk)


@pytest.mark.django_db
def test_lockout_by_address_covers_other_accounts(client, citizen, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for n in range(3):
        client.post(URL, {"identifier": f"khong-ton-tai-{n}", "password": "x-sai-mat-khau"})
    assert client.post(URL, {"identifier": "cd-hoa", "password": PASSWORD}).status_code == 429
    # From another address the account is fine.
    other = client.post(URL, {"identifier": "cd-hoa", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


@pytest.mark.django_db
def test_lockout_check_is_one_query(django_assert_num_queries):
    from chinhquyenso.accounts import lockout

    with django_assert_num_queries(1):
        assert lockout.is_locked("cd-hoa", "127.0.0.1") is False


@pytest.mark.django_db
def test_inactive_user_cannot_login(client):
    UserFactory(username="nghi", is_active=False)
    assert client.post(URL, {"identifier": "nghi", "password": PASSWORD}).status_code == 400


@pytest.mark.django_db
def test_logout_requires_post(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_goes_through_protected_login(client, settings):
    settings.LOGIN_MAX_FAILURES = 2
    OfficialFactory(username="quantri", is_staff=True)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response.url.startswith(URL)
    # The admin's own form is gone: posting credentials to it signs nobody in.
    client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    for _ in range(2):
        client.post(URL, {"identifier": "quantri", "password": "sai-mat-khau"})
    assert client.post(URL + "?next=/admin/", {"identifier": "quantri", "password": PASSWORD}).status_code == 429


@pytest.mark.django_db
def test_admin_refuses_signed_in_non_staff(client, citizen):
    client.force_login(citizen)
    assert client.get("/admin/login/").status_code == 403


@pytest.mark.django_db
def test_login_page_hides_provider_button_unless_configured(client, settings):
    settings.OIDC_ISSUER = ""
    assert "Đăng nhập bằng tài khoản" not in client.get(URL).content.decode()
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = "https://id.example.vn", "c", "s"
    settings.OIDC_PROVIDER_NAME = "VNeID"
    assert "Đăng nhập bằng tài khoản VNeID" in client.get(URL).content.decode()
