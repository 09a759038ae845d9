"""Admin: categories are configuration (saved through services.save_category, audited); reports
and their history are read-only here — they change only through the workflow services."""

import copy

from django import forms
from django.contrib import admin
from django.forms.models import construct_instance

from chinhquyenso.core.admin import ReadOnlyAdmin

from . import services
from .models import Category, Report, ReportEvent


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = list(services.CATEGORY_FIELDS)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            services.clean_category(construct_instance(self, copy.copy(self.instance)))
        return cleaned


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    list_display = ("name", "code", "parent", "province", "kind", "ack_hours", "urgent_hours", "normal_days",
                    "complex_days", "is_active")
    list_filter = ("kind", "is_active", "province")
    search_fields = ("name", "code")
    autocomplete_fields = ()
    raw_id_fields = ("province", "parent")

    def save_model(self, request, obj, form, change):
        services.save_category(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # reports point to categories; deactivate instead


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("number", "category", "status", "commune", "agency", "received_at", "due_at")
    list_filter = ("status", "channel", "urgency")
    search_fields = ("number",)
    exclude = ()
    # The reporter's identity is on ReporterContact, which has no admin page: the admin is not
    # a back door around "only IOC operators see who reported".


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ("report", "at", "action", "from_status", "to_status", "agency")
    list_filter = ("action",)
    search_fields = ("report__number",)
