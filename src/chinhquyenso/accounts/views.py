"""Account pages: sign-in (with lockout), registration, profile, password, TOTP and API tokens."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from chinhquyenso.core.context import client_ip

from . import lockout, services, twofactor
from .backends import find_user
from .forms import (
    ApiTokenForm,
    CodeForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    apply_errors,
)
from .models import ApiToken
from .providers import configured_providers
from .queries import own_role_assignments, two_factor_required

BACKEND = "chinhquyenso.accounts.backends.PhoneOrEmailBackend"


def safe_next(request: HttpRequest, default: str | None = None) -> str:
    """The `next` parameter when it points back into this site, else the default."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default or settings.LOGIN_REDIRECT_URL)


def _locked_message() -> str:
    return _("Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.") % {
        "minutes": lockout.lockout_minutes()
    }


def after_first_factor(request: HttpRequest, user, next_url: str) -> HttpResponse:
    """Where a freshly signed-in user goes: the TOTP step when they owe one, else `next`."""
    if user.has_totp:
        return redirect(f"{reverse('accounts:two_factor_verify')}?{urlencode({'next': next_url})}")
    if two_factor_required(user):
        return redirect(f"{reverse('accounts:two_factor_enrol')}?{urlencode({'next': next_url})}")
    return redirect(next_url)


@sensitive_post_parameters("password")
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    """Password sign-in. A locked identifier or address is refused with 429 before the password
    is even looked at (see lockout.py)."""
    next_url = safe_next(request)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            raw = form.cleaned_data["identifier"]
            account = find_user(raw)
            # Count per account, so its username, e-mail and phone share one budget of tries.
            key = f"user:{account.pk}" if account is not None else lockout.normalize_identifier(raw)
            ip = client_ip(request)
            if lockout.is_locked(key, ip):
                form.add_error(None, _locked_message())
                status = 429
            else:
                user = authenticate(request, username=raw, password=form.cleaned_data["password"])
                lockout.record_attempt(key, ip, user is not None)
                if user is not None:
                    login(request, user)
                    return after_first_factor(request, user, next_url)
                form.add_error(None, _("Thông tin đăng nhập không đúng hoặc tài khoản đã bị khóa."))
    return render(
        request, "accounts/login.html",
        {"form": form, "next": next_url, "providers": configured_providers()}, status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """admin.site.login: the admin signs in through login_view, so lockout and TOTP apply."""
    if request.user.is_authenticated:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return redirect(safe_next(request, "admin:index"))
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")


@sensitive_post_parameters("password1", "password2")
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.register_citizen(
                    full_name=data["full_name"], password=data["password1"], phone=data["phone"],
                    email=data["email"], personal_id=data["personal_id"],
                )
            except ValidationError as exc:
                apply_errors(form, exc, {"password": "password1"})
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, _("Đăng ký tài khoản thành công."))
                return redirect("accounts:profile")
    return render(request, "accounts/register.html", {"form": form}, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "assignments": own_role_assignments(user),
        "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at"),
        "two_factor_required": two_factor_required(user),
        "code_form": CodeForm(),
        "identities": user.external_identities.order_by("provider"),
        "providers": configured_providers(),
    }
    return render(request, "accounts/profile.html", context)


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"full_name": user.full_name, "phone": user.phone or "", "email": user.email or "",
               "personal_id": user.personal_id or ""}
    form = ProfileForm(request.POST or None, initial=initial)
    if user.personal_id:
        form.fields["personal_id"].disabled = True
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "personal_id" or not user.personal_id}
            try:
                services.update_profile(user, by=user, **changes)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Đã cập nhật thông tin tài khoản."))
                return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form}, status=status)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = services.set_password(
                    request.user, form.cleaned_data["new_password1"], old_password=form.cleaned_data["old_password"]
                )
            except ValidationError as exc:
                apply_errors(form, exc, {"password": "new_password1"})
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Đã đổi mật khẩu."))
                return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form}, status=status)


# --- TOTP -------------------------------------------------------------------------------------


def _code_attempt(request: HttpRequest, form: CodeForm, check) -> tuple[bool, int]:
    """Run `check(code)` under the lockout; returns (passed, status)."""
    key, ip = lockout.totp_identifier(request.user), client_ip(request)
    if lockout.is_locked(key, ip):
        form.add_error(None, _locked_message())
        return False, 429
    try:
        passed = bool(check(form.cleaned_data["code"]))
    except ValidationError as exc:
        apply_errors(form, exc)
        passed = False
    lockout.record_attempt(key, ip, passed)
    if not passed and not form.errors:
        form.add_error("code", _("Mã xác thực không đúng, đã dùng hoặc đã hết hạn."))
    return passed, 200 if passed else 400


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = safe_next(request, "accounts:profile")
    if user.has_totp:
        messages.info(request, _("Tài khoản đã bật xác thực hai lớp."))
        return redirect(next_url if twofactor.is_verified(request) else reverse("accounts:two_factor_verify"))
    secret = request.session.get(twofactor.SESSION_PENDING_SECRET)
    if not secret:
        secret = services.new_totp_secret()
        request.session[twofactor.SESSION_PENDING_SECRET] = secret
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            passed, status = _code_attempt(request, form, lambda code: services.enable_totp(user, secret, code))
            if passed:
                request.session.pop(twofactor.SESSION_PENDING_SECRET, None)
                twofactor.mark_verified(request)
                messages.success(request, _("Đã bật xác thực hai lớp."))
                return redirect(next_url)
    uri = twofactor.provisioning_uri(user, secret)
    context = {
        "form": form, "secret": secret, "qr": twofactor.qr_svg(uri), "next": next_url,
        "required": two_factor_required(user),
    }
    return render(request, "accounts/two_factor_enrol.html", context, status=status)


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    next_url = safe_next(request)
    if not user.has_totp:
        if two_factor_required(user):
            return redirect(f"{reverse('accounts:two_factor_enrol')}?{urlencode({'next': next_url})}")
        return redirect(next_url)
    if twofactor.is_verified(request):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            passed, status = _code_attempt(request, form, lambda code: services.verify_totp(user, code))
            if passed:
                twofactor.mark_verified(request)
                return redirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url}, status=status)


@sensitive_post_parameters("code")
@require_POST
@login_required
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    status = 400
    if form.is_valid():
        passed, status = _code_attempt(request, form, lambda code: services.disable_totp(request.user, code))
        if passed:
            messages.success(request, _("Đã tắt xác thực hai lớp."))
            return redirect("accounts:profile")
    errors = [str(e) for e in form.non_field_errors()] + [str(e) for e in form.errors.get("code", [])]
    return render(request, "accounts/message.html", {"errors": errors}, status=status)


# --- API tokens -------------------------------------------------------------------------------


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List and create tokens. A new key is rendered in this response only and never again."""
    form = ApiTokenForm(request.POST or None)
    created_key = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            expires = timezone.now() + datetime.timedelta(days=form.cleaned_data["lifetime"])
            try:
                token, created_key = services.create_api_token(
                    request.user, name=form.cleaned_data["name"], expires_at=expires
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                status = 201
                form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request, "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "created_key": created_key, "now": timezone.now()}, status=status,
    )


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's token is a 404 here: its existence is none of the caller's business.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        services.revoke_api_token(request.user, token)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Đã thu hồi khóa API."))
    return redirect("accounts:api_tokens")
