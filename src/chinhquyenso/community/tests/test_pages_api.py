import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.community.models import Entry, Team, TeamActivity, Village
from chinhquyenso.community.services import plans as plan_svc
from chinhquyenso.community.services import quizzes as quiz_svc
from chinhquyenso.community.services import teams as team_svc

from .conftest import village
from .test_quizzes import CLOSES, MIN, OPENS, correct_answers, make_quiz

D = datetime.date


def _teams(world, n: int):
    """n teams in c1 (adds villages as needed), each with 2 members and 2 activities."""
    a = world["c1_official"]
    for i in range(n):
        v = team_svc.create_village(a, world["c1"], name=f"Khu phố {i + 10}")
        t = team_svc.create_team(a, v, decision_number=f"{i}/QĐ", decision_date=D(2025, 5, 1))
        team_svc.add_member(a, t, full_name="Nguyễn Văn A", role="to_truong", phone="0912000111")
        team_svc.add_member(a, t, full_name="Lê Thị B", role="hoi_phu_nu")
        team_svc.log_activity(a, t, date=D(2025, 6, 1), sessions=1, people_helped=3)
        team_svc.log_activity(a, t, date=D(2025, 7, 1), sessions=2)
    return Team.objects.filter(commune=world["c1"]).order_by("pk").first()


# --- pages ---------------------------------------------------------------------------------------


def test_public_index_shows_aggregates_only(client, world):
    _teams(world, 2)
    r = client.get(reverse("community:index") + "?tinh=38")
    assert r.status_code == 200
    text = r.content.decode()
    assert "2/9" in text  # 2 teams over 4 + 2 + 3 villages of Thanh Hóa
    assert "0912000111" not in text and "Nguyễn Văn A" not in text
    assert client.get(reverse("community:index") + "?tinh=99").status_code == 404


@pytest.mark.parametrize("n", [1, 6])
def test_staff_pages_have_constant_queries(client, world, django_assert_max_num_queries, n):
    team = _teams(world, n)
    login_verified(client, world["c1_official"])
    with django_assert_max_num_queries(22):
        assert client.get(reverse("community:teams") + "?xa=16000").status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("community:team", args=[team.pk])).status_code == 200
    plan = plan_svc.create_plan(world["c1_official"], world["c1_pc"], year=2025, title="KH 2025")
    for i in range(n):
        plan_svc.add_task(world["c1_official"], plan, title=f"NV {i}", owner_agency=world["c1_pc"], deadline=D(2025, 3, 1))
    with django_assert_max_num_queries(22):
        r = client.get(reverse("community:plans") + "?nam=2025")
        assert r.status_code == 200 and "quá hạn" in r.content.decode()
    with django_assert_max_num_queries(22):
        assert client.get(reverse("community:plan", args=[plan.pk])).status_code == 200


def test_team_page_masks_phones_and_scopes(client, world):
    team = _teams(world, 1)
    login_verified(client, world["c1_official"])
    text = client.get(reverse("community:team", args=[team.pk])).content.decode()
    assert "091****111" in text and "0912000111" not in text
    login_verified(client, world["c2_official"])
    assert client.get(reverse("community:team", args=[team.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("community:team", args=[team.pk])).status_code == 302  # to login


def test_activity_form_bad_input_is_400_and_other_commune_403(client, world):
    team = _teams(world, 1)
    login_verified(client, world["c1_official"])
    url = reverse("community:team", args=[team.pk])
    before = TeamActivity.objects.count()
    r = client.post(url, {"action": "activity", "date": "2025-13-40", "sessions": "-3"})
    assert r.status_code == 400 and TeamActivity.objects.count() == before
    assert client.post(url, {"action": "leave", "member": "²"}).status_code == 302  # an error message; "²" was a 500
    r = client.post(url, {"action": "activity", "date": "2025-08-01", "sessions": "0"})
    assert r.status_code == 400 and "ít nhất một" in r.content.decode()
    r = client.post(url, {"action": "activity", "date": "2025-08-01", "sessions": "4", "people_helped": "20"})
    assert r.status_code == 302 and TeamActivity.objects.count() == before + 1
    # The province's IOC operator reads, but a grant at the one-stop centre cannot write.
    login_verified(client, world["centre_officer"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "activity", "date": "2025-08-02", "sessions": "1"}).status_code == 403


def test_village_import_page(client, world):
    login_verified(client, world["c2_official"])
    url = reverse("community:village_import", args=["16002"])
    assert client.get(url).status_code == 403
    url = reverse("community:village_import", args=["16001"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("thon.csv", "Tên,Loại\nThôn Mới,nhà máy\n".encode())
    r = client.post(url, {"tep": bad})
    assert r.status_code == 400 and "Dòng 2" in r.content.decode()
    good = SimpleUploadedFile("thon.csv", "Tên\nThôn Mới\n".encode())
    assert client.post(url, {"tep": good}).status_code == 302
    assert Village.objects.filter(commune=world["c2"], name="Thôn Mới").exists()


def test_quiz_flow_by_phone_on_pages(client, world, monkeypatch):
    monkeypatch.setattr(quiz_svc, "_new_code", lambda: "246810")
    quiz = make_quiz(world, opens=OPENS, closes=CLOSES)
    url = reverse("community:quiz", args=[quiz.pk])
    with time_machine.travel(OPENS + MIN, tick=False):
        assert client.post(url, {"action": "code", "phone": "abc"}).status_code == 400
        assert client.post(url, {"action": "code", "phone": "0987654321"}).status_code == 302
        assert client.post(url, {"action": "code", "phone": "0987654321"}).status_code == 429
        r = client.post(url, {"action": "start", "code": "000000", "full_name": "Trần C", "commune": "16001"})
        assert r.status_code == 400 and not Entry.objects.exists()
        r = client.post(url, {"action": "start", "code": "246810", "full_name": "Trần C", "commune": "16001"})
        entry = Entry.objects.get()
        assert r.status_code == 302 and r["Location"] == reverse("community:entry", args=[entry.token])
        page = client.get(r["Location"]).content.decode()
        correct_ids = [cid for ids in correct_answers(entry).values() for cid in ids]
        # The page has every choice but nothing that tells which are right.
        assert "— đáp án đúng" not in page and "cm-correct" not in page
        assert all(f'value="{cid}"' in page for cid in correct_ids)
        q1 = entry.question_ids[0]
        right = correct_answers(entry)
        save = reverse("community:entry_save", args=[entry.token])
        assert client.post(save, {f"q{q1}": [str(c) for c in right[q1]]}).status_code == 200
        assert client.post(save, {f"q{q1}": ["x"]}).status_code == 400
    with time_machine.travel(OPENS + 20 * MIN, tick=False):
        r = client.post(reverse("community:entry_submit", args=[entry.token]),
                        {f"q{qid}": [str(c) for c in ids] for qid, ids in right.items()})
        assert r.status_code == 302
        entry.refresh_from_db()
        assert entry.correct_count == 1  # only the answer saved in time counts
        page = client.get(reverse("community:entry", args=[entry.token])).content.decode()
        assert "1/4" in page and "cm-correct" in page


# --- API ------------------------------------------------------------------------------------------


def test_api_coverage_public_and_teams_scoped(client, world):
    _teams(world, 2)
    r = client.get("/api/v1/community/coverage?tinh=38&ngay=2025-08-01")
    assert r.status_code == 200
    body = r.json()
    assert (body["covered"], body["villages"]) == (2, 9)
    assert "members" not in json.dumps(body)
    assert client.get("/api/v1/community/coverage?tinh=38&ngay=hom-nay").status_code == 422
    assert client.get("/api/v1/community/coverage?tinh=00").status_code == 404
    assert client.get("/api/v1/community/teams").status_code == 401
    login_verified(client, world["c2_official"])
    assert client.get("/api/v1/community/teams").json()["count"] == 0
    login_verified(client, world["c1_official"])
    teams = client.get("/api/v1/community/teams").json()["items"]
    assert len(teams) == 2
    detail = client.get(f"/api/v1/community/teams/{teams[0]['id']}").json()
    assert detail["members"][0]["phone"] in ("091****111", "")
    assert client.get("/api/v1/community/teams/999999999999999999999").status_code in (404, 422)


def test_api_writes_permissions_and_bad_input(client, world):
    v1 = village(world["c1"], "Tổ dân phố số 1")
    login_verified(client, world["c2_official"])
    r = client.post("/api/v1/community/teams", {"village_id": v1.pk, "decision_number": "1/QĐ",
                                                 "decision_date": "2025-05-01"}, content_type="application/json")
    assert r.status_code == 404  # c2 does not even see c1's village
    login_verified(client, world["province_official"])
    r = client.post("/api/v1/community/teams", {"village_id": v1.pk, "decision_number": "1/QĐ",
                                                 "decision_date": "2025-05-01"}, content_type="application/json")
    assert r.status_code == 201  # the province committee's grant covers the commune committees
    team_id = r.json()["id"]
    login_verified(client, world["dept_official"])
    r = client.post(f"/api/v1/community/teams/{team_id}/activities", {"date": "2025-06-01", "sessions": 1},
                    content_type="application/json")
    assert r.status_code == 403 and "không quản lý" in r.json()["detail"]
    login_verified(client, world["c1_official"])
    for payload in ({"date": "2025-06-01", "sessions": -1}, {"date": "x"}, {"date": "2025-06-01"},
                    {"date": "2025-04-01", "sessions": 1}):
        r = client.post(f"/api/v1/community/teams/{team_id}/activities", payload, content_type="application/json")
        assert r.status_code == 422, payload
    r = client.post(f"/api/v1/community/teams/{team_id}/members", {"full_name": "A", "role": "truong_ban"},
                    content_type="application/json")
    assert r.status_code == 422
    r = client.post("/api/v1/community/teams", {"village_id": v1.pk, "decision_number": "2/QĐ",
                                                 "decision_date": "2025-05-01"}, content_type="application/json")
    assert r.status_code == 409 and "đã có tổ" in r.json()["detail"]  # a state conflict, not bad input
    assert TeamActivity.objects.count() == 0


def test_api_quiz_never_sends_correct_answers(client, world, monkeypatch):
    monkeypatch.setattr(quiz_svc, "_new_code", lambda: "135790")
    quiz = make_quiz(world)
    with time_machine.travel(OPENS + MIN, tick=False):
        assert client.post("/api/v1/community/phone-codes", {"phone": "0987654321"},
                           content_type="application/json").status_code == 202
        assert client.post("/api/v1/community/phone-codes", {"phone": "0987654321"},
                           content_type="application/json").status_code == 429
        bad = client.post(f"/api/v1/community/quizzes/{quiz.pk}/entries",
                          {"commune": "16000", "phone": "0987654321", "code": "1"}, content_type="application/json")
        assert bad.status_code == 422
        r = client.post(f"/api/v1/community/quizzes/{quiz.pk}/entries",
                        {"commune": "16000", "phone": "0987654321", "code": "135790", "full_name": "Đỗ D"},
                        content_type="application/json")
        assert r.status_code == 201
        body = r.json()
        assert "is_correct" not in json.dumps(body) and "correct_count" in body and body["correct_count"] is None
        token = body["token"]
        qid = body["questions"][0]["id"]
        entry = Entry.objects.get()
        right = correct_answers(entry)
        assert client.put(f"/api/v1/community/entries/{token}/answers/{qid}", {"choice_ids": right[qid]},
                          content_type="application/json").status_code == 200
        assert client.put(f"/api/v1/community/entries/{token}/answers/{qid}", {"choice_ids": ["a"]},
                          content_type="application/json").status_code == 422
        assert client.get("/api/v1/community/entries/khong-co").status_code == 404
        done = client.post(f"/api/v1/community/entries/{token}/submit", {}, content_type="application/json")
        assert done.status_code == 200 and done.json()["correct_count"] == 1
        again = client.post(f"/api/v1/community/entries/{token}/submit", {}, content_type="application/json")
        assert again.status_code == 409
    board = client.get(f"/api/v1/community/quizzes/{quiz.pk}/leaderboard").json()
    assert board[0]["rank"] == 1 and board[0]["full_name"] == "Đỗ D"
    assert client.get(f"/api/v1/community/quizzes/{quiz.pk}/leaderboard?commune=zzz").status_code == 404
    assert client.get("/api/v1/community/quizzes/0").status_code == 404


@pytest.mark.parametrize(("n_entries", "count"), [(1, 2), (12, 6)])
def test_quiz_pages_have_constant_queries(client, world, django_assert_max_num_queries, n_entries, count):
    quiz = make_quiz(world, n_questions=8, count=count)
    entries = []
    for i in range(n_entries):
        entry, _ = quiz_svc.start_entry(quiz, commune=world["c1" if i % 2 else "c2"], phone=f"09000000{i:02d}",
                                        full_name=f"Người {i}", now=OPENS + MIN)
        quiz_svc.submit(entry.token, correct_answers(entry), now=OPENS + 2 * MIN + datetime.timedelta(seconds=i))
        entries.append(entry)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("community:quiz", args=[quiz.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("community:quizzes")).status_code == 200
    with django_assert_max_num_queries(12):
        page = client.get(reverse("community:entry", args=[entries[-1].token]))
        assert page.status_code == 200 and f"{count}/{count}" in page.content.decode()
    with django_assert_max_num_queries(8):
        assert client.get(reverse("community:index")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/v1/community/quizzes/{quiz.pk}/leaderboard").status_code == 200


def test_api_plan_and_task_creation(client, world):
    login_verified(client, world["c2_official"])
    body = {"agency_id": world["c1_pc"].pk, "year": 2025, "title": "KH"}
    assert client.post("/api/v1/community/plans", body, content_type="application/json").status_code == 404
    login_verified(client, world["c1_official"])
    assert client.post("/api/v1/community/plans", {**body, "year": 1990}, content_type="application/json").status_code == 422
    r = client.post("/api/v1/community/plans", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["n_tasks"] == 0
    again = client.post("/api/v1/community/plans", body, content_type="application/json")
    assert again.status_code == 409 and "đã có kế hoạch năm 2025" in again.json()["detail"]  # state, not input
    plan_id = r.json()["id"]
    task = {"title": "NV 1", "owner_agency_id": world["c1_pc"].pk, "deadline": "2025-01-31"}
    r = client.post(f"/api/v1/community/plans/{plan_id}/tasks", task, content_type="application/json")
    assert r.status_code == 201 and r.json()["number"] == 1
    foreign = {**task, "owner_agency_id": world["other_ubnd"].pk}
    assert client.post(f"/api/v1/community/plans/{plan_id}/tasks", foreign,
                       content_type="application/json").status_code == 422
    r = client.post(f"/api/v1/community/tasks/{r.json()['id']}/reports", {"status": "done", "progress": 100,
                    "note": "Xong"}, content_type="application/json")
    assert r.status_code == 422 and "minh chứng" in r.json()["detail"]
    tasks = client.get(f"/api/v1/community/plans/{plan_id}/tasks?overdue=true").json()
    assert tasks["count"] == 1 and tasks["items"][0]["is_overdue"] is True  # 31/01/2025 is long past


def test_a_phone_only_sent_a_code_never_reveals_its_entry(client, world, monkeypatch):
    """Someone types another person's phone and asks for a code: the page must not link to the
    owner's entry (its token is the capability to answer)."""
    monkeypatch.setattr(quiz_svc, "_new_code", lambda: "112233")
    quiz = make_quiz(world)
    owner, _ = quiz_svc.start_entry(quiz, commune=world["c1"], phone="0987654321", full_name="Chủ", now=OPENS + MIN)
    url = reverse("community:quiz", args=[quiz.pk])
    with time_machine.travel(OPENS + 3 * MIN, tick=False):
        assert client.post(url, {"action": "code", "phone": "0987654321"}).status_code == 302
        page = client.get(url).content.decode()
        assert owner.token not in page
        r = client.post(url, {"action": "start", "code": "112233", "full_name": "Chủ", "commune": "16000"})
        assert r.status_code == 302 and r["Location"] == reverse("community:entry", args=[owner.token])
        assert owner.token in client.get(url).content.decode()  # verified now: it is theirs


def test_api_refuses_what_its_document_refuses(client, world):
    """Found by the Schemathesis run: the OpenAPI document and the validation disagreed."""
    # A date is YYYY-MM-DD: pydantic alone read ?ngay=0.0 as a Unix time (1970-01-01).
    assert client.get("/api/v1/community/coverage?tinh=38&ngay=0.0").status_code == 422
    assert client.get("/api/v1/community/coverage?tinh=38&ngay=1754006400").status_code == 422
    # The answers' keys are question ids; any other key was a 422 the document did not announce.
    spec = client.get("/api/v1/openapi.json").json()
    answers = spec["components"]["schemas"]["SubmitIn"]["properties"]["answers"]
    assert answers["additionalProperties"] is False and list(answers["patternProperties"]) == ["^[0-9]{1,18}$"]
    r = client.post("/api/v1/community/entries/khong-co/submit", {"answers": {"abc": [1]}},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "[key]"
    # A required name must hold text: the service refused blanks with a 422 the document did not state.
    login_verified(client, world["c1_official"])
    r = client.post("/api/v1/community/plans", {"agency_id": world["c1_pc"].pk, "year": 2025, "title": "   "},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "title"


def test_api_commune_code_with_nul_is_a_404(client, world):
    """Found by the Schemathesis run on PostgreSQL: the code went into a lookup, a DataError (500)."""
    quiz = make_quiz(world)
    with time_machine.travel(OPENS + MIN, tick=False):
        r = client.post(f"/api/v1/community/quizzes/{quiz.pk}/entries",
                        {"commune": "16000\x00", "phone": "0987654321", "code": "1"}, content_type="application/json")
    assert r.status_code == 404 and r.json()["detail"] == "Không có xã, phường mã này."
