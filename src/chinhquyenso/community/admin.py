"""Read-only admin: every write goes through the services (pages and API); the admin is for
looking things up. The question bank is created through services.quizzes.create_question."""

from django.contrib import admin

from chinhquyenso.core.admin import ReadOnlyAdmin

from .models import Entry, Plan, PlanTask, Question, Quiz, Team, TeamActivity, Village


@admin.register(Village)
class VillageAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "commune", "is_active", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name_folded",)
    list_select_related = ("commune",)


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "commune", "decision_number", "decision_date", "dissolved_on")
    list_select_related = ("commune",)


@admin.register(TeamActivity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ("team", "date", "sessions", "people_helped", "vneid_activations")
    list_select_related = ("team",)


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("title", "unit", "year")
    list_select_related = ("unit",)


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "plan", "deadline", "status", "progress")
    list_filter = ("status",)
    list_select_related = ("plan",)


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ("text", "topic", "is_active")
    list_filter = ("topic",)


@admin.register(Quiz)
class QuizAdmin(ReadOnlyAdmin):
    list_display = ("title", "opens_at", "closes_at", "question_count", "duration_minutes")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "quiz", "commune", "correct_count", "time_taken_seconds", "submitted_at")
    list_select_related = ("quiz", "commune")
    exclude = ("phone", "token")
