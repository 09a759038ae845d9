"""Bring a dossier of a test World to a given status through the services (times from T0)."""

import datetime

from chinhquyenso.dossiers import services

from .factories import at, counter_dossier, online_dossier

T0 = at(2026, 3, 2, 9, 0)  # Monday


def t(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def new(w):
    return online_dossier(w, T0)


def received(w):
    return counter_dossier(w, T0)


def processing(w):
    d = received(w)
    return services.perform(d.pk, "transfer", actor=w.officer, at=t(10))


def at_approval(w):
    d = processing(w)
    return services.perform(d.pk, "forward", actor=w.specialist, at=t(20))


def finished(w):
    d = at_approval(w)
    return services.perform(d.pk, "approve", actor=w.leader, at=t(30))


def returned(w):
    d = finished(w)
    return services.perform(d.pk, "return_result", actor=w.officer, at=t(40))


def online_returned(w):
    d = new(w)
    for action, actor in (("receive", w.officer), ("transfer", w.officer), ("forward", w.specialist),
                          ("approve", w.leader), ("return_result", w.officer)):
        d = services.perform(d.pk, action, actor=actor, at=t(10 + len(d.log.all()) * 10))
    return d


def supplement(w):
    d = processing(w)
    return services.perform(d.pk, "request_supplement", actor=w.specialist, at=t(20),
                            items=["Bản sao giấy chứng sinh"], reason="Thiếu giấy chứng sinh")


def financial(w):
    d = processing(w)
    return services.perform(d.pk, "request_financial", actor=w.specialist, at=t(20),
                            obligations=[{"name": "Lệ phí trước bạ", "amount": 500000}])


STATES = {"new": new, "received": received, "processing": processing, "at_approval": at_approval,
          "finished": finished, "returned": returned, "online_returned": online_returned,
          "supplement": supplement, "financial": financial}
