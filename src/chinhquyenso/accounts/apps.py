from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chinhquyenso.accounts"
    verbose_name = "Tài khoản và vai trò"

    def ready(self):
        from . import middleware  # noqa: F401 — connects start_idle_clock to user_logged_in
