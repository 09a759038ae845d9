import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chinhquyenso.community import queries
from chinhquyenso.community.models import PlanTask, TaskReport, TaskStatus
from chinhquyenso.community.services import plans as svc

D = datetime.date


@pytest.fixture
def plan(world):
    p = svc.create_plan(world["c1_official"], world["c1_pc"], year=2025, title="Kế hoạch chuyển đổi số năm 2025")
    return p


def _task(world, plan, deadline, **kw):
    return svc.add_task(world["c1_official"], plan, title=f"Nhiệm vụ hạn {deadline}", owner_agency=world["c1_pc"],
                        deadline=deadline, owner_person="Phạm Thị Lan", **kw)


# (deadline, status, completed_on via "done on", today, overdue, done_late)
CASES = [
    (D(2025, 10, 10), TaskStatus.NOT_STARTED, None, D(2025, 10, 10), False, False),  # due today: not yet overdue
    (D(2025, 10, 10), TaskStatus.NOT_STARTED, None, D(2025, 10, 11), True, False),   # the day after
    (D(2025, 10, 10), TaskStatus.IN_PROGRESS, None, D(2025, 10, 13), True, False),
    (D(2025, 9, 2), TaskStatus.IN_PROGRESS, None, D(2025, 9, 1), False, False),       # before National Day
    (D(2025, 10, 10), TaskStatus.DONE, D(2025, 10, 9), D(2025, 12, 1), False, False),
    (D(2025, 10, 10), TaskStatus.DONE, D(2025, 10, 15), D(2025, 12, 1), False, True),  # done, but late
]


@pytest.mark.parametrize(("deadline", "status", "done_on", "today", "overdue", "late"), CASES)
def test_overdue_is_derived_from_real_dates(world, plan, deadline, status, done_on, today, overdue, late):
    task = _task(world, plan, deadline)
    if status != TaskStatus.NOT_STARTED:
        svc.report_progress(world["c1_official"], task, status=TaskStatus.IN_PROGRESS, progress=30,
                            note="Đang triển khai", today=D(2025, 9, 1))
    if status == TaskStatus.DONE:
        svc.report_progress(world["c1_official"], task, status=TaskStatus.DONE, progress=100, note="Đã xong",
                            evidence_number="15/BC-UBND", evidence_date=done_on, today=done_on)
    row = queries.with_overdue(PlanTask.objects.filter(pk=task.pk), today).get()
    assert (row.is_overdue, row.done_late) == (overdue, late)
    assert queries.plan_progress(world["c1"], 2025, today=today)["overdue"] == int(overdue)


def test_plan_progress_hand_computed(world, plan):
    a = world["c1_official"]
    t1 = _task(world, plan, D(2025, 3, 31))
    t2 = _task(world, plan, D(2025, 6, 30))
    t3 = _task(world, plan, D(2025, 12, 31))
    _task(world, plan, D(2025, 8, 31))
    svc.report_progress(a, t1, status=TaskStatus.DONE, progress=100, note="Xong", evidence_number="3/BC",
                        evidence_date=D(2025, 3, 28), today=D(2025, 3, 28))
    svc.report_progress(a, t2, status=TaskStatus.IN_PROGRESS, progress=60, note="60%", today=D(2025, 6, 1))
    svc.report_progress(a, t3, status=TaskStatus.IN_PROGRESS, progress=20, note="20%", today=D(2025, 6, 1))
    # On 2025-09-01: t2 (30/6) and t4 (31/8, not started) are overdue.
    assert queries.plan_progress(world["c1"], 2025, today=D(2025, 9, 1)) == {
        "tasks": 4, "done": 1, "in_progress": 2, "not_started": 1, "overdue": 2, "percent": 25.0,
    }
    assert queries.plan_progress(world["c2"], 2025)["percent"] == 0.0
    assert [t.number for t in plan.tasks.all()] == [1, 2, 3, 4]


def test_done_needs_evidence_and_reports_are_appended(world, plan):
    a = world["c1_official"]
    task = _task(world, plan, D(2025, 12, 31))
    with pytest.raises(ValidationError, match="minh chứng"):
        svc.report_progress(a, task, status=TaskStatus.DONE, progress=100, note="Xong", today=D(2025, 10, 1))
    for bad in ({"status": "overdue", "progress": 0}, {"status": TaskStatus.IN_PROGRESS, "progress": 101},
                {"status": TaskStatus.IN_PROGRESS, "progress": "50"},
                {"status": TaskStatus.NOT_STARTED, "progress": 10}):
        with pytest.raises(ValidationError):
            svc.report_progress(a, task, note="x", today=D(2025, 10, 1), **bad)
    with pytest.raises(ValidationError):
        svc.report_progress(a, task, status=TaskStatus.IN_PROGRESS, progress=10, note="  ", today=D(2025, 10, 1))
    svc.report_progress(a, task, status=TaskStatus.IN_PROGRESS, progress=40, note="Đã khảo sát", today=D(2025, 10, 1))
    svc.report_progress(a, task, status=TaskStatus.DONE, progress=80, note="Đã nghiệm thu",
                        evidence_number="88/BB", evidence_date=D(2025, 10, 2), today=D(2025, 10, 3))
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on, task.evidence_number) == (
        TaskStatus.DONE, 100, D(2025, 10, 3), "88/BB")
    assert list(TaskReport.objects.filter(task=task).order_by("id").values_list("progress", flat=True)) == [40, 100]
    with pytest.raises(ValidationError, match="đã hoàn thành"):
        svc.report_progress(a, task, status=TaskStatus.IN_PROGRESS, progress=50, note="Mở lại", today=D(2025, 10, 4))


def test_plan_permissions(world, plan):
    with pytest.raises(PermissionDenied):
        svc.create_plan(world["c2_official"], world["c1_pc"], year=2026, title="X")
    with pytest.raises(PermissionDenied):
        _task({"c1_official": world["c2_official"], "c1_pc": world["c1_pc"]}, plan, D(2025, 12, 1))
    with pytest.raises(ValidationError, match="đã có kế hoạch"):
        svc.create_plan(world["c1_official"], world["c1_pc"], year=2025, title="Trùng")
    with pytest.raises(ValidationError, match="Thời hạn"):
        _task(world, plan, D(2030, 1, 1))
    # A province plan with a task owned by the department: the department sees it and reports on it.
    pplan = svc.create_plan(world["province_official"], world["ubnd"], year=2025, title="Kế hoạch tỉnh 2025")
    task = svc.add_task(world["province_official"], pplan, title="Hạ tầng dữ liệu", owner_agency=world["dept"],
                        deadline=D(2025, 11, 30))
    assert set(queries.plans_for(world["dept_official"])) == {pplan}
    assert set(queries.plans_for(world["province_official"])) == {pplan, plan}
    assert set(queries.plans_for(world["c1_official"])) == {plan}
    assert set(queries.plans_for(world["c2_official"])) == set()
    svc.report_progress(world["dept_official"], task, status=TaskStatus.IN_PROGRESS, progress=10, note="Bắt đầu")
    with pytest.raises(PermissionDenied):
        svc.report_progress(world["c1_official"], task, status=TaskStatus.IN_PROGRESS, progress=20, note="x")
