from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "chinhquyenso.feedback"
    verbose_name = "Phản ánh hiện trường"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from . import queries
        from .models import Category, Report

        # A report's audit trail is readable by whoever may open the report as an official.
        registry.register(Report, queries.staff_reports)
        registry.register(Category, lambda user: Category.objects.filter(
            province_id__in=queries.operator_provinces(user)))
