"""The rows behind a figure: (numerator, denominator) querysets. Dossier indicators select the
dossiers whose facts satisfy the same conditions the rollups count (a leader can check a figure
row by row); the others return the reports, questions, procedures or documents counted."""

from django.db.models import Q, QuerySet

from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.procedures.models import OnlineLevel

from ..models import DossierFact
from .periods import Period, Scope
from .sources import bounds, documents_in_scope, procedures_in_scope, questions_in_scope, reports_in_scope

FLAG = {"1.4": ("synced", None), "3.3": ("online", None), "3.4": ("processed_online", "full_online_proc"),
        "4.3": ("paid_online", "fee_bearing"), "5.1": ("paper_result_e", "paper_result"),
        "5.2": ("digitized", None), "5.4": ("reused", None), "5.5": ("personal_store", None),
        "5.7": ("vneid", None), "HL": ("satisfied", "rated"), "6.4": ("complaint", None)}


def _dossiers(facts: QuerySet) -> QuerySet[Dossier]:
    return Dossier.objects.filter(pk__in=facts.values("dossier_id"))


def querysets(code: str, scope: Scope, period: Period, *, today=None) -> tuple[QuerySet, QuerySet]:
    facts = DossierFact.objects.filter(**scope.fact_filter())
    cohort = facts.filter(received_on__gte=period.start, received_on__lte=period.end)
    if code in FLAG:
        num_flag, den_flag = FLAG[code]
        den = cohort.filter(**{den_flag: True}) if den_flag else cohort
        return _dossiers(den.filter(**{num_flag: True})), _dossiers(den)
    if code == "2.1":
        p_day, c_day = period.judged_on(today)
        ended = Q(ended_on__gte=period.start, ended_on__lte=p_day, on_time__isnull=False)
        open_at = Q(received_on__lte=p_day) & (Q(ended_on__isnull=True) | Q(ended_on__gt=p_day))
        within = open_at & (Q(due_on__isnull=True) | Q(due_on__gte=c_day))
        return _dossiers(facts.filter((ended & Q(on_time=True)) | within)), _dossiers(facts.filter(ended | open_at))
    if code == "2.2":
        done = facts.filter(finished=True, ended_on__gte=period.start, ended_on__lte=period.end)
        return _dossiers(done), _dossiers(done)
    if code in ("1.3", "3.1", "3.2", "4.2", "5.6"):
        versions = procedures_in_scope(scope)
        if code == "3.1":
            return versions.exclude(online_level=OnlineLevel.NONE), versions
        if code in ("3.2", "4.2", "5.6"):
            flag, base = {"3.2": ("online", ~Q(online_level=OnlineLevel.NONE)),
                          "4.2": ("paid_online", Q(fees__amount__gt=0)),
                          "5.6": ("vneid", Q(applicant_person=True))}[code]
            base_qs = versions.filter(base).distinct()
            hit = cohort.filter(**{flag: True}).values("procedure_id")
            return base_qs.filter(procedure_id__in=hit), base_qs
        return versions, versions
    start, end, judged = bounds(period, today)
    if code.startswith("PA.") or code.startswith("6."):
        reports = reports_in_scope(scope).filter(received_at__gte=start, received_at__lt=end)
        if code.startswith("6."):
            # Field reports behind a PAKN figure; the questions counted with them: questions_drilldown().
            return reports.filter(handled_on_time=True), reports
        counted = reports.exclude(status__in=["refused", "merged"])
        if code == "PA.1":
            return counted.filter(handled_at__isnull=False), counted
        if code == "PA.2":
            handled = counted.filter(handled_at__isnull=False)
            return handled.filter(handled_on_time=True), handled
        rated = counted.filter(satisfied__isnull=False)
        return rated.filter(satisfied=True), rated
    if code.startswith("VB."):
        docs = documents_in_scope(scope, period)
        if code == "VB.1":
            return docs.filter(signed_main=True), docs
        ext = docs.filter(has_external=True)
        return ext.filter(external_sent=True, is_electronic=True), ext
    none = Dossier.objects.none()
    return none, none


def questions_drilldown(scope: Scope, period: Period) -> QuerySet:
    start, end, _judged = bounds(period)
    return questions_in_scope(scope).filter(received_at__gte=start, received_at__lt=end)
