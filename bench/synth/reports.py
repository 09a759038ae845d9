"""Field reports at the communes' coordinates with handled/on-time/rating mixes: 8% refused, 80%
of the rest handled (85% of those on time), 25% of handled rated (88% satisfied), 3% reopened."""

import datetime
import uuid

from chinhquyenso.feedback.models import Category, Report, Status

from .base import Context, bulk


def generate(ctx: Context, n: int, *, start_number: int = 1) -> int:
    r = ctx.rng
    categories = list(Category.objects.filter(province=ctx.province, kind="field"))
    if not categories:
        return 0
    rows = []
    now = datetime.datetime.combine(ctx.end, datetime.time(17), datetime.UTC)
    for i in range(n):
        unit, pc, _centre = ctx.communes[r.randrange(len(ctx.communes))]
        received = ctx.instant(ctx.weekday(), 6, 21)
        due = received + datetime.timedelta(days=r.choice([1, 7, 21]))
        rep = Report(number=f"SYN-{start_number + i:08d}", public_id=uuid.uuid4(), token=uuid.uuid4(),
                     province=ctx.province, commune=unit, category=r.choice(categories),
                     description="Phản ánh tổng hợp", latitude=unit.latitude, longitude=unit.longitude,
                     agency=pc, received_at=received, due_at=due, accepted_at=received + datetime.timedelta(hours=2))
        roll = r.random()
        if roll < 0.08:
            rep.status, rep.accepted_at = Status.REFUSED, None
        elif roll < 0.08 + 0.92 * 0.8:
            on_time = r.random() < 0.85
            handled = received + (due - received) * r.uniform(0.2, 0.95) if on_time else due + datetime.timedelta(days=r.randint(1, 10))
            if handled < now:
                rep.status, rep.handled_at, rep.handled_on_time = Status.PUBLISHED, handled, handled <= due
                rep.published_at, rep.is_public = handled, True
                if r.random() < 0.25:
                    rep.satisfied, rep.rated_at = r.random() < 0.88, handled
                rep.reopen_count = 1 if r.random() < 0.03 else 0
            else:
                rep.status = Status.IN_PROGRESS
        else:
            rep.status = Status.IN_PROGRESS
        rows.append(rep)
    bulk(Report, rows)
    return n
