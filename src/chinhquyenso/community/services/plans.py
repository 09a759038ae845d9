"""Writes for the steering committee's yearly digital-transformation plan: plans, tasks and
append-only progress reports. Overdue is never stored (queries.with_overdue derives it)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chinhquyenso.accounts.queries import visible_agencies
from chinhquyenso.agencies.models import Agency, Department
from chinhquyenso.audit.services import record, snapshot
from chinhquyenso.core.text import nfc
from chinhquyenso.workdays.queries import today as vn_today

from ..models import Plan, PlanTask, TaskReport, TaskStatus

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = (".pdf", ".docx", ".xlsx", ".jpg", ".jpeg", ".png", ".zip")


def _sees(actor, *agencies: Agency) -> bool:
    ids = [a.pk for a in agencies if a is not None]
    return bool(ids) and visible_agencies(actor).filter(pk__in=ids).exists()


def create_plan(actor, agency: Agency, *, year: int, title: str, decision_number: str = "",
                decision_date: datetime.date | None = None) -> Plan:
    """The plan of `agency`'s unit (its People's Committee owns it)."""
    if not _sees(actor, agency):
        raise PermissionDenied(_("Bạn không thuộc cơ quan chủ trì kế hoạch này."))
    title = nfc(title)
    if not title or len(title) > 255:
        raise ValidationError(_("Tên kế hoạch phải có từ 1 đến 255 ký tự."))
    if not isinstance(year, int) or not 2020 <= year <= 2100:
        raise ValidationError(_("Năm kế hoạch không hợp lệ."))
    with transaction.atomic():
        if Plan.objects.filter(unit_id=agency.unit_id, year=year).exists():
            raise ValidationError(_("Đơn vị đã có kế hoạch năm %(y)s.") % {"y": year}, code="exists")
        plan = Plan.objects.create(
            province_id=agency.province_id, unit_id=agency.unit_id, agency=agency, year=year, title=title,
            decision_number=nfc(decision_number)[:50], decision_date=decision_date,
        )
        record("community.plan.create", plan, after=snapshot(plan), actor=actor)
    return plan


def add_task(actor, plan: Plan, *, title: str, owner_agency: Agency, deadline: datetime.date,
             owner_department: Department | None = None, owner_person: str = "", description: str = "") -> PlanTask:
    if not _sees(actor, plan.agency):
        raise PermissionDenied(_("Bạn không thuộc cơ quan chủ trì kế hoạch này."))
    title = nfc(title)
    if not title or len(title) > 500:
        raise ValidationError(_("Tên nhiệm vụ phải có từ 1 đến 500 ký tự."))
    if owner_agency.province_id != plan.province_id:
        raise ValidationError(_("Cơ quan chủ trì phải thuộc cùng tỉnh với kế hoạch."))
    if owner_department is not None and owner_department.agency_id != owner_agency.pk:
        raise ValidationError(_("Phòng, bộ phận không thuộc cơ quan chủ trì đã chọn."))
    if not isinstance(deadline, datetime.date) or deadline.year not in (plan.year, plan.year + 1):
        raise ValidationError(_("Thời hạn phải trong năm kế hoạch (hoặc năm sau)."))
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)  # the counter row (habit 7)
        number = locked.next_number
        locked.next_number = number + 1
        locked.save(update_fields=["next_number"])
        task = PlanTask.objects.create(
            province_id=locked.province_id, plan=locked, number=number, title=title, description=nfc(description),
            owner_agency=owner_agency, owner_department=owner_department, owner_person=nfc(owner_person)[:150],
            deadline=deadline,
        )
        record("community.task.create", task, after=snapshot(task), actor=actor)
    return task


def _check_file(evidence_file) -> None:
    if evidence_file is None:
        return
    name = (getattr(evidence_file, "name", "") or "").lower()
    if not name.endswith(EVIDENCE_TYPES):
        raise ValidationError(_("Tệp minh chứng phải là PDF, Word, Excel, ảnh JPG/PNG hoặc ZIP."))
    if evidence_file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("Tệp minh chứng tối đa 10 MB."))


def report_progress(actor, task: PlanTask, *, status: str, progress: int, note: str,
                    evidence_number: str = "", evidence_date: datetime.date | None = None,
                    evidence_file=None, today: datetime.date | None = None) -> TaskReport:
    """Append a progress report; the task takes its status, progress and (when given) evidence.
    Done needs evidence (document number and date) and means 100 %. A done task stays done."""
    if not _sees(actor, task.owner_agency, task.plan.agency):
        raise PermissionDenied(_("Bạn không phụ trách nhiệm vụ này."))
    today = today or vn_today()
    note = nfc(note)
    if not note or len(note) > 4000:
        raise ValidationError(_("Nội dung báo cáo phải có từ 1 đến 4000 ký tự."))
    if status not in TaskStatus.values:
        raise ValidationError(_("Trạng thái không hợp lệ."))
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError(_("Tiến độ phải là số nguyên từ 0 đến 100."))
    evidence_number = nfc(evidence_number)[:50]
    if evidence_date is not None and evidence_date > today:
        raise ValidationError(_("Ngày văn bản minh chứng không được ở tương lai."))
    _check_file(evidence_file)
    with transaction.atomic():
        locked = PlanTask.objects.select_for_update().get(pk=task.pk)
        if locked.status == TaskStatus.DONE:
            raise ValidationError(_("Nhiệm vụ đã hoàn thành; không báo cáo thêm."), code="done")
        if status == TaskStatus.DONE:
            if not (evidence_number or locked.evidence_number) or not (evidence_date or locked.evidence_date):
                raise ValidationError(_("Hoàn thành nhiệm vụ cần văn bản minh chứng (số và ngày văn bản)."))
            progress = 100
        elif status == TaskStatus.NOT_STARTED and progress:
            raise ValidationError(_("Nhiệm vụ chưa thực hiện thì tiến độ phải là 0%."))
        before = snapshot(locked)
        report = TaskReport(
            province_id=locked.province_id, task=locked, author=actor if getattr(actor, "pk", None) else None,
            author_name=str(actor)[:150] if actor else "", status=status, progress=progress, note=note,
            evidence_number=evidence_number, evidence_date=evidence_date,
        )
        if evidence_file is not None:
            report.evidence_file = evidence_file
        report.save()
        locked.status, locked.progress = status, progress
        locked.completed_on = today if status == TaskStatus.DONE else None
        if evidence_number:
            locked.evidence_number, locked.evidence_date = evidence_number, evidence_date
        if evidence_file is not None:
            locked.evidence_file = report.evidence_file.name
        locked.save()
        record("community.task.report", locked, before=before, after=snapshot(locked), actor=actor)
    return report
