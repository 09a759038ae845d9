"""Admin for accounts. Writes go through services.py (audit, scope checks); the admin signs in
through accounts:login so lockout and TOTP apply there too (it is not a bypass)."""

from django.contrib import admin, messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chinhquyenso.core.admin import ReadOnlyAdmin

from . import services, views
from .models import ApiToken, ExternalIdentity, LoginAttempt, RoleAssignment, User
from .validators import normalize_personal_id, normalize_phone, validate_personal_id, validate_phone

admin.site.login = views.admin_login


class UserChangeForm(auth_forms.UserChangeForm):
    """Django's form (read-only password hash with a link to set one) with our fields."""

    class Meta:
        model = User
        fields = ("username", "password", "full_name", "kind", "title", "email", "phone", "personal_id", "is_active",
                  "is_staff", "is_superuser", "groups", "user_permissions")

    def clean_phone(self):
        value = normalize_phone(self.cleaned_data.get("phone") or "")
        if value:
            validate_phone(value)
        return value or None

    def clean_personal_id(self):
        value = normalize_personal_id(self.cleaned_data.get("personal_id") or "")
        if value:
            validate_personal_id(value)
        return value or None


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username", "full_name")


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = ("role", "agency", "include_subagencies", "valid_until")
    raw_id_fields = ("agency",)
    verbose_name = "vai trò"
    verbose_name_plural = "vai trò (xóa = thu hồi, giữ lại lịch sử)"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    inlines = [RoleAssignmentInline]
    list_display = ("username", "full_name", "kind", "phone_masked", "personal_id_masked", "two_factor", "is_active")
    list_filter = ("kind", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "email", "phone")
    ordering = ("username",)
    readonly_fields = ("last_login", "date_joined", "totp_confirmed_at")
    actions = ["reset_two_factor"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Thông tin cá nhân", {"fields": ("full_name", "kind", "title", "email", "phone", "personal_id")}),
        ("Quyền", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Bảo mật", {"fields": ("totp_confirmed_at", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "full_name", "usable_password",
                                                              "password1", "password2")}),)

    @admin.display(description="điện thoại")
    def phone_masked(self, obj: User) -> str:
        return obj.masked_phone

    @admin.display(description="số định danh cá nhân")
    def personal_id_masked(self, obj: User) -> str:
        return obj.masked_personal_id

    @admin.display(description="xác thực hai lớp", boolean=True)
    def two_factor(self, obj: User) -> bool:
        return obj.has_totp

    def get_inlines(self, request, obj):
        # Roles are granted once the account exists (assign_role checks the scope per grant).
        return self.inlines if obj is not None else []

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("username")
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "groups"]
        return fields

    def save_model(self, request, obj, form, change):
        if not change:
            password = form.cleaned_data.get("password1") if form.cleaned_data.get("usable_password", True) else None
            created = services.create_official(
                request.user, username=obj.username, full_name=obj.full_name, password=password
            )
            # The admin keeps using `obj` (save_related, log entry, redirect): make it the new row.
            obj.pk, obj.password, obj.kind = created.pk, created.password, created.kind
            obj._state.adding = False
            return
        allowed = set(services.PROFILE_FIELDS) | set(services.ADMIN_FIELDS)
        changes = {f: form.cleaned_data[f] for f in form.changed_data if f in allowed}
        if changes:
            services.update_profile(User.objects.get(pk=obj.pk), by=request.user, **changes)
        if "is_superuser" in form.changed_data and request.user.is_superuser:
            # Superuser status is Django's own permission flag, outside the domain services.
            User.objects.filter(pk=obj.pk).update(is_superuser=obj.is_superuser)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        try:
            with transaction.atomic():
                for assignment in formset.deleted_objects:
                    services.revoke_role(request.user, assignment)
                for assignment in instances:
                    if assignment.pk:
                        old = RoleAssignment.objects.get(pk=assignment.pk)
                        if (old.role, old.agency_id) != (assignment.role, assignment.agency_id):
                            services.revoke_role(request.user, old)
                    services.assign_role(
                        request.user, form.instance, assignment.role, assignment.agency,
                        include_subagencies=assignment.include_subagencies, valid_until=assignment.valid_until,
                    )
        except (PermissionDenied, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, f"Không lưu được phân quyền: {message}", messages.ERROR)

    @admin.action(description="Đặt lại xác thực hai lớp (người dùng phải đăng ký lại)")
    def reset_two_factor(self, request, queryset):
        try:
            for user in queryset:
                services.reset_totp(request.user, user)
        except PermissionDenied as exc:
            self.message_user(request, str(exc), messages.ERROR)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)
    actions = ["revoke"]

    @admin.action(description="Thu hồi khóa đã chọn")
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.revoke_api_token(request.user, token)
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LoginAttempt)
class LoginAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "identifier", "ip", "succeeded")
    list_filter = ("succeeded",)
    search_fields = ("identifier", "ip")
    date_hierarchy = "at"


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(ReadOnlyAdmin):
    list_display = ("provider", "subject", "user", "created_at", "last_login_at")
    list_select_related = ("user",)
    search_fields = ("subject", "user__username")
