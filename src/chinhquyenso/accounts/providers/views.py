"""Start and callback pages shared by every login provider."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chinhquyenso.core.context import client_ip

from .. import lockout, services
from ..models import User
from . import ProviderError, get_provider


def _provider_or_404(key: str):
    provider = get_provider(key)
    if provider is None:
        raise Http404
    return provider


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/provider_error.html", {"message": message}, status=status)


@require_POST
def provider_start(request: HttpRequest, key: str) -> HttpResponse:
    """POST (CSRF-protected) so the redirect to the provider is allowed by CSP form-action."""
    from ..views import safe_next

    provider = _provider_or_404(key)
    link_user_id = None
    if request.user.is_authenticated:
        if request.POST.get("link") != "1":
            return redirect("accounts:profile")
        link_user_id = request.user.pk
    next_url = safe_next(request, "accounts:profile" if link_user_id else None)
    try:
        return provider.begin(request, next_url=next_url, link_user_id=link_user_id)
    except ProviderError as exc:
        return _refused(request, exc.message, exc.status)


@never_cache
@require_GET
def provider_callback(request: HttpRequest, key: str) -> HttpResponse:
    from ..views import after_first_factor

    provider = _provider_or_404(key)
    try:
        claims, pending = provider.complete(request)
    except ProviderError as exc:
        return _refused(request, exc.message, exc.status)
    link_to = None
    if pending.get("link"):
        if not request.user.is_authenticated or request.user.pk != pending["link"]:
            return _refused(request, _("Phiên đăng nhập đã thay đổi. Vui lòng thử lại."), 400)
        link_to = User.objects.get(pk=pending["link"])
    try:
        user = services.sign_in_external(provider.key, claims, link_to=link_to)
    except ValidationError as exc:
        return _refused(request, exc.messages[0], 400)
    except PermissionDenied as exc:
        return _refused(request, str(exc) or _("Tài khoản đã bị khóa."), 403)
    if link_to is not None:
        messages.success(request, _("Đã liên kết tài khoản với %(name)s.") % {"name": provider.name})
        return redirect(pending["next"])
    login(request, user, backend="chinhquyenso.accounts.backends.PhoneOrEmailBackend")
    lockout.record_attempt(f"user:{user.pk}", client_ip(request), True)
    return after_first_factor(request, user, pending["next"])
