from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "chinhquyenso.procedures"
    verbose_name = "Thủ tục hành chính"

    def ready(self) -> None:
        from chinhquyenso.accounts.queries import is_system_admin
        from chinhquyenso.audit import registry

        from .models import Procedure, ProcedureVersion, Sector, SectorField
        from .queries import manageable_procedures, manageable_versions

        # The catalogue's history is for those who maintain it (the published content itself is public).
        registry.register(Procedure, manageable_procedures)
        registry.register(ProcedureVersion, manageable_versions)
        registry.register(Sector, lambda user: Sector.objects.all() if is_system_admin(user) else Sector.objects.none())
        registry.register(
            SectorField, lambda user: SectorField.objects.all() if is_system_admin(user) else SectorField.objects.none()
        )
