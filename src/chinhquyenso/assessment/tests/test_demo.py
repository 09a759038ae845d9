"""The demo: both sets published from the committed files, the reviewer assigned, mixed states,
published results ranked, plan rows; loading twice changes nothing."""

import io

from chinhquyenso.accounts.models import Role, User
from chinhquyenso.accounts.tests.factories import RoleAssignmentFactory
from chinhquyenso.agencies.models import AgencyKind
from chinhquyenso.agencies.tests.factories import AgencyFactory
from chinhquyenso.assessment import demo, queries
from chinhquyenso.assessment.models import Assessment, CriteriaSet, PlanTarget, Reviewer, SetStatus, Status
from chinhquyenso.units.tests.factories import CommuneFactory, ProvinceFactory


def test_demo_loads_and_is_idempotent(db):
    province = ProvinceFactory(code="38", name="Thanh Hóa", full_name="Tỉnh Thanh Hóa")
    ubnd = AgencyFactory(code="000.00.00.H56", name="UBND Tỉnh Thanh Hóa", kind=AgencyKind.PROVINCE_PC, unit=province)
    skhcn = AgencyFactory(code="000.08.00.H56", name="Sở Khoa học và Công nghệ", short_name="SKHCN",
                          kind=AgencyKind.DEPARTMENT, unit=province, parent=ubnd)
    reviewer = User.objects.create_user("quantricoquan", "x", full_name="Vũ Thị Thu", kind="official")
    RoleAssignmentFactory(user=reviewer, role=Role.AGENCY_ADMIN, agency=skhcn)
    for n in range(22):
        commune = CommuneFactory(code=f"{14700 + n}", parent=province, latitude="19.8", longitude="105.7")
        AgencyFactory(code=f"{commune.code}.00.H56", name=f"UBND {commune.full_name}", kind=AgencyKind.COMMUNE_PC,
                      unit=commune, parent=ubnd)
    demo.load(province, io.StringIO())
    sets = {s.code: s for s in CriteriaSet.objects.all()}
    assert set(sets) == {"TH-CDS-XA", "DTI-TINH-2025"}
    assert all(s.status == SetStatus.PUBLISHED for s in sets.values())
    assert sets["TH-CDS-XA"].indicators.count() == 37 and sets["DTI-TINH-2025"].indicators.count() == 47
    assert Reviewer.objects.filter(user=reviewer).count() == 2
    by_state = {s: Assessment.objects.filter(year=2025, status=s, criteria_set__code="TH-CDS-XA").count()
                for s in Status}
    assert by_state == {Status.DRAFT: 4, Status.SUBMITTED: 3, Status.IN_REVIEW: 2, Status.RETURNED: 2,
                        Status.PUBLISHED: 9}
    assert Assessment.objects.filter(year=2024, status=Status.PUBLISHED).count() == 6
    rows = queries.ranking("TH-CDS-XA", province, 2025)
    assert len(rows) == 9 and rows[0]["rank"] == 1
    assert all(0 < r["assessment"].score_index <= 1 for r in rows)
    assert PlanTarget.objects.count() == 2
    counts = (CriteriaSet.objects.count(), Assessment.objects.count(), PlanTarget.objects.count())
    demo.load(province, io.StringIO())
    assert (CriteriaSet.objects.count(), Assessment.objects.count(), PlanTarget.objects.count()) == counts
