"""Every write to accounts, roles, second factors and API tokens (ARCHITECTURE.md habit 1).

Personal data is minimised and validated on the way in (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15,
NĐ 13/2023/NĐ-CP until 01/01/2026): the personal identification number is optional, checked
against its structure (TT 59/2021/TT-BCA Art. 7) and unique; secrets never reach the audit trail.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import secrets

import pyotp
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chinhquyenso.agencies.models import Agency
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import is_digits, nfc

from . import events
from .models import ApiToken, ExternalIdentity, Role, RoleAssignment, User, UserKind
from .queries import is_system_admin, two_factor_required, visible_agencies
from .validators import normalize_personal_id, normalize_phone, validate_personal_id, validate_phone

PROFILE_FIELDS = ("full_name", "email", "phone", "personal_id", "title")
ADMIN_FIELDS = ("kind", "is_active", "is_staff")
API_TOKEN_PREFIX = "cqs_"  # noqa: S105 - a public marker, not a secret
MAX_ACTIVE_TOKENS = 20


# --- contact data -----------------------------------------------------------------------------


def _clean_contact(user: User, *, errors: dict) -> None:
    """Normalise and validate e-mail, phone and personal id of `user` in place; collect errors."""
    user.full_name = nfc(user.full_name)
    user.title = nfc(user.title)
    user.email = (user.email or "").strip().lower() or None
    user.phone = normalize_phone(user.phone or "") or None
    user.personal_id = normalize_personal_id(user.personal_id or "") or None
    if not user.full_name:
        errors["full_name"] = "Vui lòng nhập họ và tên."
    if user.email:
        from django.core.validators import validate_email

        try:
            validate_email(user.email)
        except ValidationError:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if user.phone:
        try:
            validate_phone(user.phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if user.personal_id:
        try:
            validate_personal_id(user.personal_id)
        except ValidationError as exc:
            errors["personal_id"] = exc.messages[0]
    others = User.objects.exclude(pk=user.pk) if user.pk else User.objects.all()
    taken = {
        "email": ("email", "Địa chỉ thư điện tử này đã được dùng cho tài khoản khác."),
        "phone": ("phone", "Số điện thoại này đã được dùng cho tài khoản khác."),
        "personal_id": ("personal_id", "Số định danh cá nhân này đã được dùng cho tài khoản khác."),
    }
    for field, (lookup, message) in taken.items():
        value = getattr(user, field)
        if value and field not in errors and others.filter(**{lookup: value}).exists():
            errors[field] = message


# Django's Vietnamese catalogue lacks some validator messages (e.g. the plural "too short"), so
# the known codes get our own wording; unknown validators keep theirs.
PASSWORD_MESSAGES = {
    "password_too_short": "Mật khẩu quá ngắn: cần ít nhất {min_length} ký tự.",
    "password_too_similar": "Mật khẩu quá giống thông tin cá nhân của bạn.",
    "password_too_common": "Mật khẩu này quá phổ biến, dễ bị đoán.",
    "password_entirely_numeric": "Mật khẩu không được chỉ gồm chữ số.",
}


def _validate_password(password: str, user: User, errors: dict) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        messages = []
        for error in exc.error_list:
            template = PASSWORD_MESSAGES.get(error.code or "")
            messages.append(template.format(**(error.params or {})) if template else error.messages[0])
        errors["password"] = messages


def _new_username(prefix: str) -> str:
    # Citizens sign in by phone or e-mail; their username is an opaque handle so that a phone
    # number recycled by the carrier never collides with an old account's username.
    while True:
        username = f"{prefix}{secrets.token_hex(5)}"
        if not User.objects.filter(username=username).exists():
            return username


@transaction.atomic
def register_citizen(
    *, full_name: str, password: str, phone: str | None = None, email: str | None = None,
    personal_id: str | None = None,
) -> User:
    """Self-registration of a citizen: phone or e-mail is required, the personal id is optional."""
    user = User(
        username=_new_username("cd"), full_name=full_name or "", phone=phone, email=email,
        personal_id=personal_id, kind=UserKind.CITIZEN,
    )
    errors: dict = {}
    _clean_contact(user, errors=errors)
    if not user.phone and not user.email and "phone" not in errors and "email" not in errors:
        errors["phone"] = "Vui lòng nhập số điện thoại hoặc địa chỉ thư điện tử."
    _validate_password(password, user, errors)
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    record("user.register", user, after=snapshot(user))
    events.citizen_registered.send(sender=User, user=user)
    return user


@transaction.atomic
def update_profile(user: User, *, by: User | None = None, **changes) -> User:
    """Change contact data. The owner may change PROFILE_FIELDS (the personal id only while it is
    empty: once set it is corrected by an administrator); system administrators also ADMIN_FIELDS."""
    by = by or user
    admin = is_system_admin(by)
    if by.pk != user.pk and not admin:
        raise PermissionDenied("Bạn không có quyền sửa tài khoản này.")
    allowed = set(PROFILE_FIELDS) | (set(ADMIN_FIELDS) if admin else set())
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"Không được sửa các trường: {', '.join(sorted(unknown))}.")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(user)
    if (
        "personal_id" in changes and user.personal_id and not admin
        and normalize_personal_id(changes["personal_id"] or "") != user.personal_id
    ):
        raise ValidationError({"personal_id": "Số định danh cá nhân đã khai báo chỉ quản trị viên mới sửa được."})
    if "kind" in changes and changes["kind"] not in UserKind.values:
        raise ValidationError({"kind": "Loại tài khoản không hợp lệ."})
    for field, value in changes.items():
        setattr(user, field, value)
    errors: dict = {}
    _clean_contact(user, errors=errors)
    if user.kind == UserKind.CITIZEN and not user.phone and not user.email and not user.external_identities.exists():
        errors.setdefault("phone", "Tài khoản công dân cần số điện thoại hoặc địa chỉ thư điện tử.")
    if errors:
        raise ValidationError(errors)
    user.save()
    record("user.update", user, before=before, after=snapshot(user))
    return user


@transaction.atomic
def set_password(user: User, new_password: str, *, by: User | None = None, old_password: str | None = None) -> User:
    """Change a password. The owner must give the old one (unless the account has none, e.g. it
    came from VNeID); a system administrator may reset it."""
    by = by or user
    if by.pk != user.pk and not is_system_admin(by):
        raise PermissionDenied("Bạn không có quyền đặt mật khẩu cho tài khoản này.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if by.pk == user.pk and user.has_usable_password() and not user.check_password(old_password or ""):
        raise ValidationError({"old_password": "Mật khẩu hiện tại không đúng."})
    errors: dict = {}
    _validate_password(new_password, user, errors)
    if errors:
        raise ValidationError(errors)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record("user.set_password", user, after={"password_changed": True})
    return user


# --- officials and roles ----------------------------------------------------------------------


def _may_administer(by: User, agency: Agency) -> bool:
    if is_system_admin(by):
        return True
    return visible_agencies(by, [Role.AGENCY_ADMIN]).filter(pk=agency.pk).exists()


@transaction.atomic
def create_official(
    by: User, *, username: str, full_name: str, email: str | None = None, phone: str | None = None,
    title: str = "", password: str | None = None, is_staff: bool = False,
    role: str | None = None, agency: Agency | None = None, include_subagencies: bool = True,
) -> User:
    """An agency or system administrator opens an official's account, optionally with a first role
    (which goes through assign_role and its scope check). Without a password the account cannot
    sign in until one is set."""
    if not is_system_admin(by) and not visible_agencies(by, [Role.AGENCY_ADMIN]).exists():
        raise PermissionDenied("Chỉ quản trị cơ quan hoặc quản trị hệ thống được tạo tài khoản cán bộ.")
    if is_staff and not is_system_admin(by):
        raise PermissionDenied("Chỉ quản trị hệ thống được cấp quyền vào trang quản trị.")
    username = (username or "").strip().lower()
    user = User(username=username, full_name=full_name or "", email=email, phone=phone, title=title or "",
                kind=UserKind.OFFICIAL, is_staff=is_staff)
    errors: dict = {}
    if not username:
        errors["username"] = "Vui lòng nhập tên đăng nhập."
    elif User.objects.filter(username=username).exists():
        errors["username"] = "Tên đăng nhập đã tồn tại."
    _clean_contact(user, errors=errors)
    if password:
        _validate_password(password, user, errors)
    if errors:
        raise ValidationError(errors)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    record("user.create_official", user, after=snapshot(user))
    if role and agency is not None:
        assign_role(by, user, role, agency, include_subagencies=include_subagencies)
    return user


@transaction.atomic
def assign_role(
    by: User, user: User, role: str, agency: Agency, *, include_subagencies: bool = True,
    valid_until: datetime.datetime | None = None,
) -> RoleAssignment:
    """Grant `role` at `agency`. System administrators may grant anything; agency administrators
    only inside their own subtree, never system_admin, and never to themselves (no self-escalation).
    Granting an existing (possibly expired or revoked) role renews that row."""
    if not _may_administer(by, agency):
        raise PermissionDenied("Bạn chỉ được phân quyền trong phạm vi cơ quan mình quản trị.")
    system = is_system_admin(by)
    if role == Role.SYSTEM_ADMIN and not system:
        raise PermissionDenied("Chỉ quản trị hệ thống được cấp vai trò quản trị hệ thống.")
    if by.pk == user.pk and not system:
        raise PermissionDenied("Không được tự phân quyền cho chính mình.")
    if role not in Role.values:
        raise ValidationError({"role": "Vai trò không hợp lệ."})
    if user.kind != UserKind.OFFICIAL:
        raise ValidationError({"user": "Chỉ tài khoản cán bộ, công chức mới được phân vai trò."})
    if not user.is_active:
        raise ValidationError({"user": "Tài khoản đã bị khóa."})
    if not agency.is_active:
        raise ValidationError({"agency": "Cơ quan không còn hoạt động."})
    if valid_until is not None and valid_until <= timezone.now():
        raise ValidationError({"valid_until": "Thời hạn hiệu lực phải ở tương lai."})
    existing = RoleAssignment.objects.select_for_update().filter(user=user, role=role, agency=agency).first()
    if existing is None:
        assignment = RoleAssignment.objects.create(
            user=user, role=role, agency=agency, include_subagencies=include_subagencies, valid_until=valid_until
        )
        before = None
    else:
        assignment = existing
        before = snapshot(assignment)
        assignment.include_subagencies = include_subagencies
        assignment.valid_until = valid_until
        assignment.save(update_fields=["include_subagencies", "valid_until"])
    record("role.assign", assignment, before=before, after=snapshot(assignment),
           province_code=agency.province_code)
    return assignment


@transaction.atomic
def revoke_role(by: User, assignment: RoleAssignment) -> RoleAssignment:
    """Revocation ends the grant now (valid_until) and keeps the row as history."""
    assignment = RoleAssignment.objects.select_for_update().select_related("agency").get(pk=assignment.pk)
    if not _may_administer(by, assignment.agency):
        raise PermissionDenied("Bạn chỉ được thu hồi quyền trong phạm vi cơ quan mình quản trị.")
    system = is_system_admin(by)
    if assignment.role == Role.SYSTEM_ADMIN and not system:
        raise PermissionDenied("Chỉ quản trị hệ thống được thu hồi vai trò quản trị hệ thống.")
    now = timezone.now()
    if assignment.valid_until is not None and assignment.valid_until <= now:
        raise ValidationError("Quyền này đã hết hiệu lực.")
    before = snapshot(assignment)
    assignment.valid_until = now
    assignment.save(update_fields=["valid_until"])
    record("role.revoke", assignment, before=before, after=snapshot(assignment),
           province_code=assignment.agency.province_code)
    return assignment


# --- TOTP second factor (RFC 6238) ------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32(32)


def _match_counter(secret: str, code: str, last_counter: int) -> int | None:
    """The time step the code belongs to, allowing one step of clock drift either way (RFC 6238
    §5.2), and refusing any step at or before the last one used (§5.2: one use per code)."""
    code = (code or "").replace(" ", "").strip()
    if len(code) != 6 or not is_digits(code) or not secret:
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(timezone.now())
    for counter in (now - 1, now, now + 1):
        if counter > last_counter and hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


@transaction.atomic
def verify_totp(user: User, code: str) -> bool:
    """Check a code for an enrolled account and burn its time step (row lock: two requests with
    the same code cannot both pass)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.has_totp:
        return False
    counter = _match_counter(locked.totp_secret, code, locked.totp_last_counter)
    if counter is None:
        return False
    User.objects.filter(pk=user.pk).update(totp_last_counter=counter)
    user.totp_last_counter = counter
    return True


@transaction.atomic
def enable_totp(user: User, secret: str, code: str) -> User:
    """Confirm enrolment: the code proves the authenticator app holds `secret`."""
    try:
        valid = len(secret or "") >= 26 and len(base64.b32decode(secret, casefold=True)) >= 16
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise ValidationError({"code": "Khóa bí mật không hợp lệ, vui lòng bắt đầu lại."})
    locked = User.objects.select_for_update().get(pk=user.pk)
    counter = _match_counter(secret, code, 0)
    if counter is None:
        raise ValidationError({"code": "Mã xác thực không đúng hoặc đã hết hạn."})
    before = snapshot(locked, ["totp_confirmed_at"])
    locked.totp_secret = secret
    locked.totp_confirmed_at = timezone.now()
    locked.totp_last_counter = counter
    locked.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_counter"])
    record("user.totp_enable", locked, before=before, after=snapshot(locked, ["totp_confirmed_at"]))
    events.two_factor_enabled.send(sender=User, user=locked)
    user.totp_secret, user.totp_confirmed_at, user.totp_last_counter = secret, locked.totp_confirmed_at, counter
    return locked


@transaction.atomic
def disable_totp(user: User, code: str) -> User:
    """Optional second factors may be switched off with a valid code; required ones may not."""
    if two_factor_required(user):
        raise ValidationError("Vai trò của bạn bắt buộc xác thực hai lớp, không thể tắt.")
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.has_totp:
        raise ValidationError("Tài khoản chưa bật xác thực hai lớp.")
    if _match_counter(locked.totp_secret, code, locked.totp_last_counter) is None:
        raise ValidationError({"code": "Mã xác thực không đúng hoặc đã hết hạn."})
    return _clear_totp(locked, "user.totp_disable")


@transaction.atomic
def reset_totp(by: User, user: User) -> User:
    """A system administrator clears a lost authenticator; the user must enrol again."""
    if not is_system_admin(by):
        raise PermissionDenied("Chỉ quản trị hệ thống được đặt lại xác thực hai lớp.")
    return _clear_totp(User.objects.select_for_update().get(pk=user.pk), "user.totp_reset")


def _clear_totp(user: User, action: str) -> User:
    before = snapshot(user, ["totp_confirmed_at"])
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.save(update_fields=["totp_secret", "totp_confirmed_at"])
    record(action, user, before=before, after=snapshot(user, ["totp_confirmed_at"]))
    return user


# --- API tokens -------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_token(user: User, *, name: str, expires_at: datetime.datetime | None) -> tuple[ApiToken, str]:
    """Returns the token row and the key, which is shown once and never stored."""
    name = nfc(name)
    if not name:
        raise ValidationError({"name": "Vui lòng đặt tên cho khóa API."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "Thời hạn phải ở tương lai."})
    User.objects.select_for_update().get(pk=user.pk)  # serialise the count below
    active = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"Mỗi tài khoản có tối đa {MAX_ACTIVE_TOKENS} khóa API đang hoạt động.")
    key = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=key[:12], key_hash=hash_key(key),
                                    expires_at=expires_at)
    record("api_token.create", token, after=snapshot(token))
    return token, key


@transaction.atomic
def revoke_api_token(by: User, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != by.pk and not is_system_admin(by):
        raise PermissionDenied("Bạn không có quyền thu hồi khóa API này.")
    if token.revoked_at is not None:
        raise ValidationError("Khóa API đã bị thu hồi trước đó.")
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record("api_token.revoke", token, before=before, after=snapshot(token))
    return token


# --- external login providers -----------------------------------------------------------------


@transaction.atomic
def sign_in_external(provider: str, claims: dict, *, link_to: User | None = None) -> User:
    """Map a verified identity (`sub` at `provider`) to an account.

    Known identity → its account. With `link_to` (a signed-in user linking from the profile) →
    linked to that account. Otherwise a new citizen account; e-mail and phone are copied only
    when the provider says they are verified AND no account uses them yet. We never link to an
    existing account by e-mail or phone: ours are not verified at registration, so doing so would
    let whoever registered a victim's address first take over the victim's provider login.
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise ValidationError("Nhà cung cấp định danh không trả về mã định danh người dùng.")
    identity = (
        ExternalIdentity.objects.select_for_update().select_related("user")
        .filter(provider=provider, subject=subject).first()
    )
    now = timezone.now()
    if identity is not None:
        if link_to is not None and identity.user_id != link_to.pk:
            raise ValidationError("Tài khoản định danh này đã liên kết với một tài khoản khác.")
        if not identity.user.is_active:
            raise PermissionDenied("Tài khoản đã bị khóa.")
        ExternalIdentity.objects.filter(pk=identity.pk).update(last_login_at=now)
        return identity.user
    user = link_to if link_to is not None else _citizen_from_claims(provider, claims)
    identity = ExternalIdentity.objects.create(user=user, provider=provider, subject=subject, last_login_at=now)
    record("external_identity.link", identity, after=snapshot(identity))
    return user


def _citizen_from_claims(provider: str, claims: dict) -> User:
    name = nfc(claims.get("name") or " ".join(filter(None, [claims.get("family_name"), claims.get("middle_name"),
                                                              claims.get("given_name")])))
    user = User(username=_new_username("cd"), full_name=name or "Công dân", kind=UserKind.CITIZEN)
    email = (claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified") is True and not User.objects.filter(email=email).exists():
        user.email = email
    phone = normalize_phone(claims.get("phone_number") or "")
    if phone and claims.get("phone_number_verified") is True and not User.objects.filter(phone=phone).exists():
        try:
            validate_phone(phone)
            user.phone = phone
        except ValidationError:
            pass
    user.set_unusable_password()
    user.save()
    record("user.register", user, after={**snapshot(user), "provider": provider})
    return user
