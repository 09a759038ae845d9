import datetime

import pytest
from django.utils import timezone

from chinhquyenso.accounts.queries import (
    has_role,
    is_system_admin,
    scope,
    two_factor_required,
    visible_agencies,
)
from chinhquyenso.agencies.models import Agency

from .factories import OfficialFactory, RoleAssignmentFactory, UserFactory


def ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("grant_at", "subagencies", "expected"),
    [
        ("root", True, {"root", "dept", "office"}),
        ("root", False, {"root"}),
        ("dept", True, {"dept", "office"}),
        ("dept", False, {"dept"}),
        ("office", True, {"office"}),
    ],
)
def test_grant_with_and_without_subagencies(tree, grant_at, subagencies, expected, django_assert_num_queries):
    user = RoleAssignmentFactory(role="specialist", agency=tree[grant_at], include_subagencies=subagencies).user
    with django_assert_num_queries(1):
        got = ids(visible_agencies(user))
    assert got == {tree[name].pk for name in expected}
    assert ids(visible_agencies(user, ["specialist"])) == got
    assert ids(visible_agencies(user, ["leader"])) == set()


def test_system_admin_sees_everything_in_one_query(tree, system_admin, django_assert_num_queries):
    with django_assert_num_queries(1):
        got = ids(visible_agencies(system_admin))
    assert got == ids(Agency.objects.all())
    assert is_system_admin(system_admin)
    # Asking for another role does not borrow the system-admin grant.
    assert ids(visible_agencies(system_admin, ["leader"])) == set()


def test_superuser_sees_everything(tree):
    superuser = OfficialFactory(is_superuser=True)
    assert ids(visible_agencies(superuser)) == ids(Agency.objects.all())


def test_citizen_and_anonymous_see_none(tree, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    citizen = UserFactory()
    with django_assert_num_queries(1):
        assert ids(visible_agencies(citizen)) == set()
    assert ids(visible_agencies(AnonymousUser())) == set()


@pytest.mark.parametrize("valid_until", [datetime.timedelta(seconds=-1), datetime.timedelta(days=-30)])
def test_expired_or_revoked_grant_gives_nothing(tree, valid_until):
    assignment = RoleAssignmentFactory(role="leader", agency=tree["root"], valid_until=timezone.now() + valid_until)
    assert ids(visible_agencies(assignment.user)) == set()
    assert not has_role(assignment.user, "leader")
    assert not two_factor_required(assignment.user)


def test_future_expiry_still_counts(tree):
    assignment = RoleAssignmentFactory(role="leader", agency=tree["dept"],
                                       valid_until=timezone.now() + datetime.timedelta(days=1))
    assert ids(visible_agencies(assignment.user)) == {tree["dept"].pk, tree["office"].pk}
    assert has_role(assignment.user, "leader", tree["office"])
    assert not has_role(assignment.user, "leader", tree["root"])
    assert two_factor_required(assignment.user)


def test_inactive_official_sees_none(tree):
    assignment = RoleAssignmentFactory(role="specialist", agency=tree["root"])
    assignment.user.is_active = False
    assert ids(visible_agencies(assignment.user)) == set()


def test_scope_filters_any_queryset(tree):
    user = RoleAssignmentFactory(role="specialist", agency=tree["dept"]).user
    assert ids(scope(Agency.objects.filter(parent__isnull=False), user, agency_field="parent")) == {tree["office"].pk}


@pytest.mark.parametrize("grant_at", ["root", "dept", "office", "other"])
@pytest.mark.parametrize("subagencies", [True, False])
@pytest.mark.parametrize("role", ["one_stop_officer", "system_admin"])
def test_has_role_at_an_agency_is_visible_agencies(tree, grant_at, subagencies, role, django_assert_num_queries):
    """has_role(user, role, agency) asks the grants alone (the agency's path gives its ancestors);
    it must say exactly what visible_agencies(user, [role]) says, in one query."""
    user = RoleAssignmentFactory(role=role, agency=tree[grant_at], include_subagencies=subagencies).user
    RoleAssignmentFactory(user=user, role="leader", agency=tree["other"], include_subagencies=True)
    visible = ids(visible_agencies(user, [role]))
    for agency in tree.values():
        with django_assert_num_queries(1):
            held = has_role(user, role, agency)
        assert held == (agency.pk in visible), (grant_at, agency)


def test_has_role_without_grants_or_for_superusers(tree):
    nobody = UserFactory()
    superuser = UserFactory(is_superuser=True)
    inactive = RoleAssignmentFactory(role="leader", agency=tree["root"], include_subagencies=True).user
    inactive.is_active = False
    for agency in tree.values():
        assert not has_role(nobody, "leader", agency)
        assert has_role(superuser, "leader", agency)
        assert not has_role(inactive, "leader", agency)
