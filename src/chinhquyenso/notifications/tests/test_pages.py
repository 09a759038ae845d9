import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory, login_verified
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.notifications.models import Delivery, DeliveryStatus, LocalMessage
from chinhquyenso.notifications.services import REDACTED, resend_delivery

from .conftest import queued
from .factories import DeliveryFactory, NotificationFactory

pytestmark = pytest.mark.django_db

INBOX = "/thong-bao/"


def test_inbox_url():
    assert reverse("notifications:inbox") == INBOX


def test_inbox_needs_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert "next=/thong-bao/" in response["Location"]


def test_user_sees_only_their_own_notifications(client):
    alice, bob = UserFactory(), UserFactory()
    NotificationFactory(user=alice, subject="Hồ sơ của Alice đã được tiếp nhận")
    NotificationFactory(user=bob, subject="Hồ sơ của Bob đã có kết quả")
    NotificationFactory(user=None, recipient_name="Khách", subject="Tin cho người không có tài khoản")
    client.force_login(alice)
    body = client.get(INBOX).content.decode()
    assert "Hồ sơ của Alice" in body
    assert "Hồ sơ của Bob" not in body
    assert "người không có tài khoản" not in body


def test_inbox_is_most_recent_first_paginated_without_n_plus_one(client, django_assert_max_num_queries):
    user = UserFactory()
    notifications = [NotificationFactory(user=user, subject=f"Thông báo thứ {i:02d}") for i in range(25)]
    for n in notifications:
        DeliveryFactory(notification=n, channel="email", address="a@example.vn", status=DeliveryStatus.SENT)
        DeliveryFactory(notification=n, channel="sms")
    client.force_login(user)
    with django_assert_max_num_queries(12):
        page1 = client.get(INBOX).content.decode()
    assert page1.index("Thông báo thứ 24") < page1.index("Thông báo thứ 05")
    assert "Thông báo thứ 04" not in page1
    assert "Thư điện tử: Đã gửi" in page1
    page2 = client.get(INBOX, {"trang": 2}).content.decode()
    assert "Thông báo thứ 04" in page2 and "Thông báo thứ 24" not in page2
    assert client.get(INBOX, {"trang": "abc"}).status_code == 200


def test_sensitive_notifications_show_no_text(client):
    user = UserFactory()
    NotificationFactory(user=user, subject="Đặt lại mật khẩu", body="https://secret-link", is_sensitive=True)
    client.force_login(user)
    body = client.get(INBOX).content.decode()
    assert "Đặt lại mật khẩu" in body and "secret-link" not in body


def test_mark_all_read_touches_only_own_notifications(client):
    alice, bob = UserFactory(), UserFactory()
    mine = NotificationFactory(user=alice)
    theirs = NotificationFactory(user=bob)
    client.force_login(alice)
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"))
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


# --- admin -----------------------------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = OfficialFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_delivery", "view_notification"]))
    client.force_login(user)
    return user


def test_delivery_log_is_read_only_with_filters(client, staff):
    delivery = DeliveryFactory(status=DeliveryStatus.GIVEN_UP, last_error="Nhà cung cấp từ chối yêu cầu (HTTP 400)")
    DeliveryFactory(status=DeliveryStatus.SENT)
    url = reverse("admin:notifications_delivery_changelist")
    response = client.get(url, {"status__exact": "given_up"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert "HTTP 400" in response.content.decode()
    assert "091****678" in response.content.decode()  # phone masked in the list
    detail = client.get(reverse("admin:notifications_delivery_change", args=[delivery.pk]))
    assert detail.status_code == 200
    assert client.post(reverse("admin:notifications_delivery_change", args=[delivery.pk]), {}).status_code == 403
    assert client.get(reverse("admin:notifications_delivery_add")).status_code == 403
    assert client.get(reverse("admin:notifications_delivery_delete", args=[delivery.pk])).status_code == 403


def test_sensitive_delivery_text_is_hidden_from_staff(client, staff):
    notification = NotificationFactory(is_sensitive=True)
    delivery = DeliveryFactory(notification=notification, body="https://cqs.vn/dat-lai/secret-token")
    page = client.get(reverse("admin:notifications_delivery_change", args=[delivery.pk])).content.decode()
    assert "secret-token" not in page


def test_resend_action_needs_the_resend_permission(client, staff, django_capture_on_commit_callbacks):
    delivery = DeliveryFactory(status=DeliveryStatus.GIVEN_UP)
    url = reverse("admin:notifications_delivery_changelist")
    data = {"action": "resend", "_selected_action": [delivery.pk]}
    client.post(url, data)
    assert Delivery.objects.count() == 1  # action not available without the permission
    staff.user_permissions.add(Permission.objects.get(codename="resend_delivery"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Đã xếp hàng gửi lại 1 lượt." in response.content.decode()
    copy = Delivery.objects.exclude(pk=delivery.pk).get()
    assert (copy.resend_of, copy.status, copy.dedupe_key) == (delivery, DeliveryStatus.PENDING, f"{delivery.dedupe_key}/r1")
    assert queued().get().args_kwargs["args"] == [copy.pk]
    entry = AuditEntry.objects.get(action="notifications.delivery.resend")
    assert entry.actor == staff and entry.object_id == str(copy.pk)


def test_resend_refuses_unfinished_and_sensitive_deliveries(client, staff):
    from django.core.exceptions import ValidationError

    pending = DeliveryFactory()
    with pytest.raises(ValidationError, match="đang chờ"):
        resend_delivery(pending)
    sensitive = DeliveryFactory(notification=NotificationFactory(is_sensitive=True), status=DeliveryStatus.SENT, body=REDACTED)
    with pytest.raises(ValidationError, match="bảo mật"):
        resend_delivery(sensitive)
    assert Delivery.objects.count() == 2


def test_second_resend_numbers_from_the_original(django_capture_on_commit_callbacks, run_worker):
    original = DeliveryFactory(status=DeliveryStatus.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        first = resend_delivery(original)
    run_worker()
    first.refresh_from_db()
    assert first.status == DeliveryStatus.SENT
    with django_capture_on_commit_callbacks(execute=True):
        second = resend_delivery(first)
    assert second.resend_of == original
    assert second.dedupe_key == f"{original.dedupe_key}/r2"
    run_worker()
    assert LocalMessage.objects.count() == 2


def test_template_admin_saves_through_the_service(client):
    admin_user = OfficialFactory(is_staff=True, is_superuser=True)
    login_verified(client, admin_user)  # superusers must pass two-factor first
    url = reverse("admin:notifications_notificationtemplate_add")
    data = {
        "event": "sample.event",
        "channel": "sms",
        "subject": "",
        "body": "Hồ sơ {{ code }} đã được tiếp nhận.",
        "provider_template_id": "",
        "provider_params": "{}",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(action="notifications.template.create", actor=admin_user).exists()


def test_template_admin_shows_syntax_errors_instead_of_failing(client):
    admin_user = OfficialFactory(is_staff=True, is_superuser=True)
    login_verified(client, admin_user)
    data = {
        "event": "sample.event",
        "channel": "sms",
        "body": "Hồ sơ {% if code %} đã được tiếp nhận.",
        "provider_params": "{}",
        "is_active": "on",
    }
    response = client.post(reverse("admin:notifications_notificationtemplate_add"), data)
    assert response.status_code == 200
    assert "Cú pháp mẫu ở nội dung không hợp lệ" in response.content.decode()
    assert not AuditEntry.objects.filter(action="notifications.template.create").exists()
