from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "chinhquyenso.assessment"
    verbose_name = "Đánh giá chuyển đổi số"

    def ready(self) -> None:
        from chinhquyenso.audit.registry import register

        from . import queries
        from .models import Assessment, CriteriaSet, IndicatorScore, PlanCommune, PlanTarget, Reviewer

        # Histories are readable exactly where the records are (audit/registry.py).
        register(Assessment, queries.visible_assessments)
        register(IndicatorScore, lambda user: IndicatorScore.objects.filter(
            assessment__in=queries.visible_assessments(user).values("pk")))
        register(CriteriaSet, lambda user: CriteriaSet.objects.filter(status__in=["published", "retired"])
                 if not getattr(user, "is_superuser", False) else CriteriaSet.objects.all())
        register(Reviewer, lambda user: Reviewer.objects.filter(criteria_set__in=queries.reviewed_sets(user).values("pk")))
        register(PlanTarget, lambda user: PlanTarget.objects.all())
        register(PlanCommune, lambda user: PlanCommune.objects.all())
