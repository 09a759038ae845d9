"""Officials are signed out after OFFICIAL_IDLE_TIMEOUT without a request; citizens are not."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from chinhquyenso.accounts.middleware import SESSION_LAST_SEEN

from .factories import PASSWORD, OfficialFactory, UserFactory

LOGIN = reverse("accounts:login")
PROFILE = reverse("accounts:profile")


def _sign_in(client, user):
    response = client.post(LOGIN, {"identifier": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content


@pytest.fixture
def start():
    return timezone.now().replace(microsecond=0)


@pytest.mark.django_db
def test_official_idle_for_longer_than_the_timeout_is_signed_out(client, settings, start):
    settings.OFFICIAL_IDLE_TIMEOUT = 30 * 60
    official = OfficialFactory()
    with time_machine.travel(start, tick=False):
        _sign_in(client, official)
        assert client.get(PROFILE).status_code == 200
    # 29 minutes later: still signed in, and the request counts as activity.
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        assert client.get(PROFILE).status_code == 200
    # 29 + 29 minutes: less than 30 since the last request, so still in.
    with time_machine.travel(start + datetime.timedelta(minutes=58), tick=False):
        assert client.get(PROFILE).status_code == 200
    # 31 minutes of silence: out, sent to the login page with the page to come back to.
    with time_machine.travel(start + datetime.timedelta(minutes=89), tick=False):
        response = client.get(PROFILE, follow=True)
        assert response.redirect_chain[0][0].startswith(LOGIN + "?next=")
        assert "_auth_user_id" not in client.session
        assert "hết hạn vì không hoạt động" in response.content.decode()
        # Signing in again works at once.
        _sign_in(client, official)
        assert client.get(PROFILE).status_code == 200


@pytest.mark.django_db
def test_htmx_and_api_requests_of_an_expired_session(client, settings, start):
    settings.OFFICIAL_IDLE_TIMEOUT = 60
    official = OfficialFactory()
    with time_machine.travel(start, tick=False):
        _sign_in(client, official)
        client.get(PROFILE)
    with time_machine.travel(start + datetime.timedelta(minutes=5), tick=False):
        response = client.get(PROFILE, headers={"HX-Request": "true"})
        assert response.status_code == 204
        assert response["HX-Redirect"].startswith(LOGIN)
    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        _sign_in(client, official)
        client.get(PROFILE)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        response = client.get("/api/v1/dossiers/")
        assert response.status_code == 401
        assert "hết hạn" in response.json()["detail"]


@pytest.mark.django_db
def test_citizens_keep_the_plain_session_age(client, settings, start):
    settings.OFFICIAL_IDLE_TIMEOUT = 30 * 60
    citizen = UserFactory()
    with time_machine.travel(start, tick=False):
        _sign_in(client, citizen)
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        assert client.get(PROFILE).status_code == 200
        assert SESSION_LAST_SEEN not in client.session


@pytest.mark.django_db
def test_last_seen_is_written_at_most_once_a_minute(client, settings, start):
    settings.OFFICIAL_IDLE_TIMEOUT = 30 * 60
    settings.OFFICIAL_IDLE_TOUCH = 60
    official = OfficialFactory()
    with time_machine.travel(start, tick=False):
        _sign_in(client, official)
        client.get(PROFILE)
        first = client.session[SESSION_LAST_SEEN]
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get(PROFILE)
        assert client.session[SESSION_LAST_SEEN] == first
    with time_machine.travel(start + datetime.timedelta(seconds=90), tick=False):
        client.get(PROFILE)
        assert client.session[SESSION_LAST_SEEN] == first + 90


@pytest.mark.django_db
def test_the_clock_starts_at_sign_in(client, settings, start):
    settings.OFFICIAL_IDLE_TIMEOUT = 30 * 60
    official = OfficialFactory()
    with time_machine.travel(start, tick=False):
        _sign_in(client, official)
        assert client.session[SESSION_LAST_SEEN] == int(start.timestamp())
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        assert client.get(PROFILE).status_code == 302


@pytest.mark.django_db
def test_timeout_zero_turns_it_off(client, settings, start):
    settings.OFFICIAL_IDLE_TIMEOUT = 0
    official = OfficialFactory()
    with time_machine.travel(start, tick=False):
        _sign_in(client, official)
    with time_machine.travel(start + datetime.timedelta(hours=3), tick=False):
        assert client.get(PROFILE).status_code == 200
