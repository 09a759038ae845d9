import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chinhquyenso.accounts import services
from chinhquyenso.accounts.models import RoleAssignment, UserKind
from chinhquyenso.audit.models import AuditEntry

from .factories import OfficialFactory, UserFactory


def test_citizen_cannot_assign_roles(tree, official):
    citizen = UserFactory()
    with pytest.raises(PermissionDenied):
        services.assign_role(citizen, official, "specialist", tree["dept"])
    assert not RoleAssignment.objects.filter(user=official).exists()


def test_plain_official_cannot_assign_roles(tree, official):
    specialist = services.assign_role(_system(tree), OfficialFactory(), "specialist", tree["root"]).user
    with pytest.raises(PermissionDenied):
        services.assign_role(specialist, official, "specialist", tree["dept"])


def _system(tree):
    from .factories import RoleAssignmentFactory

    return RoleAssignmentFactory(role="system_admin", agency=tree["root"]).user


@pytest.mark.parametrize(("target", "allowed"), [("dept", True), ("office", True), ("root", False), ("other", False)])
def test_agency_admin_assigns_only_inside_subtree(tree, dept_admin, official, target, allowed):
    if allowed:
        assignment = services.assign_role(dept_admin, official, "specialist", tree[target])
        entry = AuditEntry.objects.get(action="role.assign")
        assert entry.object_id == str(assignment.pk) and entry.after["role"] == "specialist"
        assert entry.province_code == tree[target].province_code
    else:
        with pytest.raises(PermissionDenied):
            services.assign_role(dept_admin, official, "specialist", tree[target])
        assert not RoleAssignment.objects.filter(user=official).exists()


def test_agency_admin_cannot_grant_system_admin_or_self(tree, dept_admin, official):
    with pytest.raises(PermissionDenied):
        services.assign_role(dept_admin, official, "system_admin", tree["dept"])
    with pytest.raises(PermissionDenied):
        services.assign_role(dept_admin, dept_admin, "leader", tree["office"])


def test_system_admin_assigns_anywhere_and_regrant_renews(tree, system_admin, official):
    first = services.assign_role(system_admin, official, "leader", tree["other"])
    services.revoke_role(system_admin, first)
    first.refresh_from_db()
    assert first.valid_until <= timezone.now()
    again = services.assign_role(system_admin, official, "leader", tree["other"])
    assert again.pk == first.pk and again.valid_until is None
    assert list(AuditEntry.objects.for_object(first).values_list("action", flat=True)) == [
        "role.assign", "role.revoke", "role.assign"
    ][::-1]


@pytest.mark.parametrize(
    "kwargs",
    [{"role": "khong-co"}, {"valid_until": "past"}, {"user": "citizen"}],
)
def test_assign_role_validates(tree, system_admin, official, kwargs):
    user = UserFactory(kind=UserKind.CITIZEN) if kwargs.get("user") == "citizen" else official
    role = kwargs.get("role", "specialist")
    valid_until = timezone.now() - datetime.timedelta(days=1) if kwargs.get("valid_until") == "past" else None
    with pytest.raises(ValidationError):
        services.assign_role(system_admin, user, role, tree["dept"], valid_until=valid_until)


def test_agency_admin_cannot_revoke_outside_subtree(tree, dept_admin, system_admin, official):
    outside = services.assign_role(system_admin, official, "specialist", tree["root"])
    with pytest.raises(PermissionDenied):
        services.revoke_role(dept_admin, outside)
    inside = services.assign_role(system_admin, official, "specialist", tree["office"])
    services.revoke_role(dept_admin, inside)
    with pytest.raises(ValidationError):
        services.revoke_role(dept_admin, inside)


def test_create_official_requires_an_administrator(tree, dept_admin):
    with pytest.raises(PermissionDenied):
        services.create_official(UserFactory(), username="canbo-moi", full_name="Trần Văn B")
    user = services.create_official(dept_admin, username="CanBo-Moi", full_name="Trần Văn B",
                                    role="specialist", agency=tree["office"])
    assert user.username == "canbo-moi" and user.kind == UserKind.OFFICIAL and not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, agency=tree["office"]).exists()
    with pytest.raises(ValidationError):
        services.create_official(dept_admin, username="canbo-moi", full_name="Trùng tên")
    with pytest.raises(PermissionDenied):
        services.create_official(dept_admin, username="canbo-2", full_name="X", role="specialist", agency=tree["root"])


def test_update_profile_rules(tree, system_admin):
    citizen = UserFactory(personal_id="038195001234")
    services.update_profile(citizen, full_name="  Lê  Văn C ", phone="0987654321")
    citizen.refresh_from_db()
    assert citizen.full_name == "Lê Văn C" and citizen.phone == "0987654321"
    with pytest.raises(ValidationError):
        services.update_profile(citizen, personal_id="001095001234")
    with pytest.raises(ValidationError):
        services.update_profile(citizen, is_staff=True)
    with pytest.raises(PermissionDenied):
        services.update_profile(citizen, by=UserFactory(), full_name="Kẻ lạ")
    services.update_profile(citizen, by=system_admin, personal_id="001095001234", is_active=False)
    citizen.refresh_from_db()
    assert citizen.personal_id == "001095001234" and not citizen.is_active


def test_set_password_requires_old_password(db):
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.set_password(user, "mat-khau-moi-2026-abc", old_password="sai")
    from .factories import PASSWORD

    services.set_password(user, "mat-khau-moi-2026-abc", old_password=PASSWORD)
    user.refresh_from_db()
    assert user.check_password("mat-khau-moi-2026-abc")
    after = AuditEntry.objects.get(action="user.set_password").after
    assert after == {"password_changed": True}  # never the hash
