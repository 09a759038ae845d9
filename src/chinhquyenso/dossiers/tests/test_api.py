"""/api/v1/dossiers/: scoping, lookup, draft → upload → submit with Idempotency-Key, counter
reception, actions; Vietnamese 4xx bodies; garbage input never gives a 5xx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chinhquyenso.dossiers.models import Dossier
from chinhquyenso.dossiers.workflow import Status

from .factories import APPLICANT, PDF, at, counter_dossier
from .states import STATES

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dossiers/"


@pytest.fixture
def as_user(client):
    from chinhquyenso.accounts.tests.factories import login_verified

    def login(user):
        login_verified(client, user)
        return client

    return login


def test_list_is_scoped(world, as_user):
    d = counter_dossier(world, at(2026, 3, 2, 9))
    body = as_user(world.officer).get(BASE).json()
    assert [row["code"] for row in body["items"]] == [d.code]
    assert body["items"][0]["applicant_phone"] != "0912345678"  # masked in lists
    assert as_user(world.other_officer).get(BASE).json()["items"] == []
    assert as_user(world.citizen).get(BASE).json()["items"] == []  # walk-in dossier has no account
    assert as_user(world.other_officer).get(f"{BASE}{d.pk}").status_code == 404


def test_anonymous_gets_401_except_lookup(world, client):
    d = counter_dossier(world, at(2026, 3, 2, 9))
    assert client.get(BASE).status_code == 401
    r = client.get(f"{BASE}lookup", {"code": d.code, "phone": "0912345678"})
    assert r.status_code == 200 and r.json()["status"] == Status.RECEIVED
    r = client.get(f"{BASE}lookup", {"code": d.code, "phone": "0900000000"})
    assert r.status_code == 404 and "Không tìm thấy" in r.json()["detail"]


def test_api_lookup_shares_the_page_rate_limit(world, client):
    from django.core.cache import cache

    cache.clear()
    d = counter_dossier(world, at(2026, 3, 2, 9))
    statuses = [client.get(f"{BASE}lookup", {"code": f"X-{i}", "phone": "0912345678"}).status_code for i in range(30)]
    assert set(statuses) == {404}
    r = client.get(f"{BASE}lookup", {"code": d.code, "phone": "0912345678"})
    assert r.status_code == 429 and "quá nhiều lần" in r.json()["detail"]
    assert client.get("/ho-so/tra-cuu/", {"ma": d.code, "dien_thoai": "0912345678"}).status_code == 429


def test_online_filing_through_the_api(world, as_user):
    c = as_user(world.citizen)
    r = c.post(f"{BASE}drafts", {"procedure_version_id": world.version.pk, "resolving_agency_id": world.commune_pc.pk},
               content_type="application/json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = c.patch(f"{BASE}{pk}/draft", {"form_data": {"ten_tre": "Nguyễn Văn An"}}, content_type="application/json")
    assert r.status_code == 200
    r = c.post(f"{BASE}{pk}/submit")
    assert r.status_code == 400 and "Còn thiếu giấy tờ" in r.json()["detail"]
    spec = world.version.components.first()
    r = c.post(f"{BASE}{pk}/components", {"spec_id": spec.pk, "file": SimpleUploadedFile("x.exe", b"MZ\x90")})
    assert r.status_code == 400 and "PDF" in r.json()["detail"]
    r = c.post(f"{BASE}{pk}/components", {"spec_id": spec.pk, "file": SimpleUploadedFile("tk.pdf", PDF)})
    assert r.status_code == 201, r.content
    first = c.post(f"{BASE}{pk}/submit", HTTP_IDEMPOTENCY_KEY="k-1")
    again = c.post(f"{BASE}{pk}/submit", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 200
    assert first.json()["code"] == again.json()["code"] and first.json()["status"] == Status.NEW
    assert Dossier.objects.exclude(status=Status.DRAFT).count() == 1
    assert [row["id"] for row in c.get(BASE).json()["items"]] == [pk]


def test_counter_and_actions_through_the_api(world, as_user):
    c = as_user(world.officer)
    spec = world.version.components.first()
    body = {"reception_agency_id": world.centre.pk, "procedure_version_id": world.version.pk,
            "applicant": APPLICANT, "components": [{"spec_id": spec.pk}]}
    r = c.post(f"{BASE}counter", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="q-1")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["status"] == Status.RECEIVED and d["log"][0]["action"] == "receive_at_counter"
    assert c.post(f"{BASE}counter", body, content_type="application/json",
                  HTTP_IDEMPOTENCY_KEY="q-1").json()["id"] == d["id"]
    assert [a["action"] for a in c.get(f"{BASE}{d['id']}/actions").json()] == ["transfer", "request_supplement",
                                                                               "withdraw"]
    r = c.post(f"{BASE}{d['id']}/actions/refuse", {}, content_type="application/json")
    assert r.status_code == 409 and "không thể" in r.json()["detail"]
    r = c.post(f"{BASE}{d['id']}/actions/withdraw", {}, content_type="application/json")
    assert r.status_code == 400 and "lý do" in r.json()["detail"]
    r = c.post(f"{BASE}{d['id']}/actions/transfer", {}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == Status.PROCESSING
    r = c.post(f"{BASE}{d['id']}/actions/forward", {}, content_type="application/json")
    assert r.status_code == 403


def test_counter_refused_for_a_citizen(world, as_user):
    spec = world.version.components.first()
    body = {"reception_agency_id": world.centre.pk, "procedure_version_id": world.version.pk,
            "applicant": APPLICANT, "components": [{"spec_id": spec.pk}]}
    r = as_user(world.citizen).post(f"{BASE}counter", body, content_type="application/json")
    assert r.status_code == 403 and r.json()["detail"]


@pytest.mark.parametrize("path", ["?status=99", "?received_from=hôm-qua", "?procedure=-1", "?q=" + "x" * 500,
                                  "?limit=0", "?queue=khong-co"])
def test_garbage_never_500(world, as_user, path):
    STATES["received"](world)
    assert as_user(world.officer).get(BASE + path).status_code < 500


def test_garbage_actions_never_500(world, as_user):
    d = STATES["processing"](world)
    c = as_user(world.specialist)
    for action, payload in [("fly", {}), ("request_supplement", {"items": 5, "reason": ["x"]}),
                            ("request_financial", {"obligations": "abc"}), ("forward", {"assignee": "abc"}),
                            ("extend", {"reason": "x", "new_due_at": 12}), ("rate", {"rating": None})]:
        r = c.post(f"{BASE}{d.pk}/actions/{action}", payload, content_type="application/json")
        assert 400 <= r.status_code < 500, (action, r.content)
    assert c.post(f"{BASE}{d.pk}/actions/forward", "not json", content_type="application/json").status_code < 500


def _counter_body(world, applicant=None):
    return {"reception_agency_id": world.centre.pk, "procedure_version_id": world.version.pk,
            "applicant": applicant or APPLICANT,
            "components": [{"spec_id": s.pk, "originals": 1} for s in world.version.components.all()]}


def test_counter_answer_is_the_stored_dossier(world, as_user):
    """The reception answers from the rows it wrote (no read back): exactly what a read gives."""
    c = as_user(world.officer)
    r = c.post(f"{BASE}counter", _counter_body(world), content_type="application/json")
    assert r.status_code == 201, r.content
    created = r.json()
    assert created["log"] and created["components"] and created["code"]
    assert created == c.get(f"{BASE}{created['id']}").json()


def test_counter_reception_query_budget(world, django_assert_max_num_queries):
    """A counter reception by API token stays within its queries (bench/load: POST …/counter). On
    PostgreSQL: token, version (+ procedure, field, province), centre (+ parent, place), the
    officer's role, BEGIN, daily counter, dossier, fees, components, process log, the receipt (its
    number, its documents, the slip, its audit entry), the dossier's audit entry, the applicant's
    notification and delivery, savepoints, COMMIT. SQLite seals each audit entry in Python: two
    more statements per entry."""
    from django.db import connection
    from django.test import Client

    from chinhquyenso.accounts.services import create_api_token

    _, key = create_api_token(world.officer, name="quầy", expires_at=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")

    bodies = [_counter_body(world, {**APPLICANT, "name": f"Người nộp {i}"}) for i in range(2)]

    def receive(body):
        r = client.post(f"{BASE}counter", body, content_type="application/json")
        assert r.status_code == 201, r.content

    receive(bodies[0])  # the version's parts and the calendar are read once per process
    budget = 33 if connection.vendor == "postgresql" else 37
    with django_assert_max_num_queries(budget):
        receive(bodies[1])
