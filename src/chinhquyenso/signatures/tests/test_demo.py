import pytest

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, RoleAssignmentFactory
from chinhquyenso.signatures import backends, demo, services
from chinhquyenso.signatures.models import SigningCredential


@pytest.mark.django_db
def test_demo_pki_idempotent_and_usable(settings, tmp_path, commune, pdf):
    settings.SIGNATURES_DIR = str(tmp_path / "signing")
    settings.SIGNATURES_TRUST_DIR = ""
    leader = OfficialFactory(username="lanhdao", full_name="Nguyễn Văn Hùng", title="Chủ tịch")
    RoleAssignmentFactory(user=leader, role=Role.LEADER, agency=commune)
    backends.clear_cache()
    first = demo.make_demo_pki()
    again = demo.make_demo_pki()
    assert {c.pk for c in first} == {c.pk for c in again}
    assert SigningCredential.objects.filter(is_active=True).count() == 2
    signed = services.sign_organization(services.sign_personal(pdf, user=leader), agency=commune)
    assert [r.ok for r in services.verify(signed)] == [True, True]
    backends.clear_cache()
