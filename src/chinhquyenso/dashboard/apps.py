from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "chinhquyenso.dashboard"
    verbose_name = "Điều hành IOC"

    def ready(self) -> None:
        from chinhquyenso.dossiers.events import dossier_changed

        from .rollups import on_dossier_changed

        dossier_changed.connect(on_dossier_changed, dispatch_uid="dashboard.rollups")

        from django.db.models.signals import post_delete, post_save

        from .models import Plan
        from .pagecache import invalidate

        def plan_changed(sender, **kwargs) -> None:
            invalidate()

        post_save.connect(plan_changed, sender=Plan, dispatch_uid="dashboard.plan_saved", weak=False)
        post_delete.connect(plan_changed, sender=Plan, dispatch_uid="dashboard.plan_deleted", weak=False)
