import datetime

import pyotp
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from chinhquyenso.accounts import services
from chinhquyenso.accounts.models import User
from chinhquyenso.accounts.twofactor import SESSION_PENDING_SECRET

from .factories import PASSWORD, RoleAssignmentFactory, UserFactory

LOGIN = reverse("accounts:login")
ENROL = reverse("accounts:two_factor_enrol")
VERIFY = reverse("accounts:two_factor_verify")
PROFILE = reverse("accounts:profile")
NOW = datetime.datetime(2026, 3, 2, 8, 0, 15, tzinfo=datetime.UTC)


def code_at(secret: str, when: datetime.datetime) -> str:
    return pyotp.TOTP(secret).at(when)


@pytest.fixture
def leader(tree):
    return RoleAssignmentFactory(role="leader", agency=tree["root"], user__username="lanhdao").user


@pytest.fixture
def enrolled_leader(leader):
    secret = services.new_totp_secret()
    with time_machine.travel(NOW - datetime.timedelta(hours=1), tick=False):
        services.enable_totp(leader, secret, code_at(secret, timezone.now()))
    leader.refresh_from_db()
    return leader


@time_machine.travel(NOW, tick=False)
def test_leader_is_forced_to_enrol_then_reaches_pages(client, leader):
    response = client.post(LOGIN, {"identifier": "lanhdao", "password": PASSWORD})
    assert response.url.startswith(ENROL)
    # Every other page sends them back to enrolment.
    blocked = client.get(PROFILE)
    assert blocked.status_code == 302 and blocked.url.startswith(ENROL)
    assert client.get("/admin/").url.startswith(ENROL)
    page = client.get(ENROL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "<script" not in body.split("</main>")[0].split("<main")[1]
    secret = client.session[SESSION_PENDING_SECRET]
    assert secret in body
    assert client.post(ENROL, {"code": "000000" if code_at(secret, NOW) != "000000" else "111111"}).status_code == 400
    done = client.post(ENROL, {"code": code_at(secret, NOW)})
    assert done.status_code == 302
    assert client.get(PROFILE).status_code == 200
    leader.refresh_from_db()
    assert leader.has_totp and leader.totp_secret == secret


def test_enrolled_leader_must_verify_each_login_and_codes_cannot_be_reused(client, enrolled_leader):
    secret = enrolled_leader.totp_secret
    with time_machine.travel(NOW, tick=False):
        response = client.post(LOGIN + "?next=/tai-khoan/khoa-api/", {"identifier": "lanhdao", "password": PASSWORD})
        assert response.url.startswith(VERIFY)
        assert client.get(PROFILE).url.startswith(VERIFY)
        # API: the half-signed-in session is anonymous there.
        assert client.get("/api/v1/accounts/me").status_code == 401
        code = code_at(secret, NOW)
        ok = client.post(VERIFY + "?next=/tai-khoan/khoa-api/", {"code": code})
        assert ok.status_code == 302 and ok.url == "/tai-khoan/khoa-api/"
        assert client.get(PROFILE).status_code == 200
        assert client.get("/api/v1/accounts/me").status_code == 200
        client.post(reverse("accounts:logout"))
        client.post(LOGIN, {"identifier": "lanhdao", "password": PASSWORD})
        reused = client.post(VERIFY, {"code": code})
        assert reused.status_code == 400
        assert "đã dùng" in reused.content.decode()
        assert client.get(PROFILE).status_code == 302


@pytest.mark.parametrize(("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)])
def test_one_step_of_drift_is_allowed(enrolled_leader, offset, accepted):
    code = code_at(enrolled_leader.totp_secret, NOW + datetime.timedelta(seconds=offset))
    with time_machine.travel(NOW, tick=False):
        assert services.verify_totp(enrolled_leader, code) is accepted


def test_code_attempts_are_rate_limited(client, enrolled_leader, settings):
    settings.LOGIN_MAX_FAILURES = 3
    with time_machine.travel(NOW, tick=False):
        client.post(LOGIN, {"identifier": "lanhdao", "password": PASSWORD})
        good = code_at(enrolled_leader.totp_secret, NOW)
        wrong = "123456" if good != "123456" else "654321"
        for _ in range(3):
            assert client.post(VERIFY, {"code": wrong}).status_code == 400
        locked = client.post(VERIFY, {"code": good})
        assert locked.status_code == 429
        assert "quá nhiều lần" in locked.content.decode()
    assert User.objects.get(pk=enrolled_leader.pk).totp_last_counter < pyotp.TOTP(enrolled_leader.totp_secret).timecode(NOW)


def test_required_roles_cannot_disable(client, enrolled_leader):
    with time_machine.travel(NOW, tick=False):
        from .factories import login_verified

        login_verified(client, enrolled_leader)
        response = client.post(reverse("accounts:two_factor_disable"), {"code": code_at(enrolled_leader.totp_secret, NOW)})
        assert response.status_code == 400
        assert "bắt buộc" in response.content.decode()
    enrolled_leader.refresh_from_db()
    assert enrolled_leader.has_totp


def test_optional_two_factor_for_citizen_enrol_verify_disable(client, db):
    citizen = UserFactory(username="congdan")
    with time_machine.travel(NOW, tick=False):
        client.post(LOGIN, {"identifier": "congdan", "password": PASSWORD})
        assert client.get(PROFILE).status_code == 200  # not required
        client.get(ENROL)
        secret = client.session[SESSION_PENDING_SECRET]
        assert client.post(ENROL, {"code": code_at(secret, NOW)}).status_code == 302
    later = NOW + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        client.post(reverse("accounts:logout"))
        client.post(LOGIN, {"identifier": "congdan", "password": PASSWORD})
        assert client.get(PROFILE).url.startswith(VERIFY)  # once enrolled, always verified
        assert client.post(VERIFY, {"code": code_at(secret, later)}).status_code == 302
    with time_machine.travel(later + datetime.timedelta(minutes=1), tick=False):
        response = client.post(reverse("accounts:two_factor_disable"),
                               {"code": code_at(secret, later + datetime.timedelta(minutes=1))})
        assert response.status_code == 302
    citizen.refresh_from_db()
    assert not citizen.has_totp


def test_superuser_must_enrol(client, db):
    User.objects.create_superuser("sieuquantri", PASSWORD, full_name="Quản trị")
    client.post(LOGIN, {"identifier": "sieuquantri", "password": PASSWORD})
    assert client.get("/admin/").url.startswith(ENROL)


def test_tampered_secret_is_refused(enrolled_leader):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.enable_totp(enrolled_leader, "not base32 !!", "123456")
