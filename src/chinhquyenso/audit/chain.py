"""The hash chain that makes the audit trail tamper-evident (docs/adr/0013-audit-hash-chain.md).

Two hashes per entry:

- ``content_hash`` = SHA-256 of the entry's canonical JSON (every stored field except the chain
  columns), computed in Python when the entry is written;
- ``hash`` = SHA-256 of ``"cqs-audit-v1|<seq>|<prev_hash>|<content_hash>"`` — the link. ``seq`` is
  the entry's position (1, 2, 3, …) and ``prev_hash`` the previous entry's ``hash`` (64 zeros for
  the first).

The link is deliberately a hash over three short strings, so PostgreSQL can compute it with its
built-in ``sha256()`` in the deferred trigger that seals entries at commit (migration 0004), and
Python computes the same for SQLite and for verification. Changing any field changes the content
hash; deleting an entry leaves a gap in ``seq`` and a ``prev_hash`` that points at nothing; cutting
the tail is caught by the chain head (the last seq and hash), and rewriting everything by an
anchor printed earlier (``audit_verify --anchor`` / ``--expect``).
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
VERSION = "cqs-audit-v1"
# The fields the content hash covers, in the order they are read from the database.
CONTENT_FIELDS = (
    "at", "actor_id", "actor_repr", "ip", "user_agent", "via", "action", "object_type", "object_id",
    "object_repr", "before", "after", "province_code",
)


def _normalize(value):
    """JSON values as they come back from either database: integral floats become ints (jsonb
    prints 1e20 as an integer), keys are strings (json.dumps turns 1 into "1")."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalize(v) for v in value]
    return value


def json_value(value):
    """The value a JSONField stores and returns for `value` (round trip, then normalized)."""
    if value is None:
        return None
    return _normalize(json.loads(json.dumps(value)))


def _timestamp(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(fields: dict) -> bytes:
    """Stable JSON of an entry's content: sorted keys, no spaces, UTF-8, timestamps in UTC with
    microseconds."""
    data = {name: fields[name] for name in CONTENT_FIELDS}
    data["at"] = _timestamp(data["at"])
    data["before"] = _normalize(data["before"])
    data["after"] = _normalize(data["after"])
    data["v"] = VERSION
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def content_hash(fields: dict) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


def link_hash(seq: int, prev_hash: str, content: str) -> str:
    return hashlib.sha256(f"{VERSION}|{seq}|{prev_hash}|{content}".encode()).hexdigest()


# --- sealing (SQLite; PostgreSQL seals in its deferred trigger) ---------------------------------


def seal_in_python() -> bool:
    """PostgreSQL seals at commit in the database (migration 0004), so the head row is locked only
    for the commit; SQLite already serializes writers for the whole transaction (transaction_mode
    IMMEDIATE), so sealing at insert costs nothing more there."""
    return connection.vendor != "postgresql"


def next_link(content: str) -> tuple[int, str, str]:
    """Take the next position of the chain for an entry with this content hash: (seq, prev_hash,
    hash). Locks (SQLite: writes) the head row, so it must run inside the entry's transaction."""
    from .models import ChainHead

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_chainhead SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
        row = cursor.fetchone()
        if row is None:  # the head was flushed with the table (tests) or never created
            ChainHead.objects.bulk_create([_head_from_entries()], ignore_conflicts=True)
            cursor.execute("UPDATE audit_chainhead SET seq = seq + 1 WHERE id = 1 RETURNING seq, last_hash")
            row = cursor.fetchone()
    seq, prev = row
    return seq, prev, link_hash(seq, prev, content)


def move_head(seq: int, digest: str, entry_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_chainhead SET last_hash = %s, last_entry_id = %s WHERE id = 1 AND seq = %s",
            [digest, entry_id, seq],
        )


def _head_from_entries():
    from .models import AuditEntry, ChainHead

    last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values("seq", "hash", "id").first()
    if last is None:
        return ChainHead(pk=1, seq=0, last_hash=GENESIS, last_entry_id=None)
    return ChainHead(pk=1, seq=last["seq"], last_hash=last["hash"], last_entry_id=last["id"])


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first place where the chain does not hold."""

    entry_id: int | None
    seq: int | None
    problem: str
    expected: str
    found: str


@dataclass
class Result:
    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: Break | None = None


def _rows(batch_size: int, after_seq: int) -> Iterator[dict]:
    """Sealed entries in chain order, one keyset-paginated batch at a time: memory stays at one
    batch however long the trail is."""
    from .models import AuditEntry

    columns = ("id", "seq", "prev_hash", "hash", "content_hash", *CONTENT_FIELDS)
    while True:
        batch = list(
            AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq").values(*columns)[:batch_size]
        )
        if not batch:
            return
        yield from batch
        after_seq = batch[-1]["seq"]


def verify(*, batch_size: int = 2000, expect: tuple[int, str] | None = None) -> Result:
    """Walk the whole chain and return the first break (or none). `expect` is an anchor (seq,
    hash) recorded earlier: the entry at that position must still carry that hash.

    No long transaction: the head is read first, then the entries batch by batch. Every entry
    committed before the head was read has a seq up to the head's, so the walk must reach the
    head's position and find the head's hash there; entries committed meanwhile come after it and
    are checked like the others."""
    from .models import AuditEntry, ChainHead

    result = Result()
    head = ChainHead.objects.filter(pk=1).values("seq", "last_hash").first()
    prev_hash, expected_seq = GENESIS, 1
    for row in _rows(batch_size, 0):
        broken = _check(row, expected_seq, prev_hash)
        if broken is None and expect is not None and row["seq"] == expect[0] and row["hash"] != expect[1]:
            broken = Break(row["id"], row["seq"], "anchor", expect[1], row["hash"])
        if broken is None and head is not None and row["seq"] == head["seq"] and row["hash"] != head["last_hash"]:
            broken = Break(row["id"], row["seq"], "head", head["last_hash"], row["hash"])
        if broken is not None:
            result.broken = broken
            return result
        result.checked += 1
        prev_hash, expected_seq = row["hash"], row["seq"] + 1
    result.head_seq, result.head_hash = expected_seq - 1, prev_hash
    if head is None:
        if result.checked:
            result.broken = Break(None, None, "head_missing", f"{result.head_seq}:{prev_hash}", "")
    elif head["seq"] > result.head_seq:  # entries cut from the end
        result.broken = Break(None, head["seq"], "tail", f"{head['seq']}:{head['last_hash']}",
                              f"{result.head_seq}:{prev_hash}")
    if result.broken is None and expect is not None and expect[0] > result.head_seq:
        result.broken = Break(None, expect[0], "anchor_missing", expect[1], "")
    if result.broken is None:
        unsealed = AuditEntry.objects.filter(seq__isnull=True).order_by("id").values_list("id", flat=True).first()
        if unsealed is not None:
            result.broken = Break(unsealed, None, "unsealed", "seq", "")
    return result


def _check(row: dict, expected_seq: int, prev_hash: str) -> Break | None:
    if row["seq"] != expected_seq:
        return Break(row["id"], row["seq"], "gap", str(expected_seq), str(row["seq"]))
    if row["prev_hash"] != prev_hash:
        return Break(row["id"], row["seq"], "prev_hash", prev_hash, row["prev_hash"])
    content = content_hash(row)
    if row["content_hash"] != content:
        return Break(row["id"], row["seq"], "content", content, row["content_hash"])
    link = link_hash(row["seq"], prev_hash, content)
    if row["hash"] != link:
        return Break(row["id"], row["seq"], "hash", link, row["hash"])
    return None
