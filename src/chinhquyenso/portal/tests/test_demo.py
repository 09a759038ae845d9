"""`make run` loads the demo twice without duplicating anything (the README promise)."""

import pytest
from django.core.management import call_command

from chinhquyenso.accounts.models import RoleAssignment, User
from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency, AgencyKind, Department, ReceptionPoint
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from chinhquyenso.units.models import AdministrativeUnit
from chinhquyenso.workdays.models import CalendarEntry

pytestmark = pytest.mark.django_db

MODELS = [AdministrativeUnit, Agency, Department, ReceptionPoint, User, RoleAssignment, CalendarEntry]


def test_demo_is_idempotent_and_gives_every_role_a_scope(client):
    call_command("load_demo", province="38", verbosity=0)
    counts = {m.__name__: m.objects.count() for m in MODELS}
    call_command("load_demo", province="38", verbosity=0)
    assert {m.__name__: m.objects.count() for m in MODELS} == counts

    communes = AdministrativeUnit.objects.current().filter(level="commune", province__code="38").count()
    assert communes == 166
    assert Agency.objects.filter(kind=AgencyKind.COMMUNE_SERVICE_CENTRE, province__code="38").count() == communes
    # Domain demos may add their own users (e.g. a specialist per commune); the demo accounts exist.
    assert User.objects.filter(username__in=[s.username for s in DEMO_ACCOUNTS]).count() == len(DEMO_ACCOUNTS)
    for spec in DEMO_ACCOUNTS:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        assert visible_agencies(user).exists() == (spec.role is not None)
    assert AuditEntry.objects.filter(action="agency.create").count() == Agency.objects.count()
    assert client.post("/tai-khoan/dang-nhap/", {"identifier": "motcua", "password": DEMO_PASSWORD}).status_code == 302
