"""Which records' histories a user may read.

Each app registers its models with the function that answers "which rows may this user see"
(its scoped queryset). The history page then shows a record's trail only if that queryset holds
the record — the same rule as the record's own pages, never a second, looser one."""

from collections.abc import Callable

from django.db.models import Model, QuerySet

VisibleFn = Callable[[object], QuerySet]
_registry: dict[str, VisibleFn] = {}


def register(model: type[Model], visible: VisibleFn) -> None:
    _registry[model._meta.label_lower] = visible


def visible_queryset(object_type: str, user) -> QuerySet | None:
    """The scoped queryset for `object_type` ("app_label.model"), or None if not registered."""
    fn = _registry.get(object_type)
    return fn(user) if fn is not None else None


def registered_types() -> list[str]:
    return sorted(_registry)
