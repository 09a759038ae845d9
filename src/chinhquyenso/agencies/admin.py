import copy

from django import forms
from django.contrib import admin
from django.forms.models import construct_instance

from . import services
from .models import Agency, Department, ReceptionPoint


class DepartmentInline(admin.TabularInline):
    """Shown on the agency page; departments are added and edited on their own admin page, which
    goes through the services."""

    model = Department
    extra = 0
    readonly_fields = ("code", "name", "is_active")
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


def _service_form(model, field_names: list[str], validate):
    """A ModelForm that runs the service layer's rules in clean(), so bad input is a form error."""

    class Form(forms.ModelForm):
        class Meta:
            fields = field_names

        def clean(self):
            cleaned = super().clean()
            if not self.errors:
                validate(construct_instance(self, copy.copy(self.instance)))
            return cleaned

    Form.Meta.model = model
    return Form


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


class _PartAdmin(admin.ModelAdmin):
    """Departments and reception points: deactivated, never deleted; saved through services."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(_PartAdmin):
    form = _service_form(Department, ["agency", "code", "name", "is_active"], services.validate_department)
    list_display = ("name", "code", "agency", "is_active")
    search_fields = ("name", "code", "agency__name")
    raw_id_fields = ("agency",)

    def save_model(self, request, obj, form, change):
        services.save_department(obj)


@admin.register(ReceptionPoint)
class ReceptionPointAdmin(_PartAdmin):
    form = _service_form(
        ReceptionPoint,
        ["agency", "name", "unit", "address", "phone", "opening_hours", "is_active"],
        services.validate_reception_point,
    )
    list_display = ("name", "agency", "unit", "is_active")
    search_fields = ("name", "agency__name")
    raw_id_fields = ("agency", "unit")

    def save_model(self, request, obj, form, change):
        services.save_reception_point(obj)
