"""Property-based tests of the Open311 GeoReport v2 endpoints (/open311/v2/), which have no OpenAPI
document: hypothesis draws path segments, query strings and POST forms — well-formed values and
garbage — and every answer must be either a success whose JSON validates against the Open311
organisation's JSON Schemas (feedback/tests/open311_schema) or an Open311 error list with a 4xx;
never a server error. Bounded (fixed example counts, derandomized) and run against the world of
authz_world, one savepoint per example."""

import json

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chinhquyenso.feedback.tests.test_open311 import validate

from .authz_harness import module_world

BASE = "/open311/v2"
EXAMPLES = 40
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))

# Text without NUL (refused with a 400 before any view by core.middleware.RejectNulMiddleware).
TEXT = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=60)
DATES = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.from_regex(r"\A20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?\Z"),
    TEXT,
)
NUMBERS = st.one_of(st.integers(-5, 2_000_000).map(str), st.sampled_from(["", "0", "1", "²", "١٢", "1e3", " 7"]), TEXT)
JURISDICTION = st.sampled_from(["", "38", "99", "3", "38 "])
# A path segment: "/" would split it, "?" and "#" would end the path (the request would then not be
# for "<segment>.json" at all), "." would move the format extension.
SEGMENT = TEXT.filter(lambda s: s and "/" not in s and "." not in s and "?" not in s and "#" not in s)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from module_world(django_db_blocker, tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root():
    """The module's world keeps its files in one folder (overrides the suite's per-test one)."""


def _check(response, schema: str | None) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(response.content)
    if 200 <= response.status_code < 300:
        if schema:
            validate(schema, data)
    else:
        assert 400 <= response.status_code < 500
        assert isinstance(data, list) and data and all(set(e) == {"code", "description"} for e in data), data


def _run(call) -> None:
    cache.clear()
    savepoint = transaction.savepoint_create()
    try:
        call()
    finally:
        transaction.savepoint_rollback(savepoint)


def _query(**fields):
    return st.fixed_dictionaries({}, optional=fields)


def test_service_list_and_definition(world, db):
    w, _ = world
    client = Client()

    @SETTINGS
    @given(query=_query(jurisdiction_id=JURISDICTION),
           code=st.one_of(st.just(w["category"].code), SEGMENT))
    def run(query, code):
        _run(lambda: (_check(client.get(f"{BASE}/services.json", query), "services.json"),
                      _check(client.get(f"{BASE}/services/{code}.json", query), "service-definition.json")))

    run()


def test_request_list_and_updates(world, db):
    w, _ = world
    client = Client()

    @SETTINGS
    @given(query=_query(jurisdiction_id=JURISDICTION, start_date=DATES, end_date=DATES, page=NUMBERS,
                        page_size=NUMBERS, status=st.sampled_from(["open", "closed", "open,closed", "x", ""]),
                        service_code=st.one_of(st.just(w["category"].code), TEXT),
                        service_request_id=st.one_of(st.just(w["report"].number), TEXT)))
    def run(query):
        _run(lambda: (_check(client.get(f"{BASE}/requests.json", query), "requests.json"),
                      _check(client.get(f"{BASE}/servicerequestupdates.json", query), None)))

    run()


def test_single_request_and_token(world, db):
    w, _ = world
    client = Client()

    @SETTINGS
    @given(request_id=st.one_of(st.just(w["report"].number), SEGMENT),
           token=st.one_of(st.just(str(w["report"].token)), st.uuids().map(str), SEGMENT),
           query=_query(jurisdiction_id=JURISDICTION))
    def run(request_id, token, query):
        _run(lambda: (_check(client.get(f"{BASE}/requests/{request_id}.json", query), "requests.json"),
                      _check(client.get(f"{BASE}/tokens/{token}.json", query), None)))

    run()


def test_create_request(world, db):
    """POST requests.json with an API key (the IOC's integration) or none, and any form."""
    w, _ = world
    client = Client()
    coordinate = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(str), st.just("19.80"), st.just("105.77"),
                           TEXT)

    @SETTINGS
    @given(form=_query(api_key=st.sampled_from([w["admin_api_key"], "cqs_sai", ""]), jurisdiction_id=JURISDICTION,
                       service_code=st.one_of(st.just(w["category"].code), TEXT), lat=coordinate, long=coordinate,
                       address_string=TEXT, description=TEXT, first_name=TEXT, last_name=TEXT,
                       phone=st.one_of(st.just("0912345678"), TEXT), email=st.one_of(st.just("a@example.vn"), TEXT),
                       **{"attribute[lan-duong]": TEXT}))
    def run(form):
        _run(lambda: _check(client.post(f"{BASE}/requests.json", form), None))

    run()


def test_unknown_format_is_an_open311_error(world, db):
    response = Client().get(f"{BASE}/services.yaml")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/xml")
