import pytest
from django.urls import reverse

from chinhquyenso.feedback import services
from chinhquyenso.feedback.models import Report, Status

from .conftest import POINT, upload


def form(world, **extra):
    data = {"category": world["waste"].pk, "description": "Rác tồn đọng trước cổng chợ",
            "latitude": str(POINT[0]), "longitude": str(POINT[1]), "name": "Lê Thị Hoa", "phone": "0987654321"}
    data.update(extra)
    return data


def test_submit_page_and_post(client, world):
    url = reverse("feedback:submit") + "?tinh=38"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "data-map-picker" in body and "Luật Khiếu nại" in body
    # Leaflet is fetched by feedback.js only when the citizen opens the map (first load stays small).
    assert 'data-leaflet-js="/static/feedback/vendor/leaflet/leaflet.js"' in body
    assert '<script src="/static/feedback/vendor/leaflet/leaflet.js"' not in body and "leaflet.css" not in body.split("data-leaflet-css")[0]
    r = client.post(url, {**form(world), "photos": [upload()]})
    assert r.status_code == 302
    report = Report.objects.get()
    assert r["Location"] == reverse("feedback:track", args=[report.public_id])
    assert report.photos.count() == 1 and report.contact.client_ip == "127.0.0.1"


@pytest.mark.parametrize(("extra", "text"), [
    ({"category": ""}, "lĩnh vực"),
    ({"description": ""}, "mô tả"),
    ({"latitude": "20.25", "longitude": "105.97"}, "không thuộc địa bàn"),
    ({"latitude": "", "longitude": "", "address": ""}, "vị trí"),
    ({"category": "khieu"}, "Select a valid choice"),
])
def test_submit_bad_input_is_400(client, world, extra, text):
    r = client.post(reverse("feedback:submit") + "?tinh=38", form(world, **extra))
    assert r.status_code == 400
    assert Report.objects.count() == 0


def test_submit_fake_image_is_400(client, world):
    r = client.post(reverse("feedback:submit"), {**form(world), "photos": [upload(b"<svg onload=alert(1)>")]},
                    HTTP_HOST="testserver", QUERY_STRING="tinh=38")
    assert r.status_code == 400 and "không phải ảnh" in r.content.decode()


def test_submit_rate_limited_is_429(client, world, settings):
    settings.FEEDBACK_ANON_PER_IP_PER_HOUR = 1
    url = reverse("feedback:submit") + "?tinh=38"
    assert client.post(url, form(world, phone="")).status_code == 302
    assert client.post(url, form(world, phone="")).status_code == 429


def test_description_is_escaped(client, world, walk):
    client.post(reverse("feedback:submit") + "?tinh=38", form(world, description='<script>alert("x")</script>'))
    report = walk(Report.objects.get(), "published")
    body = client.get(reverse("feedback:public_detail", args=[report.number])).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    track = client.get(reverse("feedback:track", args=[report.public_id])).content.decode()
    assert "<script>alert" not in track


def test_track_and_rate(client, make_report, walk):
    report = walk(make_report(), "published")
    url = reverse("feedback:track", args=[report.public_id])
    assert "Đánh giá kết quả" in client.get(url).content.decode()
    assert client.post(url, {"satisfied": "0", "comment": "Vẫn còn rác"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.reopen_count == 1
    assert client.get(reverse("feedback:track", args=["khong-phai-uuid"])).status_code == 404


def test_nearby_fragment_and_me_too(client, make_report, world):
    report = make_report(now=None)
    r = client.get(reverse("feedback:nearby"), {"tinh": "38", "category": world["waste"].pk,
                                                "latitude": str(POINT[0]), "longitude": str(POINT[1])})
    body = r.content.decode()
    assert "Tôi cũng gặp" in body and report.description not in body  # no content of unpublished reports
    assert client.get(reverse("feedback:nearby"), {"category": "x", "latitude": "abc"}).status_code == 200
    r = client.post(reverse("feedback:me_too", args=[report.number]), HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    r = client.post(reverse("feedback:me_too", args=[report.number]), HTTP_HX_REQUEST="true")
    assert r.status_code == 400


def test_statistics_page(client, make_report, walk, world):
    walk(make_report(now=None), "published", now=None)
    report = walk(make_report(now=None), "published", now=None)
    services.rate(report.pk, satisfied=True)
    make_report(now=None)
    body = client.get(reverse("feedback:statistics") + "?tinh=38").content.decode()
    assert "Phường Hạc Thành" in body and "100,0% (2/2)" in body and "100,0% (1/1)" in body
    assert "Tỷ lệ phản ánh đã xử lý có kết quả không muộn hơn hạn xử lý" in body


def test_map_points(client, make_report, walk):
    published = walk(make_report(), "published")
    hidden = make_report()
    data = client.get(reverse("feedback:map_points") + "?tinh=38").json()
    assert [f["properties"]["number"] for f in data["features"]] == [published.number]
    assert hidden.number not in str(data)


def test_staff_actions_through_pages(client, make_report, world):
    report = make_report()
    client.force_login(world["operator"])
    url = lambda action: reverse("feedback:staff_act", args=[report.number, action])  # noqa: E731
    assert client.post(url("accept"), {}).status_code == 302
    assert client.post(url("assign"), {"agency": world["c1_pc"].pk, "urgency": "khan"}).status_code == 302
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.agency == world["c1_pc"]
    r = client.post(url("start"), {})
    assert r.status_code == 403  # the operator is not the handling agency
    client.force_login(world["handler"])
    page = client.get(reverse("feedback:staff_detail", args=[report.number])).content.decode()
    assert "Nhận xử lý" in page and "Tiếp nhận" not in page.split("Thao tác")[1].split("Lịch sử")[0]
    assert client.post(url("start"), {}).status_code == 302
    client.post(url("submit_result"), {"result": ""})
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS  # empty result refused
    client.post(url("submit_result"), {"result": "Đã thu gom"})
    report.refresh_from_db()
    assert report.status == Status.RESULT_SUBMITTED
    assert client.post(url("khong-co"), {}).status_code == 404


def test_api_submit_and_actions(client, world, make_report):
    r = client.post("/api/v1/feedback/reports", {"province": "38", "category_id": world["waste"].pk,
                                                  "description": "Rác", "latitude": str(POINT[0]),
                                                  "longitude": str(POINT[1])})
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    for bad, status in [({"category_id": ""}, 422), ({"latitude": "91"}, 422), ({"province": "99"}, 404),
                        ({"description": ""}, 422)]:
        data = {"province": "38", "category_id": world["waste"].pk, "description": "Rác",
                "latitude": str(POINT[0]), "longitude": str(POINT[1]), **bad}
        assert client.post("/api/v1/feedback/reports", data).status_code == status, bad
    client.force_login(world["operator"])
    act = lambda action, body: client.post(f"/api/v1/feedback/staff/reports/{number}/{action}", body,  # noqa: E731
                                           content_type="application/json")
    assert act("accept", {}).status_code == 200
    assert act("accept", {}).status_code == 409
    assert act("refuse", {"reason": "sai"}).status_code == 422
    assert act("assign", {"agency_id": world["c1_pc"].pk, "urgency": "khan"}).json()["status"] == "assigned"
    assert act("start", {}).status_code == 403
    assert act("nhay-coc", {}).status_code == 404
    # Found by the Schemathesis run on PostgreSQL: NUL in the lookup was a DataError (500).
    assert act("merge", {"target": f"{number}\x00"}).status_code == 404


def test_api_nearby_has_no_content(client, make_report, world):
    report = make_report(now=None)
    data = client.get("/api/v1/feedback/nearby", {"category_id": world["waste"].pk, "latitude": str(POINT[0]),
                                                  "longitude": str(POINT[1])}).json()
    assert data[0]["number"] == report.number and "description" not in data[0]


@pytest.mark.parametrize("url", ["feedback:index", "feedback:statistics"])
def test_public_pages_query_count(client, make_report, walk, url, django_assert_max_num_queries, settings):
    settings.FEEDBACK_ANON_PER_PHONE_PER_DAY = 100
    walk(make_report(now=None), "published", now=None)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(url) + "?tinh=38").status_code == 200
    for _ in range(6):
        walk(make_report(now=None), "published", now=None)
    with django_assert_max_num_queries(12):
        assert client.get(reverse(url) + "?tinh=38").status_code == 200


def test_staff_queue_and_api_query_count(client, make_report, walk, world, django_assert_max_num_queries, settings):
    settings.FEEDBACK_ANON_PER_PHONE_PER_DAY = 100
    client.force_login(world["operator"])
    make_report(now=None)

    def counts():
        with django_assert_max_num_queries(14):
            assert client.get(reverse("feedback:staff_queue")).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/feedback/staff/reports").status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/api/v1/feedback/reports?province=38").status_code == 200

    counts()
    for _ in range(6):
        walk(make_report(now=None), "in_progress", now=None)
        walk(make_report(now=None), "published", now=None)
    counts()
