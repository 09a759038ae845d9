from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "chinhquyenso.exchange"
    verbose_name = "Liên thông văn bản (edXML)"
