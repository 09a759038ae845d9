from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "chinhquyenso.feedback"
    verbose_name = "Phản ánh hiện trường"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from . import queries
        from .models import Category, Report

        # A report's audit trail names the citizen who submitted it (the request's actor), so only
        # the province's IOC operators may read it — never the handling agency.
        registry.register(Report, queries.operator_reports)
        registry.register(Category, lambda user: Category.objects.filter(
            province_id__in=queries.operator_provinces(user)))
