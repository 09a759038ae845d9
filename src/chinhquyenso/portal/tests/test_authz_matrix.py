"""Authorization matrix generated from the URL configuration.

Every page route (by URL name) and every JSON API operation of chinhquyenso.urls (admin excepted)
must have a rule in authz_rules; each rule says what each of the seven actors of authz_world gets.
A new URL without a rule fails (test_every_route_has_a_rule), so does a rule whose URL is gone.
Each (route, method, actor) is one case, run against one world built once per module; pages that
render also have their Content-Security-Policy hygiene checked (no inline script or style without
the response's nonce, no inline event handler, no style attribute)."""

import os
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from .authz_harness import client_for, module_world, outcome, request
from .authz_routes import discover, resolve_value, url_for
from .authz_rules import API, PAGES
from .authz_world import ACTORS

# Run on SQLite in every CI run. On PostgreSQL the matrix has not been run to the end yet (its
# 2,264 cases took ~40 min on the overloaded machine it was written on); CQS_AUTHZ_PG=1 runs it.
pytestmark = pytest.mark.skipif(connection.vendor == "postgresql" and not os.environ.get("CQS_AUTHZ_PG"),
                                reason="authorization matrix not yet verified on PostgreSQL: set CQS_AUTHZ_PG=1")

OUTCOMES = {"ok", "empty", "login", "401", "403", "404", "405"}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    yield from module_world(django_db_blocker, tmp_path_factory.mktemp("media"))


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the suite's per-test MEDIA_ROOT: the module's world keeps its files in one folder."""


@pytest.fixture(autouse=True)
def _clean_cache():
    # Rate limits (anonymous submissions, logins) and page caches must not leak between cases.
    cache.clear()
    yield
    cache.clear()


def _cases():
    for key, rule in PAGES.items():
        for method, expected in (("GET", rule.get), ("POST", rule.post)):
            if expected:
                for actor, outcome_ in zip(ACTORS, expected.split(), strict=True):
                    yield pytest.param(key, method, actor, outcome_, id=f"{key}-{method}-{actor}")
    for key, rule in API.items():
        for actor, outcome_ in zip(ACTORS, rule.get.split(), strict=True):
            yield pytest.param(key, key.split()[0], actor, outcome_, id=f"{key}-{actor}")


CASES = list(_cases())


def test_every_route_has_a_rule():
    routes = discover()
    missing = sorted(set(routes) - set(PAGES) - set(API))
    stale = sorted((set(PAGES) | set(API)) - set(routes))
    assert not missing, f"new endpoint without a rule in authz_rules.py: {missing}"
    assert not stale, f"rule for a URL that no longer exists: {stale}"


def test_every_rule_is_well_formed():
    for key, rule in PAGES.items():
        assert rule.get or rule.post, f"{key}: a rule must declare GET or POST"
    for key, rule in API.items():
        assert rule.get and not rule.post, f"{key}: an API rule declares its one method in `get`"
    for key, rule in {**PAGES, **API}.items():
        for expected in filter(None, (rule.get, rule.post)):
            tokens = expected.split()
            assert len(tokens) == len(ACTORS) and set(tokens) <= OUTCOMES, (key, expected)
            assert ("empty" in tokens) == bool(rule.marker), f"{key}: 'empty' needs a marker and the other way round"


def _marker(world, spec: str) -> str:
    name, *args = spec.split()
    if not args:
        return str(resolve_value(world, name))
    return reverse(name, kwargs={k: resolve_value(world, v) for k, v in (a.split("=", 1) for a in args)})


SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
STYLE = re.compile(r"<style\b([^>]*)>", re.I)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
HANDLER_ATTR = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
DATA_BLOCK = re.compile(r"""type=["']application/(ld\+)?json["']""", re.I)


def assert_csp_clean(response, label: str) -> None:
    """What the CSP (settings.SECURE_CSP: script-src/style-src 'self' + nonce) would block."""
    body = response.content.decode(errors="replace")
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src" in csp, f"{label}: HTML without a Content-Security-Policy"
    # Django puts the nonce in the header only when the page used it (htmx fragments do not).
    match = re.search(r"'nonce-([^']+)'", csp)
    nonce_attr = f'nonce="{match.group(1)}"' if match else None
    for attrs in SCRIPT.findall(body):
        if "src=" in attrs or DATA_BLOCK.search(attrs):  # JSON data blocks are never executed
            continue
        assert nonce_attr and nonce_attr in attrs, f"{label}: inline <script> without the response's nonce"
    for attrs in STYLE.findall(body):
        assert nonce_attr and nonce_attr in attrs, f"{label}: <style> without the response's nonce"
    assert not STYLE_ATTR.search(body), f"{label}: style attribute (blocked by style-src)"
    assert not HANDLER_ATTR.search(body), f"{label}: inline event handler (blocked by script-src)"
    assert "javascript:" not in body.lower(), f"{label}: javascript: URL"


@pytest.mark.parametrize(("key", "method", "actor", "expected"), CASES)
def test_access(world, db, key, method, actor, expected):
    w, sessions = world
    rule = PAGES.get(key) or API[key]
    url = url_for(w, key, rule.args, rule.query)
    response = request(client_for(sessions, actor), method, url, rule.body)
    got = outcome(response)
    if expected == "empty" and got == "ok":
        assert _marker(w, rule.marker) not in response.content.decode(errors="replace"), (
            f"{actor} sees an object out of their scope on {method} {url}")
        got = "empty"
    assert got == expected, f"{method} {url} as {actor}: expected {expected}, got {got} ({response.status_code})"
    if (method == "GET" and response.status_code == 200 and not hasattr(response, "streaming_content")
            and response.get("Content-Type", "").startswith("text/html")):
        assert_csp_clean(response, f"{url} as {actor}")


# --- CSRF: a logged-in browser's POST without the token is refused ------------------------------

CSRF_ACTOR = {"citizen", "officer", "admin"}


def _csrf_cases():
    for key, rule in PAGES.items():
        if not rule.post:
            continue
        allowed = [a for a, o in zip(ACTORS, rule.post.split(), strict=True) if o == "ok" and a in CSRF_ACTOR]
        if allowed:
            yield pytest.param(key, allowed[0], id=key)


@pytest.mark.parametrize(("key", "actor"), list(_csrf_cases()))
def test_csrf_is_enforced_on_forms(world, db, key, actor):
    """Forms an actor may post to: without the CSRF token the same POST is a 403. The exceptions
    are the endpoints documented as token-less (Open311 POST takes an api_key)."""
    w, sessions = world
    rule = PAGES[key]
    response = client_for(sessions, actor, enforce_csrf_checks=True).post(url_for(w, key, rule.args, rule.query), {})
    assert response.status_code == 403, f"{key}: POST without CSRF token as {actor} gave {response.status_code}"


def test_csrf_is_enforced_on_session_authenticated_api_writes(world, db):
    """The API accepts a browser session (accounts.auth.VerifiedSessionAuth): its writes need the
    CSRF token like any form; a Bearer token needs none."""
    w, sessions = world
    url = "/api/v1/procedures/manage/procedures/{}/versions".format(w["procedure"].pk)
    browser = client_for(sessions, "admin", enforce_csrf_checks=True)
    assert browser.post(url, {"change_note": "x"}, content_type="application/json").status_code == 403
    assert browser.post(url, {"change_note": "x"}, content_type="application/json",
                        HTTP_X_CSRFTOKEN="khong-hop-le").status_code == 403


def test_bearer_token_api_write_needs_no_csrf(world, db):
    w, sessions = world
    client = client_for({}, "anonymous", enforce_csrf_checks=True)
    response = client.post(f"/api/v1/questions/{w['question'].code}/own", {}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {w['api_key']}")
    assert response.status_code != 403 and response.status_code < 500, response.status_code


def test_admin_is_for_staff_only(world, db):
    """The one rule for /admin/ (excluded from the walk): staff get in, everyone else is sent to
    the admin login."""
    w, sessions = world
    for actor in ACTORS:
        response = client_for(sessions, actor).get("/admin/")
        if actor == "admin":
            assert response.status_code == 200, actor
        else:
            assert response.status_code == 302 and "/admin/login/" in response["Location"], actor
