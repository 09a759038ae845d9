import pytest
from django.urls import reverse

from chinhquyenso.accounts.models import User, UserKind
from chinhquyenso.audit.models import AuditEntry

from .factories import UserFactory

URL = reverse("accounts:register")
GOOD = {
    "full_name": "  Nguyễn   Thị Hoa ", "phone": "0912 345 678", "email": "", "personal_id": "",
    "password1": "mat-khau-rat-manh-2025", "password2": "mat-khau-rat-manh-2025",
}


@pytest.mark.django_db
def test_register_with_phone_logs_in_and_audits(client):
    response = client.post(URL, GOOD)
    assert response.status_code == 302
    user = User.objects.get(phone="0912345678")
    assert user.kind == UserKind.CITIZEN and user.full_name == "Nguyễn Thị Hoa"
    assert user.check_password(GOOD["password1"])
    assert client.get(reverse("accounts:profile")).status_code == 200
    entry = AuditEntry.objects.get(action="user.register")
    assert "password" not in entry.after


@pytest.mark.django_db
def test_register_with_email_and_personal_id_masked_on_profile(client):
    response = client.post(URL, {**GOOD, "phone": "", "email": "Hoa@Example.VN", "personal_id": "038195001234"})
    assert response.status_code == 302
    user = User.objects.get(email="hoa@example.vn")
    assert user.personal_id == "038195001234"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "038******234" in page and "038195001234" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"personal_id": "12345"}, "personal_id", "đúng 12 chữ số"),
        ({"personal_id": "999123456789"}, "personal_id", "mã tỉnh"),
        ({"personal_id": "038395001234"}, "personal_id", "tương lai"),
        ({"phone": "", "email": ""}, "phone", "số điện thoại hoặc địa chỉ thư điện tử"),
        ({"phone": "0123"}, "phone", "không hợp lệ"),
        ({"phone": "", "email": "khong-phai-email"}, "email", "không hợp lệ"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "mật khẩu"),
        ({"password1": "ngan", "password2": "ngan"}, "password1", "quá ngắn"),
        ({"password2": "khac-hoan-toan-2025"}, "password2", "không khớp"),
        ({"full_name": "   "}, "full_name", ""),
    ],
)
def test_register_refuses_bad_input_in_vietnamese(client, changes, field, message):
    response = client.post(URL, {**GOOD, **changes})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert errors, response.context["form"].errors
    assert message.lower() in errors.lower()
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "posted", "field"),
    [
        ({"phone": "0912345678"}, {"phone": "+84 912 345 678"}, "phone"),
        ({"email": "hoa@example.vn"}, {"phone": "", "email": "HOA@example.vn"}, "email"),
        ({"personal_id": "038195001234"}, {"personal_id": "038195001234"}, "personal_id"),
    ],
)
def test_register_refuses_duplicates(client, existing, posted, field):
    UserFactory(**existing)
    response = client.post(URL, {**GOOD, **posted})
    assert response.status_code == 400
    assert "đã được dùng" in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signed_in_user_is_sent_to_profile(client):
    client.force_login(UserFactory())
    assert client.get(URL).url == reverse("accounts:profile")
