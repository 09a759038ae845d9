from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "chinhquyenso.workdays"
    verbose_name = "Lịch làm việc"
