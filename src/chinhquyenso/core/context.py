"""Who is acting and from where, for the current request or task (read by audit)."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    name: str = ""  # how the audit trail names the user, captured where the user is already loaded
    ip: str = ""
    user_agent: str = ""
    via: str = "system"  # web, api, admin, task, command, system


_current: ContextVar[Actor] = ContextVar("chinhquyenso_actor", default=Actor())  # noqa: B039 — Actor is frozen


def current_actor() -> Actor:
    return _current.get()


def set_actor(actor: Actor):
    """Returns a token for reset_actor(); use as a pair around a unit of work."""
    return _current.set(actor)


def reset_actor(token) -> None:
    _current.reset(token)


def client_ip(request) -> str:
    from django.conf import settings

    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()[:45]
    return request.META.get("REMOTE_ADDR", "")[:45]
