"""Schemathesis against /api/v1/openapi.json: every operation, positive and negative data, with
the response checks (no server error; status code, content type, headers and body as documented;
invalid data rejected, valid data accepted; the same request without credentials refused).

Bounded and reproducible: a fixed number of examples per operation, derandomized generation, no
example database. Requests go to the Django WSGI application in process, as the province's
system administrator (a Bearer token), against the small world of authz_world; each example runs
in a savepoint that is rolled back."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chinhquyenso.api import api

from .authz_harness import module_world

EXAMPLES = 6
# Not yet verified to pass on a quiet machine (the first runs were starved of CPU): opt in with
# CQS_FUZZ=1 until the lead has seen it green on SQLite and PostgreSQL, then drop this mark.
pytestmark = pytest.mark.skipif(not os.environ.get("CQS_FUZZ"), reason="opt-in: CQS_FUZZ=1")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection, positive_data_acceptance, ignored_auth]
OPERATIONS = [f"{method.upper()} {path}" for path, ops in api.get_openapi_schema()["paths"].items() for method in ops]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from module_world(django_db_blocker, tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root():
    """The module's world keeps its files in one folder (overrides the suite's per-test one)."""


@pytest.fixture(scope="module")
def wsgi_schema(world):
    from django.core.wsgi import get_wsgi_application

    # The WSGI handler closes "old" connections at the end of each request, which would end the
    # test's transaction; Django's test client disconnects the same receiver.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_is_covered(wsgi_schema):
    documented = {f"{method.upper()} {path}" for path, ops in wsgi_schema.raw_schema["paths"].items() for method in ops}
    assert documented == set(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_its_schema(world, db, wsgi_schema, label):
    w, _sessions = world
    method, path = label.split(" ", 1)
    operation = wsgi_schema[path][method]
    headers = {"Authorization": f"Bearer {w['admin_api_key']}"}
    strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        savepoint = transaction.savepoint()
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        finally:
            transaction.savepoint_rollback(savepoint)

    run()
