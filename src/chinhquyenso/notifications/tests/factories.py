import factory

from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.notifications.models import Delivery, Notification, NotificationTemplate


class NotificationTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationTemplate
        django_get_or_create = ("event", "channel")

    event = factory.Sequence(lambda n: f"test.event{n}")
    channel = "email"
    subject = "Thông báo {{ code }}"
    body = "Xin chào {{ recipient_name }}, hồ sơ {{ code }} đã được tiếp nhận."


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    event = "test"
    user = factory.SubFactory(UserFactory)
    recipient_name = factory.LazyAttribute(lambda o: o.user.full_name if o.user else "")
    subject = factory.Sequence(lambda n: f"Thông báo số {n}")
    body = "Nội dung thông báo."


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    notification = factory.SubFactory(NotificationFactory)
    channel = "sms"
    address = "0912345678"
    subject = ""
    body = "Hồ sơ của bạn đã được tiếp nhận."
    dedupe_key = factory.Sequence(lambda n: f"test-delivery-{n}")
