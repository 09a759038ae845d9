"""Counts from the other apps' rows (procedure catalogue, field reports, questions, documents):
each a single aggregate query over indexed columns, filtered by scope and period."""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.documents.models import Direction as DocDirection
from chinhquyenso.documents.models import Document
from chinhquyenso.documents.models import Status as DocStatus
from chinhquyenso.feedback.models import Report
from chinhquyenso.feedback.models import Status as ReportStatus
from chinhquyenso.feedback.workflow import OPEN as REPORT_OPEN
from chinhquyenso.procedures.models import (
    CompetentLevel,
    ComponentSpec,
    FeeSpec,
    OnlineLevel,
    ProcedureVersion,
    VersionStatus,
)
from chinhquyenso.questions.models import OPEN_STATUSES as QUESTION_OPEN
from chinhquyenso.questions.models import Classification, Question
from chinhquyenso.questions.models import Status as QuestionStatus
from chinhquyenso.workdays.calendar import VN_TZ

from .periods import Period, Scope


def bounds(period: Period, today=None) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    """[start, end) of the period as instants, and the judging instant (end of period or now)."""
    start = datetime.datetime.combine(period.start, datetime.time.min, VN_TZ)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, VN_TZ)
    from django.utils import timezone

    now = timezone.now()
    return start, end, min(end, now)


# --- procedure catalogue -------------------------------------------------------------------------

def procedures_in_scope(scope: Scope) -> QuerySet[ProcedureVersion]:
    """Published versions in force of the TTHC under the scope's authority: commune-level TTHC for
    a commune (or a commune agency); for a province agency the TTHC it is competent for."""
    qs = ProcedureVersion.objects.filter(province=scope.province, status=VersionStatus.PUBLISHED)
    if scope.is_commune:
        return qs.filter(level=CompetentLevel.COMMUNE)
    if scope.agency is not None and scope.agency.kind != AgencyKind.PROVINCE_PC:
        return qs.filter(competent_agency__path__startswith=scope.agency.path)
    return qs


def catalogue_counts(scope: Scope) -> dict:
    complete = (~Q(name="") & ~Q(steps_text="") & Q(legal_time__gt=0) & Q(has_components=True)
                & (~Q(applicant_text="") | Q(applicant_person=True) | Q(applicant_organization=True))
                & (Q(competent_agency__isnull=False) | ~Q(competent_agency_text="") | ~Q(competent_agency_kind="")))
    qs = procedures_in_scope(scope).annotate(
        has_components=Exists(ComponentSpec.objects.filter(version=OuterRef("pk"))),
        has_fee=Exists(FeeSpec.objects.filter(version=OuterRef("pk"), amount__gt=0)),
    )
    return qs.aggregate(
        published=Count("pk"), complete=Count("pk", filter=complete),
        online=Count("pk", filter=~Q(online_level=OnlineLevel.NONE)),
        with_fee=Count("pk", filter=Q(has_fee=True)),
        for_persons=Count("pk", filter=Q(applicant_person=True)),
    )


def procedure_sets(scope: Scope) -> dict[str, set[int]]:
    """Procedure ids (not versions) of the catalogue subsets used by 3.2, 4.2 and 5.6."""
    qs = procedures_in_scope(scope).annotate(
        has_fee=Exists(FeeSpec.objects.filter(version=OuterRef("pk"), amount__gt=0)))
    rows = list(qs.values_list("procedure_id", "online_level", "has_fee", "applicant_person"))
    return {
        "online": {p for p, level, _f, _a in rows if level != OnlineLevel.NONE},
        "with_fee": {p for p, _l, fee, _a in rows if fee},
        "for_persons": {p for p, _l, _f, person in rows if person},
    }


# --- PAKN: field reports + questions about procedures (766 group 6) ---------------------------

def reports_in_scope(scope: Scope) -> QuerySet[Report]:
    qs = Report.objects.filter(province=scope.province)
    if scope.agency is not None:
        return qs.filter(agency__path__startswith=scope.agency.path)
    if scope.unit is not None:
        return qs.filter(commune=scope.unit)
    return qs


def questions_in_scope(scope: Scope) -> QuerySet[Question]:
    qs = Question.objects.filter(province=scope.province, classification=Classification.PROCEDURE)
    if scope.agency is not None:
        return qs.filter(agency__path__startswith=scope.agency.path)
    if scope.unit is not None:
        return qs.filter(unit=scope.unit)
    return qs


def report_counts(scope: Scope, period: Period) -> dict:
    start, end, judged = bounds(period)
    qs = reports_in_scope(scope).filter(received_at__gte=start, received_at__lt=end)
    counted = ~Q(status__in=[ReportStatus.REFUSED, ReportStatus.MERGED])
    open_ = Q(status__in=list(REPORT_OPEN), handled_at__isnull=True) | Q(handled_at__gte=judged)
    return qs.aggregate(
        all=Count("pk", filter=~Q(status=ReportStatus.MERGED)),
        classified=Count("pk", filter=~Q(status=ReportStatus.MERGED) & (Q(accepted_at__isnull=False)
                                                                          | Q(status=ReportStatus.REFUSED))),
        received=Count("pk", filter=counted),
        handled=Count("pk", filter=counted & Q(handled_at__isnull=False, handled_at__lt=judged)),
        on_time=Count("pk", filter=counted & Q(handled_on_time=True, handled_at__lt=judged)),
        open_within=Count("pk", filter=counted & open_ & (Q(due_at__isnull=True) | Q(due_at__gte=judged))),
        overdue=Count("pk", filter=counted & ((Q(handled_on_time=False) & Q(handled_at__lt=judged))
                                             | (open_ & Q(due_at__lt=judged)))),
        rated=Count("pk", filter=counted & Q(satisfied__isnull=False)),
        likes=Count("pk", filter=counted & Q(satisfied=True)),
        dislikes=Count("pk", filter=counted & Q(satisfied=False)),
        repeated=Count("pk", filter=counted & Q(reopen_count__gt=0)),
    )


def question_counts(scope: Scope, period: Period) -> dict:
    start, end, judged = bounds(period)
    qs = questions_in_scope(scope).filter(received_at__gte=start, received_at__lt=end)
    counted = ~Q(status=QuestionStatus.REFUSED)
    open_ = Q(status__in=list(QUESTION_OPEN), resolved_at__isnull=True) | Q(resolved_at__gte=judged)
    return qs.aggregate(
        all=Count("pk"),
        classified=Count("pk", filter=~Q(classification="")),
        received=Count("pk", filter=counted),
        on_time=Count("pk", filter=counted & Q(resolved_on_time=True, resolved_at__lt=judged)),
        open_within=Count("pk", filter=counted & open_ & (Q(answer_due__isnull=True) | Q(answer_due__gte=judged))),
        overdue=Count("pk", filter=counted & ((Q(resolved_on_time=False) & Q(resolved_at__lt=judged))
                                             | (open_ & Q(answer_due__lt=judged)))),
        likes=Count("pk", filter=counted & Q(satisfied=True)),
        dislikes=Count("pk", filter=counted & Q(satisfied=False)),
    )


# --- documents -----------------------------------------------------------------------------------

def documents_in_scope(scope: Scope, period: Period) -> QuerySet[Document]:
    qs = Document.objects.filter(
        province=scope.province, direction=DocDirection.OUTGOING,
        status__in=[DocStatus.ISSUED, DocStatus.DISTRIBUTED],
        issued_on__gte=period.start, issued_on__lte=period.end,
    )
    if scope.agency is not None:
        return qs.filter(agency__path__startswith=scope.agency.path)
    if scope.unit is not None:
        return qs.filter(agency__unit=scope.unit)
    return qs


def document_counts(scope: Scope, period: Period) -> dict:
    """Issued, signed (main file digitally signed), with and exchanged with agencies outside the
    system — from the document's own summary columns (documents.summary)."""
    qs = documents_in_scope(scope, period)
    return qs.aggregate(
        issued=Count("pk"), signed=Count("pk", filter=Q(signed_main=True)),
        with_external=Count("pk", filter=Q(has_external=True)),
        exchanged=Count("pk", filter=Q(external_sent=True, is_electronic=True)),
    )
