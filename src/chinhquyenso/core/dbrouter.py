"""Read replica routing, explicit: only code that says `use_replica()` reads from the replica.

With DATABASE_REPLICA_URL set, settings adds DATABASES["replica"] (a streaming replica of the
primary). The IOC pages and the search pages (questions, documents, procedure catalogue) wrap
themselves in `use_replica()` / `@replica_reads`; their reads then go to the replica, which
takes the heaviest read load off the primary. Everything else reads from "default".

Inside a replica scope the primary still serves:
- every write (db_for_write), and every read after the scope's first write (read your writes);
- every read inside `transaction.atomic()` on the primary (select_for_update, a read that
  decides a write, a read after an uncommitted write);
so the replica is never asked for something that must be current. A replica lags the primary by
a little (usually well under a second): a page that must show the user's own change at once does
not use it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import ContextDecorator
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"


@dataclass
class _Scope:
    wrote: bool = False


_scope: ContextVar[_Scope | None] = ContextVar("chinhquyenso_replica_scope", default=None)


class use_replica(ContextDecorator):  # noqa: N801 — reads like the context manager it is
    """`with use_replica(): ...` or `@use_replica()`: reads in the block may go to the replica."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._tokens: list = []

    def _recreate_cm(self):
        # A decorated view runs in many threads at once: each call gets its own token.
        return type(self)(self.enabled)

    def __enter__(self):
        self._tokens.append(_scope.set(_Scope() if self.enabled else None))
        return self

    def __exit__(self, *exc) -> None:
        _scope.reset(self._tokens.pop())


def replica_reads(view: Callable | None = None, *, when: Callable[..., bool] | None = None):
    """View decorator: the view (and the template rendering inside it) reads from the replica,
    for every request or only when `when(request, *args, **kwargs)` is true."""

    def decorate(func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            enabled = request.method in ("GET", "HEAD") and (when is None or when(request, *args, **kwargs))
            with use_replica(enabled):
                return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


def read_connection(model):
    """The connection that reads `model` now: for raw SQL (a cursor on `django.db.connection`
    would bypass the router and always read the primary)."""
    from django.db import router

    return connections[router.db_for_read(model) or DEFAULT_DB_ALIAS]


def replica_configured() -> bool:
    return REPLICA in connections.settings


def in_replica_scope() -> bool:
    scope = _scope.get()
    return scope is not None and not scope.wrote


class ReplicaRouter:
    """settings.DATABASE_ROUTERS. Returns None ("no opinion" = default) outside a replica scope."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or scope.wrote or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None
        return REPLICA

    def db_for_write(self, model, **hints):
        scope = _scope.get()
        if scope is not None:
            scope.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None
