from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rendering, services
from .models import Delivery, LocalMessage, Notification, NotificationTemplate


class NotificationTemplateForm(forms.ModelForm):
    class Meta:
        model = NotificationTemplate
        fields = [
            "event", "channel", "subject", "body", "provider_template_id", "provider_params", "is_sensitive", "is_active",
        ]

    def _post_clean(self):
        super()._post_clean()
        # Template syntax errors become field errors on the form, not a 500 at save time.
        try:
            rendering.validate_template(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    form = NotificationTemplateForm
    list_display = ["event", "channel", "subject", "is_active", "is_sensitive", "updated_at"]
    list_filter = ["channel", "is_active", "is_sensitive"]
    search_fields = ["event", "subject", "body"]

    def save_model(self, request, obj, form, change):
        # Through the service so every change is validated and audited.
        services.save_template(obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: history of sent messages refers to events


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fk_name = "notification"
    fields = ["channel", "masked_address", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("địa chỉ nhận"))
    def masked_address(self, obj):
        return obj.masked_address

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "recipient_name", "created_at", "read_at"]
    list_filter = ["event", "created_at"]
    search_fields = ["event", "recipient_name", "dedupe_key"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]

    def get_fields(self, request, obj=None):
        fields = ["event", "user", "recipient_name", "subject", "is_sensitive", "dedupe_key", "province_code", "created_at", "read_at"]
        return fields if obj and obj.is_sensitive else [*fields[:4], "body", *fields[4:]]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """The delivery log: read-only; staff with `resend_delivery` may resend finished ones."""

    list_display = ["id", "event", "channel", "masked_address", "status", "attempts", "next_attempt_at", "sent_at", "short_error"]
    list_filter = ["status", "channel", "created_at", "notification__event"]
    search_fields = ["dedupe_key", "provider_message_id", "notification__event", "address"]
    list_select_related = ["notification"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    def get_fields(self, request, obj=None):
        fields = [
            "notification", "channel", "masked_address", "status", "attempts", "last_error",
            "provider_message_id", "dedupe_key", "resend_of", "next_attempt_at", "claimed_at",
            "sent_at", "finished_at", "created_at", "subject", "provider_template_id",
        ]
        # The text of a sensitive message (reset links) is never shown to staff.
        if obj is not None and not obj.notification.is_sensitive:
            fields += ["body", "provider_data"]
        return fields

    @admin.display(description=_("sự kiện"), ordering="notification__event")
    def event(self, obj):
        return obj.notification.event

    @admin.display(description=_("địa chỉ nhận"))
    def masked_address(self, obj):
        return obj.masked_address

    @admin.display(description=_("lỗi gần nhất"))
    def short_error(self, obj):
        return (obj.last_error[:80] + "…") if len(obj.last_error) > 80 else obj.last_error

    def has_resend_permission(self, request):
        return request.user.has_perm("notifications.resend_delivery")

    @admin.action(description=_("Gửi lại các lượt đã chọn"), permissions=["resend"])
    def resend(self, request, queryset):
        done, refused = 0, []
        for delivery in queryset.select_related("notification"):
            try:
                services.resend_delivery(delivery, actor=request.user)
                done += 1
            except ValidationError as exc:
                refused.append(f"#{delivery.pk}: {' '.join(exc.messages)}")
        if done:
            self.message_user(request, _("Đã xếp hàng gửi lại %(n)s lượt.") % {"n": done}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)


@admin.register(LocalMessage)
class LocalMessageAdmin(ReadOnlyAdmin):
    list_display = ["id", "channel", "to", "subject", "reference", "created_at"]
    list_filter = ["channel"]
    search_fields = ["to", "reference", "subject"]
