from django.contrib import admin

from chinhquyenso.core.admin import ReadOnlyAdmin

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read-only: the trail cannot be changed or deleted from the admin either."""

    list_display = ("at", "actor_repr", "action", "object_type", "object_id", "ip", "via")
    list_filter = ("action", "object_type", "via")
    search_fields = ("object_id", "actor_repr", "action", "object_repr")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
