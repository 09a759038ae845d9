"""Authentication classes for the JSON API (django-ninja).

    from chinhquyenso.accounts.auth import ApiTokenAuth, api_auth
    router = Router(auth=ApiTokenAuth())        # integrations only
    router = Router(auth=api_auth)              # integrations, or the signed-in browser session
    @router.get(..., auth=optional_api_auth)    # as api_auth, or nobody (request.auth: AnonymousUser)

The callable returns the User; it is also put on request.user, and the audit actor is set with
via="api" so service-layer writes made through a token are attributed to its owner.
"""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from chinhquyenso.core.context import Actor, client_ip, set_actor

from .models import ApiToken, User
from .services import API_TOKEN_PREFIX, hash_key

# last_used_at is informative; writing it on every call would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer cqs_…` — checks the SHA-256 hash, expiry, revocation and the owner."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = (token or "").strip()
        if not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
            return None
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_key(token)).first()
        now = timezone.now()
        if row is None or row.revoked_at is not None:
            return None
        if row.expires_at is not None and row.expires_at <= now:
            return None
        if not row.user.is_active:
            return None
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        # RequestContextMiddleware resets the context variable when the response is done.
        set_actor(Actor(
            user_id=row.user_id, name=str(row.user)[:255], ip=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:255], via="api",
        ))
        return row.user


class VerifiedSessionAuth(SessionAuth):
    """The browser session, as ninja's django_auth. TwoFactorRequiredMiddleware already hides a
    session that still owes its second factor, so request.user is anonymous then."""

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class Anonymous:
    """Last in an auth list: never refuses, so the operation also runs without credentials, with
    request.auth the AnonymousUser. The OpenAPI document lists it as the empty requirement {}
    (chinhquyenso.api), which tells clients and Schemathesis that credentials are optional."""

    openapi_anonymous = True

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else AnonymousUser()


api_auth = [ApiTokenAuth(), VerifiedSessionAuth()]
optional_api_auth = [*api_auth, Anonymous()]
