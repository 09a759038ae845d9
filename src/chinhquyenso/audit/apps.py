from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chinhquyenso.audit"
    verbose_name = "Nhật ký kiểm toán"
