"""personal_data_retention: reporters' and askers' identity erased once FEEDBACK_REPORTER_RETENTION_DAYS
/ QUESTIONS_ASKER_RETENTION_DAYS have passed since closing — with real dates (time-machine),
idempotent, batched, one audit entry per run, and a dry run that changes nothing."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory
from chinhquyenso.audit.models import AuditEntry
from chinhquyenso.dossiers.tests.factories import grant, make_world
from chinhquyenso.feedback import services as feedback_services
from chinhquyenso.feedback.models import Category, MeToo, Report, ReporterContact
from chinhquyenso.questions import services as question_services
from chinhquyenso.questions.models import Question, QuestionEvent, Topic
from chinhquyenso.workdays.calendar import VN_TZ


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=VN_TZ)


CLOSED = at(2025, 3, 10, 10)


@pytest.fixture
def data(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FEEDBACK_REPORTER_RETENTION_DAYS = 365
    settings.QUESTIONS_ASKER_RETENTION_DAYS = 365
    from chinhquyenso.workdays import services as workdays

    workdays.seed_years(2025, 2027)
    w = make_world()
    operator = grant(OfficialFactory(), Role.IOC_OPERATOR, w.commune_pc.parent)
    category = Category.objects.create(province=w.province, code="rac-thai", name="Rác thải")
    topic = Topic.objects.create(province=w.province, code="ho-tich", name="Hộ tịch", default_agency=w.commune_pc)

    def report(n: int, user=None):
        with time_machine.travel(at(2025, 3, 3, 9), tick=False):
            return feedback_services.submit_report(
                province=w.province, category=category, description=f"Rác thải đổ trộm ở ngõ {n} đã lâu",
                address=f"Ngõ {n}, {w.commune_pc.unit.full_name}", name="Lê Thị Hoa", phone="0912345678",
                email="hoa@example.vn", user=user, client_ip="203.0.113.7", now=at(2025, 3, 3, 9))

    def refuse(r, when):
        return feedback_services.refuse(r.pk, operator, reason="duplicate", now=when)

    old = refuse(report(1, user=w.citizen), CLOSED)
    with time_machine.travel(at(2025, 3, 4, 9), tick=False):
        feedback_services.me_too(Report.objects.get(pk=report(9).pk), user=w.other_citizen, phone="0987654321",
                                 client_ip="198.51.100.4")
    me_too_report = MeToo.objects.get().report
    refuse(me_too_report, CLOSED)
    recent = refuse(report(2), at(2025, 12, 1, 10))
    still_open = report(3)

    def question(n: int):
        return question_services.submit(
            topic=topic, title=f"Hỏi về khai sinh số {n}", body=f"Con tôi sinh ở bệnh viện tỉnh, đăng ký ở đâu? ({n})",
            asker_phone="0912345678", asker_address="Thôn 1", user=w.citizen, now=at(2025, 3, 3, 9)).question

    published = question(1)
    Question.objects.filter(pk=published.pk).update(status="published", published_at=CLOSED)  # set-up, not the test
    refused = question(2)
    Question.objects.filter(pk=refused.pk).update(status="refused", resolved_at=at(2025, 3, 4))
    QuestionEvent.objects.create(question=refused, province_code=w.province.code, action="refuse",
                                 from_status="submitted", to_status="refused", at=at(2025, 6, 1))
    open_question = question(3)
    return {"old": old, "me_too_report": me_too_report, "recent": recent, "open": still_open,
            "published": published, "refused": refused, "open_question": open_question}


def _run(*args) -> str:
    out = io.StringIO()
    call_command("personal_data_retention", *args, stdout=out)
    return out.getvalue()


def _contact(report) -> ReporterContact:
    return ReporterContact.objects.get(report=report)


def _erased(contact: ReporterContact) -> bool:
    return (contact.user_id, contact.name, contact.phone, contact.email, contact.client_ip) == (None, "", "", "", "")


def test_reporters_are_erased_only_after_the_period(data):
    with time_machine.travel(CLOSED + datetime.timedelta(days=364), tick=False):
        assert "Đã xóa thông tin định danh: 0 người phản ánh, 0 xác nhận" in _run()
    assert not _erased(_contact(data["old"]))
    with time_machine.travel(CLOSED + datetime.timedelta(days=366), tick=False):
        out = _run()
    assert "2 người phản ánh, 1 xác nhận" in out
    assert _erased(_contact(data["old"])) and _erased(_contact(data["me_too_report"]))
    me_too = MeToo.objects.get()
    assert (me_too.user_id, me_too.phone, me_too.client_ip) == (None, "", "")
    assert not _erased(_contact(data["recent"])) and not _erased(_contact(data["open"]))
    old = Report.objects.get(pk=data["old"].pk)  # the report itself stays
    assert old.description.startswith("Rác thải đổ trộm") and old.status == "refused"


def test_askers_are_erased_after_publication_or_refusal(data):
    with time_machine.travel(CLOSED + datetime.timedelta(days=366), tick=False):
        assert "1 người hỏi" in _run()
    published = Question.objects.get(pk=data["published"].pk)
    assert (published.asker_id, published.asker_name, published.asker_phone, published.asker_address) == (None, "", "", "")
    refused = Question.objects.get(pk=data["refused"].pk)  # refused on 1/6 (its event), not 4/3 (resolved_at)
    assert refused.asker_phone == "0912345678"
    with time_machine.travel(at(2026, 6, 2, 10), tick=False):
        assert "1 người hỏi" in _run()
    assert Question.objects.get(pk=data["refused"].pk).asker_phone == ""
    assert Question.objects.get(pk=data["open_question"].pk).asker_phone == "0912345678"


def test_idempotent_with_one_audit_entry_per_run(data):
    with time_machine.travel(at(2027, 1, 1), tick=False):
        first = _run()
        second = _run()
    assert "3 người phản ánh" in first and "2 người hỏi" in first
    assert "0 người phản ánh, 0 xác nhận" in second and "0 người hỏi" in second
    entries = list(AuditEntry.objects.filter(action="personal_data.retention").order_by("id"))
    assert len(entries) == 2
    assert entries[0].after["reporters"] == 3 and entries[0].after["askers"] == 2 and entries[0].after["me_too"] == 1
    assert entries[1].after["reporters"] == 0 and entries[0].after["reporter_days"] == 365
    assert entries[0].via == "command"
    assert "0912345678" not in str(entries[0].after)  # counts, never the erased values


def test_dry_run_changes_nothing(data):
    with time_machine.travel(at(2027, 1, 1), tick=False):
        out = _run("--dry-run")
    assert "Sẽ xóa thông tin định danh: 3 người phản ánh" in out
    assert not _erased(_contact(data["old"]))
    assert not AuditEntry.objects.filter(action="personal_data.retention").exists()


def test_small_batches_erase_everything(data):
    with time_machine.travel(at(2027, 1, 1), tick=False):
        assert "3 người phản ánh, 1 xác nhận" in _run("--batch-size", "1")
    assert ReporterContact.objects.filter(phone="").count() == 3


def test_the_period_is_a_setting(data, settings):
    settings.FEEDBACK_REPORTER_RETENTION_DAYS = 30
    with time_machine.travel(CLOSED + datetime.timedelta(days=31), tick=False):
        assert "2 người phản ánh" in _run()


def test_bad_batch_size_is_refused():
    with pytest.raises(CommandError, match="--batch-size phải lớn hơn 0"):
        call_command("personal_data_retention", "--batch-size", "0")
