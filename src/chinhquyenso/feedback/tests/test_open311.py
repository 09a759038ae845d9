"""Open311 GeoReport v2 contract tests: every endpoint in both formats, every error case, JSON
validated against the Open311 organisation's JSON Schemas (/work/shared/reference/open311-schema,
copied into tests/open311_schema)."""

import datetime
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from chinhquyenso.accounts.services import create_api_token
from chinhquyenso.feedback.models import Channel, Report

from .conftest import POINT

SCHEMAS = Path(__file__).parent / "open311_schema"
BASE = "/open311/v2"


def _schema(name: str):
    registry = Registry()
    for f in SCHEMAS.glob("*.json"):
        resource = Resource.from_contents(json.loads(f.read_text()), default_specification=DRAFT4)
        registry = registry.with_resource(f.name, resource)
    return jsonschema.Draft4Validator(json.loads((SCHEMAS / name).read_text()), registry=registry,
                                      format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def validate(name: str, data) -> None:
    _schema(name).validate(data)


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # noqa: S314  # nosec B314  # — our own response, in a test


def js(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def errors_of(response, fmt):
    if fmt == "json":
        data = js(response)
        assert isinstance(data, list) and data and all(set(e) == {"code", "description"} for e in data)
        return [e["code"] for e in data]
    root = xml(response)
    assert root.tag == "errors"
    return [int(e.findtext("code")) for e in root.findall("error")]


@pytest.fixture
def api_key(world):
    _, key = create_api_token(world["operator"], name="Ứng dụng Open311 thử", expires_at=None)
    return key


@pytest.fixture
def published(make_report, walk):
    return walk(make_report(now=None), "published", now=None)


FORMATS = ["json", "xml"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, world, fmt):
    r = client.get(f"{BASE}/discovery.{fmt}")
    assert r.status_code == 200
    if fmt == "json":
        data = js(r)
        assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
        assert data["endpoints"][0]["url"].endswith("/open311/v2/")
    else:
        assert xml(r).find("endpoints/endpoint/formats/format").text == "text/xml"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services(client, world, fmt):
    r = client.get(f"{BASE}/services.{fmt}?jurisdiction_id=38")
    assert r.status_code == 200
    if fmt == "json":
        data = js(r)
        validate("services.json", data)
        codes = {s["service_code"]: s for s in data}
        assert set(codes) == {"rac-thai", "giao-thong"}  # leaves, in scope only
        assert codes["rac-thai"]["group"] == "Môi trường" and codes["giao-thong"]["metadata"] is True
        assert codes["rac-thai"]["metadata"] is False
    else:
        services = xml(r).findall("service")
        assert {s.findtext("service_code") for s in services} == {"rac-thai", "giao-thong"}
        assert {s.findtext("metadata") for s in services} == {"true", "false"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client, world, fmt):
    r = client.get(f"{BASE}/services/giao-thong.{fmt}?jurisdiction_id=38")
    assert r.status_code == 200
    if fmt == "json":
        data = js(r)
        validate("service-definition.json", data)
        attr = data["attributes"][0]
        assert attr["code"] == "lan-duong" and attr["datatype"] == "singlevaluelist" and attr["required"] is True
        assert attr["values"] == [{"key": "trai", "name": "Bên trái"}, {"key": "phai", "name": "Bên phải"}]
    else:
        root = xml(r)
        assert root.tag == "service_definition"
        assert root.find("attributes/attribute/values/value/key").text == "trai"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("path", "status"), [
    ("services.{fmt}?jurisdiction_id=99", 404),
    ("services/khong-co.{fmt}?jurisdiction_id=38", 404),
    ("services/khieu-nai-to-cao.{fmt}?jurisdiction_id=38", 404),  # out of scope: not a service
    ("requests/PA38.2025.999999.{fmt}?jurisdiction_id=38", 404),
    ("tokens/not-a-uuid.{fmt}?jurisdiction_id=38", 404),
    ("tokens/6f1c2a4e-0000-4000-8000-000000000000.{fmt}?jurisdiction_id=38", 404),
    ("requests.{fmt}?jurisdiction_id=38&start_date=hom-qua", 400),
    ("requests.{fmt}?jurisdiction_id=38&start_date=2025-01-01T00:00:00%2B07:00&end_date=2025-06-01T00:00:00%2B07:00",
     400),
    ("requests.{fmt}?jurisdiction_id=38&start_date=2025-06-01T00:00:00Z&end_date=2025-05-01T00:00:00Z", 400),
    ("requests.{fmt}?jurisdiction_id=38&status=pending", 400),
    ("requests.{fmt}?jurisdiction_id=38&page=0", 400),
    ("requests.{fmt}?jurisdiction_id=38&page_size=5000", 400),
    ("servicerequestupdates.{fmt}?jurisdiction_id=38&end_date=x", 400),
    # Found by portal/tests/test_open311_properties.py: these were 500s.
    ("requests.{fmt}?jurisdiction_id=38&start_date=2025-13-45T00:00:00Z", 400),  # impossible date
    ("requests.{fmt}?jurisdiction_id=38&start_date=9999-12-31T00:00:00Z", 400),  # window past datetime.max
    ("servicerequestupdates.{fmt}?jurisdiction_id=38&end_date=0001-01-01T00:00:00", 400),
    ("requests.{fmt}?jurisdiction_id=38&page=%C2%B2", 400),  # "²".isdigit() is True, int("²") fails
    ("servicerequestupdates.{fmt}?jurisdiction_id=38&page_size=%C2%B3", 400),
])
def test_get_errors(client, world, fmt, path, status):
    r = client.get(f"{BASE}/" + path.format(fmt=fmt))
    assert r.status_code == status
    assert errors_of(r, fmt) == [status]


def test_unknown_format_and_missing_jurisdiction(client, world):
    r = client.get(f"{BASE}/services.csv")
    assert r.status_code == 404 and errors_of(r, "xml") == [404]
    from chinhquyenso.feedback.models import Category

    Category.objects.create(province=world["other_province"], code="rac-thai", name="Rác thải")
    r = client.get(f"{BASE}/services.json")  # two provinces now: which one?
    assert r.status_code == 400 and errors_of(r, "json") == [400]
    assert client.get(f"{BASE}/services.json?jurisdiction_id=37").status_code == 200


# Found by portal/tests/test_open311_properties.py: a URL under /open311/v2/ that no route matches
# (an empty id, "%2F" decoded to "/", a newline dropped by URL parsing) was the HTML page for people.
@pytest.mark.parametrize(("path", "fmt"), [("services/.json", "json"), ("requests/a/b.json", "json"),
                                           ("services/x/.xml", "xml"), ("khong-co", "xml")])
def test_unmatched_url_is_an_open311_error(client, world, path, fmt):
    r = client.get(f"{BASE}/{path}")
    assert r.status_code == 404 and errors_of(r, fmt) == [404]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_request(client, world, api_key, fmt):
    r = client.post(f"{BASE}/requests.{fmt}", {
        "api_key": api_key, "jurisdiction_id": "38", "service_code": "giao-thong",
        "lat": str(POINT[0]), "long": str(POINT[1]), "description": "Ổ gà lớn giữa đường <b>nguy hiểm</b>",
        "attribute[lan-duong]": "phai", "first_name": "Hoa", "last_name": "Lê", "phone": "0987654321",
        "email": "hoa@example.vn", "device_id": "abc", "account_id": "",
    })
    assert r.status_code == 201
    if fmt == "json":
        item = js(r)[0]
        number, token = item["service_request_id"], item["token"]
    else:
        node = xml(r).find("request")
        number, token = node.findtext("service_request_id"), node.findtext("token")
    report = Report.objects.get(number=number)
    assert report.channel == Channel.OPEN311 and report.attributes == {"lan-duong": "phai"}
    assert report.contact.name == "Hoa Lê" and report.commune == world["c1"]
    assert report.description == "Ổ gà lớn giữa đường <b>nguy hiểm</b>"
    t = client.get(f"{BASE}/tokens/{token}.{fmt}?jurisdiction_id=38")
    assert t.status_code == 200
    got = js(t)[0]["service_request_id"] if fmt == "json" else xml(t).findtext("request/service_request_id")
    assert got == number
    # not published yet: not visible to the public
    assert client.get(f"{BASE}/requests/{number}.{fmt}?jurisdiction_id=38").status_code == 404


def test_post_multivalue_and_address(client, world, api_key):
    r = client.post(f"{BASE}/requests.json", {
        "api_key": api_key, "service_code": "rac-thai", "address_string": "Thôn 3, xã Quảng Phú",
        "description": "Rác ven đường",
    })
    assert r.status_code == 201
    assert Report.objects.get(number=js(r)[0]["service_request_id"]).commune == world["c2"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("data", "status"), [
    ({"service_code": "rac-thai", "lat": "19.8", "long": "105.77", "description": "x"}, 403),  # no key
    ({"api_key": "cqs_sai", "service_code": "rac-thai", "lat": "19.8", "long": "105.77", "description": "x"}, 403),
    ({"service_code": "", "lat": "19.8", "long": "105.77", "description": "x"}, 400),
    ({"service_code": "khong-co", "lat": "19.8", "long": "105.77", "description": "x"}, 404),
    ({"service_code": "rac-thai", "description": "Thiếu vị trí"}, 400),
    ({"service_code": "rac-thai", "lat": "20.25", "long": "105.97", "description": "Ninh Bình"}, 400),
    ({"service_code": "rac-thai", "lat": "abc", "long": "105.77", "description": "x"}, 400),
    ({"service_code": "rac-thai", "lat": "19.8", "long": "105.77", "description": ""}, 400),
    ({"service_code": "rac-thai", "lat": "19.8", "long": "105.77", "description": "x" * 4001}, 400),
    ({"service_code": "giao-thong", "lat": "19.8", "long": "105.77", "description": "x"}, 400),  # attribute
    ({"service_code": "khieu-nai-to-cao", "lat": "19.8", "long": "105.77", "description": "x"}, 400),
    ({"service_code": "moi-truong", "lat": "19.8", "long": "105.77", "description": "x"}, 400),  # a group
    ({"jurisdiction_id": "99", "service_code": "rac-thai", "lat": "19.8", "long": "105.77", "description": "x"}, 404),
])
def test_post_errors(client, world, api_key, fmt, data, status):
    if status != 403:
        data = {"api_key": api_key, **data}
    r = client.post(f"{BASE}/requests.{fmt}", data)
    assert r.status_code == status
    assert errors_of(r, fmt) == [status]
    assert Report.objects.count() == 0


def test_revoked_and_expired_keys(client, world, api_key):
    from django.utils import timezone

    from chinhquyenso.accounts.models import ApiToken

    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    r = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "rac-thai", "lat": "19.8",
                                              "long": "105.77", "description": "x"})
    assert r.status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests(client, world, published, make_report, fmt):
    hidden = make_report(now=None)
    r = client.get(f"{BASE}/requests.{fmt}?jurisdiction_id=38")
    assert r.status_code == 200
    if fmt == "json":
        data = js(r)
        validate("requests.json", data)
        assert [d["service_request_id"] for d in data] == [published.number]
        item = data[0]
        assert item["status"] == "closed" and item["status_notes"] == published.result
        assert item["requested_datetime"].endswith("+07:00") and item["expected_datetime"].endswith("+07:00")
        assert item["lat"] == float(POINT[0]) and item["agency_responsible"] == world["c1_pc"].name
        assert "Lê Thị Hoa" not in r.content.decode()
    else:
        numbers = [n.text for n in xml(r).findall("request/service_request_id")]
        assert numbers == [published.number]
    assert hidden.number not in r.content.decode()


def test_request_filters_and_paging(client, world, make_report, walk):
    a = walk(make_report(now=None), "published", now=None)
    b = walk(make_report(now=None, category=world["road"], attributes={"lan-duong": "trai"}), "published", now=None)
    ids = lambda r: [d["service_request_id"] for d in js(r)]  # noqa: E731
    assert ids(client.get(f"{BASE}/requests.json?service_code=giao-thong")) == [b.number]
    assert set(ids(client.get(f"{BASE}/requests.json?service_code=giao-thong,rac-thai"))) == {a.number, b.number}
    assert ids(client.get(f"{BASE}/requests.json?status=open")) == []
    assert len(ids(client.get(f"{BASE}/requests.json?status=closed"))) == 2
    assert ids(client.get(f"{BASE}/requests.json?service_request_id={a.number}&service_code=giao-thong")) == [a.number]
    assert ids(client.get(f"{BASE}/requests.json?page_size=1&page=2")) == [a.number]
    assert ids(client.get(f"{BASE}/requests.json?start_date=2020-01-01T00:00:00%2B07:00&end_date=2020-02-01T00:00:00%2B07:00")) == []
    # reopened after publication: open again, still public
    from chinhquyenso.feedback import services

    services.rate(a.pk, satisfied=False)
    item = next(d for d in js(client.get(f"{BASE}/requests.json")) if d["service_request_id"] == a.number)
    assert item["status"] == "open"


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(client, world, published, fmt):
    r = client.get(f"{BASE}/requests/{published.number}.{fmt}?jurisdiction_id=38")
    assert r.status_code == 200
    if fmt == "json":
        validate("requests.json", js(r))
        assert js(r)[0]["service_request_id"] == published.number
    else:
        assert xml(r).findtext("request/service_code") == "rac-thai"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_request_updates(client, world, published, fmt):
    r = client.get(f"{BASE}/servicerequestupdates.{fmt}?jurisdiction_id=38")
    assert r.status_code == 200
    if fmt == "json":
        data = js(r)
        statuses = [u["status"] for u in data if u["service_request_id"] == published.number]
        assert statuses == ["open", "investigating", "action_scheduled", "in_progress", "fixed"]
        assert all(u["updated_datetime"].endswith("+07:00") for u in data)
        assert all(set(u) == {"update_id", "service_request_id", "status", "updated_datetime", "description",
                              "media_url"} for u in data)
    else:
        root = xml(r)
        assert root.tag == "service_request_updates"
        assert len(root.findall("request_update")) == 5


def test_query_count_constant(client, world, make_report, walk, django_assert_max_num_queries, settings):
    settings.FEEDBACK_ANON_PER_PHONE_PER_DAY = 100
    walk(make_report(now=None), "published", now=None)
    with django_assert_max_num_queries(8):
        client.get(f"{BASE}/requests.json")
    for _ in range(5):
        walk(make_report(now=None), "published", now=None)
    with django_assert_max_num_queries(8):
        assert len(js(client.get(f"{BASE}/requests.json"))) == 6


def test_post_needs_no_csrf_token(world, api_key):
    """Third-party clients post without a CSRF token; api_key is the credential."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    r = strict.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "rac-thai",
                                              "lat": str(POINT[0]), "long": str(POINT[1]), "description": "Rác"})
    assert r.status_code == 201


def test_root_is_discovery(client, world):
    r = client.get(f"{BASE}/")
    assert r.status_code == 200 and xml(r).tag == "discovery"
