"""JSON API: public reads, the cycle through the API, permissions and errors in Vietnamese."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.assessment import services
from chinhquyenso.assessment.models import Status
from chinhquyenso.assessment.tests.conftest import fill_all, small_set_bytes

API = "/api/v1/assessment"


def _json(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json")


def test_public_reads(client, world):
    assert client.get(f"{API}/sources").status_code == 200
    sets = client.get(f"{API}/sets?tinh=38").json()
    assert [s["code"] for s in sets["items"]] == ["TEST-XA"]
    detail = client.get(f"{API}/sets/{world.set.pk}").json()
    assert len(detail["indicators"]) == 6 and detail["indicators"][1]["steps"][0] == {"from": "1", "points": "5"}
    assert client.get(f"{API}/sets/{world.set.pk}/export?dinh_dang=xlsx").content[:2] == b"PK"
    assert client.get(f"{API}/ranking?bo=TEST-XA&nam=2025").json() == []
    assert client.get(f"{API}/ranking?nam=abc").status_code == 422
    assert client.get(f"{API}/sets/99999999999").status_code == 404


def test_cycle_through_the_api(client, world):
    login_verified(client, world.clerk1)
    r = _json(client, "post", f"{API}/assessments", {"set_id": world.set.pk, "agency_id": world.pc1.pk, "year": 2025})
    assert r.status_code == 201, r.content
    a = r.json()
    assert a["status"] == "draft" and "Chỉ tiêu 1.1: chưa nhập số liệu tự đánh giá." in a["submission_errors"]
    r = _json(client, "patch", f"{API}/assessments/{a['id']}/indicators/4.2",
              {"values": {"a": 7, "b": 5}, "evidence": {"summary": "Danh sách máy tính"}})
    assert r.status_code == 422 and r.json()["errors"] == ["Chỉ tiêu 4.2: Tử số không được lớn hơn mẫu số."]
    r = _json(client, "patch", f"{API}/assessments/{a['id']}/indicators/4.2",
              {"values": {"a": 7, "b": 10}, "evidence": {"summary": "Danh sách máy tính"}})
    assert r.status_code == 200
    assert next(s for s in r.json()["scores"] if s["code"] == "4.2")["self_points"] == "7.00"
    r = _json(client, "post", f"{API}/assessments/{a['id']}/submit")
    assert r.status_code == 409 and "Chỉ tiêu 1.1: chưa nhập số liệu tự đánh giá." in r.json()["errors"]
    from chinhquyenso.assessment.models import Assessment
    fill_all(world, Assessment.objects.get(pk=a["id"]))
    assert _json(client, "post", f"{API}/assessments/{a['id']}/submit").json()["status"] == "submitted"
    assert _json(client, "post", f"{API}/assessments/{a['id']}/publish").status_code == 403
    login_verified(client, world.reviewer)
    r = _json(client, "post", f"{API}/assessments/{a['id']}/indicators/1.2/review", {"points": "25"})
    assert r.status_code == 422
    assert _json(client, "post", f"{API}/assessments/{a['id']}/indicators/1.2/review",
                 {"points": "15", "comment": "Thiếu 1 biên bản"}).json()["status"] == "in_review"
    assert _json(client, "post", f"{API}/assessments/{a['id']}/publish").status_code == 409  # not all scored
    assert _json(client, "post", f"{API}/assessments/{a['id']}/accept").status_code == 200
    r = _json(client, "post", f"{API}/assessments/{a['id']}/publish")
    assert r.status_code == 200 and r.json()["status"] == Status.PUBLISHED and r.json()["score_index"] == "0.6143"
    client.logout()
    ranking = client.get(f"{API}/ranking?bo=TEST-XA&nam=2025").json()
    assert ranking == [{"rank": 1, "unit": "14758", "unit_name": "Phường Hàm Rồng", "points": "43.00",
                        "score_index": "0.6143", "completed": False, "assessment_id": a["id"]}]
    history = client.get(f"{API}/units/14758/history").json()
    assert [h["year"] for h in history] == [2025]


def test_api_visibility(client, world):
    draft = services.start_assessment(world.set, world.pc1, 2025)
    assert client.get(f"{API}/assessments/{draft.pk}").status_code == 404
    assert client.get(f"{API}/assessments").json()["items"] == []
    login_verified(client, world.clerk2)
    assert client.get(f"{API}/assessments/{draft.pk}").status_code == 404
    r = _json(client, "patch", f"{API}/assessments/{draft.pk}/indicators/1.1", {"values": {"flag": True}})
    assert r.status_code == 404
    login_verified(client, world.clerk1)
    assert client.get(f"{API}/assessments/{draft.pk}").status_code == 200
    assert [x["id"] for x in client.get(f"{API}/assessments?trang_thai=draft").json()["items"]] == [draft.pk]
    assert client.get(f"{API}/assessments?trang_thai=bogus").status_code == 422


def test_writes_need_authentication(client, world):
    r = _json(client, "post", f"{API}/assessments", {"set_id": world.set.pk, "agency_id": world.pc1.pk, "year": 2025})
    assert r.status_code == 401


@pytest.mark.parametrize("content, status", [(small_set_bytes(), 201), (b"{broken", 422)])
def test_import_through_the_api(client, world, content, status):
    login_verified(client, world.reviewer)
    r = client.post(f"{API}/sets/import?tinh=38", {"file": SimpleUploadedFile("bo.json", content)})
    assert r.status_code == status, r.content
    if status == 422:
        assert r.json()["detail"] == "Tệp bộ tiêu chí không hợp lệ; chưa lưu gì."
    login_verified(client, world.clerk1)
    assert client.post(f"{API}/sets/import?tinh=38", {"file": SimpleUploadedFile("b.json", content)}).status_code in (
        403, 422)


def test_reviewer_assignment_through_the_api(client, world):
    from chinhquyenso.accounts.models import Role
    from chinhquyenso.accounts.tests.factories import RoleAssignmentFactory

    leader = RoleAssignmentFactory(role=Role.LEADER, agency=world.ubnd).user
    url = f"{API}/sets/{world.set.pk}/reviewers"
    login_verified(client, world.clerk1)
    assert _json(client, "post", url, {"username": leader.username, "agency_id": world.ubnd.pk}).status_code == 403
    assert client.get(url).status_code == 403
    login_verified(client, world.reviewer)
    r = _json(client, "post", url, {"username": world.clerk1.username, "agency_id": world.skhcn.pk})
    assert r.status_code == 422 and "Lãnh đạo hoặc Quản trị cơ quan" in r.json()["errors"][0]
    r = _json(client, "post", url, {"username": leader.username, "agency_id": world.ubnd.pk})
    assert r.status_code == 201 and r.json()["agency"] == "UBND Tỉnh Thanh Hóa"
    assert sorted(x["username"] for x in client.get(url).json()) == sorted([leader.username, world.reviewer.username])


def test_state_conflicts_are_409_and_bad_data_422(client, world):
    """Found by the Schemathesis run: a well-formed request refused because of the assessment's state
    answered 422 "Dữ liệu không hợp lệ." like bad data; it is a conflict (409), as in the other apps."""
    a = services.start_assessment(world.set, world.pc1, 2025)
    login_verified(client, world.clerk1)
    r = _json(client, "post", f"{API}/assessments/{a.pk}/submit")  # nothing filled in yet
    assert r.status_code == 409 and r.json()["detail"] and "chưa nhập số liệu" in " ".join(r.json()["errors"])
    again = _json(client, "post", f"{API}/assessments", {"set_id": world.set.pk, "agency_id": world.pc1.pk, "year": 2025})
    assert again.status_code == 409 and "đã có bản đánh giá" in again.json()["detail"]
    fill_all(world, a)
    services.submit(a)
    login_verified(client, world.reviewer)
    blank = _json(client, "post", f"{API}/assessments/{a.pk}/return", {"comment": "   "})
    assert blank.status_code == 422  # the document says the comment must hold text
    services.accept_self_scores(a, user=world.reviewer)
    services.publish_assessment(a, user=world.reviewer)
    r = _json(client, "post", f"{API}/assessments/{a.pk}/return", {"comment": "Bổ sung biên bản"})
    assert r.status_code == 409 and "Trả lại để bổ sung" in r.json()["detail"]
    assert client.post(f"{API}/sets/{world.set.pk}/publish").status_code == 409  # already in force


def test_document_states_decimals_and_anonymous_reads(client):
    """The OpenAPI document promised any string for a Decimal ("Kỳ" was refused) and credentials for
    reads that anyone may make."""
    spec = client.get("/api/v1/openapi.json").json()
    review = spec["paths"]["/api/v1/assessment/assessments/{assessment_id}/indicators/{code}/review"]["post"]
    schema = review["requestBody"]["content"]["application/json"]["schema"]
    points = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]["properties"]["points"]
    assert all(b.get("pattern") for b in points["anyOf"] if b["type"] == "string")
    for path in ("/api/v1/assessment/sets", "/api/v1/assessment/assessments"):
        assert {} in spec["paths"][path]["get"]["security"]
