"""The demo replay: every status reached through the services, idempotent, fast enough."""

import io

import pytest

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory
from chinhquyenso.dossiers import demo
from chinhquyenso.dossiers.models import Dossier, ProcessLogEntry

from .factories import grant, make_world

pytestmark = pytest.mark.django_db


def test_demo_skips_without_procedures(calendar):
    from chinhquyenso.units.tests.factories import ProvinceFactory

    out = io.StringIO()
    demo.load(ProvinceFactory(), out)
    assert "bỏ qua" in out.getvalue() and not Dossier.objects.exists()


def test_demo_replays_history(calendar, monkeypatch):
    w = make_world()
    grant(OfficialFactory(username="motcua"), Role.ONE_STOP_OFFICER, w.centre)
    grant(OfficialFactory(username="chuyenvien"), Role.SPECIALIST, w.commune_pc)
    grant(OfficialFactory(username="lanhdao"), Role.LEADER, w.commune_pc)
    UserFactory(username="congdan", phone="0912000000")
    monkeypatch.setattr(demo, "COUNT", 60)
    out = io.StringIO()
    demo.load(w.province, out)
    assert "60 hồ sơ mẫu" in out.getvalue()
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {4, 10} <= statuses and len(statuses) >= 5  # still processing, returned, and others
    assert set(Dossier.objects.values_list("channel", flat=True)) >= {1, 2}
    assert ProcessLogEntry.objects.count() > 150
    demo.load(w.province, io.StringIO())
    assert Dossier.objects.count() == 60
