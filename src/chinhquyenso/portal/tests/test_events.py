"""Account events reach the citizen through the notification channels (portal/receivers.py)."""

import pytest
from django.db import transaction

from chinhquyenso.accounts import services as account_services
from chinhquyenso.accounts.tests.factories import UserFactory
from chinhquyenso.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_registration_notifies_by_email_sms_and_zalo_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        user = account_services.register_citizen(
            full_name="Lê Thị Hoa", password="mot-mat-khau-dai-2025", phone="0912 345 678", email="hoa@example.vn"
        )
    notification = Notification.objects.get(event="account.registered", user=user)
    assert "Lê Thị Hoa" in notification.body or "Lê Thị Hoa" in notification.recipient_name
    assert sorted(notification.deliveries.values_list("channel", flat=True)) == ["email", "sms", "zalo"]
    assert callbacks, "sending is enqueued only once the registration commits"


def test_failed_registration_notifies_nobody():
    with pytest.raises(RuntimeError), transaction.atomic():
        account_services.register_citizen(full_name="X", password="mot-mat-khau-dai-2025", phone="0912345679")
        raise RuntimeError("rolled back")
    assert not Notification.objects.filter(event="account.registered").exists()


def test_lockout_notifies_the_owner_once(client, settings):
    user = UserFactory(phone="0987654321")
    for _ in range(settings.LOGIN_MAX_FAILURES + 2):
        client.post("/tai-khoan/dang-nhap/", {"identifier": user.username, "password": "sai-mat-khau"})
    assert Notification.objects.filter(event="account.locked", user=user).count() == 1
