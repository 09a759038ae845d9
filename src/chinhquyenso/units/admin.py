"""Read-mostly admin: units are national reference data written only by services.load_units."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from chinhquyenso.core.admin import ReadOnlyAdmin
from chinhquyenso.core.text import fold

from .models import AdministrativeUnit, UnitDataLoad


class CurrentFilter(admin.SimpleListFilter):
    title = _("hiệu lực")
    parameter_name = "hieu_luc"

    def lookups(self, request, model_admin):
        return [("hien_hanh", _("Đang có hiệu lực")), ("cu", _("Trước 01/7/2025"))]

    def queryset(self, request, queryset):
        if self.value() == "hien_hanh":
            return queryset.filter(valid_to__isnull=True)
        if self.value() == "cu":
            return queryset.filter(valid_to__isnull=False)
        return queryset


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReadOnlyAdmin):
    list_display = ("code", "full_name", "level", "kind", "province", "valid_from", "valid_to")
    list_filter = ("level", CurrentFilter, "kind")
    list_select_related = ("province",)
    search_fields = ("code", "name_folded")
    show_full_result_count = False
    list_per_page = 50
    fields = ("code", "level", "kind", "name", "full_name", "parent", "province", "valid_from", "valid_to",
              "latitude", "longitude", "area_km2", "successors")
    raw_id_fields = ("parent", "province", "successors")

    def get_search_results(self, request, queryset, search_term):
        # name_folded holds "phuong dong hoa": fold the term so "Đông Hòa" and "dong hoa" both match.
        return super().get_search_results(request, queryset, fold(search_term))


@admin.register(UnitDataLoad)
class UnitDataLoadAdmin(ReadOnlyAdmin):
    list_display = ("loaded_at", "source", "province_code", "created", "updated", "unchanged", "links_added",
                    "links_removed")
    fields = list_display + ("checksum",)
