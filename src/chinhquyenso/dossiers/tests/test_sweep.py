"""The deadline sweep: due-soon and overdue warnings once, stop after 15 working days without a
supplement."""

import pytest
from django.core.management import call_command

from chinhquyenso.dossiers import services
from chinhquyenso.dossiers.workflow import Status
from chinhquyenso.notifications.models import Notification

from .factories import at
from .states import STATES

pytestmark = pytest.mark.django_db


def test_due_soon_then_overdue_once_each(world, django_capture_on_commit_callbacks):
    d = STATES["processing"](world)  # due Thursday 5/3/2026 17:00, at the specialist's step
    assert services.sweep(now=at(2026, 3, 4, 9)) == {"due_soon": 0, "overdue": 0, "stopped": 0}
    assert services.sweep(now=at(2026, 3, 5, 9)) == {"due_soon": 1, "overdue": 0, "stopped": 0}
    assert services.sweep(now=at(2026, 3, 5, 10)) == {"due_soon": 0, "overdue": 0, "stopped": 0}
    warned = set(Notification.objects.filter(event="dossier.due_soon").values_list("user_id", flat=True))
    assert warned == {world.specialist.pk, world.leader.pk}  # the step's role holders + the leader
    assert services.sweep(now=at(2026, 3, 6, 9)) == {"due_soon": 0, "overdue": 1, "stopped": 0}
    assert services.sweep(now=at(2026, 3, 6, 10))["overdue"] == 0
    d.refresh_from_db()
    assert d.due_soon_notified_at == at(2026, 3, 5, 9) and d.overdue_notified_at == at(2026, 3, 6, 9)


def test_stop_after_15_working_days_without_supplement(world):
    d = STATES["supplement"](world)  # requested Monday 2/3/2026
    assert services.sweep(now=at(2026, 3, 23, 16))["stopped"] == 0  # the 15th working day
    assert services.sweep(now=at(2026, 3, 24, 8))["stopped"] == 1
    d.refresh_from_db()
    assert d.status == Status.STOPPED and d.log.order_by("-seq").first().actor_id is None


def test_command(world, capsys):
    STATES["processing"](world)
    call_command("dossiers_sweep")
    assert "quá hạn" in capsys.readouterr().out
