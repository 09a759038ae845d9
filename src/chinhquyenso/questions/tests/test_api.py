import pytest

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.questions import services
from chinhquyenso.questions.models import Question, Status

from .factories import advance, ask, published

pytestmark = pytest.mark.django_db
API = "/api/v1/questions"


def payload(world, **over):
    data = {"topic_id": world["topic"].pk, "title": "Hỏi về đăng ký thường trú cho con",
            "body": "Con tôi mới sinh, muốn đăng ký thường trú cùng bố mẹ thì làm thế nào?",
            "asker_name": "Phạm Văn Đức", "asker_phone": "0987000111"}
    data.update(over)
    return data


def test_public_search_has_no_identity_and_folds_diacritics(client, world):
    q = published(world, "Đăng ký khai sinh cho con ở đâu", asker_name="Bí Mật", phone="0911222333")
    response = client.get(f"{API}/", {"q": "dang ky khai sinh", "province": "38"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["code"] == q.code
    text = response.content.decode()
    assert "0911222333" not in text and "asker" not in text
    assert client.get(f"{API}/{q.code}").json()["answer"]


def test_unpublished_is_404_publicly(client, world):
    q = ask(world)
    assert client.get(f"{API}/{q.code}").status_code == 404
    assert client.get(f"{API}/garbage").status_code == 404


def test_anonymous_submit_returns_token_and_rate_limits(client, world, settings):
    settings.QUESTIONS_MAX_PER_IP = 2
    first = client.post(f"{API}/", payload(world), content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["token"] and first.json()["code"].startswith("HD-38-")
    assert client.post(f"{API}/", payload(world, asker_phone="0987000222"), content_type="application/json").status_code == 201
    third = client.post(f"{API}/", payload(world, asker_phone="0987000333"), content_type="application/json")
    assert third.status_code == 429
    assert "quá nhiều" in third.json()["detail"]


def test_rate_limit_per_phone(client, world, settings):
    settings.QUESTIONS_MAX_PER_PHONE = 1
    assert client.post(f"{API}/", payload(world), content_type="application/json",
                       REMOTE_ADDR="10.0.0.1").status_code == 201
    again = client.post(f"{API}/", payload(world), content_type="application/json", REMOTE_ADDR="10.0.0.2")
    assert again.status_code == 429


@pytest.mark.parametrize("over, status", [
    ({"topic_id": 999999}, 422),
    ({"title": ""}, 422),
    ({"title": "x" * 1001}, 422),
    ({"body": "ngắn"}, 422),
    ({"asker_phone": "123"}, 422),
    ({"asker_phone": "", "asker_email": ""}, 422),
    ({"asker_email": "khong-phai-email"}, 422),
    ({"unit_code": "99999"}, 422),
    ({"unit_code": "16000\x00"}, 422),  # went into a lookup: a DataError (500) on PostgreSQL
    ({"procedure_id": 999999}, 422),
    ({"title": "Câu hỏi có ký tự \x00 lạ"}, 422),
])
def test_bad_input_is_4xx_and_writes_nothing(client, world, over, status):
    response = client.post(f"{API}/", payload(world, **over), content_type="application/json")
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    assert Question.objects.count() == 0


def test_html_is_stored_as_text(client, world):
    response = client.post(f"{API}/", payload(world, title="<script>alert('x')</script> hỏi về hộ tịch"),
                           content_type="application/json")
    assert response.status_code == 201
    q = Question.objects.get()
    assert q.title.startswith("<script>")


def test_officer_queue_and_actions_are_scoped(client, world):
    q = ask(world)
    client.force_login(world["officer"])
    queue = client.get(f"{API}/work/queue", {"box": "intake"}).json()
    assert [i["code"] for i in queue["items"]] == [q.code]
    detail = client.get(f"{API}/work/{q.code}").json()
    assert detail["asker_identity"] is None  # the handling agency never learns who asked
    assert "assign" in detail["allowed_actions"]
    done = client.post(f"{API}/work/{q.code}/actions/assign", {"assignee_id": world["specialist"].pk},
                       content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "assigned"
    refused = client.post(f"{API}/work/{q.code}/actions/approve", {}, content_type="application/json")
    assert refused.status_code == 422
    login_verified(client, world["other_leader"])
    assert client.get(f"{API}/work/{q.code}").status_code == 404
    assert client.get(f"{API}/work/queue", {"box": "intake"}).json()["count"] == 0


def test_ioc_operator_sees_identity(client, world):
    q = ask(world)
    client.force_login(world["ioc"])
    assert client.get(f"{API}/work/{q.code}").json()["asker_identity"]["name"] == "Nguyễn Văn An"


def test_specialist_cannot_approve_via_api(client, world):
    q = advance(world, ask(world), Status.DRAFTED)
    client.force_login(world["specialist"])
    assert client.post(f"{API}/work/{q.code}/actions/approve", {}, content_type="application/json").status_code == 403


def test_anonymous_cannot_use_officer_api(client, world):
    q = ask(world)
    assert client.get(f"{API}/work/queue").status_code == 401
    assert client.get(f"{API}/work/{q.code}").status_code == 401


def test_asker_follows_with_token(client, world):
    made = client.post(f"{API}/", payload(world), content_type="application/json").json()
    q = Question.objects.get(code=made["code"])
    services.act(q, "request_info", world["officer"], note="Cho biết nơi thường trú hiện tại.")
    wrong = client.post(f"{API}/{q.code}/provide-info", {"token": "sai", "note": "x"}, content_type="application/json")
    assert wrong.status_code == 404
    ok = client.post(f"{API}/{q.code}/provide-info", {"token": made["token"], "note": "Phường Hạc Thành"},
                     content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "submitted"


def test_mine_lists_only_own(client, world):
    own = ask(world, user=world["citizen"])
    ask(world)
    client.force_login(world["citizen"])
    items = client.get(f"{API}/mine").json()["items"]
    assert [i["code"] for i in items] == [own.code]


def test_moderation_and_faq(client, world):
    q = published(world, "Lệ phí đăng ký kết hôn là bao nhiêu")
    login_verified(client, world["leader"])
    r = client.post(f"{API}/work/{q.code}/moderation/faq", {"position": 1}, content_type="application/json")
    assert r.status_code == 200 and r.json()["is_faq"]
    assert [i["code"] for i in client.get(f"{API}/faq", {"province": "38"}).json()] == [q.code]
    r = client.post(f"{API}/work/{q.code}/moderation/hide", {"reason": ""}, content_type="application/json")
    assert r.status_code == 422
    r = client.post(f"{API}/work/{q.code}/moderation/hide", {"reason": "Nội dung đã hết hiệu lực"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["is_hidden"]
    assert client.get(f"{API}/{q.code}").status_code == 404
    client.force_login(world["specialist"])
    assert client.post(f"{API}/work/{q.code}/moderation/unhide", {}, content_type="application/json").status_code == 403


def test_flag_public(client, world):
    q = published(world, "Hỏi về cấp bản sao trích lục kết hôn")
    assert client.post(f"{API}/{q.code}/flag", {"reason": "Sai"}, content_type="application/json").status_code == 422
    assert client.post(f"{API}/{q.code}/flag", {"reason": "Thông tin lệ phí đã cũ"},
                       content_type="application/json").status_code == 201
    q.refresh_from_db()
    assert q.flag_count == 1


def test_indicators(client, world):
    q = ask(world)
    advance(world, q, Status.PUBLISHED)
    login_verified(client, world["leader"])
    r = client.get(f"{API}/work/indicators/766", {"province": "38", "since": "2026-01-01", "until": "2026-12-31"})
    assert r.status_code == 200
    assert r.json()["received"] == 1 and r.json()["published"] == 1 and r.json()["resolved_on_time"] == 1
    login_verified(client, world["other_leader"])
    assert client.get(f"{API}/work/indicators/766", {"province": "38", "since": "2026-01-01",
                                                     "until": "2026-12-31"}).status_code == 403


def test_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    published(world, "Đăng ký khai sinh lần một")
    with django_assert_max_num_queries(8) as one:
        assert client.get(f"{API}/", {"province": "38", "q": "khai sinh"}).json()["count"] == 1
    for i in range(6):
        published(world, f"Đăng ký khai sinh lần thứ {i + 2}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{API}/", {"province": "38", "q": "khai sinh"}).json()["count"] == 7
