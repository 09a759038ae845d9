from django.contrib import admin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail cannot be changed or deleted from the admin either."""

    list_display = ("at", "actor_repr", "action", "object_type", "object_id", "ip", "via")
    list_filter = ("action", "object_type", "via")
    search_fields = ("object_id", "actor_repr", "action", "object_repr")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
