"""Read-only admin views: every write goes through assessment.services (imports, publication,
the cycle), so the audit trail and the history stay complete."""

from django.contrib import admin

from chinhquyenso.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Assessment, AssessmentEvent, CriteriaSet, Indicator, PlanCommune, PlanTarget, Reviewer


class IndicatorInline(ReadOnlyInline):
    model = Indicator
    fields = ("code", "name", "max_points", "method", "threshold", "source_kind", "source_key", "verifier")


@admin.register(CriteriaSet)
class CriteriaSetAdmin(ReadOnlyAdmin):
    list_display = ("code", "version", "name", "subject", "status", "decision_number", "province")
    list_filter = ("status", "subject")
    list_select_related = ("province",)
    inlines = [IndicatorInline]


class EventInline(ReadOnlyInline):
    model = AssessmentEvent
    fields = ("at", "action", "from_status", "to_status", "actor", "comment")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("unit", "year", "criteria_set", "status", "self_points", "points", "score_index", "completed")
    list_filter = ("status", "year")
    list_select_related = ("unit", "criteria_set")
    inlines = [EventInline]


@admin.register(Reviewer)
class ReviewerAdmin(ReadOnlyAdmin):
    list_display = ("user", "criteria_set", "agency")
    list_select_related = ("user", "criteria_set", "agency")


@admin.register(PlanTarget)
class PlanTargetAdmin(ReadOnlyAdmin):
    list_display = ("set_code", "year", "target", "cumulative", "decision", "province")


@admin.register(PlanCommune)
class PlanCommuneAdmin(ReadOnlyAdmin):
    list_display = ("set_code", "year", "unit")
    list_select_related = ("unit",)
