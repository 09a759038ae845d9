from django.apps import AppConfig


class SectordataConfig(AppConfig):
    name = "chinhquyenso.sectordata"
    verbose_name = "Dữ liệu chuyên ngành"
