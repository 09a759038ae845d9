"""The whole OpenID Connect flow against a provider mocked with `responses` and an RSA key
generated here."""

import base64
import hashlib
import json
import time
from types import SimpleNamespace
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from chinhquyenso.accounts.models import ExternalIdentity, User, UserKind

from .factories import UserFactory

ISSUER = "https://id.example.vn"
CLIENT_ID = "chinhquyenso-test"
CLIENT_SECRET = "bi-mat-cua-ung-dung-du-dai-cho-hs256-2025"
START = reverse("accounts:provider_start", args=["oidc"])
CALLBACK = reverse("accounts:provider_callback", args=["oidc"])


def _jwk(key, kid):
    data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "alg": "RS256", "use": "sig"}


@pytest.fixture
def idp(settings, db):
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = ISSUER, CLIENT_ID, CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "VNeID"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(f"{ISSUER}/.well-known/openid-configuration", json={
            "issuer": ISSUER,
            "authorization_endpoint": f"{ISSUER}/authorize",
            "token_endpoint": f"{ISSUER}/token",
            "userinfo_endpoint": f"{ISSUER}/userinfo",
            "jwks_uri": f"{ISSUER}/jwks",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        })
        rsps.get(f"{ISSUER}/jwks", json={"keys": [_jwk(key, "k1")]})
        yield SimpleNamespace(rsps=rsps, key=key, token_requests=[])


def begin(client):
    response = client.post(START)
    assert response.status_code == 302
    url = urlparse(response.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/authorize"
    return {k: v[0] for k, v in parse_qs(url.query).items()}


def id_token(key, nonce, kid="k1", **overrides):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "vneid-0001", "iat": now, "exp": now + 300, "nonce": nonce,
              **overrides}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def serve_tokens(idp, params, token, userinfo=None):
    """Token endpoint that checks PKCE and client authentication, then userinfo."""

    def token_endpoint(request):
        body = {k: v[0] for k, v in parse_qs(request.body).items()}
        idp.token_requests.append(body)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(body["code_verifier"].encode()).digest()).rstrip(b"=")
        expected_auth = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if (challenge.decode() != params["code_challenge"] or request.headers.get("Authorization") != expected_auth
                or body["code"] != "ma-uy-quyen" or body["grant_type"] != "authorization_code"):
            return 400, {}, json.dumps({"error": "invalid_grant"})
        return 200, {}, json.dumps({"access_token": "at-123", "token_type": "Bearer", "id_token": token})

    idp.rsps.add_callback(responses.POST, f"{ISSUER}/token", callback=token_endpoint)
    info = {"sub": "vneid-0001", "name": "Phạm Thị Dung", "email": "dung@example.vn", "email_verified": True,
            "phone_number": "+84912000111", "phone_number_verified": True}
    idp.rsps.get(f"{ISSUER}/userinfo", json={**info, **(userinfo or {})},
                 match=[responses.matchers.header_matcher({"Authorization": "Bearer at-123"})])


def test_authorization_request_uses_pkce_state_and_nonce(client, idp):
    params = begin(client)
    assert params["response_type"] == "code" and params["client_id"] == CLIENT_ID
    assert params["code_challenge_method"] == "S256"
    assert "openid" in params["scope"].split()
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["redirect_uri"].endswith(CALLBACK)
    pending = client.session["accounts.oidc.oidc"]
    assert pending["state"] == params["state"] and pending["nonce"] == params["nonce"]


def test_first_login_creates_citizen_then_links(client, idp):
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    response = client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]})
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(external_identities__subject="vneid-0001")
    assert user.kind == UserKind.CITIZEN and user.full_name == "Phạm Thị Dung"
    assert user.email == "dung@example.vn" and user.phone == "0912000111"
    assert not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert idp.token_requests[0]["redirect_uri"] == params["redirect_uri"]

    # Second sign-in: same account, no new user.
    client.post(reverse("accounts:logout"))
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    assert client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]}).status_code == 302
    assert User.objects.count() == 1 and ExternalIdentity.objects.count() == 1


def test_never_links_by_email(client, idp):
    existing = UserFactory(email="dung@example.vn")
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]})
    user = User.objects.get(external_identities__subject="vneid-0001")
    assert user.pk != existing.pk and user.email is None


def test_unverified_email_is_not_copied(client, idp):
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]), {"email_verified": False, "phone_number_verified": None})
    client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]})
    user = User.objects.get(external_identities__subject="vneid-0001")
    assert user.email is None and user.phone is None


@pytest.mark.parametrize("state", ["", "sai-state"])
def test_bad_state_is_400(client, idp, state):
    begin(client)
    response = client.get(CALLBACK, {"code": "ma-uy-quyen", "state": state})
    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ" in response.content.decode()
    assert not idp.token_requests


def test_callback_cannot_be_replayed(client, idp):
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]})
    client.post(reverse("accounts:logout"))
    assert client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]}).status_code == 400


@pytest.mark.parametrize(
    "case", ["signature", "nonce", "issuer", "audience", "expired", "unknown-kid", "userinfo-sub", "hs256"]
)
def test_bad_id_tokens_are_refused(client, idp, case):
    params = begin(client)
    nonce = params["nonce"]
    if case == "signature":
        token = id_token(rsa.generate_private_key(public_exponent=65537, key_size=2048), nonce)
    elif case == "nonce":
        token = id_token(idp.key, "nonce-khac")
    elif case == "issuer":
        token = id_token(idp.key, nonce, iss="https://gia-mao.example")
    elif case == "audience":
        token = id_token(idp.key, nonce, aud="ung-dung-khac")
    elif case == "expired":
        token = id_token(idp.key, nonce, exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)
    elif case == "unknown-kid":
        token = id_token(idp.key, nonce, kid="k-khac")
    elif case == "hs256":
        token = jwt.encode({"iss": ISSUER, "aud": CLIENT_ID, "sub": "x", "iat": int(time.time()),
                            "exp": int(time.time()) + 300, "nonce": nonce}, CLIENT_SECRET, algorithm="HS256")
    else:
        token = id_token(idp.key, nonce)
    serve_tokens(idp, params, token, {"sub": "nguoi-khac"} if case == "userinfo-sub" else None)
    response = client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]})
    assert response.status_code == 400
    assert "bị từ chối" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_provider_error_and_token_refusal(client, idp):
    params = begin(client)
    response = client.get(CALLBACK, {"error": "access_denied", "state": params["state"]})
    assert response.status_code == 400 and "bị hủy" in response.content.decode()
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    response = client.get(CALLBACK, {"code": "ma-sai", "state": params["state"]})
    assert response.status_code == 400 and "từ chối mã ủy quyền" in response.content.decode()


def test_provider_down_is_502_not_500(client, settings, db):
    settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET = ISSUER, CLIENT_ID, CLIENT_SECRET
    with responses.RequestsMock() as rsps:
        rsps.get(f"{ISSUER}/.well-known/openid-configuration", status=503)
        response = client.post(START)
    assert response.status_code == 502
    assert "Không kết nối được" in response.content.decode()


def test_unconfigured_provider_is_404(client, settings, db):
    settings.OIDC_ISSUER = ""
    assert client.post(START).status_code == 404
    assert client.get(CALLBACK).status_code == 404


def test_signed_in_user_links_identity_from_profile(client, idp):
    user = UserFactory()
    client.force_login(user)
    response = client.post(START, {"link": "1"})
    params = {k: v[0] for k, v in parse_qs(urlparse(response.url).query).items()}
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    assert client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]}).status_code == 302
    assert ExternalIdentity.objects.get().user == user
    assert User.objects.count() == 1


def test_leader_signing_in_by_oidc_still_owes_totp(client, idp, tree):
    from chinhquyenso.accounts import services

    from .factories import RoleAssignmentFactory

    leader = RoleAssignmentFactory(role="leader", agency=tree["root"]).user
    services.sign_in_external("oidc", {"sub": "vneid-0001"}, link_to=leader)
    params = begin(client)
    serve_tokens(idp, params, id_token(idp.key, params["nonce"]))
    response = client.get(CALLBACK, {"code": "ma-uy-quyen", "state": params["state"]})
    assert response.url.startswith(reverse("accounts:two_factor_enrol"))
