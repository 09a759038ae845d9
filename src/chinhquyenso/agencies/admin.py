import copy

from django import forms
from django.contrib import admin
from django.forms.models import construct_instance

from . import services
from .models import Agency, Department, ReceptionPoint


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    readonly_fields = ("code", "name", "is_active")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class AgencyAdminForm(forms.ModelForm):
    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "parent", "unit", "address", "phone", "email", "is_active"]

    def clean(self):
        """Run the service layer's rules here so a bad edit is a form error, not a 500."""
        cleaned = super().clean()
        if not self.errors:
            candidate = construct_instance(self, copy.copy(self.instance))
            candidate.normalise()
            candidate.province = services.province_of(candidate.unit)
            services.validate_agency(candidate)
        return cleaned


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    form = AgencyAdminForm
    list_display = ("name", "code", "kind", "unit", "is_active")
    list_filter = ("kind", "is_active", "province")
    search_fields = ("name", "code", "name_folded")
    list_select_related = ("unit",)
    raw_id_fields = ("parent", "unit")
    readonly_fields = ("path",)
    inlines = [DepartmentInline]

    def has_delete_permission(self, request, obj=None):
        return False  # agencies are deactivated, never deleted: dossiers and documents point to them

    def save_model(self, request, obj, form, change):
        """Writes go through the service layer (audit, path maintenance, validation)."""
        if change:
            saved = services.update_agency(obj, **{f: form.cleaned_data[f] for f in form.changed_data})
        else:
            saved = services.create_agency(**form.cleaned_data)
        obj.pk, obj.path = saved.pk, saved.path


@admin.register(ReceptionPoint)
class ReceptionPointAdmin(admin.ModelAdmin):
    list_display = ("name", "agency", "unit", "is_active")
    search_fields = ("name", "agency__name")
    raw_id_fields = ("agency", "unit")
