from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "chinhquyenso.dashboard"
    verbose_name = "Điều hành IOC"
