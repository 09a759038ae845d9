"""Demo data: both criteria sets imported from the committed JSON files and published, the demo
agency administrator of Sở KH&CN (quantricoquan) assigned as reviewer, 2025 self-assessments of
20 communes in mixed states (several published, so the ranking and map show something), 2024
results of a few for the year-over-year view, the province's own DTI draft, and the plan rows.

Self-scored values are INVENTED (deterministic, seeded by commune code) and every evidence summary
says "SỐ LIỆU MẪU". Computed values come from whatever the other apps' demo data hold (or are
"no data"). Everything goes through services, so events and the audit trail are real. Idempotent:
a set already imported, or a commune already assessed, is left alone.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile

from chinhquyenso.accounts.models import User
from chinhquyenso.agencies.models import Agency, AgencyKind
from chinhquyenso.units.models import AdministrativeUnit

from . import services
from .models import (
    Assessment,
    CriteriaSet,
    IndicatorScore,
    Method,
    PlanCommune,
    PlanTarget,
    SetStatus,
    SourceKind,
)

DATA = Path(__file__).parent / "data"
COMMUNE_SET, DTI_SET = "TH-CDS-XA", "DTI-TINH-2025"
YEAR = 2025
DEMO = "SỐ LIỆU MẪU"
# State of the 2025 assessment of the n-th demo commune (by code); the first is the demo
# officials' own commune (chuyenvien, lanhdao), left as a draft for them to work on.
STATES = (["draft"] * 4 + ["submitted"] * 3 + ["in_review"] * 2 + ["returned"] * 2 + ["published"] * 9)
PUBLISHED_2024 = 6  # the first published ones also have a 2024 result
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _set(province: AdministrativeUnit, code: str, filename: str) -> CriteriaSet:
    existing = CriteriaSet.objects.filter(province=province, code=code).order_by("-version").first()
    if existing is not None:
        return existing
    return services.import_criteria((DATA / filename).read_bytes(), province=province, publish=True)


def _entry(ind, rng: random.Random, quality: float) -> dict:
    values: dict = {}
    if ind.method in (Method.RATIO, Method.THRESHOLD):
        b = rng.randint(40, 600)
        values = {"a": min(b, int(b * min(1.0, rng.uniform(quality - 0.15, quality + 0.1)))), "b": b}
    elif ind.method == Method.STEPS:
        top = max(Decimal(s["from"]) for s in ind.steps)
        values = {"number": int(top * Decimal(str(rng.uniform(quality - 0.3, quality + 0.3))))}
    elif ind.method == Method.YES_NO:
        values = {"flag": rng.random() < quality + 0.1}
    elif ind.method == Method.CHOICE:
        values = {"choice": ind.options[0]["key"] if rng.random() < quality else ind.options[1]["key"]}
    number = f"{rng.randint(10, 480)}/{rng.choice(['KH', 'QĐ', 'BC'])}-UBND"
    evidence = {"number": number, "date": datetime.date(YEAR, rng.randint(1, 10), rng.randint(1, 28)),
                "summary": f"{DEMO}: văn bản minh chứng cho chỉ tiêu {ind.code}", "note": ""}
    file = ContentFile(PDF, name=f"minh-chung-{ind.code}.pdf") if "file" in ind.evidence else None
    return {"values": values, "evidence": evidence, "file": file}


def _assess(criteria_set, agency, year: int, state: str, rng: random.Random, reviewer) -> None:
    quality = rng.uniform(0.75, 1.0) if state == "published" else rng.uniform(0.55, 0.95)
    a = services.start_assessment(criteria_set, agency, year)
    entries = {score.pk: _entry(score.indicator, rng, quality) for score in IndicatorScore.objects.filter(
        assessment=a, indicator__source_kind=SourceKind.SELF).select_related("indicator")}
    services.save_indicators(a, entries)
    if state == "draft":
        return
    services.submit(a)
    if state == "submitted":
        return
    first = IndicatorScore.objects.filter(assessment=a).select_related("indicator", "assessment").first()
    services.review_indicator(first, user=reviewer, points=first.self_points or 0,
                              comment="Đã đối chiếu minh chứng.")
    if state == "returned":
        services.return_assessment(a, user=reviewer, comment=(
            "Chỉ tiêu 2.4: đề nghị bổ sung xác nhận của Điện lực về tỷ lệ hộ thanh toán không dùng tiền mặt. "
            f"({DEMO})"))
        return
    if state == "in_review":
        return
    services.accept_self_scores(a, user=reviewer)
    services.publish_assessment(a, user=reviewer)


def load(province: AdministrativeUnit, stdout) -> None:
    commune_set = _set(province, COMMUNE_SET, "thanh-hoa-xa.json")
    dti_set = _set(province, DTI_SET, "dti-tinh-2025.json")
    for s in (commune_set, dti_set):
        if s.status == SetStatus.DRAFT:
            services.publish_set(s)
    reviewer = User.objects.filter(username="quantricoquan").first()
    skhcn = Agency.objects.filter(province=province, kind=AgencyKind.DEPARTMENT, short_name="SKHCN").first()
    if reviewer is not None and skhcn is not None:
        for s in (commune_set, dti_set):
            if not s.reviewers.filter(user=reviewer).exists():
                services.assign_reviewer(s, reviewer, skhcn)
    reviewer = reviewer if reviewer is not None and skhcn is not None else None

    communes = list(Agency.objects.filter(province=province, kind=AgencyKind.COMMUNE_PC).select_related("unit")
                    .order_by("unit__code")[:len(STATES)])
    made = 0
    if not Assessment.objects.filter(criteria_set__code=COMMUNE_SET, province=province).exists():
        published = 0
        for agency, state in zip(communes, STATES, strict=False):
            rng = random.Random(f"assessment-{agency.unit.code}")
            if state == "published" and published < PUBLISHED_2024:
                _assess(commune_set, agency, YEAR - 1, "published", random.Random(f"2024-{agency.unit.code}"), reviewer)
                made += 1
            published += state == "published"
            _assess(commune_set, agency, YEAR, state, rng, reviewer)
            made += 1
    province_pc = Agency.objects.filter(province=province, kind=AgencyKind.PROVINCE_PC, unit=province).first()
    if province_pc is not None and not Assessment.objects.filter(criteria_set__code=DTI_SET, province=province).exists():
        services.start_assessment(dti_set, province_pc, YEAR)
        made += 1

    plan = (
        (2023, 132, False, "QĐ 969/QĐ-UBND ngày 18/3/2022",
         "Chỉ tiêu giao theo đơn vị hành chính trước sắp xếp (QĐ 969: 94, 132, 133, 118 xã cho 2022–2025) [S]."),
        (2025, 300, True, "Mục tiêu lũy kế nêu trong issue 7",
         "Con số 300 xã đến năm 2025 chưa tìm thấy văn bản gốc [NF]; các chỉ tiêu năm của QĐ 969 cộng lại là 477 "
         "xã cũ. Sau 01/7/2025 tỉnh có 166 đơn vị cấp xã (NQ 1686/NQ-UBTVQH15) [S]. Sửa dòng này theo kế hoạch "
         "mới của tỉnh."),
    )
    for year, target, cumulative, decision, note in plan:
        if not PlanTarget.objects.filter(province=province, set_code=COMMUNE_SET, year=year, cumulative=cumulative).exists():
            services.set_plan_target(province, COMMUNE_SET, year, target, cumulative=cumulative, decision=decision,
                                     note=note)
    if not PlanCommune.objects.filter(province=province, set_code=COMMUNE_SET).exists():
        services.set_plan_communes(province, COMMUNE_SET, YEAR, [a.unit for a in communes])
    stdout.write(f"Đánh giá CĐS: 2 bộ tiêu chí, {made} bản đánh giá mẫu, kế hoạch {len(plan)} dòng.\n")
