import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.feedback import services, workflow
from chinhquyenso.feedback.models import ReportEvent, Status
from chinhquyenso.feedback.workflow import TransitionError

from .conftest import MONDAY, at


def fire(name, report, world, now=MONDAY):
    op, h = world["operator"], world["handler"]
    calls = {
        "accept": lambda: services.accept(report.pk, op, now=now),
        "refuse": lambda: services.refuse(report.pk, op, reason="duplicate", now=now),
        "assign": lambda: services.assign(report.pk, op, agency=world["c1_pc"], urgency="khan", now=now),
        "start": lambda: services.start(report.pk, h, now=now),
        "send_back": lambda: services.send_back(report.pk, h, note="Sai thẩm quyền", now=now),
        "submit_result": lambda: services.submit_result(report.pk, h, result="Đã xử lý xong", now=now),
        "reject_result": lambda: services.reject_result(report.pk, op, note="Chưa có ảnh sau xử lý", now=now),
        "publish": lambda: services.publish(report.pk, op, now=now),
        "close": lambda: services.close(report.pk, op, note="Nội dung riêng tư", now=now),
    }
    return calls[name]()


# transition → (a status it is allowed from, the status it leads to)
ALLOWED = [
    ("accept", "new", Status.ACCEPTED),
    ("refuse", "new", Status.REFUSED),
    ("refuse", "accepted", Status.REFUSED),
    ("refuse", "returned", Status.REFUSED),
    ("assign", "accepted", Status.ASSIGNED),
    ("assign", "returned", Status.ASSIGNED),
    ("start", "assigned", Status.IN_PROGRESS),
    ("send_back", "assigned", Status.RETURNED),
    ("send_back", "in_progress", Status.RETURNED),
    ("submit_result", "in_progress", Status.RESULT_SUBMITTED),
    ("reject_result", "result_submitted", Status.IN_PROGRESS),
    ("publish", "result_submitted", Status.PUBLISHED),
    ("close", "result_submitted", Status.CLOSED),
]

REACHABLE = ["new", "accepted", "assigned", "in_progress", "returned", "result_submitted", "published", "closed",
             "refused"]
REFUSED = [(name, s) for name in ("accept", "refuse", "assign", "start", "send_back", "submit_result",
                                  "reject_result", "publish", "close")
           for s in REACHABLE if s not in workflow.TRANSITIONS[name].sources]


def _to(report, status, walk):
    return report if status == "new" else walk(report, status)


@pytest.mark.parametrize(("name", "source", "target"), ALLOWED, ids=[f"{a}-from-{b}" for a, b, _ in ALLOWED])
def test_transition_allowed(name, source, target, make_report, walk, world):
    report = _to(make_report(), source, walk)
    events_before = ReportEvent.objects.filter(report=report).count()
    report = fire(name, report, world)
    assert report.status == target
    event = ReportEvent.objects.filter(report=report).last()
    assert (event.action, event.from_status, event.to_status) == (name, source, target)
    assert ReportEvent.objects.filter(report=report).count() == events_before + 1
    assert AuditEntry.objects.filter(action=f"feedback.{name}", object_id=str(report.pk)).exists()


@pytest.mark.parametrize(("name", "source"), REFUSED, ids=[f"{a}-from-{b}" for a, b in REFUSED])
def test_transition_refused(name, source, make_report, walk, world):
    report = _to(make_report(), source, walk)
    with pytest.raises(TransitionError):
        fire(name, report, world)
    report.refresh_from_db()
    assert report.status == source


@pytest.mark.parametrize("name", ["accept", "refuse", "assign", "reject_result", "publish", "close"])
def test_operator_actions_need_the_provinces_operator(name, make_report, walk, world):
    source = next(s for t, s, _ in ALLOWED if t == name)
    report = _to(make_report(), source, walk)
    for outsider in (world["handler"], world["other_operator"], world["citizen"]):
        world_as = dict(world, operator=outsider)
        with pytest.raises(PermissionDenied):
            fire(name, report, world_as)


@pytest.mark.parametrize("name", ["start", "send_back", "submit_result"])
def test_agency_actions_need_the_assigned_agency(name, make_report, walk, world):
    source = next(s for t, s, _ in ALLOWED if t == name)
    report = _to(make_report(), source, walk)
    for outsider in (world["dept_handler"], world["operator"], world["citizen"]):
        with pytest.raises(PermissionDenied):
            fire(name, report, dict(world, handler=outsider))


def test_assign_stores_due_and_agency(make_report, walk, world):
    report = walk(make_report(), "accepted")
    report = services.assign(report.pk, world["operator"], agency=world["c1_pc"], urgency="khan",
                             now=at(2025, 10, 7, 15, 0))
    assert report.agency == world["c1_pc"] and report.urgency == "khan"
    assert report.due_at == at(2025, 10, 8, 9, 30)


def test_assign_refuses_bad_input(make_report, walk, world):
    report = walk(make_report(), "accepted")
    with pytest.raises(ValidationError):
        services.assign(report.pk, world["operator"], agency=None, urgency="khan")
    with pytest.raises(ValidationError):
        services.assign(report.pk, world["operator"], agency=world["c1_pc"], urgency="rat-gap")
    with pytest.raises(ValidationError):
        services.assign(report.pk, world["operator"], agency=world["other_ubnd"], urgency="khan")
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED and report.agency is None


def test_refuse_needs_reason_from_list(make_report, world):
    report = make_report()
    with pytest.raises(ValidationError):
        services.refuse(report.pk, world["operator"], reason="toi-khong-thich")
    report = services.refuse(report.pk, world["operator"], reason="complaint")
    assert report.refusal_reason == "complaint" and report.accepted_at is not None  # classified (766 5.1)


def test_notes_required(make_report, walk, world):
    report = walk(make_report(), "in_progress")
    with pytest.raises(ValidationError):
        services.send_back(report.pk, world["handler"], note="  ")
    with pytest.raises(ValidationError):
        services.submit_result(report.pk, world["handler"], result="")


def test_result_on_time_and_late(make_report, walk, world):
    report = walk(make_report(), "in_progress", now=at(2025, 10, 6, 9, 0))
    assert report.due_at == at(2025, 10, 27, 17, 0)
    late = services.submit_result(report.pk, world["handler"], result="Xong", now=at(2025, 10, 28, 8, 0))
    assert late.handled_on_time is False
    back = services.reject_result(late.pk, world["operator"], note="Bổ sung ảnh")
    assert back.handled_at is None and back.handled_on_time is None
    ok = services.submit_result(back.pk, world["handler"], result="Xong, có ảnh", now=at(2025, 10, 27, 16, 0))
    assert ok.handled_on_time is True and ok.publish_due_at == at(2025, 10, 29, 17, 0)


def test_publish_makes_public_and_rating_satisfied(make_report, walk, world):
    report = walk(make_report(), "published")
    assert report.is_public and report.published_at
    report = services.rate(report.pk, satisfied=True, comment="Cảm ơn")
    assert report.satisfied is True and report.status == Status.PUBLISHED
    with pytest.raises(TransitionError):
        services.rate(report.pk, satisfied=False)


def test_not_satisfied_reopens(make_report, walk, world):
    report = walk(make_report(), "closed")
    report = services.rate(report.pk, satisfied=False, comment="Rác vẫn còn", now=at(2025, 10, 8, 9, 0))
    assert report.status == Status.IN_PROGRESS and report.reopen_count == 1 and report.satisfied is False
    assert report.handled_at is None and report.due_at == at(2025, 10, 29, 17, 0)
    actions = list(report.events.values_list("action", flat=True))
    assert actions[-2:] == ["rate", "reopen"]
    # handled again → can be rated again
    report = services.submit_result(report.pk, world["handler"], result="Đã thu gom lần 2")
    report = services.publish(report.pk, world["operator"])
    assert services.rate(report.pk, satisfied=True).satisfied is True


def test_rate_refused_before_result(make_report, world):
    report = make_report()
    with pytest.raises(TransitionError):
        services.rate(report.pk, satisfied=True)


def test_merge(make_report, walk, world):
    target = walk(make_report(), "assigned")
    dup = make_report()
    services.me_too(dup, phone="0911111111", client_ip="1.2.3.4")
    merged = services.merge(dup.pk, target.pk, world["operator"])
    target.refresh_from_db()
    assert merged.status == Status.MERGED and merged.merged_into == target
    assert target.me_too_count == 2
    with pytest.raises(ValidationError):
        services.merge(target.pk, target.pk, world["operator"])
    with pytest.raises(TransitionError):
        services.merge(merged.pk, target.pk, world["operator"])
    with pytest.raises(PermissionDenied):
        services.merge(make_report().pk, target.pk, world["handler"])


def test_history_is_append_only_and_public_timeline(make_report, walk, world):
    report = walk(make_report(), "published")
    actions = list(report.events.values_list("action", "is_public"))
    assert actions == [("submit", True), ("accept", True), ("assign", True), ("start", True),
                       ("submit_result", False), ("publish", True)]


def test_operator_corrects_commune(make_report, world, client):
    report = make_report()
    with pytest.raises(PermissionDenied):
        services.set_commune(report.pk, world["handler"], commune=world["c2"])
    with pytest.raises(ValidationError):
        services.set_commune(report.pk, world["operator"], commune=world["c3"])  # another province
    client.force_login(world["operator"])
    from django.urls import reverse

    r = client.post(reverse("feedback:staff_act", args=[report.number, "set_commune"]), {"target": world["c2"].code})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.commune == world["c2"] and report.status == Status.NEW
    assert report.events.last().action == "set_commune"


def test_category_admin_goes_through_services(admin_client, world):
    from chinhquyenso.audit.models import AuditEntry

    url = f"/admin/feedback/category/{world['road'].pk}/change/"
    assert admin_client.get(url).status_code == 200
    data = {"province": world["province"].pk, "parent": world["waste"].pk, "code": "giao-thong", "name": "Đường",
            "kind": "field", "ack_hours": 8, "urgent_hours": 4, "normal_days": 10, "complex_days": 20,
            "publish_days": 2, "order": 0, "is_active": "on"}
    r = admin_client.post(url, data)  # waste is itself a child: three levels refused
    assert r.status_code == 200 and "Cây lĩnh vực chỉ có hai cấp" in r.content.decode()
    data.update(parent=world["group"].pk, kind="out_of_scope", guidance="")
    r = admin_client.post(url, data)
    assert r.status_code == 200 and "phải có hướng dẫn" in r.content.decode()
    data.update(kind="field")
    assert admin_client.post(url, data).status_code == 302
    world["road"].refresh_from_db()
    assert world["road"].normal_days == 10 and world["road"].parent == world["group"]
    assert AuditEntry.objects.filter(action="feedback.category_save").exists()
    assert admin_client.get("/admin/feedback/report/").status_code == 200


def test_the_overdue_index_covers_exactly_the_open_statuses():
    """The IOC's overdue list reads the partial index feedback_report_overdue: its condition must
    follow workflow.OPEN, or open reports would be missing from it (or closed ones kept)."""
    from chinhquyenso.feedback.models import Report

    index = next(i for i in Report._meta.indexes if i.name == "feedback_report_overdue")
    (lookup, statuses), = index.condition.children
    assert lookup == "status__in" and set(statuses) == set(workflow.OPEN)
