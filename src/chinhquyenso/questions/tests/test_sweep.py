import pytest
from django.core.management import call_command

from chinhquyenso.notifications.models import Notification
from chinhquyenso.questions import services
from chinhquyenso.questions.models import Status

from .conftest import at
from .factories import advance, ask

pytestmark = pytest.mark.django_db


def test_sweep_reminds_before_and_after_deadline_once(world):
    q = ask(world, now=at(2026, 3, 2, 8))  # answer due Mon 23/03 17:00; warn from Thu 19/03
    q = advance(world, q, Status.ASSIGNED, now=at(2026, 3, 2, 9))
    assert services.sweep_deadlines(now=at(2026, 3, 18, 10)) == {"due_soon": 0, "overdue": 0}
    assert services.sweep_deadlines(now=at(2026, 3, 19, 10)) == {"due_soon": 1, "overdue": 0}
    services.sweep_deadlines(now=at(2026, 3, 20, 10))
    assert Notification.objects.filter(event="question.due_soon", user=world["specialist"]).count() == 1
    assert services.sweep_deadlines(now=at(2026, 3, 23, 17, 1)) == {"due_soon": 0, "overdue": 1}
    services.sweep_deadlines(now=at(2026, 3, 24, 9))
    assert Notification.objects.filter(event="question.overdue", user=world["specialist"]).count() == 1


def test_unassigned_questions_go_to_intake_officers_and_approved_to_publish_deadline(world):
    ask(world, now=at(2026, 3, 2, 8))
    services.sweep_deadlines(now=at(2026, 3, 24, 9))
    recipients = set(Notification.objects.filter(event="question.overdue").values_list("user_id", flat=True))
    assert world["officer"].pk in recipients and world["leader"].pk in recipients
    assert world["specialist"].pk not in recipients


def test_approved_question_uses_publish_deadline(world):
    q = advance(world, ask(world, now=at(2026, 3, 2, 8)), Status.APPROVED, now=at(2026, 3, 3, 9))
    assert q.publish_due == at(2026, 3, 5, 17)
    counts = services.sweep_deadlines(now=at(2026, 3, 6, 9))
    assert counts["overdue"] == 1


def test_command_runs(world, capsys):
    call_command("questions_sweep")
    assert "quá hạn" in capsys.readouterr().out
