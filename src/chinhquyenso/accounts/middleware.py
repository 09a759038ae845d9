import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .queries import two_factor_required
from .twofactor import SESSION_VERIFIED


def _redirect_back_after(request, view_name: str):
    """To `view_name` with ?next= this page; an htmx request gets HX-Redirect (a 302 would be
    swapped into the page fragment)."""
    url = f"{reverse(view_name)}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


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
        return _redirect_back_after(request, target)


# Session key holding the epoch second of the official's last request.
SESSION_LAST_SEEN = "accounts.last_seen"


def _watched_user(user) -> bool:
    return bool(settings.OFFICIAL_IDLE_TIMEOUT and user is not None and user.is_authenticated
                and (user.is_official or user.is_superuser))


@receiver(user_logged_in)
def start_idle_clock(sender, request, user, **kwargs):
    """Signing in, by any path (password, OIDC, an admin's force_login): the clock starts now."""
    if request is not None and hasattr(request, "session") and _watched_user(user):
        request.session[SESSION_LAST_SEEN] = int(time.time())


class OfficialIdleTimeoutMiddleware:
    """Signs an official out after OFFICIAL_IDLE_TIMEOUT seconds without a request (default 30
    minutes): an unattended desk does not stay signed in for the rest of the working day
    (docs/security.md). Citizens keep the plain SESSION_COOKIE_AGE.

    The last-seen time is written at most once per OFFICIAL_IDLE_TOUCH seconds (default 60), so
    a busy official does not cost a session write per request. A page polled by htmx (the IOC
    wall display) counts as activity: it is meant to stay on while it is watched."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _watched_user(getattr(request, "user", None)):
            now = int(time.time())
            last_seen = request.session.get(SESSION_LAST_SEEN)
            if last_seen is not None and now - int(last_seen) > settings.OFFICIAL_IDLE_TIMEOUT:
                return self._expired(request)
            if last_seen is None or now - int(last_seen) >= settings.OFFICIAL_IDLE_TOUCH:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)

    def _expired(self, request):
        logout(request)  # flushes the session: a new session key, nothing of the old one kept
        message = _("Phiên làm việc đã hết hạn vì không hoạt động. Vui lòng đăng nhập lại.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return _redirect_back_after(request, settings.LOGIN_URL)
