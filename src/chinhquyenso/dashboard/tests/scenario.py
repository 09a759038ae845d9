"""A scripted March 2026 history through dossiers.services with real dates (legal time 3 working
days; Mon 2/3/2026). The expected figures are worked out by hand in test_indicators.py."""

from chinhquyenso.dossiers import services
from chinhquyenso.dossiers.tests.factories import at, counter_dossier, online_dossier


def run(w, *, with_supply=True):
    """Returns the dossiers by letter:
    A counter, received 2/3 09:00, finished 3/3 → on time; returned, rated "not satisfied".
    B counter, received 2/3, supplement requested twice (2/3, 4/3), finished 5/3 → LATE (2nd request).
    C counter, received 2/3, supplement 2/3 10:00 → supplied 9/3 10:00, finished 10/3 → on time
      (waiting time subtracted).
    D counter, received 2/3, transferred, never finished → at 31/3 past its due 5/3: overdue.
    E counter, received 30/3 (due 2/4) → unfinished but within the deadline at 31/3.
    F online, submitted 2/3 09:00, received 09:30, supplement requested 10:00 and pending → ended at
      the request (on time).
    """
    out = {}

    def flow(d, *steps):
        for action, actor, when, payload in steps:
            d = services.perform(d.pk, action, actor=actor, at=when, **payload)
        return d

    sup = {"items": ["Bản sao giấy chứng sinh"], "reason": "Thiếu giấy tờ"}
    a = counter_dossier(w, at(2026, 3, 2, 9, 0))
    out["A"] = flow(a, ("transfer", w.officer, at(2026, 3, 2, 9, 10), {}),
                    ("forward", w.specialist, at(2026, 3, 2, 14, 0), {}),
                    ("approve", w.leader, at(2026, 3, 3, 10, 0), {"results": [{"name": "Giấy khai sinh",
                                                                             "electronic": True}]}),
                    ("return_result", w.officer, at(2026, 3, 3, 15, 0), {}))
    b = counter_dossier(w, at(2026, 3, 2, 9, 5))
    out["B"] = flow(b, ("transfer", w.officer, at(2026, 3, 2, 9, 15), {}),
                    ("request_supplement", w.specialist, at(2026, 3, 2, 10, 0), sup),
                    ("supply", w.officer, at(2026, 3, 3, 9, 0), {}),
                    ("request_supplement", w.specialist, at(2026, 3, 4, 9, 0), sup),
                    ("supply", w.officer, at(2026, 3, 4, 15, 0), {}),
                    ("forward", w.specialist, at(2026, 3, 5, 9, 0), {}),
                    ("approve", w.leader, at(2026, 3, 5, 10, 0), {}))
    c = counter_dossier(w, at(2026, 3, 2, 9, 20))
    steps = [("transfer", w.officer, at(2026, 3, 2, 9, 30), {}),
             ("request_supplement", w.specialist, at(2026, 3, 2, 10, 0), sup)]
    if with_supply:
        steps += [("supply", w.officer, at(2026, 3, 9, 10, 0), {}),
                  ("forward", w.specialist, at(2026, 3, 10, 9, 0), {}),
                  ("approve", w.leader, at(2026, 3, 10, 10, 0), {})]
    out["C"] = flow(c, *steps)
    d = counter_dossier(w, at(2026, 3, 2, 9, 40))
    out["D"] = flow(d, ("transfer", w.officer, at(2026, 3, 2, 9, 50), {}))
    out["E"] = counter_dossier(w, at(2026, 3, 30, 9, 0))
    f = online_dossier(w, at(2026, 3, 2, 9, 0))
    out["F"] = flow(f, ("receive", w.officer, at(2026, 3, 2, 9, 30), {}),
                    ("request_supplement", w.officer, at(2026, 3, 2, 10, 0), sup))
    return out

