from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "chinhquyenso.notifications"
    verbose_name = "Thông báo"
