import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chinhquyenso.community import queries
from chinhquyenso.community.models import MemberRole, Team, TeamActivity, Village
from chinhquyenso.community.services import teams as svc

from .conftest import village

D = datetime.date


@pytest.fixture
def teams(world):
    """c1: teams in TDP 1 (from 2025-03-10), TDP 2 (2025-06-01, dissolved 2025-09-30), TDP 3 (2025-08-15);
    c2: a team in Thôn 1 (2025-05-05). Activities hand-picked below."""
    a1, a2 = world["c1_official"], world["c2_official"]
    t1 = svc.create_team(a1, village(world["c1"], "Tổ dân phố số 1"), decision_number="12/QĐ-UBND", decision_date=D(2025, 3, 10))
    t2 = svc.create_team(a1, village(world["c1"], "Tổ dân phố số 2"), decision_number="25/QĐ-UBND", decision_date=D(2025, 6, 1))
    t3 = svc.create_team(a1, village(world["c1"], "Tổ dân phố số 3"), decision_number="40/QĐ-UBND", decision_date=D(2025, 8, 15))
    t4 = svc.create_team(a2, village(world["c2"], "Thôn 1"), decision_number="08/QĐ-UBND", decision_date=D(2025, 5, 5))
    svc.log_activity(a1, t1, date=D(2025, 9, 2), sessions=2, people_helped=40, vneid_activations=15)
    svc.log_activity(a1, t1, date=D(2025, 9, 20), sessions=1, people_helped=12, online_dossiers=5,
                     households_reached=30)
    svc.log_activity(a1, t2, date=D(2025, 9, 25), sessions=1, cashless_payments=8)
    svc.log_activity(a1, t3, date=D(2025, 10, 3), sessions=3, people_helped=60)
    svc.log_activity(a2, t4, date=D(2025, 9, 10), sessions=1, people_helped=7, vneid_activations=7)
    svc.dissolve_team(a1, t2, on=D(2025, 9, 30))
    return {"t1": t1, "t2": t2, "t3": t3, "t4": t4}


@pytest.mark.parametrize(("unit", "day", "expected"), [
    ("c1", D(2025, 3, 9), (0, 4)),     # the day before the first decision
    ("c1", D(2025, 3, 10), (1, 4)),    # active from its decision date
    ("c1", D(2025, 7, 1), (2, 4)),
    ("c1", D(2025, 9, 29), (3, 4)),    # TDP 2 still active the day before dissolution
    ("c1", D(2025, 9, 30), (2, 4)),    # dissolved on 30/9
    ("c2", D(2025, 9, 30), (1, 3)),
    ("province", D(2025, 9, 30), (3, 7)),
    ("c3", D(2025, 9, 30), (0, 1)),
])
def test_team_coverage_hand_computed(world, teams, unit, day, expected):
    assert queries.team_coverage(world[unit], day) == expected


def test_inactive_village_leaves_the_denominator(world, teams):
    Village.objects.filter(commune=world["c1"], name="Tổ dân phố Đông Sơn").update(is_active=False)
    assert queries.team_coverage(world["c1"], D(2025, 10, 1)) == (2, 3)


def test_activity_totals_hand_computed(world, teams):
    sep = queries.Period.month(2025, 9)
    assert queries.activity_totals(world["c1"], sep) == {
        "sessions": 4, "people_helped": 52, "vneid_activations": 15, "online_dossiers": 5,
        "cashless_payments": 8, "households_reached": 30, "entries": 3, "teams_reporting": 2,
    }
    q3 = queries.Period.quarter(2025, 3)
    province = queries.activity_totals(world["province"], q3)
    assert (province["sessions"], province["people_helped"], province["vneid_activations"]) == (5, 59, 22)
    assert province["entries"] == 4 and province["teams_reporting"] == 3
    year = queries.activity_totals(world["province"], queries.Period.year(2025))
    assert year["sessions"] == 8 and year["people_helped"] == 119
    # Inclusive ends: a period of exactly one day.
    assert queries.activity_totals(world["c1"], (D(2025, 10, 3), D(2025, 10, 3)))["sessions"] == 3
    assert queries.activity_totals(world["c3"], q3)["entries"] == 0


def test_coverage_by_commune(world, teams):
    rows = {r["code"]: r for r in queries.coverage_by_commune(world["province"], D(2025, 10, 1))}
    assert (rows["16000"]["covered"], rows["16000"]["villages"], rows["16000"]["percent"]) == (2, 4, 50.0)
    assert (rows["16001"]["covered"], rows["16001"]["villages"], rows["16001"]["percent"]) == (1, 3, 33.3)
    assert "14000" not in rows


def test_queries_are_constant(world, teams, django_assert_num_queries):
    with django_assert_num_queries(1):
        queries.team_coverage(world["province"], D(2025, 10, 1))
    with django_assert_num_queries(1):
        queries.activity_totals(world["province"], queries.Period.year(2025))


# --- permissions -------------------------------------------------------------------------------


def test_a_commune_manages_only_its_own(world):
    v2 = village(world["c2"], "Thôn 2")
    with pytest.raises(PermissionDenied):
        svc.create_team(world["c1_official"], v2, decision_number="1/QĐ", decision_date=D(2025, 5, 1))
    with pytest.raises(PermissionDenied):  # the one-stop centre is not the commune committee
        svc.create_team(world["centre_officer"], village(world["c1"], "Tổ dân phố số 1"), decision_number="1/QĐ",
                        decision_date=D(2025, 5, 1))
    with pytest.raises(PermissionDenied):
        svc.create_team(world["other_official"], v2, decision_number="1/QĐ", decision_date=D(2025, 5, 1))
    with pytest.raises(PermissionDenied):  # a department sees the province, but manages no commune
        svc.create_team(world["dept_official"], v2, decision_number="1/QĐ", decision_date=D(2025, 5, 1))
    with pytest.raises(PermissionDenied):
        svc.create_team(world["citizen"], v2, decision_number="1/QĐ", decision_date=D(2025, 5, 1))
    team = svc.create_team(world["c2_official"], v2, decision_number="1/QĐ", decision_date=D(2025, 5, 1))
    with pytest.raises(PermissionDenied):
        svc.log_activity(world["c1_official"], team, date=D(2025, 6, 1), sessions=1)
    with pytest.raises(PermissionDenied):
        svc.add_member(world["c1_official"], team, full_name="Nguyễn Văn A", role=MemberRole.LEADER)


def test_read_scope(world, teams):
    def names(user):
        return set(queries.teams_for(user).values_list("village__name", flat=True))

    c1_names = {"Tổ dân phố số 1", "Tổ dân phố số 2", "Tổ dân phố số 3"}
    assert names(world["c1_official"]) == c1_names
    assert names(world["centre_officer"]) == c1_names  # same commune: may read
    assert names(world["c2_official"]) == {"Thôn 1"}
    assert names(world["province_official"]) == c1_names | {"Thôn 1"}
    assert names(world["dept_official"]) == c1_names | {"Thôn 1"}  # province-level agency reads all
    assert names(world["other_official"]) == set()
    assert names(world["citizen"]) == set()


# --- rules and bad input -----------------------------------------------------------------------


def test_one_active_team_per_village_and_required_decision(world):
    a1, v = world["c1_official"], village(world["c1"], "Tổ dân phố số 1")
    with pytest.raises(ValidationError, match="Số quyết định"):
        svc.create_team(a1, v, decision_number="  ", decision_date=D(2025, 5, 1))
    with pytest.raises(ValidationError):
        svc.create_team(a1, v, decision_number="1/QĐ", decision_date=None)
    with pytest.raises(ValidationError, match="tương lai"):
        svc.create_team(a1, v, decision_number="1/QĐ", decision_date=D(2999, 1, 1))
    team = svc.create_team(a1, v, decision_number="1/QĐ", decision_date=D(2025, 5, 1))
    with pytest.raises(ValidationError, match="đã có tổ"):
        svc.create_team(a1, v, decision_number="2/QĐ", decision_date=D(2025, 5, 2))
    svc.dissolve_team(a1, team, on=D(2025, 7, 1))
    again = svc.create_team(a1, v, decision_number="3/QĐ", decision_date=D(2025, 8, 1))
    assert Team.objects.filter(village=v).count() == 2 and again.dissolved_on is None


def test_activity_log_validation(world):
    a1 = world["c1_official"]
    team = svc.create_team(a1, village(world["c1"], "Tổ dân phố số 1"), decision_number="1/QĐ",
                           decision_date=D(2025, 5, 1))
    for bad in ({"sessions": -1}, {"sessions": "3"}, {"sessions": 10**7}, {}, {"bogus": 1}):
        with pytest.raises(ValidationError):
            svc.log_activity(a1, team, date=D(2025, 6, 1), **bad)
    with pytest.raises(ValidationError, match="trước ngày thành lập"):
        svc.log_activity(a1, team, date=D(2025, 4, 30), sessions=1)
    assert TeamActivity.objects.count() == 0


def test_member_phone_is_validated_and_masked(world):
    a1 = world["c1_official"]
    team = svc.create_team(a1, village(world["c1"], "Tổ dân phố số 1"), decision_number="1/QĐ",
                           decision_date=D(2025, 5, 1))
    with pytest.raises(ValidationError):
        svc.add_member(a1, team, full_name="Trần Văn B", role=MemberRole.YOUTH_UNION, phone="12345")
    with pytest.raises(ValidationError):
        svc.add_member(a1, team, full_name="Trần Văn B", role="truong_ban")
    m = svc.add_member(a1, team, full_name="Trần Văn B", role=MemberRole.YOUTH_UNION, phone="+84 912 345 678")
    assert m.phone == "0912345678" and m.masked_phone == "091****678"


# --- import --------------------------------------------------------------------------------------


def test_import_csv_all_or_nothing(world):
    a2 = world["c2_official"]
    good = "Tên,Loại,Mã\nThôn Tây,thôn,T5\nBản Na Mèo,ban,\nTổ dân phố số 4,,\n".encode()
    assert svc.import_villages(a2, world["c2"], good) == {"created": 3, "skipped": 0}
    assert village(world["c2"], "Ban Na Meo").kind == "ban"
    assert village(world["c2"], "To dan pho so 4").kind == "to_dan_pho"  # guessed from the name
    assert svc.import_villages(a2, world["c2"], good) == {"created": 0, "skipped": 3}
    bad = "Tên;Loại\nThôn Nam;thôn\n;thôn\nThôn Bắc;hợp tác xã\nthon nam;\n".encode()
    with pytest.raises(ValidationError) as info:
        svc.import_villages(a2, world["c2"], bad)
    text = " ".join(info.value.messages)
    assert "Dòng 3" in text and "Dòng 4" in text and "Dòng 5" in text
    assert not Village.objects.filter(commune=world["c2"], name="Thôn Nam").exists()


@pytest.mark.parametrize("data", [b"", b"\xff\xfe\x00garbage", b"Ma,Loai\nX,thon\n", b"PK\x03\x04broken",
                                  b"\xd0\xcf\x11\xe0old"])
def test_import_bad_files(world, data):
    with pytest.raises(ValidationError):
        svc.import_villages(world["c2_official"], world["c2"], data)


def test_import_xlsx(world):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Tên thôn", "Loại"])
    ws.append(["Khu phố 7", "khu phố"])
    ws.append(["Ấp Bình An", "ấp"])
    out = io.BytesIO()
    wb.save(out)
    assert svc.import_villages(world["c2_official"], world["c2"], out.getvalue())["created"] == 2
    assert village(world["c2"], "Ap Binh An").kind == "ap"
