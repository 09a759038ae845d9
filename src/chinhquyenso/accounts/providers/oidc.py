"""OpenID Connect relying party (OIDC Core 1.0, Discovery 1.0) with PKCE (RFC 7636, S256).

Authorization code flow: state, nonce and the PKCE verifier live in the session; the code is
exchanged with the client secret; the ID token is verified with PyJWT against the provider's
JWKS (signature, issuer, audience, expiry, nonce); userinfo must name the same subject.
HTTP goes through `requests` with timeouts, so tests mock the provider with `responses`.
"""

import base64
import hashlib
import hmac
import secrets
from urllib.parse import quote, urlencode

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from . import LoginProvider, ProviderError

TIMEOUT = 10
CACHE_SECONDS = 3600
# Only asymmetric algorithms: "none" and HMAC (keyed with the client secret) are refused.
ALLOWED_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
LEEWAY_SECONDS = 60


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode()).digest())


class OIDCProvider(LoginProvider):
    @property
    def issuer(self) -> str:
        return (self.options.get("ISSUER") or "").rstrip("/")

    @property
    def session_key(self) -> str:
        return f"accounts.oidc.{self.key}"

    def is_configured(self) -> bool:
        return bool(self.issuer and self.options.get("CLIENT_ID") and self.options.get("CLIENT_SECRET"))

    def redirect_uri(self) -> str:
        return settings.SITE_URL.rstrip("/") + reverse("accounts:provider_callback", args=[self.key])

    # --- provider metadata ---

    def _get_json(self, url: str, what: str, **kwargs) -> dict:
        try:
            response = requests.get(url, timeout=TIMEOUT, **kwargs)
            response.raise_for_status()
            data = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError(f"Không kết nối được với {self.name} ({what}). Vui lòng thử lại sau.", 502) from exc
        if not isinstance(data, dict):
            raise ProviderError(f"{self.name} trả về dữ liệu không hợp lệ ({what}).", 502)
        return data

    def discovery(self) -> dict:
        cache_key = f"oidc:discovery:{self.issuer}"
        config = cache.get(cache_key)
        if config is None:
            config = self._get_json(f"{self.issuer}/.well-known/openid-configuration", "discovery")
            # Discovery §4.3: the document must name exactly the issuer we asked.
            if (config.get("issuer") or "").rstrip("/") != self.issuer:
                raise ProviderError(f"Cấu hình của {self.name} không khớp nhà cung cấp đã đăng ký.", 502)
            for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not config.get(field):
                    raise ProviderError(f"Cấu hình của {self.name} thiếu {field}.", 502)
            cache.set(cache_key, config, CACHE_SECONDS)
        return config

    def _jwks(self, config: dict, refresh: bool = False) -> jwt.PyJWKSet:
        cache_key = f"oidc:jwks:{config['jwks_uri']}"
        data = None if refresh else cache.get(cache_key)
        if data is None:
            data = self._get_json(config["jwks_uri"], "JWKS")
            cache.set(cache_key, data, CACHE_SECONDS)
        try:
            return jwt.PyJWKSet.from_dict(data)
        except jwt.PyJWKSetError as exc:
            raise ProviderError(f"Khóa công khai của {self.name} không hợp lệ.", 502) from exc

    def _signing_key(self, config: dict, kid: str | None) -> jwt.PyJWK:
        for refresh in (False, True):  # an unknown kid may mean the provider rotated its keys
            keys = self._jwks(config, refresh=refresh).keys
            if kid is None and len(keys) == 1:
                return keys[0]
            for key in keys:
                if key.key_id == kid:
                    return key
        raise ProviderError(f"Không tìm thấy khóa ký của {self.name}: đăng nhập bị từ chối.", 400)

    # --- the flow ---

    def begin(self, request: HttpRequest, *, next_url: str, link_user_id: int | None) -> HttpResponse:
        config = self.discovery()
        state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)  # 86 characters, within RFC 7636's 43–128
        request.session[self.session_key] = {
            "state": state, "nonce": nonce, "verifier": verifier, "next": next_url, "link": link_user_id,
        }
        params = {
            "response_type": "code",
            "client_id": self.options["CLIENT_ID"],
            "redirect_uri": self.redirect_uri(),
            "scope": self.options.get("SCOPES") or "openid",
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
            "ui_locales": "vi",
        }
        return HttpResponseRedirect(f"{config['authorization_endpoint']}?{urlencode(params)}")

    def complete(self, request: HttpRequest) -> tuple[dict, dict]:
        # Pop first: a callback URL can be used once, whatever happens next.
        pending = request.session.pop(self.session_key, None)
        state = request.GET.get("state", "")
        if not pending or not state or not hmac.compare_digest(str(pending["state"]), state):
            raise ProviderError("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng đăng nhập lại.", 400)
        if request.GET.get("error"):
            raise ProviderError(f"Đăng nhập qua {self.name} đã bị hủy hoặc bị từ chối.", 400)
        code = request.GET.get("code", "")
        if not code:
            raise ProviderError(f"{self.name} không trả về mã ủy quyền.", 400)
        config = self.discovery()
        tokens = self._exchange(config, code, pending["verifier"])
        claims = self._verify_id_token(config, tokens.get("id_token") or "", pending["nonce"])
        if config.get("userinfo_endpoint") and tokens.get("access_token"):
            info = self._get_json(
                config["userinfo_endpoint"], "userinfo",
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
            # OIDC Core §5.3.2: userinfo about another subject must not be used.
            if str(info.get("sub")) != str(claims["sub"]):
                raise ProviderError(f"Thông tin người dùng từ {self.name} không khớp: đăng nhập bị từ chối.", 400)
            claims = {**info, **claims}
        return claims, pending

    def _exchange(self, config: dict, code: str, verifier: str) -> dict:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri(),
            "code_verifier": verifier,
        }
        headers = {"Accept": "application/json"}
        client_id, secret = self.options["CLIENT_ID"], self.options["CLIENT_SECRET"]
        methods = config.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        if "client_secret_basic" in methods:
            # RFC 6749 §2.3.1: form-encode id and secret before Basic encoding.
            raw = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        else:
            data.update(client_id=client_id, client_secret=secret)
        try:
            response = requests.post(config["token_endpoint"], data=data, headers=headers, timeout=TIMEOUT)
            payload = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderError(f"Không kết nối được với {self.name}. Vui lòng thử lại sau.", 502) from exc
        if response.status_code != 200 or not isinstance(payload, dict) or not payload.get("id_token"):
            raise ProviderError(f"{self.name} từ chối mã ủy quyền. Vui lòng đăng nhập lại.", 400)
        return payload

    def _verify_id_token(self, config: dict, id_token: str, nonce: str) -> dict:
        refused = f"Mã định danh (ID token) từ {self.name} không hợp lệ: đăng nhập bị từ chối."
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.InvalidTokenError as exc:
            raise ProviderError(refused, 400) from exc
        alg = header.get("alg")
        supported = set(config.get("id_token_signing_alg_values_supported") or ["RS256"])
        if alg not in ALLOWED_ALGORITHMS or alg not in supported:
            raise ProviderError(refused, 400)
        key = self._signing_key(config, header.get("kid"))
        try:
            claims = jwt.decode(
                id_token, key=key.key, algorithms=[alg], audience=self.options["CLIENT_ID"],
                issuer=config["issuer"], leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise ProviderError(refused, 400) from exc
        if "azp" in claims and claims["azp"] != self.options["CLIENT_ID"]:
            raise ProviderError(refused, 400)
        if not hmac.compare_digest(str(claims.get("nonce") or ""), nonce):
            raise ProviderError(refused, 400)
        return claims
