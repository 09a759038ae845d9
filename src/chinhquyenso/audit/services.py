"""The audit API every service calls inside its transaction.

    with transaction.atomic():
        before = snapshot(obj)
        ...change obj...
        record("agency.update", obj, before=before, after=snapshot(obj))
"""

import datetime
import decimal
import uuid
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from chinhquyenso.core.context import current_actor

from . import chain
from .models import AuditEntry

SECRET_FIELDS = {"password", "totp_secret", "key_hash", "secret"}


def _jsonable(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, FieldFile):  # hasattr(.., "url") raises ValueError on an empty file
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict:
    """Concrete field values of obj (foreign keys as ids), secrets left out."""
    result = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in SECRET_FIELDS:
            continue
        result[field.attname] = _jsonable(getattr(obj, field.attname))
    return result


def diff(before: dict | None, after: dict | None) -> tuple[dict | None, dict | None]:
    """Keep only keys whose values changed, so history pages show what moved."""
    if not before or not after:
        return before, after
    keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def record(
    action: str,
    obj: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    actor=None,
    province_code: str = "",
) -> AuditEntry:
    """Append an audit entry. Must run inside the caller's transaction so the entry and the
    change commit or roll back together."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside transaction.atomic()")
    ctx = current_actor()
    if actor is not None:
        actor_id, actor_repr = actor.pk, str(actor)
    else:  # the request's user, named by the middleware: no extra query on every write
        actor_id, actor_repr = ctx.user_id, ctx.name or ctx.via
    before, after = diff(before, after)
    return append(
        actor_id=actor_id,
        actor_repr=actor_repr[:255],
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        via=ctx.via,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        before=before,
        after=after,
        province_code=province_code or getattr(obj, "province_code", "") or "",
    )


def append(**fields) -> AuditEntry:
    """Insert one entry with its content hash; seal it into the chain (chain.py). The timestamp is
    taken here, not by the database, because the hash covers it."""
    fields["at"] = timezone.now()
    fields["before"] = chain.json_value(fields.get("before"))
    fields["after"] = chain.json_value(fields.get("after"))
    entry = AuditEntry(**fields)
    entry.content_hash = chain.content_hash(fields)
    if not chain.seal_in_python():  # PostgreSQL: the deferred trigger seals at commit
        entry.save(force_insert=True)
        return entry
    entry.seq, entry.prev_hash, entry.hash = chain.next_link(entry.content_hash)
    entry.save(force_insert=True)
    chain.move_head(entry.seq, entry.hash, entry.pk)
    return entry


def record_event(action: str, *, object_type: str, object_id: str, object_repr: str = "", after: dict | None = None,
                 actor=None, province_code: str = "") -> AuditEntry:
    """An entry about something that is not one model row (a retention run, an export): same
    rules as record() — inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record_event() must be called inside transaction.atomic()")
    ctx = current_actor()
    actor_id, actor_repr = (actor.pk, str(actor)) if actor is not None else (ctx.user_id, ctx.name or ctx.via)
    return append(
        actor_id=actor_id, actor_repr=actor_repr[:255], ip=ctx.ip, user_agent=ctx.user_agent, via=ctx.via,
        action=action, object_type=object_type[:100], object_id=str(object_id)[:64], object_repr=object_repr[:255],
        before=None, after=after, province_code=province_code,
    )


def record_personal_data_view(obj: models.Model, fields: Iterable[str], *, actor, province_code: str = "") -> None:
    """An official saw unmasked personal data of `obj` (Law 91/2025/QH15 on personal data
    protection: processing of personal data is logged). Names the fields, never their values.
    Opens its own transaction: detail pages that reveal the data call it on GET."""
    with transaction.atomic():
        record("personal_data.viewed", obj, after={"fields": sorted(fields)}, actor=actor,
               province_code=province_code)
