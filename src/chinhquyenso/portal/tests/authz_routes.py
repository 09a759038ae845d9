"""Walks the URL configuration: every page route (by URL name) and every JSON API operation
(by "METHOD /api/v1/path"), admin excluded, and turns a rule's arguments into a concrete URL."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

API_PREFIX = "api/v1/"
# The Django admin has its own permission system (is_staff + model permissions); one rule covers it.
# "media/" is django.views.static.serve, added only when settings.DEBUG is true at the moment the
# URLconf is first imported (chinhquyenso/urls.py): a development convenience that production
# (DEBUG off, files behind the storage) never has, and whose presence in a test run depends on
# which test imported the URLconf first.
EXCLUDED_PREFIXES = ("admin/", "media/")


@dataclass(frozen=True)
class Route:
    key: str  # URL name ("dossiers:mine_detail") or API operation ("GET /api/v1/dossiers/{dossier_id}")
    methods: tuple[str, ...]  # HTTP methods the route answers (pages: from the rule; API: the operation's)
    path: str  # the pattern, for messages


def _api_path(pattern: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(filter(None, [namespace, p.namespace])) if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace, p


def discover() -> dict[str, Route]:
    """Every route of chinhquyenso.urls, keyed as the rules table is."""
    routes: dict[str, Route] = {}
    for pattern, namespace, p in _walk(get_resolver().url_patterns):
        if pattern.startswith(EXCLUDED_PREFIXES):
            continue
        if pattern.startswith(API_PREFIX):
            closure = getattr(p.callback, "__closure__", None) or ()
            path_view = next((c.cell_contents for c in closure if hasattr(c.cell_contents, "operations")), None)
            if path_view is not None:
                for operation in path_view.operations:
                    for method in operation.methods:
                        key = f"{method} {_api_path(pattern)}"
                        routes[key] = Route(key, (method,), pattern)
                continue
        name = f"{namespace}:{p.name}" if namespace and p.name else p.name
        if not name:
            raise AssertionError(f"URL pattern without a name cannot have a rule: {pattern}")
        routes[name] = Route(name, (), pattern)
    return routes


def resolve_value(world, spec):
    """'dossier' → the object's pk; 'question.code' → an attribute; "'x'" or an int → literal."""
    if isinstance(spec, int):
        return spec
    if spec.startswith("'"):
        return spec.strip("'")
    name, _, attr = spec.partition(".")
    value = world[name]
    if attr:
        for part in attr.split("."):
            value = getattr(value, part)
        return value
    return getattr(value, "pk", value)


def url_for(world, key: str, args: dict, query: str = "") -> str:
    values = {k: resolve_value(world, v) for k, v in args.items()}
    # An API operation is "METHOD /api/v1/…{param}"; a page, a URL name.
    url = key.split(" ", 1)[1].format(**values) if key[:1].isupper() else reverse(key, kwargs=values)
    if query:  # "{name}" in a query string names a world object too
        query = re.sub(r"\{([\w.]+)\}", lambda m: str(resolve_value(world, m.group(1))), query)
    return url + (f"?{query}" if query else "")
