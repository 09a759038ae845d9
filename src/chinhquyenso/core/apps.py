from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chinhquyenso.core"
    verbose_name = "Nền tảng"
