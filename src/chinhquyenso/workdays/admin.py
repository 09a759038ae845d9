"""Admin editing of the calendar, always through services.py so rules and audit apply."""

from django import forms
from django.contrib import admin, messages

from . import services
from .models import CalendarEntry, CalendarYear, OfficeHours

WEEKDAY_NAMES = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


class CalendarEntryForm(forms.ModelForm):
    class Meta:
        model = CalendarEntry
        fields = ["date", "kind", "name", "legal_basis"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        # A ValidationError from the service lands on the right fields (Form.add_error).
        cleaned = services.clean_entry(
            services.EntryData(data["date"], data["kind"], data["name"], data["legal_basis"]),
            exclude_pk=self.instance.pk,
        )
        data.update(name=cleaned.name, legal_basis=cleaned.legal_basis)
        return data


@admin.register(CalendarEntry)
class CalendarEntryAdmin(admin.ModelAdmin):
    form = CalendarEntryForm
    list_display = ("date", "weekday", "kind", "name", "origin")
    list_filter = ("kind", "origin")
    search_fields = ("name", "legal_basis")
    date_hierarchy = "date"
    readonly_fields = ("origin", "rule_code")

    @admin.display(description="thứ")
    def weekday(self, obj: CalendarEntry) -> str:
        return WEEKDAY_NAMES[obj.date.weekday()]

    def save_model(self, request, obj, form, change):
        fields = {f: form.cleaned_data[f] for f in ("date", "kind", "name", "legal_basis")}
        saved = services.update_entry(obj, **fields) if change else services.create_entry(**fields)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_entry(obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            services.delete_entry(entry)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "tet_days_before", "national_day_rule", "seeded_at")
    fields = ("year", "tet_days_before", "national_day_rule", "note", "seeded_at")
    readonly_fields = ("seeded_at",)
    actions = ["reseed"]

    def get_readonly_fields(self, request, obj=None):
        return ("year", "seeded_at") if obj else ("seeded_at",)

    def save_model(self, request, obj, form, change):
        saved = services.update_year(
            obj.year, tet_days_before=form.cleaned_data["tet_days_before"],
            national_day_rule=form.cleaned_data["national_day_rule"], note=form.cleaned_data["note"],
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # a year's entries are deleted one by one, each with its audit entry

    @admin.action(description="Sinh lại ngày nghỉ theo quy tắc (giữ các mục quản trị đã sửa)")
    def reseed(self, request, queryset):
        for calendar_year in queryset:
            services.seed_year(calendar_year.year, force=True)
        self.message_user(request, "Đã sinh lại ngày nghỉ cho các năm đã chọn.", messages.SUCCESS)


class OfficeHoursForm(forms.ModelForm):
    class Meta:
        model = OfficeHours
        fields = ["agency", "weekdays", "morning_start", "morning_end", "afternoon_start", "afternoon_end"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["weekdays"] = services.clean_office_hours(
            weekdays=data["weekdays"], morning_start=data["morning_start"], morning_end=data["morning_end"],
            afternoon_start=data.get("afternoon_start"), afternoon_end=data.get("afternoon_end"),
        )
        return data


@admin.register(OfficeHours)
class OfficeHoursAdmin(admin.ModelAdmin):
    form = OfficeHoursForm
    list_display = ("__str__", "weekdays", "morning_start", "morning_end", "afternoon_start", "afternoon_end")
    list_select_related = ("agency",)
    raw_id_fields = ("agency",)

    def get_readonly_fields(self, request, obj=None):
        return ("agency",) if obj else ()  # moving a row to another agency would orphan the first

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.set_office_hours(
            obj.agency if change else data.get("agency"), weekdays=data["weekdays"], morning_start=data["morning_start"],
            morning_end=data["morning_end"], afternoon_start=data.get("afternoon_start"),
            afternoon_end=data.get("afternoon_end"),
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.delete_office_hours(obj)

    def delete_queryset(self, request, queryset):
        for hours in queryset:
            services.delete_office_hours(hours)
