"""Read-only admin views of dossiers: every write goes through dossiers.services."""

from django.contrib import admin

from chinhquyenso.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import DailyCounter, Dossier, ProcessLogEntry


class LogInline(ReadOnlyInline):
    model = ProcessLogEntry
    fields = ("seq", "action", "status_before", "status_after", "actor_name", "actor_role", "content", "started_at",
              "due_at")


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "status", "channel", "applicant_name", "reception_agency", "received_at", "due_at")
    list_filter = ("status", "channel", "sync_state")
    search_fields = ("code", "applicant_name_folded", "national_reference")
    list_select_related = ("reception_agency",)
    inlines = [LogInline]


@admin.register(DailyCounter)
class DailyCounterAdmin(ReadOnlyAdmin):
    list_display = ("agency", "day", "last")
    list_select_related = ("agency",)
