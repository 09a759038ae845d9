import datetime
import hashlib

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chinhquyenso.accounts import services
from chinhquyenso.accounts.auth import ApiTokenAuth
from chinhquyenso.accounts.models import ApiToken
from chinhquyenso.core.context import current_actor, set_actor

from .factories import OfficialFactory, RoleAssignmentFactory, UserFactory

ME = "/api/v1/accounts/me"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def owner(db):
    return UserFactory(personal_id="038195001234", phone="0912345678")


@pytest.fixture
def key(owner):
    _, key = services.create_api_token(owner, name="Hệ thống một cửa", expires_at=timezone.now() + datetime.timedelta(days=30))
    return key


def test_only_the_hash_is_stored(owner, key):
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.prefix, token.key_hash, token.name}
    assert key.startswith(token.prefix)


def test_valid_token_returns_masked_profile_and_roles(client, db, tree):
    official = OfficialFactory(personal_id="038195001234")
    RoleAssignmentFactory(user=official, role="specialist", agency=tree["dept"])
    _, key = services.create_api_token(official, name="tích hợp", expires_at=None)
    response = client.get(ME, **bearer(key))
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == official.pk
    assert data["personal_id_masked"] == "038******234"
    assert "038195001234" not in response.content.decode()
    assert [r["agency_id"] for r in data["roles"]] == [tree["dept"].pk]
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("case", ["revoked", "expired", "wrong", "inactive", "no-prefix", "missing"])
def test_bad_tokens_are_refused(client, owner, key, case):
    header = bearer(key)
    if case == "revoked":
        services.revoke_api_token(owner, ApiToken.objects.get())
    elif case == "expired":
        ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif case == "wrong":
        header = bearer(key[:-2] + ("aa" if not key.endswith("aa") else "bb"))
    elif case == "inactive":
        type(owner).objects.filter(pk=owner.pk).update(is_active=False)
    elif case == "no-prefix":
        header = bearer(key[4:])
    elif case == "missing":
        header = {}
    response = client.get(ME, **header)
    assert response.status_code == 401
    assert "khóa API" in response.json()["detail"]


def test_expiry_is_checked_at_use_time(client, owner, key):
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert client.get(ME, **bearer(key)).status_code == 401


def test_last_used_is_written_at_most_every_few_minutes(client, owner, key, django_assert_num_queries):
    client.get(ME, **bearer(key))
    first = ApiToken.objects.get().last_used_at
    client.get(ME, **bearer(key))
    assert ApiToken.objects.get().last_used_at == first


def test_auth_sets_audit_actor(rf, owner, key):
    request = rf.get(ME)
    before = current_actor()
    try:
        assert ApiTokenAuth().authenticate(request, key) == owner
        actor = current_actor()
        assert actor.user_id == owner.pk and actor.via == "api"
        assert request.user == owner
    finally:
        # Outside RequestContextMiddleware nobody resets the actor; later tests must not inherit it.
        set_actor(before)


def test_actor_does_not_leak_after_an_api_request(client, owner, key, tree):
    """Through the full stack RequestContextMiddleware scopes the token actor to the request."""
    response = client.get(ME, **bearer(key))
    assert response.status_code == 200
    assert current_actor().user_id is None


def test_token_page_shows_key_once_and_revokes(client, owner):
    client.force_login(owner)
    url = reverse("accounts:api_tokens")
    response = client.post(url, {"name": "Cổng tỉnh", "lifetime": 90})
    assert response.status_code == 201
    token = ApiToken.objects.get()
    key = response.context["created_key"]
    assert key in response.content.decode()
    assert key not in client.get(url).content.decode()
    assert token.expires_at > timezone.now() + datetime.timedelta(days=89)
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert Client().get(ME, **bearer(key)).status_code == 401


def test_token_form_refuses_bad_input(client, owner):
    client.force_login(owner)
    response = client.post(reverse("accounts:api_tokens"), {"name": "  ", "lifetime": 7})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_cannot_revoke_someone_elses_token(client, owner, key):
    client.force_login(UserFactory())
    token = ApiToken.objects.get()
    assert client.post(reverse("accounts:api_token_revoke", args=[token.pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


@pytest.mark.parametrize("url_name", ["accounts:api_tokens", "accounts:profile", "accounts:profile_edit",
                                      "accounts:password_change", "accounts:two_factor_enrol"])
def test_pages_require_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
