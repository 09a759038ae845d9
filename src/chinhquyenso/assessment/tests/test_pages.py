"""Pages: who sees what, the unit's form and the reviewer's form end to end, the import page's
report, constant query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chinhquyenso.accounts.tests.factories import login_verified
from chinhquyenso.assessment import services
from chinhquyenso.assessment.models import Assessment, CriteriaSet, IndicatorScore, Status
from chinhquyenso.assessment.tests.conftest import fill_all, small_set_bytes


def _published(world, agency, **fill):
    a = services.start_assessment(world.set, agency, 2025)
    fill_all(world, a, **fill)
    services.submit(a)
    services.accept_self_scores(a, user=world.reviewer)
    return services.publish_assessment(a, user=world.reviewer)


def test_public_results_ranking_and_map(client, world):
    _published(world, world.pc1)
    _published(world, world.pc2, a=10, b=10)
    draft = services.start_assessment(world.set, world.pc3, 2025)
    r = client.get(reverse("assessment:index") + "?tinh=38&nam=2025")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Phường Hạc Thành" in body and "Phường Hàm Rồng" in body
    assert "Xã Đông Sơn" not in body  # a draft is not public
    assert '"lat": 19.81' in body  # the map data
    assert client.get(reverse("assessment:detail", args=[draft.pk])).status_code == 404


def test_unit_page_visibility(client, world):
    draft = services.start_assessment(world.set, world.pc1, 2025)
    url = reverse("assessment:detail", args=[draft.pk])
    login_verified(client, world.clerk2)
    assert client.get(url).status_code == 404
    login_verified(client, world.reviewer)
    assert client.get(url).status_code == 404  # drafts are the unit's own
    login_verified(client, world.clerk1)
    r = client.get(url)
    assert r.status_code == 200 and 'name="action" value="submit"' in r.content.decode()


def test_unit_fills_and_submits_through_the_page(client, world):
    a = services.start_assessment(world.set, world.pc1, 2025)
    scores = {s.indicator.code: s.pk for s in IndicatorScore.objects.filter(assessment=a).select_related("indicator")}
    login_verified(client, world.clerk1)
    url = reverse("assessment:detail", args=[a.pk])
    data = {"action": "submit"}
    for pk in scores.values():
        data[f"row-{pk}"] = "1"
        data.update({f"number-{pk}": "5/KH-UBND", f"date-{pk}": "2025-03-01", f"summary-{pk}": "Kế hoạch"})
    data.update({f"flag-{scores['1.1']}": "1", f"number-{scores['1.2']}": "4", f"choice-{scores['1.3']}": "ct",
                 f"a-{scores['4.2']}": "9", f"b-{scores['4.2']}": "10"})
    r = client.post(url, data)
    assert r.status_code == 400  # 1.1 claims points but has no file
    assert "Chỉ tiêu 1.1: thiếu minh chứng — tệp minh chứng." in r.content.decode()
    a.refresh_from_db()
    assert a.status == Status.DRAFT
    data[f"file-{scores['1.1']}"] = SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    r = client.post(url, data)
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED and a.self_points == 49  # 10 + 20 + 10 + 9
    # the reviewer downloads the evidence; another commune may not
    ev = reverse("assessment:evidence", args=[a.pk, scores["1.1"]])
    login_verified(client, world.reviewer)
    assert client.get(ev).status_code == 200
    login_verified(client, world.clerk2)
    assert client.get(ev).status_code == 404


def test_reviewer_scores_returns_and_publishes_through_the_page(client, world):
    a = services.start_assessment(world.set, world.pc1, 2025)
    fill_all(world, a)
    services.submit(a)
    s12 = IndicatorScore.objects.get(assessment=a, indicator__code="1.2")
    login_verified(client, world.reviewer)
    url = reverse("assessment:detail", args=[a.pk])
    r = client.post(url, {"action": "review", f"points-{s12.pk}": "99"})
    assert r.status_code == 400 and "phải từ 0 đến 20" in r.content.decode()
    assert client.post(url, {"action": "review", f"points-{s12.pk}": "15", f"comment-{s12.pk}": "Thiếu 1 biên bản"}
                       ).status_code == 302
    assert client.post(url, {"action": "return", "comment": ""}).status_code == 400
    assert client.post(url, {"action": "return", "comment": "Bổ sung biên bản"}).status_code == 302
    a.refresh_from_db()
    assert a.status == Status.RETURNED
    services.submit(a, user=world.clerk1)
    assert client.post(url, {"action": "accept"}).status_code == 302
    assert client.post(url, {"action": "publish"}).status_code == 302
    a.refresh_from_db()
    assert a.status == Status.PUBLISHED and a.points == 43  # 10 + 15 + 10 + 0 + 0 + 8
    # a commune official cannot act as reviewer
    login_verified(client, world.clerk1)
    assert client.post(url, {"action": "publish"}).status_code == 403


def test_import_page_reports_rows_and_stores_nothing(client, world):
    login_verified(client, world.reviewer)
    url = reverse("assessment:set_import") + "?tinh=38"
    bad = small_set_bytes().replace(b'"max_points": "20"', b'"max_points": "hai m\xc6\xb0\xc6\xa1i"')
    r = client.post(url, {"file": SimpleUploadedFile("bo.json", bad)})
    assert r.status_code == 400
    assert "Nhóm thứ 1, chỉ tiêu thứ 2 (chỉ tiêu 1.2): điểm tối đa (max_points) “hai mươi”" in r.content.decode()
    assert CriteriaSet.objects.count() == 1
    r = client.post(url, {"file": SimpleUploadedFile("bo.json", small_set_bytes())})
    assert r.status_code == 302 and CriteriaSet.objects.count() == 2
    login_verified(client, world.clerk1)
    assert client.get(url).status_code == 403


def test_set_pages_and_exports(client, world):
    r = client.get(reverse("assessment:set", args=[world.set.pk]))
    assert r.status_code == 200 and "Bảng bậc" in r.content.decode()
    x = client.get(reverse("assessment:set_export", args=[world.set.pk, "xlsx"]))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert client.get(reverse("assessment:set_export", args=[world.set.pk, "exe"])).status_code == 404
    draft = services.import_criteria(small_set_bytes(), province=world.province)
    assert client.get(reverse("assessment:set", args=[draft.pk])).status_code == 404  # drafts are not public


def test_workspace_starts_an_assessment(client, world):
    login_verified(client, world.clerk1)
    r = client.get(reverse("assessment:workspace"))
    assert r.status_code == 200 and "UBND Phường Hàm Rồng" in r.content.decode()
    assert "UBND Phường Hạc Thành" not in r.content.decode()
    r = client.post(reverse("assessment:workspace"), {"set": world.set.pk, f"s{world.set.pk}-agency": world.pc2.pk,
                                                      f"s{world.set.pk}-year": 2025})
    assert r.status_code == 200 and not Assessment.objects.exists()  # not their commune
    r = client.post(reverse("assessment:workspace"), {"set": world.set.pk, f"s{world.set.pk}-agency": world.pc1.pk,
                                                      f"s{world.set.pk}-year": 2025})
    assert r.status_code == 302 and Assessment.objects.get().agency == world.pc1
    r = client.post(reverse("assessment:workspace"), {"set": "²"})  # "²".isdigit() was a 500
    assert r.status_code == 200 and Assessment.objects.count() == 1


def test_garbage_input_gives_4xx(client, world):
    for url in ("/danh-gia-cds/99999999999/", "/danh-gia-cds/bo-tieu-chi/99999999999/",
                "/danh-gia-cds/don-vi/khong-co/", "/danh-gia-cds/?tinh=zz"):
        assert client.get(url).status_code == 404, url
    assert client.get("/danh-gia-cds/?nam=abc").status_code == 200
    assert client.get("/danh-gia-cds/?bo=zz").status_code == 200  # falls back to the province's set
    # NUL anywhere in a path or query is refused before any view (core.middleware.RejectNulMiddleware).
    for url in ("/danh-gia-cds/ke-hoach/?tinh=%00", "/danh-gia-cds/?bo=%00", "/api/v1/assessment/ranking?bo=%00x",
                "/api/v1/assessment/units/%00/history"):
        assert client.get(url).status_code == 400, url
    a = services.start_assessment(world.set, world.pc1, 2025)
    fill_all(world, a)
    services.submit(a)
    login_verified(client, world.reviewer)
    r = client.post(reverse("assessment:detail", args=[a.pk]), {"action": "return", "comment": "Bổ\x00 sung"})
    assert r.status_code == 400  # the form refuses NUL characters
    r = client.post(f"/api/v1/assessment/assessments/{a.pk}/return", data='{"comment": "Bổ\\u0000 sung"}',
                    content_type="application/json")
    assert r.status_code == 200, r.content
    assert a.events.last().comment == "Bổ sung"  # the service strips NUL (PostgreSQL text cannot hold it)


@pytest.mark.parametrize("page", ["index", "plan", "unit", "workspace"])
def test_query_count_does_not_grow_with_rows(client, world, django_assert_max_num_queries, page):
    from chinhquyenso.agencies.models import AgencyKind
    from chinhquyenso.agencies.tests.factories import AgencyFactory
    from chinhquyenso.units.tests.factories import CommuneFactory

    login_verified(client, world.clerk1)
    _published(world, world.pc1)
    url = {"index": "/danh-gia-cds/?nam=2025", "plan": "/danh-gia-cds/ke-hoach/",
           "unit": f"/danh-gia-cds/don-vi/{world.c1.code}/", "workspace": "/danh-gia-cds/cua-toi/"}[page]
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(6):
        commune = CommuneFactory(parent=world.province, latitude="19.7", longitude="105.7")
        pc = AgencyFactory(code=f"9{n}.00.H56", kind=AgencyKind.COMMUNE_PC, unit=commune, parent=world.ubnd)
        _published(world, pc)
    services.start_assessment(world.set, world.pc1, 2026)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["clerk1", "reviewer", "anonymous"])
def test_detail_page_queries_do_not_grow_with_indicators(client, world, who):
    """The same page for 6 indicators and for Thanh Hóa's 37 runs the same number of queries."""
    from pathlib import Path

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chinhquyenso.assessment import transfer

    big_set = services.import_criteria((Path(transfer.__file__).parent / "data" / "thanh-hoa-xa.json").read_bytes(),
                                       province=world.province, publish=True)
    services.assign_reviewer(big_set, world.reviewer, world.skhcn)
    small = services.start_assessment(world.set, world.pc1, 2025)
    big = services.start_assessment(big_set, world.pc2, 2025)
    for a in (small, big):
        Assessment.objects.filter(pk=a.pk).update(status=Status.PUBLISHED if who == "anonymous" else
                                                  Status.SUBMITTED if who == "reviewer" else Status.DRAFT)
    if who != "anonymous":
        login_verified(client, getattr(world, who))
        # the same official must be a member of both units for the comparison
        if who == "clerk1":
            from chinhquyenso.accounts.models import Role
            from chinhquyenso.accounts.tests.factories import RoleAssignmentFactory
            RoleAssignmentFactory(user=world.clerk1, role=Role.SPECIALIST, agency=world.pc2)
    counts = []
    for a in (small, big):
        client.get(f"/danh-gia-cds/{a.pk}/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/danh-gia-cds/{a.pk}/").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
