"""/api/v1/accounts/: the caller's own account."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from .auth import api_auth
from .queries import own_role_assignments

router = Router(tags=["accounts"])


class RoleAssignmentOut(Schema):
    role: str
    role_name: str
    agency_id: int
    agency_code: str
    agency_name: str
    include_subagencies: bool
    valid_until: datetime.datetime | None


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    kind: str
    email: str | None
    phone: str | None
    personal_id_masked: str
    title: str
    two_factor_enabled: bool
    roles: list[RoleAssignmentOut]


@router.get("/me", response=MeOut, auth=api_auth, summary="Tài khoản đang gọi API")
def me(request: HttpRequest):
    """The caller's profile (personal id masked) and current role assignments."""
    user = request.auth
    roles = [
        RoleAssignmentOut(
            role=a.role, role_name=a.get_role_display(), agency_id=a.agency_id, agency_code=a.agency.code,
            agency_name=a.agency.name, include_subagencies=a.include_subagencies, valid_until=a.valid_until,
        )
        for a in own_role_assignments(user)
    ]
    return MeOut(
        id=user.pk, username=user.username, full_name=user.full_name, kind=user.kind, email=user.email,
        phone=user.phone, personal_id_masked=user.masked_personal_id, title=user.title,
        two_factor_enabled=user.has_totp, roles=roles,
    )
