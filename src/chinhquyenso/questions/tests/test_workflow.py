import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.notifications.models import Notification
from chinhquyenso.questions import services, workflow
from chinhquyenso.questions.models import DeadlineProfile, QuestionEvent, Status

from .conftest import at
from .factories import advance, ask

pytestmark = pytest.mark.django_db


def test_submit_routes_to_topic_default_and_sets_clocks(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        q = ask(world, now=at(2026, 2, 13, 9))
    assert q.agency == world["justice"]
    assert q.status == Status.SUBMITTED
    assert q.code == "HD-38-2026-000001"
    assert q.refuse_due == at(2026, 2, 24, 17)  # Tết 16–20/02/2026 does not count
    assert q.more_info_due == at(2026, 2, 27, 17)
    assert q.answer_due == at(2026, 3, 13, 17)
    assert [e.action for e in q.events.all()] == ["submit"]
    assert Notification.objects.filter(event="question.received").count() == 1
    entry = AuditEntry.objects.get(action="question.submit")
    assert "asker_name" not in entry.after and "asker_phone" not in entry.after


def test_route_by_commune_overrides_topic_default(world):
    from chinhquyenso.questions.models import TopicRoute

    TopicRoute.objects.create(topic=world["topic"], unit=world["commune"], agency=world["commune_pc"])
    q = ask(world, unit=world["commune"])
    assert q.agency == world["commune_pc"]


def test_codes_count_per_province_and_year(world):
    first = ask(world, now=at(2026, 12, 31, 10))
    second = ask(world, now=at(2027, 1, 4, 10))
    third = ask(world, now=at(2027, 1, 4, 11))
    assert (first.code, second.code, third.code) == ("HD-38-2026-000001", "HD-38-2027-000001", "HD-38-2027-000002")


def test_happy_path_records_every_step_and_766_figures(world, django_capture_on_commit_callbacks):
    q = ask(world, now=at(2026, 3, 2, 8))
    with django_capture_on_commit_callbacks(execute=True):
        q = advance(world, q, Status.APPROVED, now=at(2026, 3, 10, 9))
        assert q.resolved_on_time is True and q.resolved_at == at(2026, 3, 10, 9)
        assert q.publish_due == at(2026, 3, 12, 17)
        q = services.act(q, "publish", world["leader"], now=at(2026, 3, 11, 9))
    assert q.status == Status.PUBLISHED and q.published_on_time is True
    q.refresh_from_db()
    assert q.asker_notified_at is not None
    actions = list(q.events.values_list("action", flat=True))
    assert actions == ["submit", "assign", "draft", "approve", "publish", "asker_notified"]
    assert q.events.get(action="publish").is_public
    assert Notification.objects.filter(event="question.published").count() == 1


def test_late_answer_is_counted_late(world):
    q = ask(world, now=at(2026, 3, 2, 8))
    assert q.answer_due == at(2026, 3, 23, 17)
    q = advance(world, q, Status.APPROVED, now=at(2026, 3, 24, 9))
    assert q.resolved_on_time is False
    assert q.publish_due == at(2026, 3, 26, 17)
    q = services.act(q, "publish", world["leader"], now=at(2026, 3, 27, 9))
    assert q.published_on_time is False


@pytest.mark.parametrize(
    "received, refuse, more_info, answer",
    [
        (at(2026, 2, 13, 9), at(2026, 2, 24, 17), at(2026, 2, 27, 17), at(2026, 3, 13, 17)),  # before Tết
        (at(2026, 8, 27, 10), at(2026, 8, 31, 17), at(2026, 9, 7, 17), at(2026, 9, 21, 17)),  # Quốc khánh 1–2/9
        (at(2026, 11, 21, 10), at(2026, 11, 26, 17), at(2026, 12, 1, 17), at(2026, 12, 15, 17)),  # Sat; 24/11 off
        (at(2026, 4, 29, 16, 30), at(2026, 5, 5, 17), at(2026, 5, 8, 17), at(2026, 5, 22, 17)),  # 30/4–1/5
        (at(2026, 12, 31, 18), at(2027, 1, 6, 17), at(2027, 1, 11, 17), at(2027, 1, 25, 17)),  # after close; 1/1
    ],
)
def test_default_deadlines_on_real_dates(world, received, refuse, more_info, answer):
    q = ask(world, now=received)
    assert (q.refuse_due, q.more_info_due, q.answer_due) == (refuse, more_info, answer)


def test_province_profile_overrides_defaults(world):
    DeadlineProfile.objects.create(province=world["province"], refuse_days=1, more_info_days=3, answer_days=10,
                                   publish_days=1)
    q = ask(world, now=at(2026, 3, 2, 8))
    assert (q.refuse_due, q.more_info_due, q.answer_due) == (at(2026, 3, 3, 17), at(2026, 3, 5, 17), at(2026, 3, 16, 17))
    q = advance(world, q, Status.APPROVED, now=at(2026, 3, 6, 9))
    assert q.publish_due == at(2026, 3, 9, 17)


def test_refuse_with_reason(world, django_capture_on_commit_callbacks):
    q = ask(world, now=at(2026, 3, 2, 8))
    with pytest.raises(ValidationError):
        services.act(q, "refuse", world["officer"], reason="")
    with django_capture_on_commit_callbacks(execute=True):
        q = services.act(q, "refuse", world["officer"], reason="complaint", note="Gửi đơn theo Luật Khiếu nại.",
                         now=at(2026, 3, 4, 9))
    assert q.status == Status.REFUSED and q.refusal_reason == "complaint"
    assert q.resolved_on_time is True  # due 04/03 17:00
    assert Notification.objects.filter(event="question.refused").exists()


def test_more_information_round_trip_restarts_clocks(world):
    q = ask(world, now=at(2026, 3, 2, 8))
    q = services.act(q, "request_info", world["officer"], note="Xin cho biết năm sinh của cháu.", now=at(2026, 3, 3, 9))
    assert q.status == Status.INFO_REQUESTED and q.resolved_on_time is True
    with pytest.raises(PermissionDenied):
        services.act(q, "provide_info", world["officer"], note="Năm 2020")
    with pytest.raises(PermissionDenied):
        services.act(q, "provide_info", None, token="khong-dung", note="Năm 2020")


def test_provide_info_with_token_and_as_account_owner(world):
    submitted = services.submit(topic=world["topic"], title="Hỏi về khai sinh cho con",
                                body="Con tôi sinh năm 2020 tại bệnh viện tỉnh, chưa làm giấy khai sinh.",
                                asker_name="Trần Văn B", asker_phone="0987654321", now=at(2026, 3, 2, 8))
    q = services.act(submitted.question, "request_info", world["officer"], note="Cho biết nơi cư trú.",
                     now=at(2026, 3, 3, 9))
    q = services.act(q, "provide_info", None, token=submitted.token, note="Phường Hạc Thành", now=at(2026, 3, 5, 10))
    assert q.status == Status.SUBMITTED and "Phường Hạc Thành" in q.additional_info
    assert q.answer_due == at(2026, 3, 26, 17) and q.resolved_at is None
    own = ask(world, user=world["citizen"], now=at(2026, 3, 2, 8))
    own = services.act(own, "request_info", world["officer"], note="Cho biết thêm.", now=at(2026, 3, 3, 9))
    own = services.act(own, "provide_info", world["citizen"], note="Đã bổ sung.", now=at(2026, 3, 4, 9))
    assert own.status == Status.SUBMITTED


def test_route_to_other_agency_restarts_clocks_and_changes_scope(world):
    q = ask(world, now=at(2026, 3, 2, 8))
    q = services.act(q, "route", world["ioc"], agency=world["commune_pc"], now=at(2026, 3, 9, 8))
    assert q.agency == world["commune_pc"] and q.answer_due == at(2026, 3, 30, 17)
    with pytest.raises(PermissionDenied):
        services.act(q, "assign", world["officer"], assignee=world["specialist"])
    with pytest.raises(ValidationError):
        services.act(q, "route", world["ioc"], agency=world["other_root"])


def test_assign_only_a_specialist_of_the_agency(world):
    q = ask(world)
    with pytest.raises(ValidationError):
        services.act(q, "assign", world["officer"], assignee=world["commune_specialist"])
    with pytest.raises(ValidationError):
        services.act(q, "assign", world["officer"], assignee=None)
    q = services.act(q, "assign", world["officer"], assignee=world["specialist"])
    assert q.assignee == world["specialist"]


def test_only_the_assignee_drafts_and_answer_is_required(world):
    q = advance(world, ask(world), Status.ASSIGNED)
    with pytest.raises(PermissionDenied):
        services.act(q, "draft", world["specialist2"], answer="Trả lời của người không được giao việc này.")
    with pytest.raises(ValidationError):
        services.act(q, "draft", world["specialist"], answer="  ")


def test_leader_returns_for_rework_then_approves(world):
    q = advance(world, ask(world), Status.DRAFTED)
    with pytest.raises(ValidationError):
        services.act(q, "return", world["leader"], note="")
    q = services.act(q, "return", world["leader"], note="Bổ sung căn cứ Nghị định 123/2015/NĐ-CP.")
    assert q.status == Status.ASSIGNED
    q = advance(world, q, Status.APPROVED, answer="Căn cứ Luật Hộ tịch 2014 và Nghị định 123/2015/NĐ-CP, ...")
    assert q.approved_by == world["leader"]


TABLE = [
    # (status the question is in, transition, actor key, allowed?)
    (Status.SUBMITTED, "assign", "officer", True),
    (Status.SUBMITTED, "assign", "specialist", False),
    (Status.SUBMITTED, "assign", "other_leader", False),
    (Status.SUBMITTED, "refuse", "citizen", False),
    (Status.SUBMITTED, "draft", "specialist", False),
    (Status.SUBMITTED, "approve", "leader", False),
    (Status.SUBMITTED, "publish", "leader", False),
    (Status.SUBMITTED, "request_info", "specialist", True),
    (Status.ASSIGNED, "draft", "specialist", True),
    (Status.ASSIGNED, "draft", "leader", False),
    (Status.ASSIGNED, "refuse", "officer", False),
    (Status.ASSIGNED, "request_info", "officer", False),
    (Status.DRAFTED, "approve", "leader", True),
    (Status.DRAFTED, "approve", "specialist", False),
    (Status.DRAFTED, "approve", "officer", False),
    (Status.DRAFTED, "approve", "other_leader", False),
    (Status.DRAFTED, "return", "leader", True),
    (Status.DRAFTED, "publish", "leader", False),
    (Status.APPROVED, "publish", "officer", True),
    (Status.APPROVED, "publish", "specialist", False),
    (Status.APPROVED, "draft", "specialist", False),
    (Status.PUBLISHED, "publish", "leader", False),
    (Status.PUBLISHED, "return", "leader", False),
]


@pytest.mark.parametrize("status, name, who, allowed", TABLE)
def test_transition_table(world, status, name, who, allowed):
    q = advance(world, ask(world), status)
    kwargs = {
        "assign": {"assignee": world["specialist"]}, "refuse": {"reason": "duplicate"},
        "draft": {"answer": "Nội dung trả lời đủ dài để được chấp nhận."}, "return": {"note": "Sửa lại"},
        "request_info": {"note": "Bổ sung"},
    }.get(name, {})
    assert services.may(world[who], q, name) is allowed
    if allowed:
        q = services.act(q, name, world[who], **kwargs)
        assert q.status == workflow.TRANSITIONS[name].target
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            services.act(q, name, world[who], **kwargs)
        q.refresh_from_db()
        assert q.status == status


def test_every_transition_is_in_the_table_tests():
    assert {row[1] for row in TABLE} | {"route", "provide_info"} == set(workflow.TRANSITIONS)


def test_history_is_append_only(world):
    q = ask(world)
    event = QuestionEvent.objects.get(question=q)
    with pytest.raises(DatabaseError), transaction.atomic():
        QuestionEvent.objects.filter(pk=event.pk).update(note="sửa lịch sử")


def test_rating_by_asker_only(world):
    submitted = services.submit(topic=world["topic"], title="Hỏi về trích lục khai sinh",
                                body="Tôi cần cấp bản sao trích lục khai sinh thì làm ở đâu?",
                                asker_name="Trần Văn C", asker_email="c@example.vn")
    q = advance(world, submitted.question, Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        services.rate(q, world["citizen"], True)
    q = services.rate(q, None, False, token=submitted.token)
    assert q.satisfied is False


def test_asker_notification_commits_with_the_question(world, django_capture_on_commit_callbacks):
    """A transactional outbox, as for dossiers (bench/faults): committed but no on-commit
    callback run — the process died right after COMMIT — and the notification is still stored,
    its deliveries pending for notifications_sweep."""
    from chinhquyenso.notifications.models import Delivery, DeliveryStatus

    with django_capture_on_commit_callbacks(execute=False):
        q = ask(world, now=at(2026, 2, 13, 9))
    note = Notification.objects.get(event="question.received", dedupe_key__startswith=f"question.received:{q.pk}:")
    assert {d.status for d in Delivery.objects.filter(notification=note)} <= {DeliveryStatus.PENDING}


def test_a_failing_asker_notification_does_not_undo_the_question(world, monkeypatch):
    def broken(*args, **kwargs):
        Notification.objects.create(event="half-written", dedupe_key="half-written")
        raise RuntimeError("template store unavailable")

    monkeypatch.setattr(services, "notify", broken)
    q = ask(world, now=at(2026, 2, 13, 9))
    assert q.pk and q.code
    assert not Notification.objects.filter(event="half-written").exists()


def test_rolled_back_question_tells_nobody(world):
    with pytest.raises(RuntimeError), transaction.atomic():
        ask(world, now=at(2026, 2, 13, 9))
        raise RuntimeError("the caller's transaction fails after the write")
    assert not Notification.objects.filter(event="question.received").exists()
