import pytest
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.community.models import Plan, PlanTask, Question, Quiz, Village


def test_village_create_page(client, world):
    login_verified(client, world["c2_official"])
    assert client.post(reverse("community:village_create", args=["16000"]), {"name": "Thôn X"}).status_code == 403
    url = reverse("community:village_create", args=["16001"])
    assert client.post(url, {"name": "Thôn 1"}).status_code == 400  # already there
    assert client.post(url, {"name": "Bản Lát", "kind": ""}).status_code == 302
    assert Village.objects.get(commune=world["c2"], name="Bản Lát").kind == "ban"


def test_plan_and_task_pages(client, world):
    login_verified(client, world["c1_official"])
    r = client.post(reverse("community:plan_create"), {"agency": world["c2_pc"].pk, "year": 2025, "title": "KH"})
    assert r.status_code == 400 and not Plan.objects.exists()  # not offered: c2 is not theirs
    r = client.post(reverse("community:plan_create"), {"agency": world["c1_pc"].pk, "year": "20x5", "title": "KH"})
    assert r.status_code == 400
    r = client.post(reverse("community:plan_create"), {"agency": world["c1_pc"].pk, "year": 2025,
                                                        "title": "Kế hoạch CĐS 2025"})
    plan = Plan.objects.get()
    assert r.status_code == 302
    url = reverse("community:task_create", args=[plan.pk])
    assert client.post(url, {"title": "NV", "owner_agency": world["c1_centre"].pk, "deadline": "2031-01-01"}).status_code == 400
    assert client.post(url, {"title": "Số hóa hồ sơ", "owner_agency": world["c1_centre"].pk,
                             "deadline": "2025-11-30"}).status_code == 302
    assert PlanTask.objects.get().owner_agency == world["c1_centre"]
    login_verified(client, world["c2_official"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("community:plan_create")).status_code == 200


@pytest.mark.parametrize("choices", ["Một\nHai", "*Chỉ một"])
def test_question_needs_two_choices_and_a_correct_one(client, world, choices):
    login_verified(client, world["province_official"])
    r = client.post(reverse("community:questions"), {"topic": "An toàn", "text": "Câu?", "choices": choices})
    assert r.status_code == 400 and not Question.objects.exists()


def test_question_and_quiz_pages(client, world):
    login_verified(client, world["province_official"])
    for i in range(3):
        r = client.post(reverse("community:questions"), {"topic": "An toàn thông tin", "text": f"Câu {i}?",
                                                         "choices": "*Đúng\nSai\n*Cũng đúng"})
        assert r.status_code == 302
    assert Question.objects.filter(choices__is_correct=True).distinct().count() == 3
    url = reverse("community:quiz_create")
    assert client.get(url).status_code == 200
    base = {"agency": world["ubnd"].pk, "title": "Thi thử", "opens_at": "2025-10-01T08:00",
            "closes_at": "2025-10-05T08:00", "duration_minutes": 10}
    assert client.post(url, {**base, "question_count": 5}).status_code == 400  # only 3 in the bank
    assert client.post(url, {**base, "closes_at": "2025-09-01T08:00", "question_count": 2}).status_code == 400
    r = client.post(url, {**base, "question_count": 2, "topics": ["An toàn thông tin"]})
    assert r.status_code == 302 and Quiz.objects.get().questions.count() == 3
    login_verified(client, world["citizen"])
    assert client.get(reverse("community:questions")).status_code == 403
    assert client.get(url).status_code == 403


def test_task_report_page_with_evidence_file(client, world):
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from chinhquyenso.community.models import TaskReport
    from chinhquyenso.community.services import plans as svc

    plan = svc.create_plan(world["c1_official"], world["c1_pc"], year=2025, title="KH")
    task = svc.add_task(world["c1_official"], plan, title="NV", owner_agency=world["c1_pc"],
                        deadline=datetime.date(2025, 12, 31))
    login_verified(client, world["c1_official"])
    url = reverse("community:task", args=[task.pk])
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    r = client.post(url, {"status": "done", "progress": 100, "note": "Xong", "evidence_number": "9/BC",
                          "evidence_date": "2025-06-01", "evidence_file": exe})
    assert r.status_code == 400 and not TaskReport.objects.exists()
    pdf = SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = client.post(url, {"status": "done", "progress": 100, "note": "Xong", "evidence_number": "9/BC",
                          "evidence_date": "2025-06-01", "evidence_file": pdf})
    assert r.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.evidence_file.name.endswith(".pdf")
    login_verified(client, world["c2_official"])
    assert client.get(url).status_code == 404
