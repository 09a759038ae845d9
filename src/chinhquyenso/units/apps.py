from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "chinhquyenso.units"
    verbose_name = "Đơn vị hành chính"
