"""Login-provider plugin seam (ARCHITECTURE.md habit 8).

Providers are configured by settings:

    LOGIN_PROVIDERS = {
        "vneid": {"BACKEND": "chinhquyenso.accounts.providers.oidc.OIDCProvider", "ISSUER": "...", ...},
    }

Without LOGIN_PROVIDERS, one OpenID Connect provider is built from the OIDC_* settings under the
key "oidc". A provider is listed on the login page only when `is_configured()`.
Citizens sign in to the national public service portal through VNeID since 01/7/2024
(NĐ 69/2024/NĐ-CP on electronic identification [I]); OIDC is how such portals federate.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string


class ProviderError(Exception):
    """A refused sign-in; `message` is shown to the user (Vietnamese), `status` is the HTTP code."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


class LoginProvider:
    """Base class. `begin` returns the redirect to the provider; `complete` handles the callback
    and returns verified claims with at least `sub`."""

    def __init__(self, key: str, **options):
        self.key = key
        self.options = options

    @property
    def name(self) -> str:
        return self.options.get("NAME") or self.key

    def is_configured(self) -> bool:
        raise NotImplementedError

    def begin(self, request: HttpRequest, *, next_url: str, link_user_id: int | None) -> HttpResponse:
        raise NotImplementedError

    def complete(self, request: HttpRequest) -> tuple[dict, dict]:
        """Returns (claims, pending) where pending holds next_url and link_user_id."""
        raise NotImplementedError


def _provider_settings() -> dict[str, dict]:
    configured = getattr(settings, "LOGIN_PROVIDERS", None)
    if configured is not None:
        return configured
    return {
        "oidc": {
            "BACKEND": "chinhquyenso.accounts.providers.oidc.OIDCProvider",
            "ISSUER": settings.OIDC_ISSUER,
            "CLIENT_ID": settings.OIDC_CLIENT_ID,
            "CLIENT_SECRET": settings.OIDC_CLIENT_SECRET,
            "SCOPES": settings.OIDC_SCOPES,
            "NAME": settings.OIDC_PROVIDER_NAME,
        }
    }


def get_provider(key: str) -> LoginProvider | None:
    options = _provider_settings().get(key)
    if options is None:
        return None
    options = dict(options)
    provider = import_string(options.pop("BACKEND"))(key, **options)
    return provider if provider.is_configured() else None


def configured_providers() -> list[LoginProvider]:
    return [p for p in (get_provider(key) for key in _provider_settings()) if p is not None]
