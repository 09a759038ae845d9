from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "chinhquyenso.exchange"
    verbose_name = "Liên thông văn bản (edXML)"

    def ready(self) -> None:
        from chinhquyenso.audit import registry
        from chinhquyenso.documents import events

        from . import queries, receiving
        from .models import ExchangeEndpoint, Message

        events.document_distributed.connect(receiving.on_document_distributed, dispatch_uid="exchange.distributed")
        events.incoming_status_changed.connect(receiving.on_incoming_status_changed, dispatch_uid="exchange.incoming_status")
        registry.register(Message, lambda user: queries.messages_for(user))
        registry.register(ExchangeEndpoint, lambda user: queries.endpoints_for(user))
