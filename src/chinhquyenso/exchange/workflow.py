"""The two state machines of the exchange, as tables.

1. DELIVERY: the life of one package on our side (queued → sending → sent → acknowledged, with
   failed/given_up and the clerk's retry; incoming: received → processed, or rejected).
2. REMOTE: what the other side reports about a document, by status code (vn-regulations §4.1,
   QCVN 102:2016): the processing chain 01 → 03 → 04 → 05 → 06 only moves forward (a 01 that
   arrives after the 03 is recorded in history but changes nothing); 02 (refused) ends the chain
   from 01 or nothing; 13 (recall requested) can interrupt any non-final state and is answered by
   15 (agreed: final) or 16 (refused: back to the state before 13)."""

from __future__ import annotations

from dataclasses import dataclass

from .edxml import names
from .models import MessageStatus as S

# (from, to): who may make it. "system" = workers/receivers; "clerk" = a person on a page/API.
DELIVERY: dict[tuple[str, str], str] = {
    (S.QUEUED, S.SENDING): "system",
    (S.FAILED, S.SENDING): "system",
    (S.SENDING, S.SENT): "system",
    (S.SENDING, S.FAILED): "system",
    (S.SENDING, S.GIVEN_UP): "system",
    (S.SENT, S.ACKNOWLEDGED): "system",
    (S.FAILED, S.QUEUED): "clerk",  # "retry now" instead of waiting for the back-off
    (S.GIVEN_UP, S.QUEUED): "clerk",
    (S.RECEIVED, S.PROCESSED): "system",
    (S.RECEIVED, S.REJECTED): "system",
}

RETRYABLE = (S.FAILED, S.GIVEN_UP)
CLAIMABLE = (S.QUEUED, S.FAILED)

# The forward-only processing chain and each code's rank in it.
CHAIN = {
    "": 0,
    names.STATUS_RECEIVED: 1,
    names.STATUS_REGISTERED: 2,
    names.STATUS_ASSIGNED: 3,
    names.STATUS_PROCESSING: 4,
    names.STATUS_DONE: 5,
}
FINAL = {names.STATUS_REFUSED, names.STATUS_RECALL_AGREED}
# Codes the RECIPIENT of a document sends back to its sender, and the ones the SENDER sends.
FROM_RECIPIENT = set(CHAIN) - {""} | {names.STATUS_REFUSED, names.STATUS_RECALL_AGREED, names.STATUS_RECALL_REFUSED}
FROM_SENDER = {names.STATUS_RECALL}


def can_move(current: str, target: str, *, by: str = "system") -> bool:
    """Whether `by` ("system" or "clerk") may move a message from `current` to `target`. The system
    may make any move of the table; a clerk only the ones marked "clerk"."""
    who = DELIVERY.get((current, target))
    return who is not None and (by == "system" or who == by)


@dataclass(frozen=True)
class RemoteMove:
    status: str
    before_recall: str
    moved: bool


def next_remote(current: str, code: str, before_recall: str = "") -> RemoteMove:
    """Apply a status code to a document's state at the other side."""
    stay = RemoteMove(current, before_recall, False)
    if current in FINAL:
        return stay
    if code == names.STATUS_RECALL:
        if current == names.STATUS_RECALL or current == names.STATUS_DONE:
            return stay  # nothing to recall once done [I]; a second 13 changes nothing
        return RemoteMove(code, current, True)
    if current == names.STATUS_RECALL:
        if code == names.STATUS_RECALL_AGREED:
            return RemoteMove(code, "", True)
        if code == names.STATUS_RECALL_REFUSED:
            return RemoteMove(before_recall, "", True)
        if code in CHAIN and CHAIN[code] > CHAIN.get(before_recall, 0):
            return RemoteMove(current, code, False)  # progress while the recall is pending
        return stay
    if code == names.STATUS_REFUSED:
        return RemoteMove(code, "", True) if CHAIN.get(current, 99) <= CHAIN[names.STATUS_RECEIVED] else stay
    if code in CHAIN and CHAIN[code] > CHAIN.get(current, 0):
        return RemoteMove(code, "", True)
    return stay
