import pytest
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.questions import services
from chinhquyenso.questions.models import Question, Status

from .conftest import at
from .factories import advance, ask, published

pytestmark = pytest.mark.django_db


def form(world, **over):
    data = {"topic": world["topic"].pk, "title": "Hỏi về cấp bản sao trích lục kết hôn",
            "body": "Tôi cần bản sao trích lục kết hôn để làm hồ sơ vay vốn, xin ở đâu?",
            "asker_name": "Hoàng Văn Em", "asker_phone": "0977123456", "asker_email": ""}
    data.update(over)
    return data


def test_public_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    url = reverse("questions:list") + "?tinh=" + world["province"].code
    published(world, "Đăng ký khai sinh lần đầu tiên")
    with django_assert_max_num_queries(12) as one:
        assert client.get(url + "&q=khai+sinh").status_code == 200
    for i in range(8):
        published(world, f"Đăng ký khai sinh trường hợp số {i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url + "&q=khai+sinh")
    assert response.status_code == 200
    assert "9 câu hỏi phù hợp" in response.content.decode()


def test_public_search_page_pins_its_queries(client, world, django_assert_max_num_queries):
    """Province and topics (cached a few minutes), the ranked ids (one statement on PostgreSQL, count
    and page on SQLite; cached a few minutes), the page's rows. The same search again reads only
    the rows, so an answer hidden meanwhile is not shown."""
    url = reverse("questions:list") + "?tinh=" + world["province"].code + "&q=khai+sinh"
    published(world, "Đăng ký khai sinh lần đầu tiên")
    with django_assert_max_num_queries(5):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(1):
        response = client.get(url)
    assert "1 câu hỏi phù hợp" in response.content.decode()


def test_detail_hides_identity_and_escapes_html(client, world):
    q = published(world, "<script>alert(1)</script> hỏi về khai sinh", asker_name="Bí Danh Người Hỏi",
                  phone="0911000999")
    response = client.get(q.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Bí Danh Người Hỏi" not in html and "0911000999" not in html


def test_unpublished_detail_is_404(client, world):
    q = ask(world)
    assert client.get(reverse("questions:detail", args=[q.code])).status_code == 404


def test_ask_form_submits_and_shows_the_token_once(client, world):
    response = client.post(reverse("questions:ask") + "?tinh=" + world["province"].code, form(world))
    assert response.status_code == 200
    q = Question.objects.get()
    assert q.code in response.content.decode()
    # the session remembers the token: the asker can open their question
    assert client.get(reverse("questions:own", args=[q.code])).status_code == 200


@pytest.mark.parametrize("over", [{"topic": ""}, {"title": "ngắn"}, {"body": ""}, {"asker_phone": "12"},
                                  {"asker_phone": "", "asker_email": ""}, {"title": "x" * 401}])
def test_ask_form_bad_input_is_400(client, world, over):
    response = client.post(reverse("questions:ask") + "?tinh=" + world["province"].code, form(world, **over))
    assert response.status_code == 400
    assert Question.objects.count() == 0


def test_ask_form_rate_limited(client, world, settings):
    settings.QUESTIONS_MAX_PER_IP = 1
    url = reverse("questions:ask") + "?tinh=" + world["province"].code
    assert client.post(url, form(world)).status_code == 200
    response = client.post(url, form(world, asker_phone="0977000111"))
    assert response.status_code == 429
    assert "quá nhiều" in response.content.decode()


def test_similar_panel(client, world):
    q = published(world, "Thủ tục đăng ký kết hôn cần giấy tờ gì")
    response = client.get(reverse("questions:similar"), {"title": "dang ky ket hon", "tinh": world["province"].code},
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and q.title in response.content.decode()


def test_faq_page(client, world):
    q = published(world, "Lệ phí đăng ký khai sinh")
    services.set_faq(q, world["leader"], True)
    html = client.get(reverse("questions:faq") + "?tinh=" + world["province"].code).content.decode()
    assert q.title in html and "Hộ tịch" in html


def test_track_with_code_and_token(client, world):
    made = services.submit(topic=world["topic"], title="Hỏi về thay đổi họ cho con",
                           body="Tôi muốn đổi họ cho con theo họ mẹ thì làm thế nào?", asker_name="Lý Thị G",
                           asker_phone="0966111222")
    bad = client.post(reverse("questions:track"), {"code": made.question.code, "token": "sai"})
    assert bad.status_code == 400
    good = client.post(reverse("questions:track"), {"code": made.question.code, "token": made.token})
    assert good.status_code == 302
    assert client.get(good["Location"]).status_code == 200


def test_other_people_cannot_open_my_question(client, world):
    q = ask(world, user=world["citizen"])
    assert client.get(reverse("questions:own", args=[q.code])).status_code == 404
    client.force_login(world["citizen"])
    assert client.get(reverse("questions:own", args=[q.code])).status_code == 200
    assert q.code in client.get(reverse("questions:mine")).content.decode()


def test_queue_for_officials_only_and_highlights_overdue(client, world):
    late = ask(world, now=at(2026, 1, 5, 9))
    client.force_login(world["citizen"])
    assert client.get(reverse("questions:queue")).status_code == 403
    client.force_login(world["officer"])
    html = client.get(reverse("questions:queue")).content.decode()
    assert late.code in html and "qa-overdue" in html


def test_queue_query_count_is_constant(client, world, django_assert_max_num_queries):
    client.force_login(world["officer"])
    ask(world)
    with django_assert_max_num_queries(20) as one:
        client.get(reverse("questions:queue"))
    for _ in range(8):
        ask(world)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("questions:queue"))


def test_manage_page_hides_identity_from_agency_and_acts(client, world):
    q = ask(world, asker_name="Người Hỏi Bí Mật")
    client.force_login(world["officer"])
    html = client.get(reverse("questions:manage", args=[q.code])).content.decode()
    assert "Người Hỏi Bí Mật" not in html and "Giao việc" in html
    response = client.post(reverse("questions:officer_action", args=[q.code, "assign"]),
                           {"assignee": world["specialist"].pk})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.status == Status.ASSIGNED
    bad = client.post(reverse("questions:officer_action", args=[q.code, "draft"]), {"answer": "Trả lời của người không có quyền."})
    assert bad.status_code == 403
    login_verified(client, world["ioc"])
    assert "Người Hỏi Bí Mật" in client.get(reverse("questions:manage", args=[q.code])).content.decode()


def test_manage_page_out_of_scope_is_404(client, world):
    q = ask(world)
    login_verified(client, world["other_leader"])
    assert client.get(reverse("questions:manage", args=[q.code])).status_code == 404


def test_hide_from_page_notifies(client, world, django_capture_on_commit_callbacks):
    from chinhquyenso.notifications.models import Notification

    q = advance(world, ask(world), Status.PUBLISHED)
    login_verified(client, world["leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("questions:officer_action", args=[q.code, "hide"]),
                               {"note": "Nội dung trả lời đã hết hiệu lực"})
    assert response.status_code == 302
    assert Notification.objects.filter(event="question.hidden").count() == 1
    assert client.get(q.get_absolute_url()).status_code == 404


def test_flag_from_page(client, world):
    q = published(world, "Hỏi về chứng thực chữ ký")
    response = client.post(reverse("questions:flag", args=[q.code]), {"reason": "Lệ phí nêu trong trả lời đã cũ"})
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.flag_count == 1
