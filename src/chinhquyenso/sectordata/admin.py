"""Admin: series definitions and sectors are configuration, saved through the services (validated,
audited); batches, observations and revisions are read-only — values change only by imports."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from chinhquyenso.core.admin import ReadOnlyAdmin

from . import services
from .models import ImportBatch, Observation, ObservationRevision, Sector, SeriesDefinition

DEFINITION_FIELDS = (
    "province", "code", "name", "description", "sector", "levels", "granularity", "unit_of_measure", "value_type",
    "min_value", "max_value", "decimal_places", "rollup", "source", "owner_agency", "is_public", "is_active",
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")

    def get_readonly_fields(self, request, obj=None):
        return ("code", "name", "order") if obj else ()

    def save_model(self, request, obj, form, change):
        services.ensure_sector(obj.code, obj.name, obj.order)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SeriesDefinition)
class SeriesDefinitionAdmin(admin.ModelAdmin):
    fields = DEFINITION_FIELDS
    list_display = ("name", "code", "province", "sector", "granularity", "unit_of_measure", "owner_agency",
                    "is_public", "is_active")
    list_filter = ("sector", "granularity", "is_public", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("province", "owner_agency")

    def get_readonly_fields(self, request, obj=None):
        # (province, code) identify the series for the API and for define_series.
        return ("province", "code") if obj else ()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class DefinitionForm(form):
            def clean(self):
                cleaned = super().clean()
                if not self.errors:
                    fields = {f: cleaned.get(f, getattr(self.instance, f, None)) for f in DEFINITION_FIELDS}
                    try:
                        services._clean_definition(dict(fields))
                    except ValidationError as exc:
                        raise ValidationError(exc.messages) from None
                return cleaned

        return DefinitionForm

    def save_model(self, request, obj, form, change):
        fields = {f: getattr(obj, f) for f in DEFINITION_FIELDS}
        saved = services.define_series(**fields)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("pk", "series", "channel", "status", "submitted_by", "submitted_at", "rows_total",
                    "rows_created", "rows_updated", "rows_rejected")
    list_filter = ("status", "channel")
    search_fields = ("series__code", "file_name")


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdmin):
    list_display = ("series", "unit", "period_start", "value", "revision", "updated_at")
    list_filter = ("series",)
    search_fields = ("unit__code", "series__code")
    list_select_related = ("series", "unit")


@admin.register(ObservationRevision)
class ObservationRevisionAdmin(ReadOnlyAdmin):
    list_display = ("observation", "previous_value", "value", "batch", "created_at")
