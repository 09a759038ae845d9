from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chinhquyenso.accounts"
    verbose_name = "Tài khoản và vai trò"
