"""The assessment cycle: pre-filled computed values ("no data" when the source has nothing),
evidence rules on submission, every review transition allowed and refused, permissions,
totals and ranking ties, the plan."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chinhquyenso.assessment import queries, services, sources
from chinhquyenso.assessment.models import Assessment, AssessmentEvent, IndicatorScore, Status
from chinhquyenso.assessment.tests.conftest import fill_all, small_set_bytes


def _score(a, code) -> IndicatorScore:
    return IndicatorScore.objects.select_related("indicator", "assessment").get(assessment=a, indicator__code=code)


def _submitted(world, agency=None, user=None, **fill):
    agency = agency or world.pc1
    a = services.start_assessment(world.set, agency, 2025, user=user)
    fill_all(world, a, **fill)
    return services.submit(a, user=user)


def test_computed_values_are_no_data_when_sources_have_nothing(world):
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    computed, series = _score(a, "1.4"), _score(a, "4.1")
    assert computed.self_points is None and computed.value_a is None
    assert "Chưa có số liệu" in computed.source_detail
    assert series.self_points is None
    assert a.self_points == 0


def test_a_source_that_has_not_landed_is_no_data(world, monkeypatch):
    def missing(target):
        raise ImportError("community not installed")
    monkeypatch.setitem(sources.REGISTRY, "ho_so_toan_trinh", sources.ComputedSource("ho_so_toan_trinh", "x", missing))
    a = services.start_assessment(world.set, world.pc1, 2025)
    assert _score(a, "1.4").self_points is None


def test_computed_value_prefilled_from_a_source(world, monkeypatch):
    monkeypatch.setitem(sources.REGISTRY, "ho_so_toan_trinh", sources.ComputedSource(
        "ho_so_toan_trinh", "x", lambda t: sources.Measure(D(30), D(100), detail="IOC 3.4: 30/100")))
    a = services.start_assessment(world.set, world.pc1, 2025)
    s = _score(a, "1.4")
    # 30 % against a 50 % threshold: 30/50 × 10 = 6.00
    assert (s.value_a, s.value_b, s.self_points, s.source_detail) == (D(30), D(100), D("6.00"), "IOC 3.4: 30/100")


def test_series_value_prefilled(world):
    from chinhquyenso.sectordata.models import ImportBatch, Observation, Sector, SeriesDefinition

    sector = Sector.objects.create(code="ha-tang-so", name="Hạ tầng số")
    series = SeriesDefinition.objects.create(
        province=world.province, sector=sector, code="ty-le-smartphone", name="Điện thoại thông minh",
        owner_agency=world.skhcn, value_type="percent", unit_of_measure="%", granularity="quarter", is_public=True)
    batch = ImportBatch.objects.create(series=series, province=world.province)
    Observation.objects.create(series=series, unit=world.c1, province=world.province,
                               period_start=datetime.date(2025, 7, 1), value=D("72"), batch=batch)
    Observation.objects.create(series=series, unit=world.c1, province=world.province,
                               period_start=datetime.date(2026, 1, 1), value=D("95"), batch=batch)  # not this year
    a = services.start_assessment(world.set, world.pc1, 2025)
    s = _score(a, "4.1")
    # 72 % against 80 %: 72/80 × 10 = 9.00
    assert (s.value_a, s.value_b, s.self_points) == (D(72), D(100), D("9.00"))


def test_self_scores_and_totals(world):
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    fill_all(world, a, meetings=3, choice="pct", a=3, b=4)
    a.refresh_from_db()
    # 1.1 yes 10 + 1.2 three meetings 15 + 1.3 vice-chairman 5 + 4.2 3/4 × 10 = 7.5 → 37.50
    assert a.self_points == D("37.50")


@pytest.mark.parametrize("missing, message", [
    ("number", "số văn bản"), ("date", "ngày văn bản"), ("summary", "trích yếu nội dung"), ("file", "tệp minh chứng"),
])
def test_evidence_required_on_submission(world, missing, message):
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    fill_all(world, a)
    s = _score(a, "1.1")
    evidence = {"number": "12/KH-UBND", "date": "2025-02-10", "summary": "Kế hoạch CĐS"}
    if missing == "file":
        IndicatorScore.objects.filter(pk=s.pk).update(evidence_file="")
    else:
        evidence[missing] = ""
        services.save_indicator(s, user=world.clerk1, evidence=evidence)
    with pytest.raises(ValidationError) as caught:
        services.submit(a, user=world.clerk1)
    assert caught.value.messages == [f"Chỉ tiêu 1.1: thiếu minh chứng — {message}."]
    a.refresh_from_db()
    assert a.status == Status.DRAFT


def test_value_required_but_no_evidence_when_no_points_are_claimed(world):
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    with pytest.raises(ValidationError) as caught:
        services.submit(a, user=world.clerk1)
    assert "Chỉ tiêu 1.1: chưa nhập số liệu tự đánh giá." in caught.value.messages
    fill_all(world, a, flag=False, meetings=0, choice="pct", with_evidence=False)
    # 1.1 = "no" and 1.2 = 0 meetings claim nothing → no evidence needed; 1.3 and 4.2 claim points
    with pytest.raises(ValidationError) as caught:
        services.submit(a, user=world.clerk1)
    assert caught.value.messages == ["Chỉ tiêu 4.2: thiếu minh chứng — trích yếu nội dung."]


@pytest.mark.parametrize("values, message", [
    ({"a": 5, "b": 4}, "Tử số không được lớn hơn mẫu số."),
    ({"a": 5, "b": 0}, "Tử số không âm và mẫu số phải lớn hơn 0."),
    ({"a": 5}, "Nhập cả tử số và mẫu số"),
    ({"a": "năm", "b": 4}, "Tử số: “năm” không phải là số."),
])
def test_bad_values_refused(world, values, message):
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    with pytest.raises(ValidationError) as caught:
        services.save_indicator(_score(a, "4.2"), user=world.clerk1, values=values)
    assert caught.value.messages[0].startswith("Chỉ tiêu 4.2: " + message)


def test_computed_indicator_cannot_be_overwritten_by_the_unit(world):
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    with pytest.raises(ValidationError):
        services.save_indicator(_score(a, "1.4"), user=world.clerk1, values={"a": 10, "b": 10})


def test_bad_evidence_file_refused(world):
    from django.core.files.base import ContentFile

    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    with pytest.raises(ValidationError) as caught:
        services.save_indicator(_score(a, "1.1"), user=world.clerk1, file=ContentFile(b"MZ\x90", name="x.exe"))
    assert "PDF, JPEG hoặc PNG" in caught.value.messages[0]


# --- transitions -------------------------------------------------------------------------------

def test_full_cycle_with_return(world):
    a = _submitted(world, user=world.clerk1)
    assert a.status == Status.SUBMITTED
    services.review_indicator(_score(a, "1.2"), user=world.reviewer, points="10", comment="Chỉ có 2 biên bản họp.")
    a.refresh_from_db()
    assert a.status == Status.IN_REVIEW
    with pytest.raises(ValidationError):
        services.return_assessment(a, user=world.reviewer, comment="  ")  # a comment is required
    services.return_assessment(a, user=world.reviewer, comment="Bổ sung biên bản họp thứ ba.")
    a.refresh_from_db()
    assert a.status == Status.RETURNED
    services.save_indicator(_score(a, "1.2"), user=world.clerk1, values={"number": 3},
                            evidence={"number": "3/BB", "date": "2025-09-01", "summary": "Biên bản"})
    services.submit(a, user=world.clerk1)
    services.accept_self_scores(a, user=world.reviewer)
    services.publish_assessment(a, user=world.reviewer)
    a.refresh_from_db()
    # 10 + 10 (reviewer's 1.2, kept) + 10 + 0 (1.4 no data) + 0 (4.1 no data) + 8 = 38 of 70
    assert a.status == Status.PUBLISHED and a.points == D("38.00")
    assert a.score_index == D("0.5429")
    # rule: ≥ 30 points and each group ≥ 50 %: CQS 30/40, HTS 8/20 = 40 % → not completed
    assert a.completed is False
    assert list(a.events.values_list("action", flat=True)) == [
        "start", "submit", "review", "return", "submit", "accept_all", "publish"]
    assert AssessmentEvent.objects.get(assessment=a, action="return").comment == "Bổ sung biên bản họp thứ ba."


ALLOWED = {
    ("submit", Status.DRAFT), ("submit", Status.RETURNED),
    ("review", Status.SUBMITTED), ("review", Status.IN_REVIEW),
    ("return", Status.SUBMITTED), ("return", Status.IN_REVIEW),
    ("publish", Status.IN_REVIEW),
}


@pytest.mark.parametrize("action", ["submit", "review", "return", "publish"])
@pytest.mark.parametrize("status", list(Status))
def test_each_transition_allowed_or_refused(world, action, status):
    a = services.start_assessment(world.set, world.pc1, 2025)
    fill_all(world, a)
    if status == Status.IN_REVIEW:
        services.submit(a)
        services.accept_self_scores(a, user=world.reviewer)
    else:
        Assessment.objects.filter(pk=a.pk).update(status=status)
    a.refresh_from_db()

    def fire():
        if action == "submit":
            services.submit(a, user=world.clerk1)
        elif action == "review":
            services.review_indicator(_score(a, "1.1"), user=world.reviewer, points="5")
        elif action == "return":
            services.return_assessment(a, user=world.reviewer, comment="Bổ sung.")
        else:
            services.publish_assessment(a, user=world.reviewer)

    if (action, status) in ALLOWED:
        fire()
    else:
        with pytest.raises(ValidationError) as caught:
            fire()
        assert "Không thể" in caught.value.messages[0]


def test_publish_needs_every_indicator_scored(world):
    a = _submitted(world, user=world.clerk1)
    services.review_indicator(_score(a, "1.1"), user=world.reviewer, points="10")
    with pytest.raises(ValidationError) as caught:
        services.publish_assessment(a, user=world.reviewer)
    assert "Còn 5 chỉ tiêu chưa chấm điểm thẩm định" in caught.value.messages[0]


def test_review_points_bounded(world):
    a = _submitted(world, user=world.clerk1)
    for bad in ("11", "-1", "abc", "1.234"):
        with pytest.raises(ValidationError):
            services.review_indicator(_score(a, "1.1"), user=world.reviewer, points=bad)


# --- permissions -------------------------------------------------------------------------------

def test_unit_side_permissions(world):
    with pytest.raises(PermissionDenied):
        services.start_assessment(world.set, world.pc1, 2025, user=world.clerk2)  # another commune
    with pytest.raises(PermissionDenied):
        services.start_assessment(world.set, world.pc1, 2025, user=world.province_leader)  # a supervisor
    with pytest.raises(PermissionDenied):
        services.start_assessment(world.set, world.pc1, 2025, user=world.officer1)  # role not in UNIT_ROLES
    a = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    for intruder in (world.clerk2, world.reviewer, world.province_leader, world.citizen):
        with pytest.raises(PermissionDenied):
            services.save_indicator(_score(a, "1.1"), user=intruder, values={"flag": True})
        with pytest.raises(PermissionDenied):
            services.submit(a, user=intruder)
    fill_all(world, a)
    services.submit(a, user=world.clerk1)
    with pytest.raises(ValidationError):  # submitted: the commune no longer edits
        services.save_indicator(_score(a, "1.1"), user=world.clerk1, values={"flag": False})


def test_reviewer_side_permissions(world):
    a = _submitted(world, user=world.clerk1)
    for intruder in (world.clerk1, world.clerk2, world.province_leader, world.citizen):
        with pytest.raises(PermissionDenied):
            services.review_indicator(_score(a, "1.1"), user=intruder, points="5")
        with pytest.raises(PermissionDenied):
            services.return_assessment(a, user=intruder, comment="x")
        with pytest.raises(PermissionDenied):
            services.publish_assessment(a, user=intruder)


def test_reviewer_loses_access_with_the_role(world):
    from chinhquyenso.accounts.models import RoleAssignment

    a = _submitted(world, user=world.clerk1)
    assert queries.is_reviewer(world.reviewer, a)
    RoleAssignment.objects.filter(user=world.reviewer).delete()
    assert not queries.is_reviewer(world.reviewer, a)
    assert not queries.visible_assessments(world.reviewer).filter(pk=a.pk).exists()


def test_visibility(world):
    draft = services.start_assessment(world.set, world.pc1, 2025, user=world.clerk1)
    submitted = _submitted(world, agency=world.pc2)
    published = _submitted(world, agency=world.pc3)
    services.accept_self_scores(published, user=world.reviewer)
    services.publish_assessment(published, user=world.reviewer)

    def seen(user):
        return set(queries.visible_assessments(user).values_list("pk", flat=True))
    assert seen(world.clerk1) == {draft.pk, published.pk}        # own + published
    assert seen(world.clerk2) == {submitted.pk, published.pk}    # own (read-only now) + published
    assert seen(world.reviewer) == {submitted.pk, published.pk}  # not the draft
    assert seen(world.province_leader) == {published.pk}         # a supervisor is not the unit
    assert seen(world.citizen) == {published.pk}
    from django.contrib.auth.models import AnonymousUser
    assert seen(AnonymousUser()) == {published.pk}
    assert seen(world.other_official) == {published.pk}


def test_one_assessment_per_unit_and_year(world):
    services.start_assessment(world.set, world.pc1, 2025)
    with pytest.raises(ValidationError):
        services.start_assessment(world.set, world.pc1, 2025)
    with pytest.raises(ValidationError):
        services.start_assessment(world.set, world.ubnd, 2026)  # a commune set does not apply to the province
    with pytest.raises(ValidationError):
        services.start_assessment(world.set, world.pc1, 2022)  # before the set applies


# --- ranking and plan --------------------------------------------------------------------------

def _published(world, agency, year=2025, **fill):
    a = _submitted(world, agency=agency, **fill)
    services.accept_self_scores(a, user=world.reviewer)
    return services.publish_assessment(a, user=world.reviewer)


def test_ranking_ties_share_a_rank_ordered_by_name(world):
    _published(world, world.pc1, a=5, b=10)   # Hàm Rồng: 10 + 20 + 10 + 5 = 45
    _published(world, world.pc2, a=5, b=10)   # Hạc Thành: 45 — tie
    _published(world, world.pc3, a=10, b=10)  # Đông Sơn: 50
    rows = queries.ranking("TEST-XA", world.province, 2025)
    assert [(r["rank"], r["assessment"].unit.name, r["assessment"].points) for r in rows] == [
        (1, "Đông Sơn", D("50.00")), (2, "Hạc Thành", D("45.00")), (2, "Hàm Rồng", D("45.00"))]
    # "Hạc" before "Hàm": names compare folded (hac < ham), not by code


def test_plan_progress_counts_completed_communes(world):
    services.set_plan_target(world.province, "TEST-XA", 2025, 2, decision="QĐ 969/QĐ-UBND")
    services.set_plan_communes(world.province, "TEST-XA", 2025, [world.c1, world.c2])
    from chinhquyenso.assessment.models import IndicatorScore as S
    a = _published(world, world.pc1)  # 4.2 at 8/10 but HTS has 4.1 with no data → 8/20 < 50 %
    assert a.completed is False
    b = _submitted(world, agency=world.pc2)
    services.accept_self_scores(b, user=world.reviewer)
    services.review_indicator(S.objects.select_related("indicator", "assessment").get(
        assessment=b, indicator__code="4.1"), user=world.reviewer, points="10", comment="Đã xác minh số liệu")
    b = services.publish_assessment(b, user=world.reviewer)
    assert b.completed is True
    [row] = queries.plan_progress(world.province, "TEST-XA")
    assert (row["year"], row["target"].target, row["planned"], row["planned_done"], row["achieved"], row["gap"]) == (
        2025, 2, 2, 1, 1, 1)


def test_notifications(world, django_capture_on_commit_callbacks):
    from chinhquyenso.notifications.models import Notification

    a = services.start_assessment(world.set, world.pc1, 2025)
    fill_all(world, a)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(a, user=world.clerk1)
    assert set(Notification.objects.filter(event="assessment.submitted").values_list("user_id", flat=True)) == {
        world.reviewer.pk}
    with django_capture_on_commit_callbacks(execute=True):
        services.return_assessment(a, user=world.reviewer, comment="Bổ sung biên bản")
    # the commune's specialist is told; the one-stop officer of its centre holds no unit role
    assert set(Notification.objects.filter(event="assessment.returned").values_list("user_id", flat=True)) == {
        world.clerk1.pk}


def test_a_commune_is_not_a_member_of_the_province_self_assessment(world):
    """Commune PCs sit below the provincial PC in the agency tree, but the province's own
    assessment (the DTI) belongs to province-level agencies only."""
    dti = services.import_criteria(small_set_bytes(code="DTI-T", subject="province"), province=world.province,
                                   publish=True)
    assert not queries.startable_agencies(world.clerk1, dti).exists()
    with pytest.raises(PermissionDenied):
        services.start_assessment(dti, world.ubnd, 2025, user=world.clerk1)
    a = services.start_assessment(dti, world.ubnd, 2025, user=world.reviewer)  # Sở KH&CN prepares it
    assert not queries.visible_assessments(world.clerk1).filter(pk=a.pk).exists()
    assert queries.is_member(world.province_leader, a)
