from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "chinhquyenso.dossiers"
    verbose_name = "Hồ sơ thủ tục hành chính"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from . import queries
        from .models import Dossier

        # A dossier's audit history is readable by whoever may see the dossier itself.
        registry.register(Dossier, queries.for_user)
