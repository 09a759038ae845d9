"""BM.05 Phiếu kiểm soát quá trình giải quyết hồ sơ: one row per hand-off of the process log.

A row hands the dossier from the giver (actor) to the receiver at `started_at`; the receiver must
finish by `due_at` (the step budget); their work ends when the next row starts. The result column
(kết quả: trước hạn / đúng hạn / quá hạn, vn-regulations §2.3 [V]) judges that work:

- quá hạn (late): it ended after `due_at`, or it has not ended and `now` is already past `due_at`;
- đúng hạn (on time): it ended on the due date itself (Vietnam time), not after the due instant;
- trước hạn (early): it ended on an earlier date than the due date.

The day granularity of "early" is [I] (the forms do not define it; provincial systems print
"trước hạn" when a step is finished at least one day early). Rows without a due time (the final
return, a withdrawal) and the open last row that is not yet late get no result."""

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils import timezone

EARLY = "early"
ON_TIME = "on_time"
LATE = "late"

LABELS = {EARLY: "Trước hạn", ON_TIME: "Đúng hạn", LATE: "Quá hạn"}


@dataclass(frozen=True)
class Handoff:
    seq: int
    giver: str
    receiver: str
    content: str
    started_at: datetime.datetime
    due_at: datetime.datetime | None
    ended_at: datetime.datetime | None
    result: str | None

    @property
    def result_label(self) -> str:
        return LABELS.get(self.result or "", "")


def judge(ended_at: datetime.datetime | None, due_at: datetime.datetime | None,
          now: datetime.datetime) -> str | None:
    if due_at is None:
        return None
    if ended_at is None:
        return LATE if now > due_at else None
    if ended_at > due_at:
        return LATE
    if timezone.localtime(ended_at).date() < timezone.localtime(due_at).date():
        return EARLY
    return ON_TIME


def handoff_results(log_rows: Sequence[Mapping], *, now: datetime.datetime | None = None,
                    closed: bool = False) -> list[Handoff]:
    """Pure function over the log rows in order (mappings with seq, giver, receiver, content,
    started_at, due_at). `closed`: the dossier is finished, so the last row's work has ended at
    its own start (nothing is pending after a closing hand-off)."""
    now = now or timezone.now()
    rows = list(log_rows)
    out: list[Handoff] = []
    for i, row in enumerate(rows):
        last = i + 1 == len(rows)
        ended = (row["started_at"] if closed else None) if last else rows[i + 1]["started_at"]
        due = row.get("due_at")
        result = None if (closed and i + 1 == len(rows)) else judge(ended, due, now)
        out.append(Handoff(
            seq=row.get("seq", i + 1), giver=row.get("giver", ""), receiver=row.get("receiver", ""),
            content=row.get("content", ""), started_at=row["started_at"], due_at=due,
            ended_at=ended, result=result,
        ))
    return out


def log_rows(entries: Iterable) -> list[dict]:
    """ProcessLogEntry rows → the mappings handoff_results takes (names as copied in the log)."""
    rows = []
    for e in entries:
        giver = ", ".join(x for x in (e.actor_name, e.actor_title, e.department_name) if x)
        receiver_agency = e.receiver_agency.name if e.receiver_agency_id else ""
        receiver = ", ".join(x for x in (e.receiver_name, receiver_agency) if x)
        rows.append({
            "seq": e.seq, "giver": giver, "receiver": receiver, "content": e.content,
            "started_at": e.started_at, "due_at": e.due_at,
        })
    return rows
