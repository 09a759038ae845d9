from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .queries import two_factor_required
from .twofactor import SESSION_VERIFIED


class TwoFactorRequiredMiddleware:
    """Until a signed-in session has passed its TOTP step, it may only reach the two-factor
    pages, logout and static files. Users holding a role in TWO_FACTOR_REQUIRED_ROLES (and
    superusers) without an authenticator are sent to enrol; anyone with one, to verify.

    On /api/ such a session is treated as anonymous (token authentication still works), so a
    half-signed-in browser cannot use session-authenticated endpoints either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_prefixes(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (
                reverse("accounts:two_factor_verify"),
                reverse("accounts:two_factor_enrol"),
                reverse("accounts:logout"),
                settings.STATIC_URL,
                "/i18n/",
                reverse("core:healthz"),
            )
        return self._exempt

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.session.get(SESSION_VERIFIED) == user.pk:
            return self.get_response(request)
        if user.has_totp:
            target = "accounts:two_factor_verify"
        elif two_factor_required(user):
            target = "accounts:two_factor_enrol"
        else:
            return self.get_response(request)
        if request.path.startswith(self.exempt_prefixes()):
            return self.get_response(request)
        if request.path.startswith("/api/"):
            request.user = AnonymousUser()
            return self.get_response(request)
        url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
