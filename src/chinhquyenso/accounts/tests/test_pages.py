import pytest
from django.urls import reverse

from chinhquyenso.accounts.models import ApiToken, RoleAssignment, User, UserKind
from chinhquyenso.audit.models import AuditEntry

from .factories import PASSWORD, UserFactory, login_verified


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("quantri", PASSWORD, full_name="Quản trị hệ thống")


def test_admin_lists_masked_personal_data(client, superuser):
    UserFactory(personal_id="038195001234", phone="0912345678")
    login_verified(client, superuser)
    body = client.get("/admin/accounts/user/").content.decode()
    assert "038******234" in body and "091****678" in body
    assert "038195001234" not in body and "0912345678" not in body


def test_admin_token_view_never_shows_the_hash(client, superuser):
    from chinhquyenso.accounts import services

    token, _ = services.create_api_token(superuser, name="tích hợp", expires_at=None)
    login_verified(client, superuser)
    response = client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert response.status_code == 200
    assert token.key_hash not in response.content.decode()
    assert client.get("/admin/accounts/loginattempt/add/").status_code == 403


def test_admin_creates_official_and_grants_role_through_services(client, superuser, tree):
    login_verified(client, superuser)
    response = client.post("/admin/accounts/user/add/", {
        "username": "canbo-admin", "full_name": "Đỗ Văn E", "usable_password": "true",
        "password1": "mat-khau-can-bo-2025", "password2": "mat-khau-can-bo-2025",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    user = User.objects.get(username="canbo-admin")
    assert user.kind == UserKind.OFFICIAL
    assert AuditEntry.objects.filter(action="user.create_official", object_id=str(user.pk)).exists()
    change = client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "username": "canbo-admin", "full_name": "Đỗ Văn E", "kind": "official", "title": "Chuyên viên",
        "email": "", "phone": "", "personal_id": "", "is_active": "on",
        "role_assignments-TOTAL_FORMS": "1", "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-MIN_NUM_FORMS": "0", "role_assignments-MAX_NUM_FORMS": "1000",
        "role_assignments-0-role": "specialist", "role_assignments-0-agency": str(tree["dept"].pk),
        "role_assignments-0-include_subagencies": "on", "role_assignments-0-valid_until_0": "",
        "role_assignments-0-valid_until_1": "",
    })
    assert change.status_code == 302, (change.context["adminform"].form.errors, [f.formset.errors for f in change.context["inline_admin_formsets"]])
    assert RoleAssignment.objects.filter(user=user, agency=tree["dept"], role="specialist").exists()
    assert AuditEntry.objects.filter(action="role.assign").exists()
    assert User.objects.get(pk=user.pk).title == "Chuyên viên"


def test_profile_edit_and_password_change(client, db):
    user = UserFactory(personal_id="038195001234")
    client.force_login(user)
    bad = client.post(reverse("accounts:profile_edit"), {"full_name": "Lê Thị F", "phone": "12", "email": ""})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    ok = client.post(reverse("accounts:profile_edit"), {"full_name": "Lê Thị F", "phone": "0987 111 222", "email": ""})
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.phone == "0987111222" and user.personal_id == "038195001234" and user.email is None
    wrong = client.post(reverse("accounts:password_change"), {
        "old_password": "sai", "new_password1": "mat-khau-moi-2026-x", "new_password2": "mat-khau-moi-2026-x"})
    assert wrong.status_code == 400 and "Mật khẩu hiện tại không đúng" in wrong.content.decode()
    right = client.post(reverse("accounts:password_change"), {
        "old_password": PASSWORD, "new_password1": "mat-khau-moi-2026-x", "new_password2": "mat-khau-moi-2026-x"})
    assert right.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200  # session kept


def test_profile_lists_own_roles_and_tokens_only(client, tree):
    from chinhquyenso.accounts import services

    from .factories import RoleAssignmentFactory

    mine = RoleAssignmentFactory(role="specialist", agency=tree["dept"])
    RoleAssignmentFactory(role="specialist", agency=tree["other"])
    services.create_api_token(mine.user, name="khóa của tôi", expires_at=None)
    services.create_api_token(UserFactory(), name="khóa người khác", expires_at=None)
    client.force_login(mine.user)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert tree["dept"].name in body and tree["other"].name not in body
    assert "khóa của tôi" in body and "khóa người khác" not in body
    assert ApiToken.objects.count() == 2
