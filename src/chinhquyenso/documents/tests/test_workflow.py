"""Incoming and outgoing transitions: each allowed and refused; events; deadlines with real dates."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from chinhquyenso.documents import events, outgoing, services
from chinhquyenso.documents.models import (
    Attachment,
    DeliveryState,
    Direction,
    Document,
    Recipient,
    Status,
    Urgency,
)
from chinhquyenso.documents.workflow import TRANSITIONS
from chinhquyenso.notifications.models import Notification
from chinhquyenso.workdays.calendar import VN_TZ

from .pdfs import broken_pdf, not_a_pdf, pdf_with_text

pytestmark = pytest.mark.django_db


def incoming(org, types, **kw):
    data = dict(agency=org["ubnd"], doc_type=types["cong-van"], subject="Về việc triển khai chuyển đổi số",
                issuing_agency_name="Sở Khoa học và Công nghệ", number_symbol="45/SKHCN-CĐS", actor=org["clerk"])
    data.update(kw)
    return services.register_incoming(**data)


@pytest.mark.parametrize(
    ("received", "urgency", "due"),
    [
        # Friday 15:30 → due at the close of Monday (next working day), 17:00.
        (dt.datetime(2026, 3, 6, 15, 30), Urgency.NORMAL, dt.datetime(2026, 3, 9, 17, 0)),
        # Saturday → Monday.
        (dt.datetime(2026, 3, 7, 10, 0), Urgency.NORMAL, dt.datetime(2026, 3, 9, 17, 0)),
        # Wednesday 29/4/2026: 30/4 and 1/5 are holidays → Monday 4/5.
        (dt.datetime(2026, 4, 29, 9, 0), Urgency.NORMAL, dt.datetime(2026, 5, 4, 17, 0)),
        # Hỏa tốc: immediately.
        (dt.datetime(2026, 3, 6, 15, 30), Urgency.FLASH, dt.datetime(2026, 3, 6, 15, 30)),
        (dt.datetime(2026, 3, 6, 15, 30), Urgency.URGENT, dt.datetime(2026, 3, 6, 15, 30)),
    ],
)
def test_registration_due_same_or_next_working_day_urgent_immediately(org, holidays, received, urgency, due):
    received = received.replace(tzinfo=VN_TZ)
    assert services.registration_due(org["ubnd"], received, urgency) == due.replace(tzinfo=VN_TZ)


def test_register_incoming_gives_a_number_stores_files_and_signals_on_commit(org, types, django_capture_on_commit_callbacks):
    seen = []
    events.incoming_status_changed.connect(lambda sender, document, status, **k: seen.append(status), weak=False,
                                           dispatch_uid="t1")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            doc = incoming(org, types, files=[ContentFile(pdf_with_text("Kế hoạch chuyển đổi số"), name="kh.pdf")],
                           source={"DocumentId": "000.00.00.H56,2026-03-02,45/SKHCN-CĐS"},
                           external_id="000.00.00.H56,2026-03-02,45/SKHCN-CĐS")
    finally:
        events.incoming_status_changed.disconnect(dispatch_uid="t1")
    assert doc.status == Status.REGISTERED and doc.register_number == 1
    assert seen == [Status.REGISTERED]
    att = doc.files.get()
    assert att.pages == 1 and "chuyển đổi số" in att.text.lower()
    assert "ke hoach chuyen doi so" in doc.search_folded
    # The same package again: the first document, no second number.
    again = incoming(org, types, external_id="000.00.00.H56,2026-03-02,45/SKHCN-CĐS")
    assert again.pk == doc.pk and Document.objects.count() == 1


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([ContentFile(not_a_pdf(), name="x.pdf")], "không phải tệp PDF"),
        ([ContentFile(broken_pdf(), name="x.pdf")], "bị hỏng"),
        ([ContentFile(b"", name="x.pdf")], "rỗng"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(org, types, files, message, settings):
    with pytest.raises(ValidationError) as exc:
        incoming(org, types, files=files)
    assert message in str(exc.value)
    assert Document.objects.count() == 0 and Attachment.objects.count() == 0
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_oversized_file_is_refused(org, types, settings):
    settings.DOCUMENTS_MAX_FILE_MB = 1
    big = pdf_with_text() + b"%" + b"x" * (1024 * 1024)
    with pytest.raises(ValidationError, match="vượt quá 1 MB"):
        incoming(org, types, files=[ContentFile(big, name="lon.pdf")])
    assert Document.objects.count() == 0


def test_a_good_main_file_with_a_bad_attachment_stores_nothing(org, types, settings):
    with pytest.raises(ValidationError):
        incoming(org, types, files=[ContentFile(pdf_with_text(), name="a.pdf")],
                 attachments=[ContentFile(broken_pdf(), name="pl.pdf")])
    assert Document.objects.count() == 0 and Attachment.objects.count() == 0


def test_received_then_registered_by_the_clerk(org, types):
    doc = services.receive_incoming(agency=org["ubnd"], doc_type=types["giay-moi"], subject="Mời họp",
                                    issuing_agency_name="UBND tỉnh")
    assert doc.status == Status.RECEIVED and doc.register_number is None
    with pytest.raises(PermissionError):
        services.register(doc, actor=org["specialist"])
    doc = services.register(doc, actor=org["clerk"])
    assert doc.status == Status.REGISTERED and doc.register_number == 1
    with pytest.raises(ValidationError):
        services.register(doc, actor=org["clerk"])  # not twice


def test_assignment_computes_the_deadline_on_working_days(org, types, holidays):
    doc = incoming(org, types)
    # Friday 24/4/2026 10:00 + 5 working days: Giỗ Tổ (10/3 lunar) is Sunday 26/4, so Monday 27/4 is
    # off in lieu; 30/4 and 1/5 are holidays → 28, 29/4, 4, 5, 6/5.
    with time_machine.travel(dt.datetime(2026, 4, 24, 10, 0, tzinfo=VN_TZ), tick=False):
        doc = services.assign(doc, actor=org["leader"], lead_unit=org["pkt"], coordinating_units=[org["vp"]],
                              handler=org["specialist"], deadline_days=5, note="Giao Phòng Kinh tế chủ trì")
    assert doc.status == Status.ASSIGNED
    assert doc.processing_deadline == dt.datetime(2026, 5, 6, 17, 0, tzinfo=VN_TZ)
    assert list(doc.coordinating_units.all()) == [org["vp"]]
    assert Notification.objects.filter(event="documents.assigned", user=org["specialist"]).exists()


def test_each_incoming_transition_allowed_and_refused(org, types):
    doc = incoming(org, types)
    with pytest.raises(PermissionError):
        services.assign(doc, actor=org["clerk"], lead_unit=org["pkt"])  # clerks do not assign
    with pytest.raises(PermissionError):
        services.assign(doc, actor=org["outsider"], lead_unit=org["pkt"])  # leader elsewhere
    with pytest.raises(ValidationError):
        services.assign(doc, actor=org["leader"], lead_unit=org["other"])  # unit outside the agency
    with pytest.raises(ValidationError):
        services.start(doc, actor=org["specialist"])  # not assigned yet
    doc = services.assign(doc, actor=org["leader"], lead_unit=org["pkt"], deadline_days=3)
    with pytest.raises(PermissionError):
        services.start(doc, actor=org["outsider"])  # a leader of another commune
    doc = services.start(doc, actor=org["specialist"])  # specialist at the lead unit
    assert doc.status == Status.PROCESSING
    with pytest.raises(ValidationError):
        services.refuse(doc, actor=org["clerk"], note="Sai nơi nhận")  # too late to refuse
    doc = services.complete(doc, actor=org["specialist"], note="Đã báo cáo")
    assert doc.status == Status.DONE and doc.completed_at
    actions = list(doc.events.values_list("action", flat=True))
    assert actions == ["register", "assign", "start", "complete"]


def test_refuse_needs_a_reason(org, types):
    doc = services.receive_incoming(agency=org["ubnd"], doc_type=types["cong-van"], subject="Nhầm nơi nhận",
                                    issuing_agency_name="Sở Y tế")
    with pytest.raises(ValidationError):
        services.refuse(doc, actor=org["clerk"], note=" ")
    assert services.refuse(doc, actor=org["clerk"], note="Không đúng thẩm quyền").status == Status.REFUSED


def test_every_transition_of_the_table_is_reachable_by_perform():
    for name in TRANSITIONS:
        assert name in {"register", "refuse", "assign", "start", "complete", "submit", "check", "return",
                        "approve", "sign", "issue", "distribute"}


def draft(org, types, **kw):
    data = dict(agency=org["ubnd"], doc_type=types["quyet-dinh"], subject="Quyết định giao đất cho hộ gia đình",
                actor=org["drafter"], files=[ContentFile(pdf_with_text("Quyết định giao đất"), name="qd.pdf")],
                attachments=[ContentFile(pdf_with_text("Phụ lục danh sách"), name="pl.pdf")],
                recipients=[{"agency": org["other"]}, {"name": "Sở Nông nghiệp và Môi trường", "code": "000.10.00.H56"}])
    data.update(kw)
    return outgoing.create_draft(**data)


def test_outgoing_happy_path_signs_numbers_issues_and_distributes(org, types, fake_signing,
                                                                 django_capture_on_commit_callbacks):
    issued, distributed = [], []
    events.document_issued.connect(lambda sender, document, **k: issued.append(document.number_symbol), weak=False,
                                   dispatch_uid="t2")
    events.document_distributed.connect(lambda sender, document, recipients, **k: distributed.extend(recipients),
                                        weak=False, dispatch_uid="t3")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            doc = draft(org, types)
            doc = outgoing.submit(doc, actor=org["drafter"])
            doc = outgoing.check(doc, actor=org["clerk"])
            doc = outgoing.approve(doc, actor=org["leader"])
            doc = outgoing.sign(doc, actor=org["leader"])
            with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VN_TZ)):
                doc = outgoing.issue(doc, actor=org["clerk"])
            doc = outgoing.distribute(doc, actor=org["clerk"])
    finally:
        events.document_issued.disconnect(dispatch_uid="t2")
        events.document_distributed.disconnect(dispatch_uid="t3")
    assert doc.status == Status.DISTRIBUTED
    assert doc.number_symbol == "01/QĐ-UBND" and doc.issued_on == dt.date(2026, 3, 5)
    assert fake_signing.calls == [f"personal:{org['leader'].username}", f"organization:{org['ubnd'].code}",
                                  "attachment:01/QĐ-UBND"]
    assert issued == ["01/QĐ-UBND"]
    assert [r.name for r in distributed] == ["Sở Nông nghiệp và Môi trường"]
    internal = doc.recipients.get(agency=org["other"])
    copy = internal.delivered_document
    assert internal.state == DeliveryState.RECEIVED
    assert copy.direction == Direction.INCOMING and copy.agency == org["other"] and copy.status == Status.RECEIVED
    assert copy.number_symbol == "01/QĐ-UBND" and copy.files.count() == 2
    # The receiving clerk registers the copy: the sender sees it.
    services.refuse(copy, actor=org["outsider"], note="Không thuộc thẩm quyền")
    internal.refresh_from_db()
    assert internal.state == DeliveryState.REFUSED


def test_outgoing_transitions_refused_for_the_wrong_role_or_state(org, types, fake_signing):
    doc = draft(org, types)
    with pytest.raises(ValidationError):
        outgoing.approve(doc, actor=org["leader"])  # still a draft
    doc = outgoing.submit(doc, actor=org["drafter"])
    with pytest.raises(PermissionError):
        outgoing.check(doc, actor=org["drafter"])  # specialists do not check form
    doc = outgoing.return_(doc, actor=org["clerk"], note="Sai thể thức")
    assert doc.status == Status.DRAFT
    doc = outgoing.submit(doc, actor=org["drafter"])
    doc = outgoing.check(doc, actor=org["clerk"])
    with pytest.raises(PermissionError):
        outgoing.approve(doc, actor=org["clerk"])  # only leaders approve
    with pytest.raises(PermissionError):
        outgoing.approve(doc, actor=org["outsider"])  # a leader of another agency
    doc = outgoing.approve(doc, actor=org["leader"])
    with pytest.raises(PermissionError):
        outgoing.sign(doc, actor=org["clerk"])
    with pytest.raises(ValidationError):
        outgoing.issue(doc, actor=org["clerk"])  # not signed yet
    doc = outgoing.sign(doc, actor=org["leader"])
    with pytest.raises(PermissionError):
        outgoing.issue(doc, actor=org["leader"])  # numbering is the clerk's
    assert doc.register_number is None


def test_official_letter_symbol_uses_the_drafting_unit(org, types, fake_signing):
    doc = draft(org, types, doc_type=types["cong-van"], drafting_unit_symbol="vp", subject="Về việc rà soát")
    for step, who in [(outgoing.submit, "drafter"), (outgoing.check, "clerk"), (outgoing.approve, "leader"),
                      (outgoing.sign, "leader"), (outgoing.issue, "clerk")]:
        doc = step(doc, actor=org[who])
    assert doc.number_symbol == "01/UBND-VP"


def test_a_failing_signature_rolls_the_issue_back(org, types, fake_signing):
    from chinhquyenso.documents import signing

    doc = draft(org, types)
    for step, who in [(outgoing.submit, "drafter"), (outgoing.check, "clerk"), (outgoing.approve, "leader"),
                      (outgoing.sign, "leader")]:
        doc = step(doc, actor=org[who])

    def broken(pdf, *, agency):
        raise ValidationError("Cơ quan chưa có chứng thư số.")

    fake_signing.sign_organization = broken
    assert signing._services() is fake_signing
    with pytest.raises(ValidationError, match="chứng thư"):
        outgoing.issue(doc, actor=org["clerk"])
    doc.refresh_from_db()
    assert doc.status == Status.SIGNED and doc.register_number is None and not doc.number_symbol
    assert Recipient.objects.filter(document=doc).count() == 2


def test_reminders_for_due_soon_overdue_and_unregistered_once_a_day(org, types, holidays):
    from django.core.management import call_command

    with time_machine.travel(dt.datetime(2026, 3, 2, 9, 0, tzinfo=VN_TZ), tick=False):  # Monday
        soon = incoming(org, types)
        services.assign(soon, actor=org["leader"], lead_unit=org["pkt"], handler=org["specialist"], deadline_days=1)
        late = incoming(org, types, subject="Việc đã quá hạn")
        services.assign(late, actor=org["leader"], lead_unit=org["pkt"], handler=org["specialist"], deadline_days=1)
        services.receive_incoming(agency=org["ubnd"], doc_type=types["cong-van"], subject="Chưa vào sổ",
                                  issuing_agency_name="Sở Y tế")
    with time_machine.travel(dt.datetime(2026, 3, 4, 8, 0, tzinfo=VN_TZ), tick=False):  # Wednesday
        late_counts = services.send_reminders(soon_days=0)
        assert late_counts == {"due_soon": 0, "overdue": 2, "unregistered": 1}
        call_command("documents_remind", "--days", "0")  # same day again: deduplicated
    assert Notification.objects.filter(event="documents.overdue", user=org["specialist"]).count() == 2
    assert Notification.objects.filter(event="documents.unregistered", user=org["clerk"]).count() == 1
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=VN_TZ), tick=False):
        assert services.send_reminders(soon_days=1)["due_soon"] == 2
