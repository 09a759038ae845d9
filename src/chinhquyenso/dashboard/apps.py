from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "chinhquyenso.dashboard"
    verbose_name = "Điều hành IOC"

    def ready(self) -> None:
        from chinhquyenso.dossiers.events import dossier_changed

        from .rollups import on_dossier_changed

        dossier_changed.connect(on_dossier_changed, dispatch_uid="dashboard.rollups")
