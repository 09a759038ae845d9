"""Short-lived cache of the IOC page data (docs/adr/0010-ioc-rollups.md, "Page cache").

The IOC page polls every 60 s; operators leave it open on a wall screen. The data of one
(scope, period, ranked indicator, day) is kept for `IOC_CACHE_SECONDS` (default 60, the polling
interval) under a key that carries a *generation* number. `invalidate()` bumps the generation; it
runs after every rollup change (`dossiers.events.dossier_changed` → rollups.fold) and
after a plan or a rebuild changes, so a dossier change shows on the next poll. Field reports,
questions, documents and the procedure catalogue have no domain event yet: their figures are at
most 60 s old, and they are cached on their own (`cached_source`, no generation in the key), so the
render that follows a dossier change re-reads the rollups only.

With the default per-process LocMemCache the generation is per process, so another worker may
show data up to `IOC_CACHE_SECONDS` old; a shared cache (Redis, database) makes invalidation
global. `IOC_CACHE_SECONDS = 0` turns the cache off.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "dashboard:ioc:generation"


def timeout() -> int:
    return int(getattr(settings, "IOC_CACHE_SECONDS", 60))


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return int(value)


def invalidate() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value invalidates every key
        cache.set(GENERATION_KEY, 2, None)


def _kept(key: str, build: Callable):
    seconds = timeout()
    if seconds <= 0:
        return build()
    data = cache.get(key)
    if data is None:
        data = build()
        cache.set(key, data, seconds)
    return data


def cached(parts: tuple, build: Callable[[], dict]) -> dict:
    """`build()` once per generation and `timeout()` seconds for the key made of `parts`."""
    if timeout() <= 0:
        return build()
    return _kept("dashboard:ioc:" + ":".join(str(p) for p in (generation(), *parts)), build)


def cached_source(parts: tuple, build: Callable):
    """`build()` once per `timeout()` seconds for the key made of `parts`, whatever the generation:
    for the page's sources that no dossier event changes (indicators.Context, shared_sources)."""
    return _kept("dashboard:ioc:source:" + ":".join(str(p) for p in parts), build)
