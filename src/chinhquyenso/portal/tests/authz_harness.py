"""Shared by the authorization matrix and the API fuzzing tests: one world per test module, built
once inside an outer transaction (rolled back at the end of the module), and logged-in clients."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from chinhquyenso.accounts.twofactor import SESSION_VERIFIED

from .authz_world import VERIFIED, build

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def module_world(django_db_blocker, media_root):
    """Generator for a module-scoped fixture: yields (world, session keys by actor)."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHER):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build()
            sessions = {name: _session_for(user, name in VERIFIED) for name, user in world.users.items() if user}
            yield world, sessions
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _session_for(user, verified: bool) -> str:
    """A signed-in session as django.contrib.auth.login leaves it (plus the passed TOTP step)."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if verified:
        store[SESSION_VERIFIED] = user.pk
    store.save()
    return store.session_key


def client_for(sessions: dict, actor: str, **kwargs) -> Client:
    client = Client(**kwargs)
    if actor in sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = sessions[actor]
    return client


LOGIN_PATH = None


def outcome(response) -> str:
    """The class of a response: ok, login, 401, 403, 404, 405, 429 or 5xx."""
    global LOGIN_PATH  # resolved once, after the URLconf is loaded
    if LOGIN_PATH is None:
        LOGIN_PATH = reverse("accounts:login")
    code = response.status_code
    if hasattr(response, "streaming_content"):
        response.close()
    if code in (301, 302, 303, 307) and response["Location"].split("?")[0] == LOGIN_PATH:
        return "login"
    if code in (401, 403, 404, 405, 429) or code >= 500:
        return str(code)
    return "ok"


def request(client: Client, method: str, url: str, body=None):
    if method == "GET":
        return client.get(url)
    if body is not None:
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    if method == "POST":
        return client.post(url, {})
    return client.generic(method, url)
