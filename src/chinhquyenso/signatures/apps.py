from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "chinhquyenso.signatures"
    verbose_name = "Chữ ký số"
