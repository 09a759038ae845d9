"""A test per transition, allowed and refused (wrong status, wrong role, wrong agency, missing
field), plus what every write leaves behind (process log, audit, sync version, notification)."""

import pytest

from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.dossiers import services
from chinhquyenso.dossiers.models import (
    Dossier,
    Extension,
    ProcessLogEntry,
    ProcessLogImmutableError,
    SyncState,
)
from chinhquyenso.dossiers.services import Conflict, DossierError, NotAllowed
from chinhquyenso.dossiers.workflow import TRANSITIONS, Status
from chinhquyenso.notifications.models import Notification

from .factories import at
from .states import STATES, t

pytestmark = pytest.mark.django_db

ITEMS = {"items": ["Giấy chứng sinh (bản chính)"], "reason": "Thiếu giấy chứng sinh"}

ALLOWED = [
    # action, start state, actor (World attribute), payload, status after, current role after
    ("receive", "new", "officer", {}, Status.RECEIVED, "one_stop_officer"),
    ("refuse", "new", "officer", {"reason": "Không thuộc thẩm quyền"}, Status.REFUSED, ""),
    ("transfer", "received", "officer", {}, Status.PROCESSING, "specialist"),
    ("forward", "processing", "specialist", {}, Status.PROCESSING, "leader"),
    ("send_back", "at_approval", "leader", {"reason": "Cần thẩm định lại"}, Status.PROCESSING, "specialist"),
    ("approve", "at_approval", "leader", {"results": [{"name": "Giấy khai sinh", "number_symbol": "12/2026"}]},
     Status.FINISHED, "one_stop_officer"),
    ("return_result", "finished", "officer", {}, Status.RETURNED, ""),
    ("request_supplement", "processing", "specialist", ITEMS, Status.SUPPLEMENT, "specialist"),
    ("request_supplement", "new", "officer", ITEMS, Status.SUPPLEMENT, "one_stop_officer"),
    ("supply", "supplement", "officer", {}, Status.PROCESSING, "specialist"),
    ("request_financial", "processing", "specialist", {"obligations": [{"name": "Thuế", "amount": 100000}]},
     Status.FINANCIAL, "specialist"),
    ("confirm_payment", "financial", "officer", {"method": "cash"}, Status.PROCESSING, "specialist"),
    ("confirm_payment", "financial", None, {"method": "vietqr"}, Status.PROCESSING, "specialist"),
    ("withdraw", "new", "citizen", {"reason": "Không còn nhu cầu"}, Status.WITHDRAWN, ""),
    ("withdraw", "processing", "officer", {"reason": "Công dân đề nghị rút"}, Status.WITHDRAWN, ""),
    ("stop", "processing", "leader", {"reason": "Hồ sơ giả mạo"}, Status.STOPPED, ""),
    ("stop", "supplement", None, {"reason": "Quá hạn bổ sung"}, Status.STOPPED, ""),
    ("extend", "processing", "leader", {"reason": "Cần xác minh", "new_due_at": "2026-03-12"}, Status.PROCESSING,
     "specialist"),
    ("rate", "online_returned", "citizen", {"rating": 1, "comment": "Nhanh"}, Status.RETURNED, ""),
]


@pytest.mark.parametrize(("action", "state", "who", "payload", "status", "role"), ALLOWED,
                         ids=[f"{a[0]}-{a[1]}-{a[2]}" for a in ALLOWED])
def test_allowed(world, action, state, who, payload, status, role):
    d = STATES[state](world)
    version, seq = d.sync_version, d.log.count()
    actor = getattr(world, who) if who else None
    d = services.perform(d.pk, action, actor=actor, at=t(100), **payload)
    d.refresh_from_db()
    assert (d.status, d.current_role) == (status, role)
    entry = d.log.order_by("-seq").first()
    assert (entry.seq, entry.action, entry.status_after) == (seq + 1, action, status)
    assert entry.actor_id == (actor.pk if actor else None)
    assert d.sync_version == version + 1 and d.sync_state == SyncState.PENDING
    assert AuditEntry.objects.filter(action=f"dossier.{action}", object_id=str(d.pk)).exists()


def test_every_row_of_the_table_has_an_allowed_test():
    covered = {row[0] for row in ALLOWED} | {"submit"}
    assert covered == {t.action for t in TRANSITIONS}


REFUSED = [
    # wrong status
    ("receive", "processing", "officer", {}, Conflict),
    ("approve", "processing", "leader", {}, Conflict),  # the step is appraisal, not approval
    ("return_result", "processing", "officer", {}, Conflict),
    ("supply", "processing", "officer", {}, Conflict),
    ("rate", "finished", "citizen", {"rating": 1}, Conflict),
    ("extend", "finished", "leader", {"reason": "x", "new_due_at": "2026-03-20"}, Conflict),
    # wrong role
    ("receive", "new", "specialist", {}, NotAllowed),
    ("forward", "processing", "officer", {}, NotAllowed),
    ("approve", "at_approval", "specialist", {}, NotAllowed),
    ("extend", "processing", "specialist", {"reason": "x", "new_due_at": "2026-03-20"}, NotAllowed),
    ("withdraw", "new", "other_citizen", {"reason": "x"}, NotAllowed),
    ("rate", "online_returned", "other_citizen", {"rating": 1}, NotAllowed),
    ("receive", "new", None, {}, NotAllowed),  # the platform cannot receive
    # wrong agency (the role, but elsewhere)
    ("receive", "new", "other_officer", {}, NotAllowed),
    ("transfer", "received", "other_officer", {}, NotAllowed),
    ("forward", "processing", "other_specialist", {}, NotAllowed),
    # missing or bad field
    ("refuse", "new", "officer", {}, DossierError),
    ("refuse", "new", "officer", {"reason": "   "}, DossierError),
    ("request_supplement", "processing", "specialist", {"reason": "Thiếu"}, DossierError),
    ("request_supplement", "processing", "specialist", {"items": [" "], "reason": "Thiếu"}, DossierError),
    ("request_financial", "processing", "specialist", {"obligations": [{"amount": 1}]}, DossierError),
    ("request_financial", "processing", "specialist", {"obligations": [{"name": "Thuế", "amount": "abc"}]}, DossierError),
    ("stop", "processing", "leader", {}, DossierError),
    ("extend", "processing", "leader", {"reason": "x"}, DossierError),
    ("extend", "processing", "leader", {"reason": "x", "new_due_at": "ngày mai"}, DossierError),
    ("extend", "processing", "leader", {"reason": "x", "new_due_at": "2026-03-01"}, DossierError),  # before due
    ("rate", "online_returned", "citizen", {"rating": 7}, DossierError),
    ("send_back", "at_approval", "leader", {}, DossierError),
    ("transfer", "received", "officer", {"assignee": 999999}, DossierError),
]


@pytest.mark.parametrize(("action", "state", "who", "payload", "error"), REFUSED,
                         ids=[f"{r[0]}-{r[1]}-{r[2]}-{i}" for i, r in enumerate(REFUSED)])
def test_refused(world, action, state, who, payload, error):
    d = STATES[state](world)
    before = (d.status, d.log.count(), Dossier.objects.get(pk=d.pk).sync_version)
    with pytest.raises(error) as info:
        services.perform(d.pk, action, actor=getattr(world, who) if who else None, at=t(100), **payload)
    assert type(info.value) is error
    assert info.value.text  # a Vietnamese message
    d = Dossier.objects.get(pk=d.pk)
    assert (d.status, d.log.count(), d.sync_version) == before  # nothing half-written


def test_unknown_action_and_dossier():
    with pytest.raises(DossierError):
        services.perform(1, "fly", actor=None)
    with pytest.raises(services.NotFound):
        services.perform(123456, "receive", actor=None)
    with pytest.raises(DossierError):
        services.perform(1, "submit", actor=None)


def test_assigned_step_only_for_the_assignee_or_a_leader(world):
    from chinhquyenso.accounts.tests.factories import OfficialFactory

    from .factories import grant

    colleague = grant(OfficialFactory(), "specialist", world.commune_pc)
    d = STATES["received"](world)
    d = services.perform(d.pk, "transfer", actor=world.officer, at=t(10), assignee=world.specialist.pk)
    assert d.current_assignee_id == world.specialist.pk
    with pytest.raises(NotAllowed):
        services.perform(d.pk, "forward", actor=colleague, at=t(20))
    services.perform(d.pk, "forward", actor=world.specialist, at=t(20))


def test_online_supplement_only_within_8_working_hours(world):
    d = STATES["new"](world)  # submitted Monday 2/3/2026 9:00
    with pytest.raises(Conflict, match="08 giờ làm việc"):
        services.perform(d.pk, "request_supplement", actor=world.officer, at=at(2026, 3, 3, 10), **ITEMS)
    d = services.perform(d.pk, "request_supplement", actor=world.officer, at=at(2026, 3, 3, 9, 30), **ITEMS)
    assert d.status == Status.SUPPLEMENT


def test_online_supplement_restarts_the_clock(world):
    d = STATES["new"](world)
    d = services.perform(d.pk, "receive", actor=world.officer, at=at(2026, 3, 2, 10))
    assert d.due_at == at(2026, 3, 5, 17)
    d = services.perform(d.pk, "request_supplement", actor=world.officer, at=at(2026, 3, 2, 14), **ITEMS)
    d = services.perform(d.pk, "supply", actor=world.citizen, at=at(2026, 3, 9, 16, 30))  # last hour → next day
    assert (d.status, d.due_at, d.counting_started_at) == (Status.RECEIVED, at(2026, 3, 13, 17), at(2026, 3, 10, 7, 30))
    req = d.supplements.get()
    assert (req.due_before, req.due_after) == (at(2026, 3, 5, 17), at(2026, 3, 13, 17))
    assert "tính lại từ đầu" in d.log.order_by("-seq").first().content


def test_paper_supplement_resumes_with_the_paused_time(world):
    d = STATES["processing"](world)  # received Monday 2/3 9:00, due Thursday 5/3 17:00
    assert d.due_at == at(2026, 3, 5, 17)
    services.perform(d.pk, "request_supplement", actor=world.specialist, at=at(2026, 3, 3, 10), **ITEMS)
    d = services.perform(d.pk, "supply", actor=world.officer, at=at(2026, 3, 4, 10))  # 7.5 h paused
    assert (d.status, d.due_at) == (Status.PROCESSING, at(2026, 3, 6, 17))


def test_second_supplement_is_allowed_and_recorded(world):
    d = STATES["supplement"](world)
    services.perform(d.pk, "supply", actor=world.officer, at=t(200))
    d = services.perform(d.pk, "request_supplement", actor=world.specialist, at=t(300), **ITEMS)
    assert d.supplement_count == 2 and d.supplements.count() == 2
    assert "Bộ chỉ số 766" in d.log.order_by("-seq").first().content


def test_extension_once_only_and_at_least_one_working_day_before(world):
    d = STATES["processing"](world)  # due Thursday 5/3/2026 17:00
    with pytest.raises(Conflict, match="01 ngày làm việc"):
        services.perform(d.pk, "extend", actor=world.leader, at=at(2026, 3, 5, 8), reason="x", new_due_at="2026-03-10")
    d = services.perform(d.pk, "extend", actor=world.leader, at=at(2026, 3, 4, 16), reason="Cần xác minh thêm",
                         new_due_at="2026-03-10")
    assert (d.extended, d.due_at, d.original_due_at) == (True, at(2026, 3, 10, 17), at(2026, 3, 5, 17))
    ext = Extension.objects.get(dossier=d)
    assert (ext.old_due_at, ext.new_due_at, ext.signed_by_id) == (at(2026, 3, 5, 17), at(2026, 3, 10, 17), world.leader.pk)
    with pytest.raises(Conflict, match="một lần"):
        services.perform(d.pk, "extend", actor=world.leader, at=at(2026, 3, 6, 9), reason="x", new_due_at="2026-03-12")


def test_finishing_a_late_dossier_needs_an_apology_on_record(world):
    d = STATES["at_approval"](world)  # due Thursday 5/3 17:00
    with pytest.raises(Conflict, match="BM.04"):
        services.perform(d.pk, "approve", actor=world.leader, at=at(2026, 3, 6, 9))
    assert Dossier.objects.get(pk=d.pk).status == Status.PROCESSING
    services.perform(d.pk, "extend", actor=world.leader, at=at(2026, 3, 4, 9), reason="Xác minh", new_due_at="2026-03-09")
    d = services.perform(d.pk, "approve", actor=world.leader, at=at(2026, 3, 6, 9))
    assert d.status == Status.FINISHED


def test_late_after_the_extension_needs_a_reason(world):
    d = STATES["at_approval"](world)
    services.perform(d.pk, "extend", actor=world.leader, at=at(2026, 3, 4, 9), reason="Xác minh", new_due_at="2026-03-09")
    with pytest.raises(DossierError, match="lý do"):
        services.perform(d.pk, "approve", actor=world.leader, at=at(2026, 3, 10, 9))
    d = services.perform(d.pk, "approve", actor=world.leader, at=at(2026, 3, 10, 9), reason="Chờ kết quả xác minh")
    assert d.status == Status.FINISHED


def test_inter_agency_step_hands_the_dossier_over(world):
    from chinhquyenso.accounts.tests.factories import OfficialFactory

    from .factories import counter_dossier, grant, make_version

    version = make_version(world.province, legal_time="5", inter_agency=world.department)
    dept_specialist = grant(OfficialFactory(), "specialist", world.department)
    d = counter_dossier(world, at(2026, 3, 2, 9), version=version)
    d = services.perform(d.pk, "transfer", actor=world.officer, at=at(2026, 3, 2, 10))
    d = services.perform(d.pk, "forward", actor=world.specialist, at=at(2026, 3, 2, 11))
    assert (d.current_agency_id, d.current_step.kind) == (world.department.pk, "inter_agency")
    assert d.current_step_due_at == at(2026, 3, 2, 16, 45)  # its share: 2 quarters = 3 h 45 min
    with pytest.raises(NotAllowed):  # the commune's specialist no longer holds it
        services.perform(d.pk, "forward", actor=world.specialist, at=at(2026, 3, 2, 14))
    d = services.perform(d.pk, "forward", actor=dept_specialist, at=at(2026, 3, 2, 14))
    assert (d.current_agency_id, d.current_role) == (world.commune_pc.pk, "leader")


def test_notifications_to_the_applicant_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        d = STATES["new"](world)
        services.perform(d.pk, "receive", actor=world.officer, at=t(5))
    events = set(Notification.objects.filter(user=world.citizen).values_list("event", flat=True))
    assert {"dossier.submitted", "dossier.received"} <= events


def test_events_are_sent_on_commit(world, django_capture_on_commit_callbacks):
    from chinhquyenso.dossiers.events import dossier_changed

    seen = []

    def listener(sender, **kwargs):
        seen.append((kwargs["action"], kwargs["status_before"], kwargs["status_after"]))

    dossier_changed.connect(listener)
    try:
        d = STATES["received"](world)
        with django_capture_on_commit_callbacks(execute=True):
            services.perform(d.pk, "transfer", actor=world.officer, at=t(5))
    finally:
        dossier_changed.disconnect(listener)
    assert seen == [("transfer", Status.RECEIVED, Status.PROCESSING)]


def test_process_log_is_append_only(world):
    d = STATES["received"](world)
    entry = d.log.get()
    entry.content = "sửa"
    with pytest.raises(ProcessLogImmutableError):
        entry.save()
    with pytest.raises(ProcessLogImmutableError):
        entry.delete()
    with pytest.raises(ProcessLogImmutableError):
        ProcessLogEntry.objects.filter(pk=entry.pk).update(content="x")
    with pytest.raises(ProcessLogImmutableError):
        ProcessLogEntry.objects.filter(pk=entry.pk).delete()


def test_database_refuses_log_updates(world):
    from django.db import DatabaseError, connection, transaction

    d = STATES["received"](world)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE dossiers_processlogentry SET content = 'x' WHERE dossier_id = %s", [d.pk])
