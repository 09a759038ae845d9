import datetime
import unicodedata

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.notifications import rendering, services
from chinhquyenso.notifications.models import Delivery, DeliveryStatus, Notification, NotificationTemplate
from chinhquyenso.notifications.services import Contact, notify
from chinhquyenso.notifications.tasks import send_delivery

from .conftest import queued
from .factories import NotificationTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return UserFactory(full_name="Nguyễn Thị Bình", email="binh@example.vn", phone="0912345678")


# --- seeded templates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "channels"),
    [
        ("account.registered", {"email", "sms", "zalo"}),
        ("account.password_reset", {"email", "sms"}),
        ("account.locked", {"email", "sms"}),
        ("twofactor.enabled", {"email", "sms"}),
        ("test", {"email", "sms", "zalo"}),
    ],
)
def test_foundation_events_are_seeded(event, channels):
    assert set(NotificationTemplate.objects.filter(event=event, is_active=True).values_list("channel", flat=True)) == channels


def test_every_seeded_template_compiles_and_renders_vietnamese():
    for template in NotificationTemplate.objects.all():
        rendering.validate_template(template)
        text = rendering.render(template, {"recipient_name": "Bình", "site_name": "Chính quyền số", "reset_url": "https://x"})
        assert text["body"], template
        assert unicodedata.is_normalized("NFC", text["body"])


def test_password_reset_is_sensitive():
    assert set(NotificationTemplate.objects.filter(event="account.password_reset").values_list("is_sensitive", flat=True)) == {True}


# --- rendering -------------------------------------------------------------------------------


def test_rendering_is_plain_vietnamese_text():
    template = NotificationTemplate(
        event="x",
        channel="email",
        subject="Lịch hẹn\n{{ code }}",
        body='Hẹn {{ who }} lúc {{ when|date:"l, j F Y" }} — {{ agency }}',
        provider_params={"ngay": '{{ when|date:"d/m/Y" }}'},
    )
    nfd_name = unicodedata.normalize("NFD", "Trần Văn Đức")
    text = rendering.render(
        template,
        {"code": "H38-1", "who": nfd_name, "when": datetime.date(2025, 7, 1), "agency": "UBND xã A & B <1>"},
    )
    assert text["subject"] == "Lịch hẹn H38-1"  # one header line
    assert "lúc Thứ 3, 1 Tháng 7 2025 —" in text["body"]  # Vietnamese day and month names
    assert "UBND xã A & B <1>" in text["body"]  # no HTML escaping in plain-text channels
    assert "Trần Văn Đức" in text["body"]  # NFD input stored NFC
    assert text["provider_data"] == {"ngay": "01/07/2025"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("body", "Xin chào {% if %}"), ("subject", "{{ a|khong_ton_tai }}"), ("provider_params", {"a": "{% for %}"}), ("provider_params", ["x"])],
)
def test_broken_templates_are_refused_with_a_vietnamese_message(field, value):
    template = NotificationTemplateFactory.build(**{field: value})
    with pytest.raises(ValidationError) as exc:
        services.save_template(template)
    assert field in exc.value.message_dict
    assert "không hợp lệ" in " ".join(exc.value.message_dict[field]) or "phải là" in " ".join(exc.value.message_dict[field])
    assert not NotificationTemplate.objects.filter(event=template.event).exists()


def test_save_template_is_audited():
    template = services.save_template(NotificationTemplate(event=" Sample.Event ", channel="sms", body="Đã nhận {{ code }}"))
    assert template.event == "sample.event"
    template.body = "Đã tiếp nhận {{ code }}"
    services.save_template(template)
    actions = list(AuditEntry.objects.filter(object_type="notifications.notificationtemplate").values_list("action", flat=True))
    assert sorted(actions) == ["notifications.template.create", "notifications.template.update"]


# --- notify ----------------------------------------------------------------------------------


def test_notify_writes_notification_and_one_delivery_per_channel(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = notify("account.registered", citizen, {"login_path": "/dn/"}, province_code="38")
    assert len(callbacks) == 1
    assert notification.user == citizen
    assert notification.subject == "Chào mừng bạn đến với Chính quyền số"
    assert "Nguyễn Thị Bình" in notification.body
    deliveries = {d.channel: d for d in notification.deliveries.all()}
    assert set(deliveries) == {"email", "sms", "zalo"}
    assert deliveries["email"].address == "binh@example.vn"
    assert deliveries["sms"].address == "0912345678"
    assert deliveries["zalo"].provider_data == {"ho_ten": "Nguyễn Thị Bình"}
    assert {d.status for d in deliveries.values()} == {DeliveryStatus.PENDING}
    assert {d.province_code for d in deliveries.values()} == {"38"}
    tasks = queued()
    assert sorted(t.args_kwargs["args"][0] for t in tasks) == sorted(d.pk for d in deliveries.values())
    assert {t.task_path for t in tasks} == {"chinhquyenso.notifications.tasks.send_delivery"}


def test_nothing_is_queued_when_the_callers_transaction_rolls_back(citizen, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify("test", citizen)
        raise RuntimeError("dossier save failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not queued().exists()


def test_same_dedupe_key_twice_gives_one_notification_and_one_delivery_per_channel(
    citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("test", citizen, dedupe_key="dossier.received:42")
        second = notify("test", citizen, dedupe_key="dossier.received:42")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert Delivery.objects.count() == 3
    assert sorted(Delivery.objects.values_list("dedupe_key", flat=True)) == [
        "dossier.received:42:email",
        "dossier.received:42:sms",
        "dossier.received:42:zalo",
    ]
    assert queued().count() == 3


def test_contact_without_account_gets_only_the_channels_it_has_an_address_for(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify("test", Contact(name="Lê Văn Cường", phone="+84 386 123 456"))
    assert notification.user is None
    assert sorted(notification.deliveries.values_list("channel", "address")) == [
        ("sms", "0386123456"),
        ("zalo", "0386123456"),
    ]


def test_channels_argument_restricts_and_unknown_channels_are_refused(citizen):
    notification = notify("test", citizen, channels=["sms"])
    assert list(notification.deliveries.values_list("channel", flat=True)) == ["sms"]
    with pytest.raises(ImproperlyConfigured):
        notify("test", citizen, channels=["fax"])


def test_inactive_or_unknown_event_queues_nothing(citizen):
    NotificationTemplate.objects.filter(event="test").update(is_active=False)
    assert notify("test", citizen) is None
    assert notify("no.such.event", citizen) is None
    assert not Notification.objects.exists()


def test_recipient_must_be_a_user_or_contact():
    with pytest.raises(TypeError):
        notify("test", "an@example.vn")


def test_sensitive_text_is_not_kept_after_sending(citizen, django_capture_on_commit_callbacks, run_worker):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify("account.password_reset", citizen, {"reset_url": "https://cqs.vn/dat-lai/abc123"})
    assert notification.is_sensitive and notification.body == ""
    assert "abc123" in Delivery.objects.get(channel="sms").body  # still needed for retries
    assert run_worker() == 2
    for delivery in Delivery.objects.all():
        assert delivery.status == DeliveryStatus.SENT
        assert "abc123" not in delivery.body
        assert delivery.body == services.REDACTED
    # ...but it did go out.
    from chinhquyenso.notifications.models import LocalMessage

    assert all("abc123" in m.body for m in LocalMessage.objects.all())
    assert send_delivery.call(Delivery.objects.first().pk) == "skipped"
