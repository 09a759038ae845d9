from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "chinhquyenso.documents"
    verbose_name = "Văn bản"
