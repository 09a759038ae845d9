"""IOC pages: access by role and scope, constant query counts, exports, public page, bad input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chinhquyenso.accounts.models import Role
from chinhquyenso.accounts.tests.factories import OfficialFactory, UserFactory
from chinhquyenso.dossiers.tests.factories import at as vn_at
from chinhquyenso.dossiers.tests.factories import counter_dossier, grant

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(world):
    from chinhquyenso.agencies.models import Agency, AgencyKind

    root = Agency.objects.get(kind=AgencyKind.PROVINCE_PC, unit=world.province)
    return grant(OfficialFactory(), Role.IOC_OPERATOR, root)


def _login(client, user):
    from chinhquyenso.accounts.tests.factories import login_verified

    login_verified(client, user)
    return client


def test_anonymous_and_citizens_are_kept_out(client, world):
    assert client.get("/ioc/").status_code == 302
    _login(client, UserFactory())
    assert client.get("/ioc/").status_code == 403


def test_operator_sees_province_and_commune_not_other_province(client, world, operator, events):
    with events():
        scenario.run(world)
    _login(client, operator)
    page = client.get("/ioc/?ky=2026-03")
    assert page.status_code == 200
    assert "66,67%" in page.content.decode() or "66.67%" in page.content.decode()
    commune = world.commune_pc.unit
    assert client.get(f"/ioc/?ky=2026-03&don-vi={commune.code}").status_code == 200
    from chinhquyenso.agencies.models import AgencyKind
    from chinhquyenso.agencies.tests.factories import AgencyFactory
    from chinhquyenso.units.tests.factories import ProvinceFactory
    other = ProvinceFactory()
    other_pc = AgencyFactory(kind=AgencyKind.PROVINCE_PC, unit=other)
    assert client.get(f"/ioc/?don-vi={other.code}").status_code == 403
    assert client.get(f"/ioc/?co-quan={other_pc.pk}").status_code == 403
    assert client.get("/ioc/?co-quan=abc").status_code == 403
    assert client.get("/ioc/?co-quan=%C2%B2").status_code == 403  # "²".isdigit() was a 500


def test_commune_leader_limited_to_the_commune(client, world, events):
    with events():
        scenario.run(world)
    leader = world.leader  # leader of the commune PC
    _login(client, leader)
    assert client.get("/ioc/?ky=2026-03").status_code == 200
    assert client.get(f"/ioc/?don-vi={world.province.code}").status_code == 403
    assert client.get(f"/ioc/?don-vi={world.other_pc.unit.code}").status_code == 403


def test_bad_period_is_404_not_500(client, world, operator):
    _login(client, operator)
    assert client.get("/ioc/?ky=2026-13").status_code == 404
    assert client.get("/ioc/chi-so/9.9/").status_code == 404


def test_indicator_page_and_drilldown(client, world, operator, events):
    with events():
        history = scenario.run(world)
    _login(client, operator)
    page = client.get("/ioc/chi-so/2.1/?ky=2026-03&ds=tu-so")
    body = page.content.decode()
    assert page.status_code == 200
    assert history["A"].code in body and history["B"].code not in body  # B was late
    assert "Lê Thị Hoa" not in body  # applicant names masked
    for code in ("1.1", "1.3", "3.2", "6.2", "PA.1", "VB.1", "2.2"):
        assert client.get(f"/ioc/chi-so/{code}/?ky=2026").status_code == 200


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_queries_constant_in_number_of_dossiers(client, world, operator, events, settings):
    settings.IOC_CACHE_SECONDS = 0  # every render reads every source
    _login(client, operator)
    with events():
        counter_dossier(world, vn_at(2026, 3, 2, 9))
    few = _count(client, "/ioc/?ky=2026-03"), _count(client, "/ioc/chi-so/3.3/?ky=2026-03")
    with events():
        for day in range(3, 20):
            if vn_at(2026, 3, day).weekday() < 5:
                counter_dossier(world, vn_at(2026, 3, day, 10))
    many = _count(client, "/ioc/?ky=2026-03"), _count(client, "/ioc/chi-so/3.3/?ky=2026-03")
    assert many == few


def test_exports(client, world, operator, events):
    with events():
        scenario.run(world)
    _login(client, operator)
    xlsx = client.get("/ioc/xuat/excel/?ky=2026-03")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook
    ws = load_workbook(BytesIO(xlsx.content))["Chỉ số"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "2.1")
    assert (row[2], row[4], row[5]) == (66.67, 4, 6)
    pdf = client.get("/ioc/xuat/pdf/?ky=2026-03")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_public_page_aggregates_only(client, world, events):
    with events():
        scenario.run(world)
    page = client.get(f"/ioc/thong-ke/?don-vi={world.province.code}&ky=2026-03")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Hồ sơ xử lý trước hạn, đúng hạn" in body and "Tử số" in body
    assert "Lê Thị Hoa" not in body and "0912345678" not in body
    assert client.get("/ioc/thong-ke/?don-vi=zzz").status_code == 404


def test_api(client, world, operator, events):
    with events():
        scenario.run(world)
    assert client.get("/api/v1/dashboard/definitions").status_code == 200
    assert client.get("/api/v1/dashboard/indicators").status_code == 401
    assert client.get(f"/api/v1/dashboard/public/{world.province.code}?ky=2026-03").status_code == 200
    assert client.get("/api/v1/dashboard/public/zz?ky=x").status_code in (400, 404)
    _login(client, operator)
    data = client.get("/api/v1/dashboard/indicators?ky=2026-03").json()
    row = next(r for r in data if r["code"] == "2.1")
    assert (row["value"], row["numerator"], row["denominator"]) == (66.67, 4, 6)
    assert client.get("/api/v1/dashboard/indicators?ky=bad").status_code == 400


def _figures(response) -> str:
    """The page without per-request tokens (CSP nonce, CSRF), so two renders can be compared."""
    import re

    html = response.content.decode()
    return re.sub(r'(nonce|csrfmiddlewaretoken|value|content)="[^"]*"', "", html)


def test_page_cache_is_invalidated_by_dossier_events(client, world, operator, events, settings):
    """The IOC page data is cached for the polling interval (dashboard.pagecache) and a dossier
    change invalidates it: the next render shows the new figures, and a warm render does not read
    the rollups again."""
    settings.IOC_CACHE_SECONDS = 60
    with events():
        scenario.run(world)
    _login(client, operator)
    first = _figures(client.get("/ioc/?ky=2026-03"))
    with CaptureQueriesContext(connection) as warm:
        assert _figures(client.get("/ioc/?ky=2026-03")) == first
    assert "dashboard_rollup" not in " ".join(q["sql"] for q in warm.captured_queries)
    # A new dossier received in March changes the March figures at the next render.
    with events():
        counter_dossier(world, vn_at(2026, 3, 31, 9, 0))
    after = _figures(client.get("/ioc/?ky=2026-03"))
    assert after != first
    with events():  # and again (the generation is bumped on each change)
        counter_dossier(world, vn_at(2026, 3, 31, 10, 0))
    assert _figures(client.get("/ioc/?ky=2026-03")) != after


def test_render_after_a_dossier_change_rereads_only_the_rollups(client, world, operator, events, settings):
    """Reports, questions, documents and the catalogue have no dossier event: after a dossier
    change the page re-reads the rollups and serves those figures from their own cache entry (at
    most IOC_CACHE_SECONDS old, as before)."""
    settings.IOC_CACHE_SECONDS = 60
    with events():
        scenario.run(world)
    _login(client, operator)
    client.get("/ioc/?ky=2026-03")
    with events():
        counter_dossier(world, vn_at(2026, 3, 31, 9, 0))
    with CaptureQueriesContext(connection) as after:
        assert client.get("/ioc/?ky=2026-03").status_code == 200
    sql = " ".join(q["sql"] for q in after.captured_queries)
    assert "dashboard_rollup" in sql
    for table in ("feedback_report", "questions_question", "documents_document"):
        assert f'FROM "{table}"' not in sql, table
    settings.IOC_CACHE_SECONDS = 0  # no cache: every source is read
    with CaptureQueriesContext(connection) as cold:
        assert client.get("/ioc/?ky=2026-03").status_code == 200
    assert 'FROM "feedback_report"' in " ".join(q["sql"] for q in cold.captured_queries)
