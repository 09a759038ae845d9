from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "chinhquyenso.documents"
    verbose_name = "Văn bản"

    def ready(self) -> None:
        from chinhquyenso.audit import registry

        from .models import Document
        from .queries import visible_documents

        registry.register(Document, visible_documents)
