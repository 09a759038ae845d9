from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from chinhquyenso.agencies.models import Agency
from chinhquyenso.core.text import mask

from .validators import normalize_phone


class UserKind(models.TextChoices):
    CITIZEN = "citizen", "Công dân, tổ chức"
    OFFICIAL = "official", "Cán bộ, công chức"


class Role(models.TextChoices):
    ONE_STOP_OFFICER = "one_stop_officer", "Cán bộ một cửa"
    SPECIALIST = "specialist", "Chuyên viên xử lý"
    LEADER = "leader", "Lãnh đạo"
    DOCUMENT_CLERK = "document_clerk", "Văn thư"
    IOC_OPERATOR = "ioc_operator", "Điều hành IOC"
    AGENCY_ADMIN = "agency_admin", "Quản trị cơ quan"
    SYSTEM_ADMIN = "system_admin", "Quản trị hệ thống"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, username, password, **extra):
        if not username:
            raise ValueError("username is required")
        extra["email"] = self.normalize_email(extra.get("email") or "") or None
        if extra.get("phone"):
            extra["phone"] = normalize_phone(extra["phone"])
        user = self.model(username=username.strip().lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(username, password, **extra)

    def create_superuser(self, username, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True, kind=UserKind.OFFICIAL)
        return self._create(username, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Citizens sign in with phone or e-mail (or an OIDC provider such as VNeID); officials with
    their username. Personal data is minimised: the identification number is optional and only
    shown masked in lists (`masked_personal_id`)."""

    username = models.CharField("tên đăng nhập", max_length=150, unique=True)
    full_name = models.CharField("họ và tên", max_length=150)
    email = models.EmailField("thư điện tử", null=True, blank=True, unique=True)
    phone = models.CharField("điện thoại", max_length=15, null=True, blank=True, unique=True)
    personal_id = models.CharField("số định danh cá nhân", max_length=12, null=True, blank=True, unique=True)
    kind = models.CharField("loại tài khoản", max_length=10, choices=UserKind.choices, default=UserKind.CITIZEN)
    title = models.CharField("chức vụ", max_length=150, blank=True)
    is_staff = models.BooleanField("truy cập trang quản trị", default=False)
    is_active = models.BooleanField("đang hoạt động", default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # TOTP (RFC 6238) second factor. The secret is never exported to the audit trail.
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField(null=True, blank=True)
    totp_last_counter = models.BigIntegerField(default=0, help_text="Chống dùng lại mã OTP đã dùng")

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[-1] if self.full_name else self.username

    @property
    def masked_personal_id(self) -> str:
        return mask(self.personal_id)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, 3, 3)

    @property
    def is_official(self) -> bool:
        return self.kind == UserKind.OFFICIAL

    @property
    def has_totp(self) -> bool:
        return self.totp_confirmed_at is not None


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=now))


class RoleAssignment(models.Model):
    """An official holds a role at an agency; with `include_subagencies` the grant covers the
    agency's whole subtree (for example a province leader over every department)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=Role.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="role_assignments")
    include_subagencies = models.BooleanField("gồm cả đơn vị trực thuộc", default=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(db_default=Now(), editable=False)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role", "agency"], name="role_assignment_unique")]
        indexes = [models.Index(fields=["user", "role"], name="role_user_idx")]
        verbose_name = "phân quyền"
        verbose_name_plural = "phân quyền"

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"

    @property
    def province_code(self) -> str:
        return self.agency.province_code


class LoginAttempt(models.Model):
    """Every sign-in attempt; failures within a window lock the account and the address."""

    identifier = models.CharField(max_length=150, db_index=True)
    ip = models.CharField(max_length=45, db_index=True)
    succeeded = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "lần đăng nhập"
        verbose_name_plural = "lần đăng nhập"
        indexes = [models.Index(fields=["identifier", "at"], name="login_ident_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.identifier} {'ok' if self.succeeded else 'fail'}"


class ApiToken(models.Model):
    """Bearer tokens for integrations. Only a SHA-256 hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class ExternalIdentity(models.Model):
    """A link from an account to an identity at a login provider (OIDC `sub` at an issuer)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="external_identities")
    provider = models.CharField(max_length=64)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"
