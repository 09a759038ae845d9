from django.apps import AppConfig


class SectordataConfig(AppConfig):
    name = "chinhquyenso.sectordata"
    verbose_name = "Dữ liệu chuyên ngành"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from . import queries
        from .models import ImportBatch, Sector, SeriesDefinition

        # A history is readable where the record itself is: the same scoped querysets.
        registry.register(Sector, lambda user: Sector.objects.all())
        registry.register(SeriesDefinition, lambda user: queries.readable_series(user))
        registry.register(ImportBatch, lambda user: queries.visible_batches(user))
